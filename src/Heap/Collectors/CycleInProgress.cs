using HeapNotebook.Heap.Telemetry;

namespace HeapNotebook.Heap.Collectors;

/// <summary>A cycle being run: its phases so far, each advancing the virtual clock by its duration.</summary>
internal sealed class CycleInProgress(SimulatedHeap heap, GcTrigger trigger, GcKind kind)
{
    private readonly List<PhaseRecord> _phases = [];

    public GcTrigger Trigger { get; } = trigger;

    public GcKind Kind { get; } = kind;

    public long StartNs { get; } = heap.Clock.Nanoseconds;

    public long HeapStartBytes { get; } = heap.Counters.HeapLive;

    public long HeapGoalBytes { get; } = heap.HeapGoalBytes;

    public IReadOnlyList<PhaseRecord> Phases => _phases;

    public long GcCpuPicoseconds { get; private set; }

    /// <summary>A phase with the world stopped: every proc is held for its duration, so its CPU is duration × procs unless given.</summary>
    public void StopTheWorldPhase(GcPhase phase, long durationPs, long? cpuPs = null)
    {
        var cpu = cpuPs ?? durationPs * heap.Options.Procs;
        _phases.Add(new PhaseRecord(phase, true, heap.Clock.Nanoseconds, durationPs / 1000, cpu / 1000));
        heap.Clock.Advance(durationPs);
        GcCpuPicoseconds += cpu;
    }

    /// <summary>
    /// A phase that runs beside the mutator: it spans virtual time but stops nobody. Its idle-priority
    /// work (<paramref name="idlePs"/>, part of <paramref name="cpuPs"/>) ran on procs the program left
    /// idle, so, as Go's gc_cpu_fraction, it is not counted against the program.
    /// </summary>
    public void ConcurrentPhase(GcPhase phase, long startNs, long durationNs, long cpuPs, long idlePs = 0)
    {
        _phases.Add(new PhaseRecord(phase, false, startNs, durationNs, cpuPs / 1000));
        GcCpuPicoseconds += cpuPs - idlePs;
    }
}
