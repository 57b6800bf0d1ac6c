namespace HeapNotebook.Heap.Workloads;

/// <summary>A workload by name: what it does, its options, and how to make it from option values.</summary>
public sealed record WorkloadDefinition(
    string Name,
    string Description,
    IReadOnlyList<WorkloadOption> Options,
    Func<Func<string, long>, IWorkload> Create,
    Func<Func<string, long>, string?>? Validate = null);
