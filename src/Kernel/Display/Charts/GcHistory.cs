using HeapNotebook.Heap;
using HeapNotebook.Heap.Telemetry;

namespace HeapNotebook.Kernel.Display.Charts;

/// <summary>One stop-the-world phase of a cycle, in virtual (or, for a real trace, wall-clock) nanoseconds.</summary>
internal sealed record ChartPause(GcPhase Phase, long StartNs, long DurationNs)
{
    public long EndNs => StartNs + DurationNs;
}

/// <summary>A collection cycle as the charts draw it, from a simulated heap or from a real program's gctrace.</summary>
internal sealed record ChartCycle(
    int Number,
    GcKind Kind,
    GcTrigger Trigger,
    long StartNs,
    long MarkEndNs,
    long EndNs,
    IReadOnlyList<ChartPause> Pauses,
    long HeapStartBytes,
    long HeapMarkEndBytes,
    long HeapMarkedBytes,
    long? HeapAfterBytes,
    long? GoalBytes,
    long? NextGoalBytes,
    IReadOnlyList<CollectorInterval> CollectorIntervals,
    long? SweepEndNs = null)
{
    public long PauseNs => Pauses.Sum(pause => pause.DurationNs);
}

/// <summary>
/// The cycles of one heap or one imported trace, with what is known of now: the charts of
/// #!heap pauses, timeline and mmu are drawn from this, so a real trace looks like a simulated one.
/// </summary>
internal sealed record GcHistory(string Title, IReadOnlyList<ChartCycle> Cycles, long NowNs, long? HeapNowBytes, long? GoalNowBytes, bool Imported)
{
    /// <summary>When Go's GC CPU limiter was on (start and end ns; a spell still running ends now); none for a real trace, whose gctrace does not say.</summary>
    public IReadOnlyList<(long StartNs, long EndNs)> LimiterSpells { get; init; } = [];

    /// <summary>When a triggered stop-the-world cycle waited for the limiter's bucket to have room (a wait still running ends now).</summary>
    public IReadOnlyList<(long StartNs, long EndNs)> LimiterWaits { get; init; } = [];

    /// <summary>What the times are: virtual for the simulator, wall-clock for a real program.</summary>
    public string TimeKind => Imported ? "wall-clock" : "virtual";

    public static GcHistory Of(string name, SimulatedHeap heap)
    {
        var cycles = heap.Cycles.Select(cycle =>
        {
            var markEnd = cycle.PhaseOf(GcPhase.MarkTermination) ?? cycle.PhaseOf(GcPhase.Mark);
            return new ChartCycle(
                cycle.Number, cycle.Kind, cycle.Trigger, cycle.StartNs,
                markEnd is null ? cycle.EndNs : markEnd.StartNs + markEnd.DurationNs,
                cycle.EndNs,
                cycle.Phases.Where(phase => phase.StopTheWorld && phase.DurationNs > 0).Select(phase => new ChartPause(phase.Phase, phase.StartNs, phase.DurationNs)).ToArray(),
                cycle.HeapStartBytes, cycle.HeapMarkEndBytes, cycle.HeapMarkedBytes, cycle.HeapAfterBytes,
                Goal(cycle.HeapGoalBytes), Goal(cycle.NextGoalBytes), MinimumMutatorUtilization.CollectorIntervals([cycle]),
                cycle.PhaseOf(GcPhase.Sweep) is { StopTheWorld: false } sweep ? sweep.StartNs + sweep.DurationNs : null);
        }).ToArray();
        var now = heap.Clock.Nanoseconds;
        var limiter = heap.CpuLimiterActivity;
        return new GcHistory($"{name} ({heap.Plan.Name})", cycles, now, heap.Stats.HeapAlloc, Goal(heap.HeapGoalBytes), Imported: false)
        {
            LimiterSpells = limiter.Spells.Select(spell => (spell.StartNs, spell.EndNs ?? now)).ToArray(),
            LimiterWaits = limiter.CycleWaits.Select(wait => (wait.StartNs, wait.EndNs ?? now)).ToArray(),
        };
    }

    public static GcHistory Of(string name, ImportedGcTrace trace)
    {
        static long Ns(double milliseconds) => (long)Math.Round(milliseconds * 1e6);
        var cycles = trace.Cycles.Select(cycle =>
        {
            var start = (long)Math.Round(cycle.StartSeconds * 1e9);
            var markStart = start + Ns(cycle.SweepTerminationMs);
            var markEnd = markStart + Ns(cycle.MarkMs);
            var end = markEnd + Ns(cycle.MarkTerminationMs);
            var pauses = new[]
            {
                new ChartPause(GcPhase.SweepTermination, start, Ns(cycle.SweepTerminationMs)),
                new ChartPause(GcPhase.MarkTermination, markEnd, Ns(cycle.MarkTerminationMs)),
            }.Where(pause => pause.DurationNs > 0).ToArray();
            var markShare = MinimumMutatorUtilization.ConcurrentShare((cycle.AssistCpuMs + cycle.BackgroundCpuMs) * 1e6, Ns(cycle.MarkMs), cycle.Procs);
            var intervals = pauses.Select(pause => new CollectorInterval(pause.StartNs, pause.EndNs, 1))
                .Concat(markShare > 0 ? [new CollectorInterval(markStart, markEnd, markShare)] : [])
                .OrderBy(interval => interval.Start).ToArray();
            return new ChartCycle(
                cycle.Number, GcKind.Full, cycle.Forced ? GcTrigger.Forced : GcTrigger.HeapGoal, start, end, end, pauses,
                cycle.HeapStartMB << 20, cycle.HeapMarkEndMB << 20, cycle.HeapMarkedMB << 20, null, cycle.GoalMB << 20, null, intervals);
        }).ToArray();
        return new GcHistory($"{name} (real gctrace)", cycles, cycles.Length == 0 ? 0 : cycles.Max(cycle => cycle.EndNs), null, null, Imported: true);
    }

    private static long? Goal(long bytes) => bytes is long.MaxValue or <= 0 ? null : bytes;
}
