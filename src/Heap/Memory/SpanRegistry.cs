namespace HeapNotebook.Heap.Memory;

/// <summary>Every span in use, by id, and the page map from a page to the span that owns it (Go's spans array).</summary>
internal sealed class SpanRegistry(PageHeap pages)
{
    private readonly List<Span?> _spans = [];
    private readonly Stack<int> _freeIds = new();
    private int[] _pageToSpan = new int[1024];
    private readonly Stack<Span>[] _released = Enumerable.Range(0, SizeClasses.Count).Select(_ => new Stack<Span>()).ToArray();

    public PageHeap Pages { get; } = pages;

    public int InUseCount { get; private set; }

    /// <summary>The current sweep generation; a span created now needs no sweep.</summary>
    public int SweepGeneration { get; set; }

    public long InUseBytes { get; private set; }

    /// <summary>Spans in use, by id (deterministic order).</summary>
    public IEnumerable<Span> InUse
    {
        get
        {
            foreach (var span in _spans)
            {
                if (span is not null)
                {
                    yield return span;
                }
            }
        }
    }

    public int IdLimit => _spans.Count;

    public Span? ById(int id) => _spans[id];

    /// <summary>
    /// A new span over fresh pages, or null when the page heap may not grow that far. With
    /// <paramref name="indexBlocks"/>, a span built new takes a block of that table, one index per
    /// slot (a released span of the class is reused with the block it has).
    /// </summary>
    public Span? Create(int pages, int sizeClass, int elementSize, int capacity, bool ignoreLimit = false, Objects.ObjectTable? indexBlocks = null)
    {
        var start = Pages.Allocate(pages, ignoreLimit);
        if (start < 0)
        {
            return null;
        }

        var id = _freeIds.Count > 0 ? _freeIds.Pop() : _spans.Count;
        Span span;
        if (sizeClass >= 0 && _released[sizeClass].TryPop(out var reused))
        {
            reused.Reuse(id, start, pages, sizeClass, elementSize, capacity);
            span = reused;
        }
        else
        {
            span = new Span(id, start, pages, sizeClass, elementSize, capacity, indexBlocks?.ReserveBlock(capacity) ?? -1);
        }

        span.SweptGeneration = SweepGeneration;
        if (id == _spans.Count)
        {
            _spans.Add(span);
        }
        else
        {
            _spans[id] = span;
        }

        if (start + pages > _pageToSpan.Length)
        {
            Array.Resize(ref _pageToSpan, Math.Max(start + pages, _pageToSpan.Length * 2));
        }

        for (var p = start; p < start + pages; p++)
        {
            _pageToSpan[p] = id + 1;
        }

        InUseCount++;
        InUseBytes += span.SpanBytes;
        return span;
    }

    public void Release(Span span)
    {
        span.Released = true;
        for (var p = span.StartPage; p < span.StartPage + span.Pages; p++)
        {
            _pageToSpan[p] = 0;
        }

        Pages.Free(span.StartPage, span.Pages);
        _spans[span.Id] = null;
        _freeIds.Push(span.Id);
        InUseCount--;
        InUseBytes -= span.SpanBytes;
        Recycle(span);
    }

    /// <summary>
    /// Keeps a released span for reuse without limit (as Go keeps its mspan structures): at most as
    /// many as were ever in use at once. A span still on its class's partial list is kept only when
    /// the list lets go of it and calls this again, so it is never on the list and in use at once.
    /// </summary>
    public void Recycle(Span span)
    {
        if (span.Released && span.SizeClass >= 0 && !span.QueuedAsPartial)
        {
            _released[span.SizeClass].Push(span);
        }
    }

    public Span? SpanOfOffset(long offset)
    {
        var page = (int)(offset >> SizeClasses.PageShift);
        if (page >= _pageToSpan.Length)
        {
            return null;
        }

        var id = _pageToSpan[page];
        return id == 0 ? null : _spans[id - 1];
    }
}
