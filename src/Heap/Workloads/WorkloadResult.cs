namespace HeapNotebook.Heap.Workloads;

/// <summary>How a workload run ended: what it allocated, its checksum (so a reader can compare with the native program), and whether it finished or was stopped part way.</summary>
public sealed record WorkloadResult(string Workload, long Allocations, long Checksum, bool Completed, double FractionDone)
{
    /// <summary>
    /// The option values the run used, as the catalog writes them ("depth=6", "allocs=200000, live=5000, ..."): what it
    /// ran, not what was asked (binary-trees runs depth 6 when asked for 4 or 5). Empty for a workload outside the catalog.
    /// </summary>
    public string Settings { get; init; } = "";

    /// <summary>What the run did differently from what was asked, in words (see <see cref="Workloads.Workload.Adjustment"/>); null when it ran as asked.</summary>
    public string? Adjustment { get; init; }
}
