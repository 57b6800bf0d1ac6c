namespace HeapNotebook.Heap.Collectors;

/// <summary>What a plan is, as data, so a front end can explain it and refuse an option that makes no sense for it.</summary>
public sealed record PlanConstraints(
    string Description,
    bool MovesObjects,
    bool Generational,
    bool Incremental,
    IReadOnlyList<string> Spaces);
