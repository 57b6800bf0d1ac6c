namespace HeapNotebook.Heap.Memory;

/// <summary>One span as a reader sees it: where it is, its class, and how full it is.</summary>
public sealed record SpanInfo(int Id, long Address, int Pages, int SizeClass, int ElementSize, int Capacity, int Allocated)
{
    public int FreeSlots => Capacity - Allocated;

    /// <summary>Bytes of free slots inside the span: memory in use by the heap but holding no object.</summary>
    public long FreeBytes => (long)FreeSlots * ElementSize;

    public bool IsLarge => SizeClass == 0;
}
