using HeapNotebook.Heap.Objects;

namespace HeapNotebook.Heap.Memory;

/// <summary>
/// A bump-pointer space: objects are placed one after another, 8-byte aligned, in chunks of
/// pages taken from the page heap, and the space remembers them in address order. Allocation is
/// a pointer increment; nothing is ever freed one object at a time: a copying or compacting
/// collector empties the space as a whole (<see cref="Reset"/>) or rebuilds it in order.
/// </summary>
internal sealed class BumpSpace(string name, SpanRegistry spans, long capacityBytes)
{
    /// <summary>Pages per chunk (256 KiB); an object larger than a chunk gets a chunk of its own size.</summary>
    public const int ChunkPages = 32;

    private readonly List<Span> _chunks = [];
    private readonly List<int> _objects = [];
    private long[] _forwarding = [];
    private Span? _current;
    private long _top;

    /// <summary>The space's name by its role (one of the plan's spaces); a plan that swaps two spaces' roles swaps their names too.</summary>
    public string Name { get; set; } = name;

    /// <summary>The most bytes of objects the space may hold.</summary>
    public long CapacityBytes { get; } = capacityBytes;

    public long UsedBytes { get; private set; }

    /// <summary>The objects in the space, in address order (allocation or copy order).</summary>
    public IReadOnlyList<int> Objects => _objects;

    public IReadOnlyList<Span> Chunks => _chunks;

    public static long Align(long size) => (size + 7) & ~7L;

    /// <summary>Places an object; returns its address offset, or -1 when the space is at its capacity (unless <paramref name="mayExceedCapacity"/>) or no pages can be had.</summary>
    public long Allocate(int size, int objectIndex, bool mayExceedCapacity = false)
    {
        var bytes = Align(size);
        if (!mayExceedCapacity && UsedBytes + bytes > CapacityBytes)
        {
            return -1;
        }

        if (_current is null || _top + bytes > _current.BaseOffset + _current.SpanBytes)
        {
            var pages = Math.Max(ChunkPages, SizeClasses.PagesFor(bytes));
            var chunk = spans.Create(pages, -1, pages * SizeClasses.PageSize, 0, ignoreLimit: mayExceedCapacity);
            if (chunk is null)
            {
                return -1;
            }

            _chunks.Add(chunk);
            _current = chunk;
            _top = chunk.BaseOffset;
        }

        var offset = _top;
        _top += bytes;
        UsedBytes += bytes;
        _objects.Add(objectIndex);
        return offset;
    }

    /// <summary>
    /// Lisp-2's first pass: the address each object of <paramref name="liveInOrder"/> slides to,
    /// packing them from the start of the first chunk in the same order. Every object lands at
    /// or below where it was, so the packing always fits in the chunks the space has. The array
    /// is the space's own, reused by every collection (entries past the live count are stale).
    /// </summary>
    public long[] ForwardingAddresses(IReadOnlyList<int> liveInOrder, Objects.ObjectTable objects)
    {
        if (_forwarding.Length < liveInOrder.Count)
        {
            _forwarding = GC.AllocateUninitializedArray<long>(Math.Max(liveInOrder.Count, _forwarding.Length * 2));
        }

        var forwarding = _forwarding;
        var chunk = 0;
        var top = _chunks.Count > 0 ? _chunks[0].BaseOffset : 0;
        for (var i = 0; i < liveInOrder.Count; i++)
        {
            var bytes = Align(objects.Extents[liveInOrder[i]].Size);
            while (top + bytes > _chunks[chunk].BaseOffset + _chunks[chunk].SpanBytes)
            {
                chunk++;
                top = _chunks[chunk].BaseOffset;
            }

            forwarding[i] = top;
            top += bytes;
        }

        return forwarding;
    }

    /// <summary>Lisp-2's last pass: the space now holds exactly <paramref name="liveInOrder"/> at their new addresses; chunks left empty go back to the page heap.</summary>
    public void Slid(IReadOnlyList<int> liveInOrder, long[] forwarding, Objects.ObjectTable objects)
    {
        _objects.Clear();
        _objects.AddRange(liveInOrder);
        UsedBytes = liveInOrder.Sum(i => Align(objects.Extents[i].Size));
        var lastChunk = 0;
        _top = _chunks.Count > 0 ? _chunks[0].BaseOffset : 0;
        if (liveInOrder.Count > 0)
        {
            var last = liveInOrder.Count - 1;
            _top = forwarding[last] + Align(objects.Extents[liveInOrder[last]].Size);
            lastChunk = _chunks.FindIndex(c => forwarding[last] >= c.BaseOffset && forwarding[last] < c.BaseOffset + c.SpanBytes);
        }

        for (var i = _chunks.Count - 1; i > lastChunk; i--)
        {
            spans.Release(_chunks[i]);
            _chunks.RemoveAt(i);
        }

        if (liveInOrder.Count == 0)
        {
            Reset();
            return;
        }

        _current = _chunks[lastChunk];
    }

    /// <summary>Frees every object of the space a collection did not reach (not set in <paramref name="reached"/>, by object index; without it, not black), clearing each one's flag in <paramref name="clearWhenFreed"/> if given; returns how many and their bytes. The space itself is left for the caller to reset or rebuild.</summary>
    public (long Objects, long Bytes) FreeUnreached(ObjectTable objects, bool[]? reached = null, bool[]? clearWhenFreed = null)
    {
        // The bytes freed are the space's bytes less the survivors': the sizes of the (few) survivors
        // are read, not those of the (many) dead, whose extents would cost a cache line each.
        long count = 0, survivingBytes = 0;
        var records = objects.Records;
        var extents = objects.Extents;
        foreach (var index in System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_objects))
        {
            if (reached is null ? records[index].Color != ObjectColor.Black : !reached[index])
            {
                count++;
                objects.Free(index);
                if (clearWhenFreed is not null)
                {
                    clearWhenFreed[index] = false;
                }
            }
            else
            {
                survivingBytes += Align(extents[index].Size);
            }
        }

        return (count, UsedBytes - survivingBytes);
    }

    /// <summary>Empties the space and gives its pages back.</summary>
    public void Reset()
    {
        foreach (var chunk in _chunks)
        {
            spans.Release(chunk);
        }

        _chunks.Clear();
        _objects.Clear();
        _current = null;
        _top = 0;
        UsedBytes = 0;
    }

    public bool Holds(long offset) => _chunks.Any(c => offset >= c.BaseOffset && offset < c.BaseOffset + c.SpanBytes);
}
