namespace HeapNotebook.Heap.Memory;

/// <summary>One span as a reader sees it: where it is, its class, how full it is, and which of the plan's spaces it belongs to.</summary>
public sealed record SpanInfo(int Id, long Address, int Pages, int SizeClass, int ElementSize, int Capacity, int Allocated)
{
    public int FreeSlots => Capacity - Allocated;

    /// <summary>Bytes of free slots inside the span: memory in use by the heap but holding no object.</summary>
    public long FreeBytes => (long)FreeSlots * ElementSize;

    public bool IsLarge => SizeClass == 0;

    /// <summary>True for a chunk of a bump-pointer space (nursery, survivor, semispace, compacting space): it has no slots, so <see cref="Capacity"/> and <see cref="Allocated"/> are 0.</summary>
    public bool IsBumpChunk => SizeClass < 0;

    /// <summary>The space the span belongs to, one of the plan's <see cref="Collectors.PlanConstraints.Spaces"/>: "size-class", "large-object", "nursery", "survivor (from)", "from-space", "compacting", …</summary>
    public string Space { get; init; } = "";

    /// <summary>True for a span of the young generation (nursery or survivor space) of a generational heap.</summary>
    public bool IsYoung { get; init; }
}
