using HeapNotebook.Heap.Collectors;

namespace HeapNotebook.Heap.Barriers;

/// <summary>
/// Go's hybrid barrier (proposal 17503, Go 1.8): <c>shade(*slot); shade(ptr); *slot = ptr</c> —
/// Yuasa's deletion barrier and Dijkstra's insertion barrier together. The deletion half keeps
/// the weak invariant without barriers on stack writes; the insertion half covers pointers that
/// come from stacks not yet scanned. Stacks are scanned once and stay black, so mark termination
/// needs no stack rescan and its pause no longer grows with the number of goroutines. (Go shades
/// ptr only while the current stack is grey; shading it always is a conservative superset.)
/// </summary>
public sealed class HybridBarrier : WriteBarrier
{
    public override string Name => "hybrid";

    public override string Description => "Go's hybrid barrier: shade the overwritten and the new target. Keeps the weak invariant with no stack rescan.";

    public override TriColorInvariant Promise => TriColorInvariant.Weak;

    public override bool RescansStacksAtTermination => false;

    public override bool SnapshotsStacksAtStart => false;

    internal override int Apply(Tracer tracer, int oldTarget, int newTarget) =>
        (tracer.Shade(oldTarget) ? 1 : 0) + (tracer.Shade(newTarget) ? 1 : 0);
}
