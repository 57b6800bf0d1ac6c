namespace HeapNotebook.Heap.Workloads;

/// <summary>What a workload is expected to keep reachable at its peak: objects, and simulated bytes (before size-class rounding).</summary>
public sealed record WorkloadFootprint(long Objects, long Bytes);
