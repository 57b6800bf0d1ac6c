using HeapNotebook.Heap.Collectors;

namespace HeapNotebook.Heap.Barriers;

/// <summary>
/// Dijkstra's insertion barrier (Dijkstra, Lamport et al., 1978): on every store of a pointer,
/// shade the new target grey. No black heap object can then come to point to a white one, so
/// the strong tri-colour invariant holds for the heap. Stack writes are not barriered (they are
/// too frequent), so a stack may hold a white object when marking seems done: the stacks must be
/// rescanned with the world stopped at mark termination, and that rescan is in the pause. This
/// is the barrier Go used from 1.5 to 1.7.
/// </summary>
public sealed class DijkstraBarrier : WriteBarrier
{
    public override string Name => "dijkstra";

    public override string Description => "Insertion barrier: shade the new target. Keeps the strong invariant; stacks are rescanned at mark termination.";

    public override TriColorInvariant Promise => TriColorInvariant.Strong;

    public override bool RescansStacksAtTermination => true;

    public override bool SnapshotsStacksAtStart => false;

    internal override int Apply(Tracer tracer, int oldTarget, int newTarget) => tracer.Shade(newTarget) ? 1 : 0;
}
