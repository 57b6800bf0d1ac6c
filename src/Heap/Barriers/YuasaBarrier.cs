using HeapNotebook.Heap.Collectors;

namespace HeapNotebook.Heap.Barriers;

/// <summary>
/// Yuasa's deletion barrier, snapshot-at-the-beginning (Yuasa, 1990): on every store, shade the
/// object being overwritten. Whatever was reachable when marking started stays reachable to the
/// marker: a white object can lose a path from a grey object only by a deletion, which shades it.
/// Black objects may point to white ones, but each such white object is still protected by a
/// path from a grey object: the weak tri-colour invariant. Roots are scanned once, at the start;
/// objects allocated during marking are black. Garbage made during the cycle floats to the next.
/// Stack writes are not barriered, so a stack scanned while the program runs could hide a
/// pointer moved there from the heap and then deleted: the stacks' snapshot is taken with the
/// world stopped, and the sweep-termination pause grows with them (proposal 17503 names this as
/// what the hybrid barrier removes).
/// </summary>
public sealed class YuasaBarrier : WriteBarrier
{
    public override string Name => "yuasa";

    public override string Description => "Deletion (snapshot-at-the-beginning) barrier: shade the overwritten target. Keeps the weak invariant.";

    public override TriColorInvariant Promise => TriColorInvariant.Weak;

    public override bool RescansStacksAtTermination => false;

    public override bool SnapshotsStacksAtStart => true;

    internal override int Apply(Tracer tracer, int oldTarget, int newTarget) => tracer.Shade(oldTarget) ? 1 : 0;
}
