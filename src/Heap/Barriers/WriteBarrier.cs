using HeapNotebook.Heap.Collectors;

namespace HeapNotebook.Heap.Barriers;

/// <summary>
/// A write barrier: code the mutator runs on every pointer store while marking is in progress,
/// so that concurrent or incremental marking cannot miss a live object. Each barrier shades
/// some of the objects involved in the store and promises one tri-colour invariant.
/// </summary>
public abstract class WriteBarrier
{
    public abstract string Name { get; }

    public abstract string Description { get; }

    public abstract TriColorInvariant Promise { get; }

    /// <summary>Stacks are not barriered; an insertion barrier must rescan them with the world stopped before marking can end.</summary>
    public abstract bool RescansStacksAtTermination { get; }

    /// <summary>
    /// Stacks are not barriered; a deletion barrier must take their snapshot with the world
    /// stopped when marking starts, and that scan is in the sweep-termination pause. Other
    /// barriers let the stacks be scanned while the program runs, as marking work.
    /// </summary>
    public abstract bool SnapshotsStacksAtStart { get; }

    /// <summary>Runs the barrier for a store that replaces <paramref name="oldTarget"/> by <paramref name="newTarget"/> (indices, 0 = null); returns how many objects it shaded.</summary>
    internal abstract int Apply(Tracer tracer, int oldTarget, int newTarget);
}
