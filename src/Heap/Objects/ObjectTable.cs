using System.Numerics;

namespace HeapNotebook.Heap.Objects;

/// <summary>
/// Every simulated object, one 24-byte <see cref="ObjectRecord"/> of primitive fields in one flat
/// array (no object per simulated object), so ten million objects cost a few tens of bytes each
/// and allocating, marking or sweeping an object touches one cache line, not one per field.
/// Index 0 is never used: a pointer slot holding 0 is null. Free indices are bits in a bitmap and
/// are handed out lowest first, so allocation walks the table in order (the caches and the
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
        Records = new ObjectRecord[Capacity];
        HighWater = 1;
        _freeBits = new ulong[(Capacity + 63) >> 6];
    }

    public int Capacity { get; private set; }

    /// <summary>Identifies this table's heap in the handles it gives out.</summary>
    public int HeapId { get; }

    /// <summary>One past the highest index ever handed out; every index below it is live or free.</summary>
    public int HighWater { get; private set; }

    public int LiveCount { get; private set; }

    /// <summary>The objects' fields, by table index; entries at or past <see cref="HighWater"/> are uninitialised.</summary>
    public ObjectRecord[] Records;

    public bool IsLive(int index) => (uint)index < (uint)HighWater && (Records[index].Version & 1) != 0;

    /// <summary>A handle is live when its version is the index's current one and that version is odd; index 0's version stays 0, so null is never live.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public bool IsLive(ObjectHandle handle)
    {
        var index = handle.Index;
        var records = Records;
        return (handle.Version & 1) != 0 && (uint)index < (uint)records.Length && records[index].Version == handle.Version && handle.HeapId == HeapId;
    }

    public ObjectHandle HandleOf(int index) => index == 0 ? ObjectHandle.Null : new ObjectHandle(index, Records[index].Version) { HeapId = HeapId };

    /// <summary>A handle to whatever held <paramref name="index"/> at <paramref name="version"/> (used to name objects that are gone).</summary>
    public ObjectHandle HandleAt(int index, int version) => new(index, version) { HeapId = HeapId };

    public long AddressOffset(int index) => (long)Records[index].AddressUnits << 3;

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

        // Entries past the high-water mark are uninitialised memory (see Grow): give this one the
        // fields that are read before Commit writes them: an even version and no slot run.
        var index = HighWater++;
        ref var record = ref Records[index];
        record.Version = 0;
        record.SlotStart = 0;
        record.SlotCount = 0;
        return index;
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
        ref var age = ref Records[index].Age;
        if (age < byte.MaxValue)
        {
            age++;
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
        ref var record = ref Records[index];
        record.Version++;
        record.Size = size;
        record.AddressUnits = (uint)(addressOffset >> 3);
        record.SlotStart = slotStart;
        record.SlotCount = slotCount;
        record.Color = color;
        record.Age = 0;
        LiveCount++;
    }

    /// <summary>Frees a (white) object's index: the version turns even, and the index is free again.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void Free(int index)
    {
        Records[index].Version++;
        MarkFree(index);
        LiveCount--;
    }

    private void Grow()
    {
        // Doubling, as List<T> does, so a table grown to n entries has copied fewer than n. The new
        // array is not zeroed: only entries below the high-water mark are copied or ever read,
        // and the pages of the tail stay untouched (out of the working set) until objects reach them.
        var capacity = (int)Math.Min(Array.MaxLength, (long)Capacity * 2);
        var grown = GC.AllocateUninitializedArray<ObjectRecord>(capacity);
        Array.Copy(Records, grown, HighWater);
        Records = grown;
        Array.Resize(ref _freeBits, (capacity + 63) >> 6);
        Capacity = capacity;
    }
}

/// <summary>One simulated object's fields (24 bytes).</summary>
internal struct ObjectRecord
{
    /// <summary>Bumped when an object is placed here and again when it is freed: odd exactly while the index holds a live object.</summary>
    public int Version;

    /// <summary>The object's address offset from the arena base, in 8-byte units (32 GiB of address space).</summary>
    public uint AddressUnits;

    /// <summary>Requested size in bytes.</summary>
    public int Size;

    /// <summary>First pointer slot in the <see cref="SlotStore"/>; a free index keeps the run it had, of <see cref="SlotCount"/> slots.</summary>
    public int SlotStart;

    public int SlotCount;

    public ObjectColor Color;

    /// <summary>Collections survived (saturating at 255).</summary>
    public byte Age;
}
