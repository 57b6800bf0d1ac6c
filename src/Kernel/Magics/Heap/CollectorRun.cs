using HeapNotebook.Heap.Telemetry;

namespace HeapNotebook.Kernel.Magics.Heap;

/// <summary>
/// One collector's run in a #!heap compare: the figures of its fresh heap after the workload, or the
/// simulator's refusal (<see cref="Error"/>, such as a simulated out-of-memory). Times are virtual.
/// </summary>
public sealed record CollectorRun
{
    public required string Collector { get; init; }

    /// <summary>False when the run was interrupted or failed part way.</summary>
    public required bool Completed { get; init; }

    /// <summary>Why the simulator stopped the run, or null when it did not.</summary>
    public string? Error { get; init; }

    public required int Cycles { get; init; }

    public required int MinorCycles { get; init; }

    /// <summary>The collector's CPU time over all cycles (stop-the-world and concurrent): the total GC work.</summary>
    public required long GcCpuNs { get; init; }

    public required double GcCpuFraction { get; init; }

    public required long PauseTotalNs { get; init; }

    public required long LongestPauseNs { get; init; }

    /// <summary>The largest heap seen (HeapAlloc): at any cycle's start or mark end, at every 1 % of the run, and at its end.</summary>
    public required long PeakHeapBytes { get; init; }

    /// <summary>Heap memory obtained from the (simulated) operating system at the end: the footprint.</summary>
    public required long HeapSysBytes { get; init; }

    public required long VirtualTimeNs { get; init; }

    public required long Allocations { get; init; }

    /// <summary>The workload's checksum: equal on every collector that completed, since each ran the same program.</summary>
    public required long Checksum { get; init; }

    public required MemStats Stats { get; init; }

    public required IReadOnlyList<GcCycle> CycleRecords { get; init; }
}
