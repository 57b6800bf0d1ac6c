using System.Numerics;

namespace HeapNotebook.Heap.Memory;

/// <summary>
/// A run of pages holding objects of one size class (or one large object, class 0). Which slots
/// hold objects is an allocation bitmap, as in Go's mspan.allocBits; <see cref="Objects"/> maps
/// each slot back to the object table so a sweep can walk a span without touching the rest of
/// the heap.
/// </summary>
internal sealed class Span
{
    public Span(int id, int startPage, int pages, int sizeClass, int elementSize, int capacity)
    {
        Id = id;
        StartPage = startPage;
        Pages = pages;
        SizeClass = sizeClass;
        ElementSize = elementSize;
        Capacity = capacity;
        AllocBits = new ulong[(capacity + 63) >> 6];
        Objects = new int[capacity];
    }

    public int Id { get; }

    public int StartPage { get; }

    public int Pages { get; }

    public int SizeClass { get; }

    /// <summary>Bytes per slot; for a large span, the whole span.</summary>
    public int ElementSize { get; }

    public int Capacity { get; }

    public int AllocatedCount { get; private set; }

    public ulong[] AllocBits { get; }

    public int[] Objects { get; }

    /// <summary>True while the span sits in its class's list of spans with free slots.</summary>
    public bool QueuedAsPartial { get; set; }

    /// <summary>Set when the span's pages went back to the page heap; a queued span in that state is skipped.</summary>
    public bool Released { get; set; }

    public long BaseOffset => (long)StartPage * SizeClasses.PageSize;

    public long SpanBytes => (long)Pages * SizeClasses.PageSize;

    public bool IsFull => AllocatedCount == Capacity;

    public bool IsEmpty => AllocatedCount == 0;

    private int _freeHint;

    /// <summary>Takes the lowest free slot (Go's nextFreeIndex), or returns -1 when the span is full.</summary>
    public int TryAllocateSlot(int objectIndex)
    {
        if (AllocatedCount == Capacity)
        {
            return -1;
        }

        var bits = AllocBits;
        for (var word = _freeHint >> 6; word < bits.Length; word++)
        {
            var free = ~bits[word];
            if (free == 0)
            {
                continue;
            }

            var slot = (word << 6) + BitOperations.TrailingZeroCount(free);
            if (slot >= Capacity)
            {
                break;
            }

            bits[word] |= 1UL << (slot & 63);
            Objects[slot] = objectIndex;
            AllocatedCount++;
            _freeHint = slot + 1;
            return slot;
        }

        return -1;
    }

    public void FreeSlot(int slot)
    {
        AllocBits[slot >> 6] &= ~(1UL << (slot & 63));
        Objects[slot] = 0;
        AllocatedCount--;
        if (slot < _freeHint)
        {
            _freeHint = slot;
        }
    }

    public bool IsAllocated(int slot) => (AllocBits[slot >> 6] & (1UL << (slot & 63))) != 0;

    public int SlotOf(long offset) => (int)((offset - BaseOffset) / ElementSize);

    public long OffsetOf(int slot) => BaseOffset + (long)slot * ElementSize;
}
