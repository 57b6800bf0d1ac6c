using HeapNotebook.Heap.Objects;

namespace HeapNotebook.Heap.Collectors;

/// <summary>
/// The marking engine every tracing plan shares: shade the roots, then repeatedly take a grey
/// object, shade its white referents and blacken it. The grey set is an explicit stack of object
/// indices, never recursion, so a ten-million-node linked list marks like any other graph.
/// Work is counted so the plan can turn it into virtual time; <see cref="Drain"/> takes a budget
/// so incremental plans can interleave marking with the mutator.
/// </summary>
internal sealed class Tracer(SimulatedHeap heap)
{
    private int[] _grey = new int[1024];
    private int _greyCount;

    public long ObjectsMarked { get; private set; }

    public long BytesMarked { get; private set; }

    public long PointersScanned { get; private set; }

    public long RootsScanned { get; private set; }

    public long StackScanBytes { get; private set; }

    public long GlobalsScanBytes { get; private set; }

    public int GreyCount => _greyCount;

    /// <summary>The grey worklist, next to be scanned first.</summary>
    public IEnumerable<int> GreyObjects
    {
        get
        {
            for (var i = _greyCount - 1; i >= 0; i--)
            {
                yield return _grey[i];
            }
        }
    }

    public void Reset()
    {
        _greyCount = 0;
        ObjectsMarked = BytesMarked = PointersScanned = RootsScanned = StackScanBytes = GlobalsScanBytes = 0;
    }

    /// <summary>Shades every root: globals, stack slots and what pools hold.</summary>
    public void ShadeRoots()
    {
        var (globals, stack) = ForEachRoot(heap, target => Shade(target));
        GlobalsScanBytes = globals * 8L;
        StackScanBytes = stack * 8L;
        RootsScanned += globals + stack;
    }

    /// <summary>Calls <paramref name="visit"/> with every root's target (0 for a null stack slot); returns how many global-like and stack roots there were.</summary>
    public static (int Globals, int Stack) ForEachRoot(SimulatedHeap heap, Action<int> visit)
    {
        foreach (var (_, handle) in heap.Roots.Entries)
        {
            visit(handle.Index);
        }

        var pooled = 0;
        foreach (var pool in heap.Pools)
        {
            foreach (var handle in pool.Contents)
            {
                visit(handle.Index);
                pooled++;
            }
        }

        var stack = heap.Stack;
        for (var i = 0; i < stack.Top; i++)
        {
            visit(stack.Locals[i]);
        }

        // Objects on the stack are stack memory: their slots are roots.
        var stackSlots = 0;
        foreach (var index in stack.StackObjects)
        {
            var slots = heap.Objects.SlotsOf(index);
            foreach (var target in slots)
            {
                visit(target);
            }

            stackSlots += slots.Length;
        }

        return (heap.Roots.Count + pooled, stack.Top + stackSlots);
    }

    /// <summary>Shades every stack slot again (the rescan an insertion barrier needs at mark termination).</summary>
    public void RescanStacks()
    {
        var stack = heap.Stack;
        for (var i = 0; i < stack.Top; i++)
        {
            Shade(stack.Locals[i]);
        }

        foreach (var index in stack.StackObjects)
        {
            foreach (var target in heap.Objects.SlotsOf(index))
            {
                Shade(target);
            }
        }

        RootsScanned += stack.Top;
    }

    /// <summary>Greys a white object; returns false when there was nothing to do (null, grey or black).</summary>
    public bool Shade(int index)
    {
        if (index == 0 || heap.Objects.Records[index].Color != ObjectColor.White)
        {
            return false;
        }

        heap.Objects.Records[index].Color = ObjectColor.Grey;
        if (_greyCount == _grey.Length)
        {
            Array.Resize(ref _grey, _grey.Length * 2);
        }

        _grey[_greyCount++] = index;
        return true;
    }

    /// <summary>Scans grey objects until none is left or <paramref name="objectBudget"/> have been scanned; true when no grey object remains.</summary>
    public bool Drain(long objectBudget = long.MaxValue)
    {
        var records = heap.Objects.Records;
        var extents = heap.Objects.Extents;
        var grey = _grey;
        var greyCount = _greyCount;
        // The usual node keeps both slots in its record; only the others' objects and slots are counted
        // in the loop, which keeps its few counters in registers (the rest follow from the budget left).
        var budget = objectBudget;
        long bytes = 0, otherObjects = 0, otherSlots = 0;

        // Runs of objects of one size are the rule (a tree, a list): their rounded size is looked up once.
        var lastSize = 0;
        var lastRounded = 0L;
        while (greyCount > 0 && budget > 0)
        {
            budget--;
            var index = grey[--greyCount];
            ref var current = ref records[index];
            current.Color = ObjectColor.Black;
            var size = extents[index].Size;
            if (size != lastSize)
            {
                lastSize = size;
                lastRounded = Memory.SizeClasses.RoundedSize(lastSize);
            }

            bytes += lastRounded;
            if (current.SlotMode == ObjectRecord.InlineSlots)
            {
                // No slot view to make or loop to run.
                var second = current.SlotB;
                ShadeTarget(records, current.SlotA, ref grey, ref greyCount);
                ShadeTarget(records, second, ref grey, ref greyCount);
                continue;
            }

            var slots = ObjectRecord.SlotsOf(ref current, heap.Slots.Data);
            otherObjects++;
            otherSlots += slots.Length;
            foreach (var target in slots)
            {
                ShadeTarget(records, target, ref grey, ref greyCount);
            }
        }

        var marked = objectBudget - budget;
        _greyCount = greyCount;
        ObjectsMarked += marked;
        PointersScanned += (marked - otherObjects) * ObjectRecord.InlineSlots + otherSlots;
        BytesMarked += bytes;
        return greyCount == 0;
    }

    /// <summary>Greys <paramref name="target"/> when it is a white object, pushing it on the grey stack (grown when full).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private void ShadeTarget(ObjectRecord[] records, int target, ref int[] grey, ref int greyCount)
    {
        if (target != 0 && records[target].Color == ObjectColor.White)
        {
            records[target].Color = ObjectColor.Grey;
            if (greyCount == grey.Length)
            {
                Array.Resize(ref _grey, grey.Length * 2);
                grey = _grey;
            }

            grey[greyCount++] = target;
        }
    }

    /// <summary>Go's scan work: bytes of pointer slots scanned in heap objects.</summary>
    public long HeapScanBytes => PointersScanned * 8;

    /// <summary>All scan work so far: heap objects, stacks and globals, in bytes.</summary>
    public long ScanWorkBytes => HeapScanBytes + StackScanBytes + GlobalsScanBytes;

    /// <summary>Scans grey objects until about <paramref name="scanBytes"/> of scan work is done or none is left; true when no grey object remains.</summary>
    public bool DrainScanWork(long scanBytes)
    {
        var target = HeapScanBytes + Math.Max(8, scanBytes);
        while (_greyCount > 0 && HeapScanBytes < target)
        {
            var pointersPerObject = ObjectsMarked == 0 ? 2 : Math.Max(1, PointersScanned / ObjectsMarked);
            var objects = Math.Max(1, (target - HeapScanBytes) / 8 / pointersPerObject);
            Drain(objects);
        }

        return _greyCount == 0;
    }

    /// <summary>Virtual picoseconds of the marking work counted so far.</summary>
    public long WorkPicoseconds()
    {
        var costs = heap.Costs;
        return ObjectsMarked * costs.MarkObject + PointersScanned * costs.ScanPointer + RootsScanned * costs.RootScan;
    }
}
