namespace HeapNotebook.Heap.Pacing;

/// <summary>
/// Go's GC CPU limiter (runtime/mgclimit.go, Go 1.19 and later), which keeps a memory limit the
/// live heap cannot fit under from turning into a death spiral of back-to-back cycles whose
/// assists leave the program no time to run.
///
/// A leaky bucket fills with GC CPU time and drains with mutator CPU time, unweighted, so it
/// fills only while the GC takes more than half the CPU. Its capacity is one CPU-second per
/// GOMAXPROCS: the GC may run over half for that long before the limiter acts. While the bucket
/// is full the limiter is on and allocating goroutines do not assist (their debt waits until it
/// is off again); the background workers keep their 25 %, so the cycle still ends, later, with
/// the heap further past its goal. Any time the mutator gains turns the limiter off again.
///
/// The accounting follows Go's update: over a window of wall time, the CPU time is the window
/// times GOMAXPROCS less the time idle mark workers ran (they soak up idle procs); GC time is the
/// assist time plus, while marking, 25 % of the CPU time; the rest is the mutator's. A stop-the-
/// world pause counts all of its procs as GC time. All times are virtual picoseconds.
/// </summary>
internal sealed class GcCpuLimiter
{
    /// <summary>Go's capacityPerProc: one second of CPU time for each proc, in picoseconds.</summary>
    public const long CapacityPerProcPs = 1_000_000_000_000;

    /// <summary>Go's gcCPULimiterUpdatePeriod: outside a transition, the bucket is brought up to date at most this far apart (10 ms).</summary>
    public const long UpdatePeriodPs = 10_000_000_000;

    private readonly int _procs;
    private long _assistPoolPs;
    private long _idleMarkPoolPs;
    private bool _gcEnabled;

    /// <summary>A limiter for a heap whose clock starts at 0, with an empty bucket.</summary>
    public GcCpuLimiter(int procs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(procs, 1);
        _procs = procs;
        CapacityPs = procs * CapacityPerProcPs;
    }

    public long CapacityPs { get; }

    /// <summary>GC CPU time in the bucket (0 to <see cref="CapacityPs"/>).</summary>
    public long FillPs { get; private set; }

    /// <summary>GC CPU time that arrived while the bucket was full: what the limiter kept the GC from taking beyond it.</summary>
    public long OverflowPs { get; private set; }

    /// <summary>True while the bucket is full: assists are off.</summary>
    public bool Limiting { get; private set; }

    /// <summary>How many times the limiter turned on.</summary>
    public int TimesEnabled => _onSpells.Count;

    private readonly List<(long StartPs, long EndPs)> _onSpells = [];

    /// <summary>When the limiter was on, in time order: each turn-on's update to the turn-off's (-1 while still on).</summary>
    public IReadOnlyList<(long StartPs, long EndPs)> OnSpells => _onSpells;

    public long LastUpdatePs { get; private set; }

    /// <summary>Go's addAssistTime: assist time (mark work and the time its goroutine waited) counted at the next update.</summary>
    public void AddAssistTime(long ps) => _assistPoolPs += ps;

    /// <summary>Go's addIdleMarkTime: idle mark worker time, taken out of the CPU time at the next update.</summary>
    public void AddIdleMarkTime(long ps) => _idleMarkPoolPs += ps;

    /// <summary>Go's needUpdate: true when the last update is more than <see cref="UpdatePeriodPs"/> ago.</summary>
    public bool NeedsUpdate(long nowPs) => nowPs - LastUpdatePs > UpdatePeriodPs;

    /// <summary>Go's updateLocked: accounts the window since the last update.</summary>
    public void Update(long nowPs)
    {
        if (nowPs < LastUpdatePs)
        {
            return;
        }

        var totalPs = AllProcs(nowPs - LastUpdatePs);
        LastUpdatePs = nowPs;
        var gcPs = _assistPoolPs;
        if (_gcEnabled)
        {
            gcPs += (long)(totalPs * GoPacer.BackgroundUtilization);
        }

        // Idle mark time comes out after the background share is taken: that share is of the real total.
        totalPs -= _idleMarkPoolPs;
        _assistPoolPs = _idleMarkPoolPs = 0;
        Accumulate(totalPs - gcPs, gcPs, nowPs);
    }

    /// <summary>Go's startGCTransition, at the start of a stop-the-world pause that turns marking on or off.</summary>
    public void StartGcTransition(bool enableGc, long nowPs)
    {
        Update(nowPs);
        _gcEnabled = enableGc;
    }

    /// <summary>Go's finishGCTransition, at the end of the pause: every proc's time in it was the GC's.</summary>
    public void FinishGcTransition(long nowPs)
    {
        if (nowPs >= LastUpdatePs)
        {
            Accumulate(0, AllProcs(nowPs - LastUpdatePs), nowPs);
        }

        LastUpdatePs = nowPs;
    }

    /// <summary>CPU time of every proc over a window (saturating: a window of virtual hours on many procs stays a long).</summary>
    private long AllProcs(long windowPs) => windowPs > long.MaxValue / 4 / _procs ? long.MaxValue / 4 : windowPs * _procs;

    /// <summary>Go's accumulate, at <paramref name="nowPs"/>: the bucket takes the GC time's excess over the mutator's (or gives back the mutator's excess); full means limiting.</summary>
    internal void Accumulate(long mutatorPs, long gcPs, long nowPs)
    {
        var headroom = CapacityPs - FillPs;
        var wasLimiting = headroom == 0;
        var change = gcPs - mutatorPs;
        if (change > 0 && headroom <= change)
        {
            OverflowPs += change - headroom;
            FillPs = CapacityPs;
            if (!wasLimiting)
            {
                Limiting = true;
                _onSpells.Add((nowPs, -1));
            }

            return;
        }

        FillPs = Math.Max(0, FillPs + change);
        if (change != 0 && wasLimiting)
        {
            Limiting = false;
            _onSpells[^1] = (_onSpells[^1].StartPs, nowPs);
        }
    }
}
