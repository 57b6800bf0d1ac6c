namespace HeapNotebook.Heap.Workloads;

/// <summary>One integer option of a workload, with its default and its valid range.</summary>
public sealed record WorkloadOption(string Name, string Description, long Default, long Min, long Max);
