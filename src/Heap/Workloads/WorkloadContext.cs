namespace HeapNotebook.Heap.Workloads;

/// <summary>What a running workload may be told from outside: stop (cancellation), and where to report its progress (0 to 1).</summary>
public sealed record WorkloadContext(CancellationToken Cancellation, IProgress<double>? Progress = null)
{
    public static WorkloadContext None { get; } = new(CancellationToken.None);
}
