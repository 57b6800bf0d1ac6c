using HeapNotebook.Heap.Collectors.Incremental;
using HeapNotebook.Heap.Errors;
using HeapNotebook.Heap.Memory;
using HeapNotebook.Heap.Objects;
using HeapNotebook.Heap.Pacing;
using HeapNotebook.Heap.Telemetry;

namespace HeapNotebook.Heap.Collectors.Generational;

/// <summary>
/// Generational collection (Lieberman and Hewitt 1983; Ungar 1984) with a card-marking
/// remembered set: a copying young generation over an old generation that is marked
/// incrementally, tri-colour, between the program's operations, young collections going on
/// meanwhile (as in Java's G1, whose concurrent mark uses Yuasa's snapshot barrier).
///
///   1. New small objects are bump-allocated in the nursery; large ones (over 32 KiB) go straight
///      to the old generation's large-object space.
///   2. Minor collection, when the nursery is full (world stopped): the young objects reachable
///      from the roots and from dirty cards (below) are evacuated: each survivor is copied to the
///      to-survivor space and ages by one, or — once its age reaches the tenuring threshold (0: at
///      once) — is promoted into the old generation's size-class spans. A Cheney scan over the
///      evacuated objects finds the rest. The nursery and from-survivor space are then empty and
///      are reused whole: the cost follows the survivors, not the garbage. A minor collection
///      moves objects and frees young garbage but changes no colour, so it may run in the middle
///      of a major mark (step 4b).
///   3. The remembered set: a write barrier dirties the 512-byte card of any old object that
///      comes to point to a young one; a minor collection treats the old objects on dirty cards
///      as roots, and afterwards keeps dirty only the cards that still point into the young
///      generation. A dead old object on a dirty card still keeps its young referents alive
///      until the next major collection: nepotism.
///   4. A major cycle starts when the old generation reaches its goal: GOGC over the bytes the
///      last major cycle left in it (with the stacks and globals, and the memory limit, as Go's
///      pacer counts them).
///      a. Sweep termination (world stopped): every young survivor is promoted, so the young
///         generation is empty and everything the cycle must judge is old; the tri-colour barrier
///         (hybrid unless another is chosen) is switched on beside the card marking, new objects
///         are born black, and the roots are shaded grey. The promotion is in this pause.
///      b. Mark (the world runs): each allocation pays <see cref="HeapOptions.IncrementalWork"/>
///         grey objects of scanning; <c>Step</c> advances the mark by hand. Every young object
///         was born during the mark, so it is black (unless the old generation had no room for it
///         at the start: it then stays young and is marked like an old one); a minor collection
///         during the mark copies or promotes objects without changing their colour, so the black
///         ones survive this cycle (allocate-black).
///      c. Mark termination (world stopped): with Dijkstra's barrier the stacks are rescanned;
///         the barrier goes back to card marking alone.
///      d. Sweep (world stopped): the old objects left white are freed, young objects turn white
///         again, and the old generation's next goal is set from what survived.
///   5. runtime.GC() finishes a running major mark, then runs a whole major cycle at once.
///
/// Invariant: after a minor collection every young object reachable from a root or from an old
/// object is in to-survivor or the old generation, and every old object that points into the
/// young generation sits on a dirty card. During a major mark, the invariant the barrier promises
/// (strong for dijkstra, weak for yuasa and hybrid) over both generations; as no young object is
/// white, what a missing barrier loses is old (with none, the verifier shows how). Cycle records
/// are numbered in the order cycles end, since a minor one may end inside a major one.
/// </summary>
internal sealed class GenerationalPlan : IncrementalMarkingPlan
{
    public const int CardBytes = 512;
    public const int MaxTenuringThreshold = 15;

    public static readonly PlanConstraints Description = new(
        "Generational: a bump-allocated nursery copied by minor collections into survivor spaces, promotion by age, a card-marking remembered set, and an old generation marked incrementally (tri-colour, selectable barrier) by major cycles.",
        MovesObjects: true,
        Generational: true,
        Incremental: true,
        Spaces: ["nursery", "survivor (from)", "survivor (to)", "size-class (old)", "large-object (old)"],
        ChunkedSpaces: ["nursery", "survivor (from)", "survivor (to)"]);

    private readonly BumpSpace _nursery;
    private readonly int _threshold;
    private readonly bool _cardMarking;
    private readonly HashSet<long> _dirtyCards = [];
    private BumpSpace _survivorFrom;
    private BumpSpace _survivorTo;
    private bool[] _young = new bool[1024];
    private bool[] _forwarded = new bool[1024];
    private long _oldBytes;
    private long _oldGoal;
    private EvacuationWork _promotionAtStart = new();

    // The work lists of a minor collection, kept so that each collection reuses their storage.
    private readonly List<int> _evacuated = [];
    private readonly List<int> _rememberedObjects = [];

    public GenerationalPlan(SimulatedHeap heap)
        : base(heap, heap.Options.Barrier ?? "hybrid")
    {
        var options = heap.Options;
        if (options.NurseryBytes < 64 << 10 || options.NurseryBytes > options.EffectiveHeapLimitBytes / 2)
        {
            throw new InvalidHeapOptionException(
                $"A nursery of {SimulatedHeap.FormatExact(options.NurseryBytes)} does not fit: use 64 KiB to half the heap's limit ({SimulatedHeap.FormatExact(options.EffectiveHeapLimitBytes / 2)}: half of the smaller of the heap size limit and MaxHeapBytes).");
        }

        if (options.TenuringThreshold is < 0 or > MaxTenuringThreshold)
        {
            throw new InvalidHeapOptionException($"A tenuring threshold of {options.TenuringThreshold} is out of range: use 0 (promote every survivor at once) to {MaxTenuringThreshold}.");
        }

        _threshold = options.TenuringThreshold;

        // Promoted objects keep the index they were born with in the nursery, so old spans map slots to indices.
        heap.SmallObjects.IndexesBySlot = false;

        _cardMarking = !options.DisableCardMarking;
        _nursery = new BumpSpace("nursery", heap.Spans, options.NurseryBytes);
        _survivorFrom = new BumpSpace("survivor (from)", heap.Spans, options.NurseryBytes / 2);
        _survivorTo = new BumpSpace("survivor (to)", heap.Spans, options.NurseryBytes / 2);
        PlacesInBumpSpaces = true;
        ChecksRoomBeforeAllocation = true;
        BarrierActive = true;
        BarrierOutsideMarking = true;
    }

    public override string Name => "generational";

    public override PlanConstraints Constraints => Description;

    protected override GcKind CycleKind => GcKind.Major;

    internal override IReadOnlyList<BumpSpace> BumpSpaces => [_nursery, _survivorFrom, _survivorTo];

    internal override string SpaceOf(Span span, IReadOnlyDictionary<Span, string> bumpSpaceNames) =>
        span.IsBumpChunk ? base.SpaceOf(span, bumpSpaceNames) : span.SizeClass == 0 ? "large-object (old)" : "size-class (old)";

    internal override bool IsYoungSpan(Span span) => span.IsBumpChunk;

    /// <summary>True while the object lives in the young generation (nursery or survivor space).</summary>
    internal bool IsYoung(int index) => index < _young.Length && _young[index];

    /// <summary>Cards currently dirty (the remembered set), as card numbers (address offset / 512).</summary>
    internal IReadOnlyCollection<long> DirtyCards => _dirtyCards;

    /// <summary>Bytes in the old generation.</summary>
    internal long OldBytes => _oldBytes;

    /// <summary>The old generation's size at which the next major cycle starts.</summary>
    internal long OldGoal => _oldGoal;

    internal override long BumpAllocatedBytes(int size) =>
        size > SizeClasses.MaxSmallSize ? (long)SizeClasses.PagesFor(size) * SizeClasses.PageSize : BumpSpace.Align(size);

    internal override bool NeedsCollectionBefore(int size) =>
        MajorDue || (size <= SizeClasses.MaxSmallSize && _nursery.UsedBytes + BumpSpace.Align(size) > _nursery.CapacityBytes);

    private bool MajorDue => _oldBytes >= _oldGoal && !MarkInProgress;

    internal override long PlaceInBumpSpace(int size, int index)
    {
        EnsureCapacity(index);
        if (size > SizeClasses.MaxSmallSize)
        {
            if (Heap.LargeObjects.Allocate(size, index) is not { } span)
            {
                return -1;
            }

            _young[index] = false;
            _oldBytes += span.SpanBytes;
            return span.BaseOffset;
        }

        var offset = _nursery.Allocate(size, index);
        _young[index] = offset >= 0;
        return offset;
    }

    internal override bool TryPlaceYoung(int size, out int index, out long offset)
    {
        // Outside a major mark a young object's initialising stores need no barrier (BarrierSeesInitialStores).
        if (MarkInProgress || size > SizeClasses.MaxSmallSize || NeedsCollectionBefore(size))
        {
            index = -1;
            offset = -1;
            return false;
        }

        index = Heap.Objects.Reserve();
        offset = PlaceInBumpSpace(size, index);
        if (offset < 0)
        {
            Heap.Objects.Unreserve(index);
            index = -1;
            return false;
        }

        return true;
    }

    /// <summary>Outside a major mark the barrier only marks cards of old objects, and a young object's initialising stores need none.</summary>
    internal override bool BarrierSeesInitialStores(int index) => MarkInProgress || !_young[index];

    /// <summary>Card marking on every store; during a major mark the tri-colour barrier as well.</summary>
    internal override void WriteBarrier(int source, int slot, int oldTarget, int newTarget)
    {
        if (_cardMarking && source != 0 && newTarget != 0 && !_young[source] && IsYoung(newTarget))
        {
            if (_dirtyCards.Add(CardOf(source)))
            {
                Heap.Clock.Advance(Heap.Costs.Barrier);
            }
        }

        if (MarkInProgress)
        {
            base.WriteBarrier(source, slot, oldTarget, newTarget);
        }
    }

    /// <summary>A full nursery calls for a minor collection while a major mark runs, too.</summary>
    protected override bool TriggersWhileMarking => true;

    /// <summary>The nursery is full, or the old generation reached its goal: a minor collection, or the start of a major cycle (whose first pause empties the nursery anyway).</summary>
    internal override void OnTrigger()
    {
        if (MajorDue)
        {
            StartCycle(GcTrigger.HeapGoal);
        }
        else
        {
            Minor(GcTrigger.HeapGoal);
        }
    }

    internal override void CollectMinor() => Minor(GcTrigger.Forced);

    internal override long InitialTrigger(long goal)
    {
        _oldGoal = goal;
        return HeapGoal.NoGoal;
    }

    protected override long PrepareForMark()
    {
        _promotionAtStart = Evacuate(promoteAll: true);
        return _promotionAtStart.WorkPicoseconds(Heap);
    }

    protected override void SweepAfterMark(CycleInProgress cycle, long nextTrigger, long heapLiveAfterMark)
    {
        var heap = Heap;
        var allocatedBeforeSweep = heap.Counters.HeapAlloc;
        base.SweepAfterMark(cycle, nextTrigger, heapLiveAfterMark);
        _oldBytes -= allocatedBeforeSweep - heap.Counters.HeapAlloc;
        var records = heap.Objects.Records;
        foreach (var space in new[] { _nursery, _survivorFrom })
        {
            foreach (var index in space.Objects)
            {
                records[index].Color = ObjectColor.White;
            }
        }

        _oldGoal = GoalFor(_oldBytes, Tracer.StackScanBytes, Tracer.GlobalsScanBytes);
    }

    protected override CycleOutcome FinalOutcome(CycleOutcome marking)
    {
        var start = _promotionAtStart;
        return marking with
        {
            HeapMarkedBytes = Heap.Counters.HeapAlloc,
            NextGoalBytes = _oldGoal,
            NextTriggerBytes = HeapGoal.NoGoal,
            PointersScanned = marking.PointersScanned + start.PointersScanned,
            ObjectsFreed = start.Freed + Sweeper.ObjectsFreed,
            BytesFreed = start.FreedBytes + Sweeper.BytesFreed,
            CopiedBytes = start.CopiedBytes,
        };
    }

    private void Minor(GcTrigger trigger)
    {
        var heap = Heap;
        var cycle = heap.BeginCycle(trigger, GcKind.Minor);
        var heapAtStart = heap.Counters.HeapAlloc;
        cycle.StopTheWorldPhase(GcPhase.SweepTermination, heap.Costs.SweepTermination);
        var work = Evacuate(promoteAll: false);
        var procs = heap.Options.Procs;
        var workPs = work.WorkPicoseconds(heap);
        cycle.StopTheWorldPhase(GcPhase.Mark, workPs / procs, workPs);
        cycle.StopTheWorldPhase(GcPhase.MarkTermination, heap.Costs.MarkTermination);
        heap.EndCycle(cycle, new CycleOutcome(
            HeapMarkEndBytes: heapAtStart,
            HeapMarkedBytes: heap.Counters.HeapAlloc,
            NextGoalBytes: _oldGoal,
            NextTriggerBytes: HeapGoal.NoGoal,
            ObjectsMarked: work.Evacuated,
            PointersScanned: work.PointersScanned,
            ObjectsFreed: work.Freed,
            BytesFreed: work.FreedBytes,
            StackScanBytes: work.StackRoots * 8L,
            GlobalsScanBytes: work.GlobalRoots * 8L,
            BackgroundCpuPs: workPs,
            Complete: false,
            BarrierHits: _dirtyCards.Count,
            HeapScanMarkedBytes: heap.Counters.HeapScan,
            CopiedBytes: work.CopiedBytes));
    }

    private sealed class EvacuationWork
    {
        public long Evacuated;
        public long Promoted;
        public long CopiedBytes;
        public long PointersScanned;
        public long CardsScanned;
        public long Freed;
        public long FreedBytes;
        public int GlobalRoots;
        public int StackRoots;

        public long WorkPicoseconds(SimulatedHeap heap) =>
            Evacuated * heap.Costs.MarkObject + PointersScanned * heap.Costs.ScanPointer + CopiedBytes * heap.Costs.CopyPerByte
            + (GlobalRoots + StackRoots) * heap.Costs.RootScan;
    }

    /// <summary>Copies every reachable young object to to-survivor or the old generation (all of them with <paramref name="promoteAll"/>), frees the rest, and rebuilds the remembered set.</summary>
    private EvacuationWork Evacuate(bool promoteAll)
    {
        var heap = Heap;
        var objects = heap.Objects;
        var work = new EvacuationWork();
        var evacuated = _evacuated;
        evacuated.Clear();
        if (_forwarded.Length < objects.HighWater)
        {
            Array.Resize(ref _forwarded, Math.Max(objects.HighWater, _forwarded.Length * 2));
        }

        // Forwarded is its own bit, not a colour: a major mark may be running, and its colours must stay.
        var forwarded = _forwarded;
        void Forward(int index)
        {
            if (index == 0 || !IsYoung(index) || forwarded[index])
            {
                return;
            }

            forwarded[index] = true;
            objects.Survived(index);
            var age = objects.Records[index].Age;
            var size = objects.Extents[index].Size;
            var offset = -1L;
            if (promoteAll || age >= _threshold)
            {
                offset = heap.SmallObjects.Allocate(SizeClasses.ClassOf(size), index);
                if (offset >= 0)
                {
                    _young[index] = false;
                    var classBytes = SizeClasses.ObjectSize(SizeClasses.ClassOf(size));
                    _oldBytes += classBytes;
                    heap.Counters.HeapAlloc += classBytes - BumpSpace.Align(size);
                    work.Promoted++;
                }
            }

            if (offset < 0)
            {
                // Stays young (or the old generation had no room): into to-survivor, which may
                // overflow its half rather than leave a reachable object behind.
                offset = _survivorTo.Allocate(size, index, mayExceedCapacity: true);
            }

            objects.Extents[index].AddressUnits = (uint)(offset >> 3);
            work.Evacuated++;
            work.CopiedBytes += BumpSpace.Align(size);
            evacuated.Add(index);
        }

        (work.GlobalRoots, work.StackRoots) = Tracer.ForEachRoot(heap, Forward);

        // Old objects on dirty cards are roots of a minor collection (in card order: deterministic).
        var rememberedObjects = _rememberedObjects;
        rememberedObjects.Clear();
        foreach (var card in _dirtyCards.Order())
        {
            work.CardsScanned++;
            foreach (var index in OldObjectsOnCard(card))
            {
                rememberedObjects.Add(index);
                var slots = objects.SlotsOf(index);
                work.PointersScanned += slots.Length;
                foreach (var target in slots)
                {
                    Forward(target);
                }
            }
        }

        for (var scan = 0; scan < evacuated.Count; scan++)
        {
            var index = evacuated[scan];
            var slots = objects.SlotsOf(index);
            work.PointersScanned += slots.Length;
            foreach (var target in slots)
            {
                Forward(target);
            }
        }

        foreach (var space in new[] { _nursery, _survivorFrom })
        {
            var (freed, freedBytes) = space.FreeUnreached(objects, forwarded, _young);
            work.Freed += freed;
            work.FreedBytes += freedBytes;
            space.Reset();
        }

        foreach (var index in evacuated)
        {
            forwarded[index] = false;
        }

        heap.Counters.HeapAlloc -= work.FreedBytes;
        heap.Counters.Frees += work.Freed;
        // The survivors just copied are in from-survivor for the next minor collection; to-survivor is empty.
        (_survivorFrom, _survivorTo) = (_survivorTo, _survivorFrom);
        (_survivorFrom.Name, _survivorTo.Name) = ("survivor (from)", "survivor (to)");

        // Keep dirty exactly the cards whose old objects still point into the young generation.
        _dirtyCards.Clear();
        if (_cardMarking)
        {
            foreach (var index in rememberedObjects.Concat(evacuated))
            {
                if (IsYoung(index) || !objects.IsLive(index))
                {
                    continue;
                }

                foreach (var target in objects.SlotsOf(index))
                {
                    if (IsYoung(target))
                    {
                        _dirtyCards.Add(CardOf(index));
                        break;
                    }
                }
            }
        }

        return work;
    }

    private IEnumerable<int> OldObjectsOnCard(long card)
    {
        var cardStart = card * CardBytes;
        var span = Heap.Spans.SpanOfOffset(cardStart);
        if (span is null || span.IsBumpChunk)
        {
            yield break;
        }

        var first = (int)Math.Max(0, (cardStart - span.BaseOffset) / span.ElementSize);
        var last = (int)Math.Min(span.Capacity - 1, (cardStart + CardBytes - 1 - span.BaseOffset) / span.ElementSize);
        for (var slot = first; slot <= last; slot++)
        {
            if (span.IsAllocated(slot))
            {
                yield return span.ObjectAt(slot);
            }
        }
    }

    private long CardOf(int index) => Heap.Objects.AddressOffset(index) / CardBytes;

    private void EnsureCapacity(int index)
    {
        if (index >= _young.Length)
        {
            Array.Resize(ref _young, Math.Max(index + 1, _young.Length * 2));
        }
    }
}
