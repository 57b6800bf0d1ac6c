using System.Numerics;

namespace HeapNotebook.Heap.Objects;

/// <summary>
/// Every simulated object, stored as parallel arrays of primitive fields (structure of arrays),
/// so ten million objects cost a few tens of bytes each and a mark loop walks plain arrays.
/// Index 0 is never used: a pointer slot holding 0 is null. Free indices are bits in a bitmap and
/// are handed out lowest first, so allocation walks the arrays in order (the caches and the
/// prefetcher like that far better than a LIFO list's scattered order). The version of an index is bumped when an
/// object is placed there and again when it is freed, so it is odd exactly while the index holds
/// a live object, and a handle (which keeps the version it was given) goes stale at the free. A freed index keeps its run of pointer slots, so the next
/// object with as many slots reuses it without touching the slot store's free lists.
/// </summary>
internal sealed class ObjectTable
{
    private ulong[] _freeBits = new ulong[1];
    private int _freeCursor;
    private int _freeCount;

    private static int s_lastHeapId;

    public ObjectTable(int initialCapacity)
    {
        HeapId = Interlocked.Increment(ref s_lastHeapId);
        Capacity = Math.Max(16, initialCapacity);
        Version = new int[Capacity];
        AddressUnits = new uint[Capacity];
        Size = new int[Capacity];
        SlotStart = new int[Capacity];
        SlotCount = new int[Capacity];
        Color = new ObjectColor[Capacity];
        Age = new byte[Capacity];
        HighWater = 1;
        _freeBits = new ulong[(Capacity + 63) >> 6];
    }

    public int Capacity { get; private set; }

    /// <summary>Identifies this table's heap in the handles it gives out.</summary>
    public int HeapId { get; }

    /// <summary>One past the highest index ever handed out; every index below it is live or free.</summary>
    public int HighWater { get; private set; }

    public int LiveCount { get; private set; }

    public int[] Version;

    /// <summary>The object's address offset from the arena base, in 8-byte units (32 GiB of address space).</summary>
    public uint[] AddressUnits;

    /// <summary>Requested size in bytes.</summary>
    public int[] Size;

    /// <summary>First pointer slot in the <see cref="SlotStore"/>; a free index keeps the run it had, of <see cref="SlotCount"/> slots.</summary>
    public int[] SlotStart;

    public int[] SlotCount;

    public ObjectColor[] Color;

    /// <summary>Collections survived (saturating at 255).</summary>
    public byte[] Age;

    public bool IsLive(int index) => (uint)index < (uint)HighWater && (Version[index] & 1) != 0;

    /// <summary>A handle is live when its version is the index's current one and that version is odd; index 0's version stays 0, so null is never live.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public bool IsLive(ObjectHandle handle)
    {
        var index = handle.Index;
        var versions = Version;
        return (handle.Version & 1) != 0 && (uint)index < (uint)versions.Length && versions[index] == handle.Version && handle.HeapId == HeapId;
    }

    public ObjectHandle HandleOf(int index) => index == 0 ? ObjectHandle.Null : new ObjectHandle(index, Version[index]) { HeapId = HeapId };

    /// <summary>A handle to whatever held <paramref name="index"/> at <paramref name="version"/> (used to name objects that are gone).</summary>
    public ObjectHandle HandleAt(int index, int version) => new(index, version) { HeapId = HeapId };

    public long AddressOffset(int index) => (long)AddressUnits[index] << 3;

    /// <summary>
    /// Takes the lowest free index for a new object (or the next past the high-water mark); its
    /// fields are set by <see cref="Commit"/>. Taking it at once matters: placing the object may
    /// sweep a span, which frees indices into the same bitmap.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public int Reserve()
    {
        if (_freeCount > 0)
        {
            return TakeLowestFree();
        }

        if (HighWater == Capacity)
        {
            Grow();
        }

        return HighWater++;
    }

    /// <summary>The index <see cref="Reserve"/> would take now, without taking it.</summary>
    public int PeekReserve()
    {
        if (_freeCount == 0)
        {
            return HighWater;
        }

        var bits = _freeBits;
        var word = _freeCursor >> 6;
        var current = bits[word] & (~0UL << (_freeCursor & 63));
        while (current == 0)
        {
            current = bits[++word];
        }

        return (word << 6) + BitOperations.TrailingZeroCount(current);
    }

    private int TakeLowestFree()
    {
        var bits = _freeBits;
        var word = _freeCursor >> 6;
        var current = bits[word] & (~0UL << (_freeCursor & 63));
        while (current == 0)
        {
            current = bits[++word];
        }

        var index = (word << 6) + BitOperations.TrailingZeroCount(current);
        bits[word] &= ~(1UL << (index & 63));
        _freeCount--;
        _freeCursor = index + 1;
        return index;
    }

    /// <summary>Counts one more collection the object survived (saturating at 255).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void Survived(int index)
    {
        if (Age[index] < byte.MaxValue)
        {
            Age[index]++;
        }
    }

    /// <summary>Gives back an index whose object could not be placed.</summary>
    public void Unreserve(int index) => MarkFree(index);

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private void MarkFree(int index)
    {
        _freeBits[index >> 6] |= 1UL << (index & 63);
        _freeCount++;
        if (index < _freeCursor)
        {
            _freeCursor = index;
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void Commit(int index, int size, long addressOffset, int slotStart, int slotCount, ObjectColor color)
    {
        Version[index]++;
        Size[index] = size;
        AddressUnits[index] = (uint)(addressOffset >> 3);
        SlotStart[index] = slotStart;
        SlotCount[index] = slotCount;
        Color[index] = color;
        Age[index] = 0;
        LiveCount++;
    }

    /// <summary>Frees a (white) object's index: the version turns even, and the index is free again.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void Free(int index)
    {
        Version[index]++;
        MarkFree(index);
        LiveCount--;
    }

    private void Grow()
    {
        // Geometric growth, gentler once the table is large, so a big heap carries little slack.
        var capacity = Capacity + Math.Max(1024, Capacity >= 1 << 20 ? Capacity / 4 : Capacity / 2);
        Array.Resize(ref Version, capacity);
        Array.Resize(ref AddressUnits, capacity);
        Array.Resize(ref Size, capacity);
        Array.Resize(ref SlotStart, capacity);
        Array.Resize(ref SlotCount, capacity);
        Array.Resize(ref Color, capacity);
        Array.Resize(ref Age, capacity);
        Array.Resize(ref _freeBits, (capacity + 63) >> 6);
        Capacity = capacity;
    }
}
