namespace HeapNotebook.Heap.Memory;

/// <summary>Objects over 32 KiB: each gets a span of its own, a whole number of pages, returned to the page heap when the object dies.</summary>
internal sealed class LargeObjectSpace(SpanRegistry spans)
{
    public SpanRegistry Spans { get; } = spans;

    /// <summary>Called after a large object gets its span (mallocgc tests the GC trigger after every large allocation).</summary>
    public Action? AfterAllocation { get; set; }

    /// <summary>Places a large object; returns its span, or null when the page heap may not grow that far.</summary>
    public Span? Allocate(long size, int objectIndex)
    {
        var pages = SizeClasses.PagesFor(size);
        var span = Spans.Create(pages, 0, pages * SizeClasses.PageSize, 1);
        if (span is not null)
        {
            span.TryAllocateSlot(objectIndex);
            AfterAllocation?.Invoke();
        }

        return span;
    }
}
