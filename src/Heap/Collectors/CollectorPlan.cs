using HeapNotebook.Heap.Objects;
using HeapNotebook.Heap.Telemetry;

namespace HeapNotebook.Heap.Collectors;

/// <summary>
/// A collector algorithm composed over the heap's spaces. The heap calls the plan when the live
/// heap reaches the trigger, when the program forces a collection, when an allocation finds no
/// room, and on every pointer write while <see cref="BarrierActive"/> is set.
/// </summary>
public abstract class CollectorPlan
{
    protected CollectorPlan(SimulatedHeap heap) => Heap = heap;

    /// <summary>For plans with no tri-colour barrier to choose: refuses a barrier option, saying why it makes no sense here.</summary>
    private protected static void RefuseBarrier(SimulatedHeap heap, string why)
    {
        if (heap.Options.Barrier is { } barrier)
        {
            throw new Errors.InvalidHeapOptionException($"The {heap.Options.Collector} collector {why}; '{barrier}' makes no sense for it. Use the tricolor, go or generational collector to try barriers.");
        }
    }

    internal SimulatedHeap Heap { get; }

    public abstract string Name { get; }

    public abstract PlanConstraints Constraints { get; }

    /// <summary>True while pointer writes must go through <see cref="WriteBarrier"/>.</summary>
    internal bool BarrierActive { get; private protected set; }

    /// <summary>The colour a new object is born with (black while an incremental mark is running).</summary>
    internal ObjectColor AllocationColor { get; private protected set; } = ObjectColor.White;

    /// <summary>Bump-pointer spaces the plan allocates in, instead of size-class spans (copying and compacting plans).</summary>
    internal virtual IReadOnlyList<Memory.BumpSpace> BumpSpaces => [];

    /// <summary>The space a span belongs to, one of <see cref="PlanConstraints.Spaces"/>; <paramref name="bumpSpaceNames"/> names the chunks of <see cref="BumpSpaces"/>.</summary>
    internal virtual string SpaceOf(Memory.Span span, IReadOnlyDictionary<Memory.Span, string> bumpSpaceNames) =>
        span.IsBumpChunk ? bumpSpaceNames.GetValueOrDefault(span, "bump") : span.SizeClass == 0 ? "large-object" : "size-class";

    /// <summary>True for a span of the young generation (generational plans only).</summary>
    internal virtual bool IsYoungSpan(Memory.Span span) => false;

    /// <summary>Every chunk of the plan's bump-pointer spaces, with its space's name.</summary>
    internal Dictionary<Memory.Span, string> BumpSpaceNames()
    {
        var names = new Dictionary<Memory.Span, string>();
        foreach (var space in BumpSpaces)
        {
            foreach (var chunk in space.Chunks)
            {
                names[chunk] = space.Name;
            }
        }

        return names;
    }

    /// <summary>True when new objects go to <see cref="PlaceInBumpSpace"/> (their size rounded to 8 bytes, not to a size class).</summary>
    internal bool PlacesInBumpSpaces { get; private protected set; }

    /// <summary>Places a new object in the plan's allocation space; the address offset, or -1 when there is no room.</summary>
    internal virtual long PlaceInBumpSpace(int size, int index) => -1;

    /// <summary>
    /// A generational plan's common case: reserves an index and places a new small object in the
    /// nursery when that needs no collection first and the barrier has nothing to do for its
    /// initialising stores; false, changing nothing, otherwise.
    /// </summary>
    internal virtual bool TryPlaceYoung(int size, out int index, out long offset)
    {
        index = -1;
        offset = -1;
        return false;
    }

    /// <summary>Bytes a new object of <paramref name="size"/> takes in a bump-allocating plan.</summary>
    internal virtual long BumpAllocatedBytes(int size) => Memory.BumpSpace.Align(size);

    /// <summary>The most bytes of live objects a complete collection can leave this plan holding (a copying plan keeps a second copy's room).</summary>
    internal virtual long LiveBytesCapacity => Heap.Options.EffectiveHeapLimitBytes;

    /// <summary>Set by plans that must collect before an allocation finds its space full (a nursery).</summary>
    internal bool ChecksRoomBeforeAllocation { get; private protected set; }

    /// <summary>True when an allocation of <paramref name="size"/> bytes needs a collection first.</summary>
    internal virtual bool NeedsCollectionBefore(int size) => false;

    /// <summary>The grey worklist of the mark in progress (object indices, next first); empty when no mark runs.</summary>
    internal virtual IEnumerable<int> GreyWorklist => [];

    /// <summary>The goal of the first cycle, before anything is marked: the minimum heap by GOGC, or what the memory limit allows.</summary>
    internal long InitialGoal() => GoalFor(0, 0, 0);

    /// <summary>
    /// The next goal from the marked heap: GOGC's, lowered by the memory limit when there is one
    /// (Go's pacer). Against the limit, Go counts as non-heap memory everything mapped that is
    /// neither free pages nor objects (mappedReady − heapFree − heapAlloc): stacks, globals, the
    /// runtime's own metadata (<see cref="HeapOptions.RuntimeOverheadBytes"/>), and the free room in
    /// spans in use. A plan that places objects in bump spaces leaves that room out: its unused
    /// nursery and copy reserve are heap the next collection fills, not overhead.
    /// </summary>
    internal long GoalFor(long marked, long stacks, long globals)
    {
        var heap = Heap;
        var options = heap.Options;
        var runtime = stacks + globals + options.RuntimeOverheadBytes;
        var nonHeap = runtime + (PlacesInBumpSpaces ? 0 : Math.Max(0, heap.Spans.InUseBytes - heap.Counters.HeapAlloc));
        var mapped = heap.Pages.SysBytes - (long)heap.Pages.ReleasedPages * Memory.SizeClasses.PageSize + runtime;
        return Pacing.GoPacer.Goal(marked, stacks, globals, options.Gogc, options.MemoryLimitBytes, nonHeap, mapped, options.MinimumHeapBytes);
    }

    /// <summary>Where the first cycle starts, given the first goal (the minimum heap).</summary>
    internal virtual long InitialTrigger(long goal) => goal;

    /// <summary>The phase of the cycle in progress, or null when no cycle is running.</summary>
    public virtual GcPhase? Phase => null;

    /// <summary>True while an incremental mark is running (barriers on, new objects black).</summary>
    internal bool IsMarking => Phase == GcPhase.Mark;

    /// <summary>
    /// The live heap from which an allocation calls <see cref="AfterAllocation"/>: 0 for every
    /// allocation, <see cref="NoAllocationHook"/> for none, or a threshold for a plan with work due
    /// at a heap size (go's proportional sweep), so the allocations between pay one comparison.
    /// </summary>
    internal long AllocationHookAt
    {
        get;
        private protected set
        {
            field = value;
            Heap.RefreshFastAllocationLimit();
        }
    } = NoAllocationHook;

    /// <summary><see cref="AllocationHookAt"/> of a plan that wants no allocation hook.</summary>
    internal const long NoAllocationHook = long.MaxValue;

    /// <summary>A pool handed out an object it held: a deletion from a root, through the barrier.</summary>
    internal virtual void OnPoolTake(int index)
    {
        if (BarrierActive)
        {
            WriteBarrier(0, 0, index, 0);
        }
    }

    /// <summary>
    /// True while a lazy sweep (Go's: after marking, a span at a time) has spans left to sweep: only
    /// then can an object be <see cref="IsUnsweptGarbage"/>. A plan that sweeps so advances the object
    /// table's epoch when its sweep begins, so the objects placed since then (which sit in swept spans)
    /// are known live without a question.
    /// </summary>
    internal bool LazySweepPending => Heap.Objects.LazySweepPending;

    /// <summary>
    /// True for an object marking found unreachable whose span is not swept yet: it is dead, and a
    /// handle to it (kept outside the roots) must not bring it back. Asked of every handle the
    /// program uses, so the usual answers come first: no sweep pending, or an object placed or
    /// already swept since the sweep began (see <see cref="ObjectRecord.Epoch"/>).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal bool IsUnsweptGarbage(int index)
    {
        var objects = Heap.Objects;
        return objects.LazySweepPending && objects.Records[index].Epoch != objects.Epoch && AwaitsSweep(index);
    }

    /// <summary>For <see cref="IsUnsweptGarbage"/>, while a lazy sweep is pending, of an object placed before it began and not swept since: is it garbage in a span not swept yet?</summary>
    internal virtual bool AwaitsSweep(int index) => false;

    /// <summary>Set by plans that count references from stack locals (reference counting).</summary>
    internal bool CountsRoots { get; private protected set; }

    /// <summary>A stack local changed from <paramref name="oldTarget"/> to <paramref name="newTarget"/> (indices, 0 = null); called while <see cref="CountsRoots"/> is set.</summary>
    internal virtual void OnRootChange(int oldTarget, int newTarget)
    {
    }

    /// <summary>
    /// Asked while <see cref="BarrierActive"/>: whether the barrier has anything to do for the
    /// initialising stores of the object just placed at <paramref name="index"/>. A plan whose barrier
    /// would do nothing for them (card marking, for a young object) says no, and they go straight in.
    /// </summary>
    internal virtual bool BarrierSeesInitialStores(int index) => true;

    /// <summary>Called after an allocation that brings the live heap to <see cref="AllocationHookAt"/>, with the new object's index and its bytes.</summary>
    internal virtual void AfterAllocation(int index, long bytes)
    {
    }

    /// <summary>Advances an incremental collection by about <paramref name="work"/> objects of marking, starting a cycle if none runs.</summary>
    internal virtual void Step(long work) => throw new Errors.InvalidHeapOptionException(
        $"The {Name} collector stops the world for a whole cycle, so there is nothing to step. Make the heap with the tricolor, go or generational collector to watch marking step by step.");

    /// <summary>Runs the cycle to the end of its current phase, starting one if none runs.</summary>
    internal virtual void StepToNextPhase() => Step(0);

    /// <summary>Checks, after a mutator operation during marking, the invariant the barrier promises; null when it holds.</summary>
    internal virtual string? CheckInvariant() => null;

    /// <summary>Explains, from the writes made during marking, how an object came to be lost; null when nothing is known.</summary>
    internal virtual string? ExplainLoss(ObjectHandle lost) => null;

    /// <summary>Runs a complete cycle; returns when it is over (runtime.GC() blocks the same way).</summary>
    internal abstract void Collect(GcTrigger trigger);

    /// <summary>A forced collection of the young generation only; plans without generations refuse.</summary>
    internal virtual void CollectMinor() => throw new Errors.InvalidHeapOptionException(
        $"The {Name} collector has no young generation, so there is no minor collection: every collection is a full one. Make the heap with the generational collector for minor collections.");

    /// <summary>The live heap reached the trigger.</summary>
    internal virtual void OnTrigger() => Collect(GcTrigger.HeapGoal);

    /// <summary>Called before a pointer slot changes from <paramref name="oldTarget"/> to <paramref name="newTarget"/> (object indices, 0 = null).</summary>
    internal virtual void WriteBarrier(int source, int slot, int oldTarget, int newTarget)
    {
    }
}
