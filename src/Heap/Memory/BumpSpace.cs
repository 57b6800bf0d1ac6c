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
    private Span? _current;
    private long _top;

    public string Name { get; } = name;

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
