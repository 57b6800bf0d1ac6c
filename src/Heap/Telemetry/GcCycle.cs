namespace HeapNotebook.Heap.Telemetry;

/// <summary>
/// The record of one collection cycle. Byte figures follow gctrace: <see cref="HeapStartBytes"/>
/// is the heap when the cycle started, <see cref="HeapMarkEndBytes"/> when marking ended, and
/// <see cref="HeapMarkedBytes"/> the live heap marking found.
/// </summary>
public sealed record GcCycle
{
    public required int Number { get; init; }

    public required GcKind Kind { get; init; }

    public required GcTrigger Trigger { get; init; }

    public bool Forced => Trigger == GcTrigger.Forced;

    public required long StartNs { get; init; }

    public required long EndNs { get; init; }

    public required IReadOnlyList<PhaseRecord> Phases { get; init; }

    public required long HeapStartBytes { get; init; }

    public required long HeapMarkEndBytes { get; init; }

    public required long HeapMarkedBytes { get; init; }

    /// <summary>The heap goal this cycle was run against.</summary>
    public required long HeapGoalBytes { get; init; }

    /// <summary>The goal set for the next cycle from this one's marked heap.</summary>
    public required long NextGoalBytes { get; init; }

    public required long HeapAfterBytes { get; init; }

    public required long ObjectsMarked { get; init; }

    public required long PointersScanned { get; init; }

    public required long ObjectsFreed { get; init; }

    public required long BytesFreed { get; init; }

    public required long StackScanBytes { get; init; }

    public required long GlobalsScanBytes { get; init; }

    public required int Procs { get; init; }

    /// <summary>The heap's GC CPU fraction since it was made, as it stood when this cycle ended (gctrace's "%").</summary>
    public double CpuFractionSinceStart { get; init; }

    /// <summary>Bytes a copying or compacting collector moved in this cycle.</summary>
    public long CopiedBytes { get; init; }

    /// <summary>Write-barrier executions while this cycle marked.</summary>
    public long BarrierHits { get; init; }

    /// <summary>Objects the write barrier shaded grey during this cycle.</summary>
    public long BarrierShades { get; init; }

    /// <summary>Mark CPU time paid by allocating goroutines (assists).</summary>
    public long AssistCpuNs { get; init; }

    /// <summary>Mark CPU time of the dedicated and fractional background workers.</summary>
    public long BackgroundCpuNs { get; init; }

    /// <summary>Mark CPU time of idle workers.</summary>
    public long IdleCpuNs { get; init; }

    /// <summary>Total stop-the-world time of the cycle.</summary>
    public long PauseNs => Phases.Where(p => p.StopTheWorld).Sum(p => p.DurationNs);

    /// <summary>Total GC CPU time of the cycle, a lazy sweep's included (GCCPUFraction, as Go's, leaves sweeping out).</summary>
    public long CpuNs => Phases.Sum(p => p.CpuNs);

    public PhaseRecord? PhaseOf(GcPhase phase) => Phases.FirstOrDefault(p => p.Phase == phase);
}
