using HeapNotebook.Heap.Memory;
using HeapNotebook.Heap.Objects;
using HeapNotebook.Heap.Telemetry;

namespace HeapNotebook.Heap.Collectors.MarkCompact;

/// <summary>
/// Mark-compact with the Lisp-2 sliding algorithm (as in Jones, Hosking and Moss, ch. 3).
///
///   1. Allocation bumps a pointer through one compacting space, so objects lie in the order
///      they were made.
///   2. A collection stops the world and marks from the roots (the shared tri-colour tracer).
///   3. Compute forwarding addresses: walk the space in address order; each marked object gets
///      the next free address from the start of the space.
///   4. Update references: every pointer in the roots and in live objects is rewritten to its
///      target's forwarding address. (Pointers here are table indices, so the rewrite is the
///      table's address field; the pass's cost — every slot of every live object — is counted.)
///   5. Slide: move each live object down to its forwarding address, in order. Dead objects are
///      simply overwritten; the bump pointer resumes after the last live object.
///
/// Invariant: after a collection the live objects occupy one contiguous run from the start of
/// the space, in their allocation order: no holes, no fragmentation, and order kept.
/// </summary>
internal sealed class MarkCompactPlan : CollectorPlan
{
    public static readonly PlanConstraints Description = new(
        "Mark-compact (Lisp-2): mark, compute forwarding addresses, update references, slide the live objects down. No holes, order kept.",
        MovesObjects: true,
        Generational: false,
        Incremental: false,
        Spaces: ["compacting"],
        ChunkedSpaces: ["compacting"]);

    private readonly BumpSpace _space;
    private readonly Tracer _tracer;

    /// <summary>The live objects of a collection in address order, kept between collections so each does not grow a new list.</summary>
    private readonly List<int> _live = [];

    public MarkCompactPlan(SimulatedHeap heap)
        : base(heap)
    {
        RefuseBarrier(heap, "stops the world for the whole cycle, so it needs no write barrier");

        _space = new BumpSpace("compacting", heap.Spans, heap.Options.EffectiveHeapLimitBytes);
        _tracer = new Tracer(heap);
        PlacesInBumpSpaces = true;
    }

    public override string Name => "markcompact";

    public override PlanConstraints Constraints => Description;

    internal override IReadOnlyList<BumpSpace> BumpSpaces => [_space];

    internal override long PlaceInBumpSpace(int size, int index) => _space.Allocate(size, index);

    internal override void Collect(GcTrigger trigger)
    {
        var heap = Heap;
        var costs = heap.Costs;
        var procs = heap.Options.Procs;
        var objects = heap.Objects;
        var cycle = heap.BeginCycle(trigger);
        var heapAtStart = heap.Counters.HeapLive;
        cycle.StopTheWorldPhase(GcPhase.SweepTermination, costs.SweepTermination);

        _tracer.Reset();
        _tracer.ShadeRoots();
        _tracer.Drain();
        var markWork = _tracer.WorkPicoseconds();
        cycle.StopTheWorldPhase(GcPhase.Mark, markWork / procs, markWork);
        cycle.StopTheWorldPhase(GcPhase.MarkTermination, costs.MarkTermination);

        // 3. Forwarding addresses, in address order.
        var live = _live;
        live.Clear();
        long freed = 0, freedBytes = 0;
        foreach (var index in _space.Objects)
        {
            if (objects.Records[index].Color == ObjectColor.Black)
            {
                live.Add(index);
            }
            else
            {
                freed++;
                freedBytes += BumpSpace.Align(objects.Extents[index].Size);
                objects.Free(index);
            }
        }

        var forwarding = _space.ForwardingAddresses(live, objects);

        // 4. Update references: every slot of every live object, and every root.
        long pointersUpdated = _tracer.RootsScanned;
        foreach (var index in live)
        {
            pointersUpdated += objects.Records[index].SlotCount;
        }

        // 5. Slide.
        long movedBytes = 0;
        for (var i = 0; i < live.Count; i++)
        {
            var index = live[i];
            if (objects.AddressOffset(index) != forwarding[i])
            {
                movedBytes += BumpSpace.Align(objects.Extents[index].Size);
                objects.Extents[index].AddressUnits = (uint)(forwarding[i] >> 3);
            }

            objects.Records[index].Color = ObjectColor.White;
            objects.Survived(index);
        }

        _space.Slid(live, forwarding, objects);
        heap.Counters.HeapAlloc -= freedBytes;
        heap.Counters.Frees += freed;

        var compactWork = (live.Count + freed) * costs.SweepObject + pointersUpdated * costs.ScanPointer + movedBytes * costs.CopyPerByte;
        cycle.StopTheWorldPhase(GcPhase.Sweep, compactWork / procs, compactWork);

        var liveBytes = _space.UsedBytes;
        var goal = GoalFor(liveBytes, _tracer.StackScanBytes, _tracer.GlobalsScanBytes);
        heap.EndCycle(cycle, new CycleOutcome(
            HeapMarkEndBytes: heapAtStart,
            HeapMarkedBytes: liveBytes,
            NextGoalBytes: goal,
            NextTriggerBytes: goal,
            ObjectsMarked: _tracer.ObjectsMarked,
            PointersScanned: _tracer.PointersScanned,
            ObjectsFreed: freed,
            BytesFreed: freedBytes,
            StackScanBytes: _tracer.StackScanBytes,
            GlobalsScanBytes: _tracer.GlobalsScanBytes,
            BackgroundCpuPs: markWork,
            Complete: true,
            HeapScanMarkedBytes: _tracer.HeapScanBytes,
            CopiedBytes: movedBytes));
    }
}
