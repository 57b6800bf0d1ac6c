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
        var grey = _greyCount == _grey.Length ? GrowGrey(_greyCount + 1) : _grey;
        grey[_greyCount++] = index;
        return true;
    }

    /// <summary>Scans grey objects until none is left or <paramref name="objectBudget"/> have been scanned; true when no grey object remains.</summary>
    public bool Drain(long objectBudget = long.MaxValue)
    {
        var records = heap.Objects.Records;
        var extents = heap.Objects.Extents;
        var grey = _grey;
        var greyCount = _greyCount;
        long marked = 0, bytes = 0;
        _objectsScannedAside = 0;
        _lastSize = 0;
        _lastRounded = 0;
        var lastSize = 0;
        var lastRounded = 0L;
        while (greyCount > 0 && marked < objectBudget)
        {
            // The usual object, a run of them: its size is the last one's (so is its rounded size),
            // its two slots are in its record, and the grey stack has room for both. This loop makes
            // no call, so its locals stay in registers; any other object is scanned by ScanAside.
            while (greyCount > 0 && marked < objectBudget)
            {
                var index = grey[greyCount - 1];
                ref var current = ref records[index];
                if (extents[index].Size != lastSize || current.SlotMode != ObjectRecord.InlineSlots || greyCount + 1 > grey.Length)
                {
                    break;
                }

                greyCount--;
                marked++;
                current.Color = ObjectColor.Black;
                bytes += lastRounded;
                var first = current.SlotA;
                var second = current.SlotB;
                greyCount = ShadeInto(records, grey, greyCount, first);
                greyCount = ShadeInto(records, grey, greyCount, second);
            }

            if (greyCount > 0 && marked < objectBudget)
            {
                greyCount = ScanAside(greyCount);
                marked++;
                grey = _grey;
                lastSize = _lastSize;
                lastRounded = _lastRounded;
            }
        }

        _greyCount = greyCount;
        ObjectsMarked += marked;
        PointersScanned += (marked - _objectsScannedAside) * ObjectRecord.InlineSlots;
        BytesMarked += bytes;
        return greyCount == 0;
    }

    // Drain's state for ScanAside: the objects it scanned (which count their own pointers and bytes),
    // and the last size it looked up, which the objects after it of the same size reuse.
    private long _objectsScannedAside;
    private int _lastSize;
    private long _lastRounded;

    /// <summary>
    /// Scans the grey object on top of the stack for <see cref="Drain"/> when it is not the usual one:
    /// a new size (looked up, and kept for the objects after it), slots outside its record, or a grey
    /// stack that must grow first. Counts its pointers and bytes; returns the new grey count.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private int ScanAside(int greyCount)
    {
        var records = heap.Objects.Records;
        var index = _grey[--greyCount];
        ref var current = ref records[index];
        current.Color = ObjectColor.Black;
        var size = heap.Objects.Extents[index].Size;
        if (size != _lastSize)
        {
            _lastSize = size;
            _lastRounded = Memory.SizeClasses.RoundedSize(size);
        }

        BytesMarked += _lastRounded;
        _objectsScannedAside++;
        var slots = ObjectRecord.SlotsOf(ref current, heap.Slots.Data);
        PointersScanned += slots.Length;
        var grey = greyCount + slots.Length > _grey.Length ? GrowGrey(greyCount + slots.Length) : _grey;
        foreach (var target in slots)
        {
            greyCount = ShadeInto(records, grey, greyCount, target);
        }

        return greyCount;
    }

    /// <summary>
    /// Greys <paramref name="target"/> when it is a white object, pushing it on <paramref name="grey"/>,
    /// which has room (see <see cref="GrowGrey"/>); returns the new count. Counts and arrays go by
    /// value, so <see cref="Drain"/> keeps them in registers.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static int ShadeInto(ObjectRecord[] records, int[] grey, int greyCount, int target)
    {
        if (target != 0)
        {
            ref var record = ref records[target];
            if (record.Color == ObjectColor.White)
            {
                record.Color = ObjectColor.Grey;
                grey[greyCount++] = target;
            }
        }

        return greyCount;
    }

    /// <summary>Doubles the grey stack until it holds <paramref name="needed"/> entries.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private int[] GrowGrey(int needed)
    {
        var length = _grey.Length;
        while (length < needed)
        {
            length *= 2;
        }

        Array.Resize(ref _grey, length);
        return _grey;
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
