using HeapNotebook.Heap.Collectors;

namespace HeapNotebook.Heap.Barriers;

/// <summary>
/// No barrier: stores go straight to memory. Safe for a stop-the-world collector, unsafe for an
/// incremental one. The lost object of the textbooks needs two stores while marking runs:
/// (1) a pointer to white object C is stored into black object A, which the marker will not scan
/// again; (2) the last pointer to C from a grey object B is deleted. C is then reachable (from A)
/// but the marker can no longer reach it, so it stays white and is freed while A still refers to
/// it. Invariant promised: none.
/// </summary>
public sealed class NoBarrier : WriteBarrier
{
    public override string Name => "none";

    public override string Description => "No barrier: a store into a black object can hide a live object from the marker.";

    public override TriColorInvariant Promise => TriColorInvariant.None;

    public override bool RescansStacksAtTermination => false;

    public override bool SnapshotsStacksAtStart => false;

    internal override int Apply(Tracer tracer, int oldTarget, int newTarget) => 0;
}
