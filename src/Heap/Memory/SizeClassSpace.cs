namespace HeapNotebook.Heap.Memory;

/// <summary>
/// Go-style segregated-fit space: each of the 67 size classes allocates from its current span
/// (Go's mcache), takes the next span with free slots when that one fills (mcentral's partial
/// list), and asks the page heap for a fresh span when none has room. A sweep frees slots in
/// place; a span left empty returns its pages to the page heap.
/// </summary>
internal sealed class SizeClassSpace(SpanRegistry spans)
{
    private readonly Span?[] _current = new Span?[SizeClasses.Count];
    private readonly Stack<Span>[] _partial = CreatePartialLists();

    public SpanRegistry Spans { get; } = spans;

    /// <summary>Sweeps a span that still holds last cycle's marks before it is allocated from (set by lazily sweeping plans).</summary>
    public Action<Span>? SweepBeforeUse { get; set; }

    private static Stack<Span>[] CreatePartialLists()
    {
        var lists = new Stack<Span>[SizeClasses.Count];
        for (var i = 0; i < lists.Length; i++)
        {
            lists[i] = new Stack<Span>();
        }

        return lists;
    }

    /// <summary>Places an object of the class; returns its address offset, or -1 when no span can be had.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public long Allocate(int sizeClass, int objectIndex)
    {
        var span = _current[sizeClass];
        if (span is not null && !span.IsFull && span.SweptGeneration == Spans.SweepGeneration)
        {
            var slot = span.TryAllocateSlot(objectIndex);
            if (slot >= 0)
            {
                return span.OffsetOf(slot);
            }
        }

        return AllocateFromNextSpan(sizeClass, objectIndex);
    }

    private long AllocateFromNextSpan(int sizeClass, int objectIndex)
    {
        var current = _current[sizeClass];
        if (current is not null && current.SweptGeneration != Spans.SweepGeneration)
        {
            SweepBeforeUse!(current);
            if (!current.Released && !current.IsFull)
            {
                return current.OffsetOf(current.TryAllocateSlot(objectIndex));
            }
        }

        var span = NextSpanWithRoom(sizeClass);
        if (span is null)
        {
            return -1;
        }

        _current[sizeClass] = span;
        return span.OffsetOf(span.TryAllocateSlot(objectIndex));
    }

    private Span? NextSpanWithRoom(int sizeClass)
    {
        var partial = _partial[sizeClass];
        while (partial.Count > 0)
        {
            var candidate = partial.Pop();
            if (!candidate.Released && candidate.SweptGeneration != Spans.SweepGeneration)
            {
                // Still flagged as queued, so the sweep does not queue the span it is being taken from.
                SweepBeforeUse!(candidate);
            }

            candidate.QueuedAsPartial = false;
            if (!candidate.Released && !candidate.IsFull)
            {
                return candidate;
            }
        }

        var pages = SizeClasses.PagesPerSpan(sizeClass);
        var size = SizeClasses.ObjectSize(sizeClass);
        return Spans.Create(pages, sizeClass, size, pages * SizeClasses.PageSize / size);
    }

    /// <summary>After a sweep freed slots of a span: make it available again, or give its pages back if it is empty.</summary>
    public void AfterSweep(Span span)
    {
        if (span.IsEmpty)
        {
            if (_current[span.SizeClass] == span)
            {
                _current[span.SizeClass] = null;
            }

            Spans.Release(span);
            return;
        }

        if (!span.IsFull && !span.QueuedAsPartial && _current[span.SizeClass] != span)
        {
            span.QueuedAsPartial = true;
            _partial[span.SizeClass].Push(span);
        }
    }
}
