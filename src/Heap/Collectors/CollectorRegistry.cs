using HeapNotebook.Heap.Collectors.MarkSweep;
using HeapNotebook.Heap.Errors;

namespace HeapNotebook.Heap.Collectors;

/// <summary>Every plan the simulator offers: a new collector is one folder and one line here.</summary>
public static class CollectorRegistry
{
    private static readonly (string Name, PlanConstraints Constraints, Func<SimulatedHeap, CollectorPlan> Create)[] Plans =
    [
        ("marksweep", MarkSweepPlan.Description, heap => new MarkSweepPlan(heap)),
        ("tricolor", Tricolor.TricolorPlan.Description, heap => new Tricolor.TricolorPlan(heap)),
        ("go", Go.GoPlan.Description, heap => new Go.GoPlan(heap)),
        ("refcount", RefCount.RefCountPlan.Description, heap => new RefCount.RefCountPlan(heap)),
        ("semispace", Semispace.SemispacePlan.Description, heap => new Semispace.SemispacePlan(heap)),
        ("markcompact", MarkCompact.MarkCompactPlan.Description, heap => new MarkCompact.MarkCompactPlan(heap)),
        ("generational", Generational.GenerationalPlan.Description, heap => new Generational.GenerationalPlan(heap)),
    ];

    public static IReadOnlyList<string> Names { get; } = Plans.Select(p => p.Name).ToArray();

    public static PlanConstraints Describe(string name) => Find(name).Constraints;

    internal static CollectorPlan Create(string name, SimulatedHeap heap) => Find(name).Create(heap);

    private static (string Name, PlanConstraints Constraints, Func<SimulatedHeap, CollectorPlan> Create) Find(string name)
    {
        foreach (var plan in Plans)
        {
            if (string.Equals(plan.Name, name, StringComparison.Ordinal))
            {
                return plan;
            }
        }

        throw new InvalidHeapOptionException($"There is no collector named '{name}'. Choose one of: {string.Join(", ", Names)}.");
    }
}
