using HeapNotebook.Heap.Collectors.Incremental;

namespace HeapNotebook.Heap.Collectors.Tricolor;

/// <summary>
/// Incremental tri-colour mark-sweep (Dijkstra et al. 1978; Baker 1978), to watch and step.
///
///   1. When the live heap reaches the goal a cycle starts: roots are shaded grey, the chosen
///      write barrier is switched on and new objects are born black.
///   2. Every allocation during marking pays for <see cref="HeapOptions.IncrementalWork"/> grey
///      objects of scanning (Baker's incremental ratio); <c>Step</c> advances marking by hand.
///      Each increment stalls the mutator for its work, which is where the MMU dips.
///   3. When no grey object is left, mark termination stops the world (rescanning stacks first
///      if the barrier is Dijkstra's), and the sweep frees every white object at once.
///
/// Invariant: the barrier's — strong (Dijkstra), weak (Yuasa, hybrid) or none; with none, the
/// lost-object problem happens and the verifier explains it. Objects that die while marking
/// runs survive the cycle (floating garbage) and are reclaimed by the next.
/// </summary>
internal sealed class TricolorPlan : IncrementalMarkingPlan
{
    public static readonly PlanConstraints Description = new(
        "Incremental tri-colour mark-sweep with a selectable write barrier: marking is interleaved with the program and can be stepped.",
        MovesObjects: false,
        Generational: false,
        Incremental: true,
        Spaces: ["size-class", "large-object"]);

    public TricolorPlan(SimulatedHeap heap)
        : base(heap, heap.Options.Barrier ?? "hybrid")
    {
    }

    public override string Name => "tricolor";

    public override PlanConstraints Constraints => Description;
}
