namespace HeapNotebook.Heap.Workloads;

/// <summary>A workload by name: what it does, its options, how to make it from option values, and what it keeps reachable at its peak.</summary>
public sealed record WorkloadDefinition(
    string Name,
    string Description,
    IReadOnlyList<WorkloadOption> Options,
    Func<Func<string, long>, IWorkload> Create,
    Func<Func<string, long>, string?>? Validate = null,
    Func<Func<string, long>, WorkloadFootprint>? Footprint = null);
