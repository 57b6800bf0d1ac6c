namespace HeapNotebook.Heap.Workloads;

/// <summary>What a running workload may be told from outside: stop (cancellation), and where to report its progress (0 to 1).</summary>
public sealed record WorkloadContext(CancellationToken Cancellation, IProgress<double>? Progress = null)
{
    /// <summary>A replay stops the run at this checkpoint (counted from 1), where the recorded run was interrupted; 0 runs it through.</summary>
    internal long StopAtCheckpoint { get; init; }

    public static WorkloadContext None { get; } = new(CancellationToken.None);
}
