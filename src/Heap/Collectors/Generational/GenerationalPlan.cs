using HeapNotebook.Heap.Errors;
using HeapNotebook.Heap.Memory;
using HeapNotebook.Heap.Objects;
using HeapNotebook.Heap.Telemetry;

namespace HeapNotebook.Heap.Collectors.Generational;

/// <summary>
/// Generational collection (Lieberman and Hewitt 1983; Ungar 1984): a copying young generation
/// over a mark-sweep old generation, with a card-marking remembered set.
///
///   1. New small objects are bump-allocated in the nursery; large ones (over 32 KiB) go straight
///      to the old generation's large-object space.
///   2. When the nursery is full, a minor collection stops the world and evacuates the young
///      objects reachable from the roots and from dirty cards (below): each survivor is copied
///      to the to-survivor space and ages by one, or — once its age reaches the tenuring
///      threshold (0: at once) — is promoted into the old generation's size-class spans. A Cheney
///      scan over the evacuated objects finds the rest. The nursery and from-survivor space are
///      then empty and are reused whole: the cost follows the survivors, not the garbage.
///   3. The remembered set: a write barrier dirties the 512-byte card of any old object that
///      comes to point to a young one; a minor collection treats the old objects on dirty cards
///      as roots, and afterwards keeps dirty only the cards that still point into the young
///      generation. A dead old object on a dirty card still keeps its young referents alive
///      until the next major collection: nepotism.
///   4. A major collection (the old generation reached its GOGC goal, or runtime.GC()) stops
///      the world, promotes every young survivor, marks from the roots and sweeps the old
///      generation's spans.
///
/// Invariant: after a minor collection every young object reachable from a root or from an old
/// object is in to-survivor or the old generation, and every old object that points into the
/// young generation sits on a dirty card. (In this version the major collection stops the world;
/// it does not yet run as an incremental tri-colour mark.)
/// </summary>
internal sealed class GenerationalPlan : CollectorPlan
{
    public const int CardBytes = 512;
    public const int MaxTenuringThreshold = 15;

    public static readonly PlanConstraints Description = new(
        "Generational: a bump-allocated nursery copied by minor collections into survivor spaces, promotion by age into a mark-sweep old generation, and a card-marking remembered set.",
        MovesObjects: true,
        Generational: true,
        Incremental: false,
        Spaces: ["nursery", "survivor", "survivor", "size-class (old)", "large-object (old)"]);

    private readonly BumpSpace _nursery;
    private readonly Tracer _tracer;
    private readonly Sweeper _sweeper;
    private readonly int _threshold;
    private readonly bool _cardMarking;
    private readonly HashSet<long> _dirtyCards = [];
    private BumpSpace _survivorFrom;
    private BumpSpace _survivorTo;
    private bool[] _young = new bool[1024];
    private long _oldBytes;
    private long _oldGoal;

    public GenerationalPlan(SimulatedHeap heap)
        : base(heap)
    {
        var options = heap.Options;
        RefuseBarrier(heap, "stops the world for major collections in this version, so its only barrier is card marking");

        if (options.NurseryBytes < 64 << 10 || options.NurseryBytes > options.EffectiveHeapLimitBytes / 2)
        {
            throw new InvalidHeapOptionException(
                $"A nursery of {SimulatedHeap.FormatExact(options.NurseryBytes)} does not fit: use 64 KiB to half the heap size limit ({SimulatedHeap.FormatExact(options.EffectiveHeapLimitBytes / 2)}).");
        }

        if (options.TenuringThreshold is < 0 or > MaxTenuringThreshold)
        {
            throw new InvalidHeapOptionException($"A tenuring threshold of {options.TenuringThreshold} is out of range: use 0 (promote every survivor at once) to {MaxTenuringThreshold}.");
        }

        _threshold = options.TenuringThreshold;
        _cardMarking = !options.DisableCardMarkingForTests;
        _nursery = new BumpSpace("nursery", heap.Spans, options.NurseryBytes);
        _survivorFrom = new BumpSpace("survivor", heap.Spans, options.NurseryBytes / 2);
        _survivorTo = new BumpSpace("survivor", heap.Spans, options.NurseryBytes / 2);
        _tracer = new Tracer(heap);
        _sweeper = new Sweeper(heap);
        PlacesInBumpSpaces = true;
        ChecksRoomBeforeAllocation = true;
        BarrierActive = true;
    }

    public override string Name => "generational";

    public override PlanConstraints Constraints => Description;

    internal override IReadOnlyList<BumpSpace> BumpSpaces => [_nursery, _survivorFrom, _survivorTo];

    /// <summary>True while the object lives in the young generation (nursery or survivor space).</summary>
    internal bool IsYoung(int index) => index < _young.Length && _young[index];

    /// <summary>Cards currently dirty (the remembered set), as card numbers (address offset / 512).</summary>
    internal IReadOnlyCollection<long> DirtyCards => _dirtyCards;

    /// <summary>Bytes in the old generation.</summary>
    internal long OldBytes => _oldBytes;

    internal override long BumpAllocatedBytes(int size) =>
        size > SizeClasses.MaxSmallSize ? (long)SizeClasses.PagesFor(size) * SizeClasses.PageSize : BumpSpace.Align(size);

    internal override bool NeedsCollectionBefore(int size) =>
        _oldBytes >= _oldGoal || (size <= SizeClasses.MaxSmallSize && _nursery.UsedBytes + BumpSpace.Align(size) > _nursery.CapacityBytes);

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

    internal override void WriteBarrier(int source, int slot, int oldTarget, int newTarget)
    {
        if (_cardMarking && source != 0 && newTarget != 0 && !_young[source] && IsYoung(newTarget))
        {
            if (_dirtyCards.Add(CardOf(source)))
            {
                Heap.Clock.Advance(Heap.Costs.Barrier);
            }
        }
    }

    internal override void Collect(GcTrigger trigger)
    {
        if (trigger == GcTrigger.HeapGoal)
        {
            Minor(trigger);
            if (_oldBytes >= _oldGoal)
            {
                Major(GcTrigger.HeapGoal);
            }

            return;
        }

        Major(trigger);
    }

    internal override long InitialTrigger(long goal)
    {
        _oldGoal = goal;
        return Pacing.HeapGoal.NoGoal;
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
            NextTriggerBytes: Pacing.HeapGoal.NoGoal,
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

    private void Major(GcTrigger trigger)
    {
        var heap = Heap;
        var procs = heap.Options.Procs;
        var cycle = heap.BeginCycle(trigger, GcKind.Major);
        var heapAtStart = heap.Counters.HeapAlloc;
        cycle.StopTheWorldPhase(GcPhase.SweepTermination, heap.Costs.SweepTermination);

        // Empty the young generation into the old one, then mark-sweep the old generation.
        var evacuation = Evacuate(promoteAll: true);
        _tracer.Reset();
        _tracer.ShadeRoots();
        _tracer.Drain();
        var markPs = evacuation.WorkPicoseconds(heap) + _tracer.WorkPicoseconds();
        cycle.StopTheWorldPhase(GcPhase.Mark, markPs / procs, markPs);
        cycle.StopTheWorldPhase(GcPhase.MarkTermination, heap.Costs.MarkTermination);
        var allocatedBeforeSweep = heap.Counters.HeapAlloc;
        _sweeper.Reset();
        _sweeper.SweepAll();
        var sweepPs = _sweeper.WorkPicoseconds();
        cycle.StopTheWorldPhase(GcPhase.Sweep, sweepPs / procs, sweepPs);
        _oldBytes -= allocatedBeforeSweep - heap.Counters.HeapAlloc;
        _dirtyCards.Clear();
        _oldGoal = GoalFor(_oldBytes, _tracer.StackScanBytes, _tracer.GlobalsScanBytes);

        heap.EndCycle(cycle, new CycleOutcome(
            HeapMarkEndBytes: heapAtStart,
            HeapMarkedBytes: heap.Counters.HeapAlloc,
            NextGoalBytes: _oldGoal,
            NextTriggerBytes: Pacing.HeapGoal.NoGoal,
            ObjectsMarked: _tracer.ObjectsMarked,
            PointersScanned: _tracer.PointersScanned + evacuation.PointersScanned,
            ObjectsFreed: evacuation.Freed + _sweeper.ObjectsFreed,
            BytesFreed: evacuation.FreedBytes + _sweeper.BytesFreed,
            StackScanBytes: _tracer.StackScanBytes,
            GlobalsScanBytes: _tracer.GlobalsScanBytes,
            BackgroundCpuPs: markPs,
            Complete: true,
            HeapScanMarkedBytes: _tracer.HeapScanBytes,
            CopiedBytes: evacuation.CopiedBytes));
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
        var data = heap.Slots.Data;
        var work = new EvacuationWork();
        var evacuated = new List<int>();

        void Forward(int index)
        {
            if (index == 0 || !IsYoung(index) || objects.Color[index] == ObjectColor.Black)
            {
                return;
            }

            objects.Color[index] = ObjectColor.Black;
            objects.Survived(index);
            var age = objects.Age[index];
            var size = objects.Size[index];
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

            objects.AddressUnits[index] = (uint)(offset >> 3);
            work.Evacuated++;
            work.CopiedBytes += BumpSpace.Align(size);
            evacuated.Add(index);
        }

        (work.GlobalRoots, work.StackRoots) = Tracer.ForEachRoot(heap, Forward);

        // Old objects on dirty cards are roots of a minor collection (in card order: deterministic).
        var rememberedObjects = new List<int>();
        foreach (var card in _dirtyCards.Order())
        {
            work.CardsScanned++;
            foreach (var index in OldObjectsOnCard(card))
            {
                rememberedObjects.Add(index);
                var start = objects.SlotStart[index];
                work.PointersScanned += objects.SlotCount[index];
                for (var s = start; s < start + objects.SlotCount[index]; s++)
                {
                    Forward(data[s]);
                }
            }
        }

        for (var scan = 0; scan < evacuated.Count; scan++)
        {
            var index = evacuated[scan];
            var start = objects.SlotStart[index];
            work.PointersScanned += objects.SlotCount[index];
            for (var s = start; s < start + objects.SlotCount[index]; s++)
            {
                Forward(data[s]);
            }
        }

        foreach (var space in new[] { _nursery, _survivorFrom })
        {
            var (freed, freedBytes) = space.FreeUnreached(objects, index => _young[index] = false);
            work.Freed += freed;
            work.FreedBytes += freedBytes;
            space.Reset();
        }

        foreach (var index in evacuated)
        {
            objects.Color[index] = ObjectColor.White;
        }

        heap.Counters.HeapAlloc -= work.FreedBytes;
        heap.Counters.Frees += work.Freed;
        (_survivorFrom, _survivorTo) = (_survivorTo, _survivorFrom);

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

                var start = objects.SlotStart[index];
                for (var s = start; s < start + objects.SlotCount[index]; s++)
                {
                    if (IsYoung(data[s]))
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
                yield return span.Objects[slot];
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
