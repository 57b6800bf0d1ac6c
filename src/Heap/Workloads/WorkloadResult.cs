namespace HeapNotebook.Heap.Workloads;

/// <summary>How a workload run ended: what it allocated, its checksum (so a reader can compare with the native program), and whether it finished or was stopped part way.</summary>
public sealed record WorkloadResult(string Workload, long Allocations, long Checksum, bool Completed, double FractionDone);
