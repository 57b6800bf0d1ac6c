namespace HeapNotebook.Heap.Memory;

/// <summary>
/// Go-style segregated-fit space: each of the 67 size classes allocates from its current span
/// (Go's mcache), takes the next span with free slots when that one fills (mcentral's partial
/// list), and asks the page heap for a fresh span when none has room. A sweep frees slots in
/// place; a span left empty returns its pages to the page heap. Unless the plan moves objects in
/// from elsewhere (<see cref="IndexesBySlot"/>), every span owns one table index per slot, so an
/// object's index is where it is placed (see <see cref="Span"/>).
/// </summary>
internal sealed class SizeClassSpace(SpanRegistry spans, Objects.ObjectTable objects)
{
    private readonly Span?[] _current = new Span?[SizeClasses.Count];
    private readonly Stack<Span>[] _partial = CreatePartialLists();

    public SpanRegistry Spans { get; } = spans;

    /// <summary>Sweeps a span that still holds last cycle's marks before it is allocated from (set by lazily sweeping plans).</summary>
    public Action<Span>? SweepBeforeUse { get; set; }

    /// <summary>Called when a class takes another span to allocate from (Go's mcache refill, where mallocgc tests the GC trigger again).</summary>
    public Action? AfterRefill { get; set; }

    /// <summary>
    /// True (the default) when objects are placed here only when they are allocated, so each span
    /// owns the table indices of its slots and <see cref="AllocateIndexed"/> gives an object its
    /// index. A plan that moves objects in with the index they already have (promotion) turns it
    /// off before the first allocation, and places them with <see cref="Allocate"/>.
    /// </summary>
    public bool IndexesBySlot
    {
        get;
        set
        {
            if (Spans.IdLimit != 0)
            {
                throw new InvalidOperationException("How spans find their objects is chosen before the first span is made.");
            }

            field = value;
        }
    } = true;

    private static Stack<Span>[] CreatePartialLists()
    {
        var lists = new Stack<Span>[SizeClasses.Count];
        for (var i = 0; i < lists.Length; i++)
        {
            lists[i] = new Stack<Span>();
        }

        return lists;
    }

    /// <summary>Places the object at <paramref name="objectIndex"/> in a slot of its class (spans that map slots to indices only); returns its address offset, or -1 when no span can be had.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public long Allocate(int sizeClass, int objectIndex)
    {
        System.Diagnostics.Debug.Assert(!IndexesBySlot, "A span that indexes objects by slot cannot take an object with an index of its own.");
        var span = Place(sizeClass, objectIndex, out var slot);
        return span is null ? -1 : span.OffsetOf(slot);
    }

    /// <summary>Places a new object of the class (spans that index objects by slot only); returns the table index of its slot, or -1 when no span can be had.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public int AllocateIndexed(int sizeClass, out long offset)
    {
        var span = Place(sizeClass, 0, out var slot);
        if (span is null)
        {
            offset = -1;
            return -1;
        }

        offset = span.OffsetOf(slot);
        return span.IndexBase + slot;
    }

    /// <summary>
    /// Places a new object of the class in the slot its current span has cached (spans that index
    /// objects by slot only), when there is one (such a span is swept: see <see cref="ForgetCaches"/>); false, changing nothing, when
    /// the object must take <see cref="AllocateIndexed"/>'s longer way.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public bool TryAllocateFromCache(int sizeClass, out int index, out long offset)
    {
        var span = _current[sizeClass];
        if (span is not null && span.HasCachedSlot)
        {
            System.Diagnostics.Debug.Assert(span.SweptGeneration == Spans.SweepGeneration, "a span with cached slots is swept (see ForgetCaches)");
            var slot = span.TakeCachedSlot();
            offset = span.OffsetOf(slot);
            index = span.IndexBase + slot;
            return true;
        }

        index = -1;
        offset = -1;
        return false;
    }

    /// <summary>
    /// Empties the allocation caches of the current spans as a lazy sweep begins (as Go's mcaches
    /// give back their spans at the end of marking), so a span with a cached slot is always swept and
    /// <see cref="TryAllocateFromCache"/> need not ask; the next allocation sweeps the span first.
    /// </summary>
    public void ForgetCaches()
    {
        foreach (var span in _current)
        {
            span?.ForgetCache();
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private Span? Place(int sizeClass, int objectIndex, out int slot)
    {
        var span = _current[sizeClass];
        if (span is not null && !span.IsFull && span.SweptGeneration == Spans.SweepGeneration)
        {
            slot = span.TryAllocateSlot(objectIndex);
            if (slot >= 0)
            {
                return span;
            }
        }

        return PlaceInNextSpan(sizeClass, objectIndex, out slot);
    }

    private Span? PlaceInNextSpan(int sizeClass, int objectIndex, out int slot)
    {
        var current = _current[sizeClass];
        if (current is not null && current.SweptGeneration != Spans.SweepGeneration)
        {
            SweepBeforeUse!(current);
            if (!current.Released && !current.IsFull)
            {
                slot = current.TryAllocateSlot(objectIndex);
                return current;
            }
        }

        var span = NextSpanWithRoom(sizeClass);
        if (span is null)
        {
            slot = -1;
            return null;
        }

        _current[sizeClass] = span;
        slot = span.TryAllocateSlot(objectIndex);
        AfterRefill?.Invoke();
        return span;
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
            if (candidate.Released)
            {
                // Emptied while it waited here: its structure (and its block of table indices) is reused.
                Spans.Recycle(candidate);
            }
            else if (!candidate.IsFull)
            {
                return candidate;
            }
        }

        var pages = SizeClasses.PagesPerSpan(sizeClass);
        var size = SizeClasses.ObjectSize(sizeClass);
        return Spans.Create(pages, sizeClass, size, pages * SizeClasses.PageSize / size, indexBlocks: IndexesBySlot ? objects : null);
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
