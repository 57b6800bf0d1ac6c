using HeapNotebook.Heap.Errors;
using HeapNotebook.Heap.Memory;
using HeapNotebook.Heap.Objects;
using HeapNotebook.Heap.Telemetry;

namespace HeapNotebook.Heap.Collectors.Semispace;

/// <summary>
/// Semispace copying collection with Cheney's breadth-first scan (Fenichel and Yochelson 1969;
/// Cheney 1970).
///
///   1. The heap is two halves. The program allocates by bumping a pointer through one of them,
///      from-space; the other, to-space, stays empty (half the heap is reserved).
///   2. A collection stops the world and copies each root's object into to-space, leaving a
///      forwarding address behind (here: the object turns black and its table entry takes the
///      new address, so every handle and pointer follows it).
///   3. A scan pointer walks to-space from its start: each copied object's slots are scanned and
///      every target still in from-space is copied to the end of to-space. The copies are
///      therefore in breadth-first order, and the scan ends when it catches up with the end.
///   4. Whatever was not copied is garbage: from-space is emptied whole (no sweep), and the
///      halves swap. The cost follows the live data, not the heap; nothing fragments.
///
/// Invariant: after the scan, every object reachable from a root is in to-space exactly once,
/// and nothing in to-space refers to from-space. A live set larger than half the heap does not
/// fit: the collection completes over its half, and the program gets a simulated out-of-memory.
/// </summary>
internal sealed class SemispacePlan : CollectorPlan
{
    public static readonly PlanConstraints Description = new(
        "Semispace copying (Cheney): allocation bumps a pointer through one half; a collection copies the live objects breadth-first to the other half.",
        MovesObjects: true,
        Generational: false,
        Incremental: false,
        Spaces: ["from-space", "to-space"],
        ChunkedSpaces: ["from-space", "to-space"]);

    private BumpSpace _from;
    private BumpSpace _to;

    // The copy in progress: what Forward has copied so far, and Forward as a delegate for the root pass (made once).
    private long _copiedObjects, _copiedBytes;
    private readonly Action<int> _forward;

    public SemispacePlan(SimulatedHeap heap)
        : base(heap)
    {
        RefuseBarrier(heap, "stops the world to copy, so it needs no write barrier");

        var half = heap.Options.EffectiveHeapLimitBytes / 2;
        _from = new BumpSpace("from-space", heap.Spans, half);
        _to = new BumpSpace("to-space", heap.Spans, half);
        _forward = Forward;
        PlacesInBumpSpaces = true;
    }

    public override string Name => "semispace";

    public override PlanConstraints Constraints => Description;

    internal override IReadOnlyList<BumpSpace> BumpSpaces => [_from, _to];

    internal override long PlaceInBumpSpace(int size, int index) => _from.Allocate(size, index);

    /// <summary>Bytes each half may hold.</summary>
    public long HalfBytes => _from.CapacityBytes;

    internal override long LiveBytesCapacity => HalfBytes;

    /// <summary>Copies an object to to-space the first time a pointer to it is seen (black marks it copied); its index stays, its address changes.</summary>
    private void Forward(int index)
    {
        if (index == 0)
        {
            return;
        }

        ref var record = ref Heap.Objects.Records[index];
        if (record.Color == ObjectColor.Black)
        {
            return;
        }

        record.Color = ObjectColor.Black;
        // During the copy to-space may outgrow its half (and the page limit): the copy must
        // finish for the heap to stay whole; the out-of-memory is reported after it. Allocate
        // cannot move the table (the index exists), so the reference stays valid.
        ref var extent = ref Heap.Objects.Extents[index];
        var offset = _to.Allocate(extent.Size, index, mayExceedCapacity: true);
        extent.AddressUnits = (uint)(offset >> 3);
        _copiedObjects++;
        _copiedBytes += BumpSpace.Align(extent.Size);
    }

    internal override void Collect(GcTrigger trigger)
    {
        var heap = Heap;
        var costs = heap.Costs;
        var procs = heap.Options.Procs;
        var objects = heap.Objects;
        var cycle = heap.BeginCycle(trigger);
        var heapAtStart = heap.Counters.HeapLive;
        cycle.StopTheWorldPhase(GcPhase.SweepTermination, costs.SweepTermination);

        _copiedObjects = _copiedBytes = 0;
        long pointersScanned = 0;
        var (globals, stack) = Tracer.ForEachRoot(heap, _forward);
        var copied = _to.Objects;
        for (var scan = 0; scan < copied.Count; scan++)
        {
            var slots = objects.SlotsOf(copied[scan]);
            pointersScanned += slots.Length;
            foreach (var target in slots)
            {
                Forward(target);
            }
        }

        var (copiedObjects, copiedBytes) = (_copiedObjects, _copiedBytes);

        var (freed, freedBytes) = _from.FreeUnreached(objects);
        foreach (var index in _to.Objects)
        {
            objects.Records[index].Color = ObjectColor.White;
            objects.Survived(index);
        }

        _from.Reset();
        (_from, _to) = (_to, _from);
        (_from.Name, _to.Name) = ("from-space", "to-space");
        heap.Counters.HeapAlloc -= freedBytes;
        heap.Counters.Frees += freed;

        var copyWork = copiedObjects * costs.MarkObject + pointersScanned * costs.ScanPointer + copiedBytes * costs.CopyPerByte + (globals + stack) * costs.RootScan;
        cycle.StopTheWorldPhase(GcPhase.Mark, copyWork / procs, copyWork);
        cycle.StopTheWorldPhase(GcPhase.MarkTermination, costs.MarkTermination);

        var live = _from.UsedBytes;
        var goal = Math.Min(GoalFor(live, stack * 8L, globals * 8L), HalfBytes);
        heap.EndCycle(cycle, new CycleOutcome(
            HeapMarkEndBytes: heapAtStart,
            HeapMarkedBytes: live,
            NextGoalBytes: goal,
            NextTriggerBytes: goal,
            ObjectsMarked: copiedObjects,
            PointersScanned: pointersScanned,
            ObjectsFreed: freed,
            BytesFreed: freedBytes,
            StackScanBytes: stack * 8L,
            GlobalsScanBytes: globals * 8L,
            BackgroundCpuPs: copyWork,
            Complete: true,
            HeapScanMarkedBytes: pointersScanned * 8,
            CopiedBytes: copiedBytes));

        if (live > HalfBytes)
        {
            throw new SimulatedOutOfMemoryException(
                FormattableString.Invariant(
                    $"fatal error: out of memory: {live:N0} bytes are live after a full collection, more than the {HalfBytes:N0} bytes of one semispace (half of the {heap.Options.EffectiveHeapLimitBytes:N0}-byte heap). A copying collector needs room for a second copy of the live data; keep less alive or make the heap larger."),
                0, heap.Pages.SysBytes, heap.Options.EffectiveHeapLimitBytes, heap.Counters.HeapAlloc);
        }
    }
}
