using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace HeapNotebook.Heap.Objects;

/// <summary>
/// Every simulated object, one 16-byte <see cref="ObjectRecord"/> of primitive fields in one flat
/// array (no object per simulated object), so ten million objects cost a few tens of bytes each
/// and reading, checking or sweeping an object touches one cache line, not one per field; its
/// size and address, which allocation writes and marking, moving and queries read, are an
/// <see cref="ObjectExtent"/> in a parallel array.
/// Index 0 is never used: a pointer slot holding 0 is null. Most objects get their index from the
/// span slot they are placed in: each span of the size-class space owns a block of indices, one per
/// slot (<see cref="ReserveBlock"/>), so placing an object and finding its record are one step, and
/// a sweep reads its span's records in order. The other objects (stack objects, large objects,
/// objects of moving plans, which change address but not index) take single indices, free ones
/// kept as bits in a bitmap and handed out lowest first, so allocation walks the table in order
/// (the caches and the prefetcher like that far better than a LIFO list's scattered order). The
/// version of an index is bumped when an object is placed there and again when it is freed, so it
/// is odd exactly while the index holds a live object, and a handle (which keeps the version it was
/// given) goes stale at the free.
/// An object with at most <see cref="ObjectRecord.InlineSlots"/> pointer slots keeps them in its
/// record, so allocating, reading or scanning it touches nothing else; a larger one has a run in
/// the <see cref="SlotStore"/>, which a freed index keeps, so the next object with as many slots
/// reuses it without touching the slot store's free lists.
/// </summary>
internal sealed class ObjectTable
{
    private ulong[] _freeBits = new ulong[1];
    private int _freeCursor;
    private int _freeCount;

    private static int s_lastHeapId;

    public ObjectTable(int initialCapacity, SlotStore slots)
    {
        Slots = slots;
        HeapId = Interlocked.Increment(ref s_lastHeapId);
        Capacity = Math.Max(16, initialCapacity);
        Records = new ObjectRecord[Capacity];
        Extents = new ObjectExtent[Capacity];
        HighWater = 1;
        _freeBits = new ulong[(Capacity + 63) >> 6];
    }

    public int Capacity { get; private set; }

    /// <summary>The runs of objects with more pointer slots than fit in a record.</summary>
    public SlotStore Slots { get; }

    /// <summary>Identifies this table's heap in the handles it gives out.</summary>
    public int HeapId { get; }

    /// <summary>One past the highest index ever handed out; every index below it is live or free.</summary>
    public int HighWater { get; private set; }

    public int LiveCount { get; private set; }

    /// <summary>Stamped on each object placed (<see cref="ObjectRecord.Epoch"/>); a plan advances it to tell the objects born since an event from the rest.</summary>
    public byte Epoch { get; set; }

    /// <summary>
    /// True while the heap's lazy sweeper has spans left to sweep (<see cref="Collectors.Sweeper.LazySweepPending"/>
    /// is this flag): kept here, beside the records and the epoch, for the liveness check of every handle.
    /// </summary>
    public bool LazySweepPending { get; set; }

    /// <summary>The objects' fields, by table index; entries at or past <see cref="HighWater"/> are uninitialised.</summary>
    public ObjectRecord[] Records;

    /// <summary>The objects' sizes and addresses, by table index: apart from <see cref="Records"/>, which marking, sweeping and reading touch far more often.</summary>
    public ObjectExtent[] Extents;

    public bool IsLive(int index) => (uint)index < (uint)HighWater && (Records[index].Version & 1) != 0;

    /// <summary>A handle is live when its version is the index's current one and that version is odd; index 0's version stays 0, so null is never live.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsLive(ObjectHandle handle)
    {
        var index = handle.Index;
        var records = Records;
        return (handle.Version & 1) != 0 && (uint)index < (uint)records.Length && records[index].Version == handle.Version && handle.HeapId == HeapId;
    }

    public ObjectHandle HandleOf(int index) => HandleOf(Records, HeapId, index);

    /// <summary><see cref="HandleOf(int)"/> with the table's records and heap id already at hand.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ObjectHandle HandleOf(ObjectRecord[] records, int heapId, int index) =>
        index == 0 ? ObjectHandle.Null : new ObjectHandle(index, records[index].Version) { HeapId = heapId };

    /// <summary>A handle to whatever held <paramref name="index"/> at <paramref name="version"/> (used to name objects that are gone).</summary>
    public ObjectHandle HandleAt(int index, int version) => new(index, version) { HeapId = HeapId };

    /// <summary>True when this table has handed out the handle (index, version), live or since freed.</summary>
    public bool WasIssued(int index, int version) =>
        index >= 1 && index < HighWater && (version & 1) != 0 && version > 0 && version <= Records[index].Version;

    public long AddressOffset(int index) => (long)Extents[index].AddressUnits << 3;

    /// <summary>
    /// Takes the lowest free index for a new object (or the next past the high-water mark); its
    /// fields are set by <see cref="Commit"/>. Taking it at once matters: placing the object may
    /// sweep a span, which frees indices into the same bitmap.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
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
        record.SlotMode = 0;
        return index;
    }

    /// <summary>
    /// Takes <paramref name="count"/> consecutive indices past the high-water mark for a span that
    /// owns one per slot; they never enter the free bitmap: the span's allocation bitmap says which
    /// are in use. Returns the first.
    /// </summary>
    public int ReserveBlock(int count)
    {
        while (HighWater + (long)count > Capacity)
        {
            if (Capacity == Array.MaxLength)
            {
                throw new InvalidOperationException($"The object table cannot hold {count} more indices.");
            }

            Grow();
        }

        var first = HighWater;
        Records.AsSpan(first, count).Clear(); // an even version and no slot run, as Reserve gives a fresh entry
        HighWater += count;
        return first;
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
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
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Survived(int index) => Records[index].Survive();

    /// <summary>Gives back an index whose object could not be placed.</summary>
    public void Unreserve(int index) => MarkFree(index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void MarkFree(int index)
    {
        _freeBits[index >> 6] |= 1UL << (index & 63);
        _freeCount++;
        if (index < _freeCursor)
        {
            _freeCursor = index;
        }
    }

    /// <summary>Places a new object's fields at a reserved index, with <paramref name="slotCount"/> null pointer slots; returns the version its handle carries.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Commit(int index, int size, long addressOffset, int slotCount, ObjectColor color) =>
        Commit(index, size, addressOffset, slotCount, color, []);

    /// <summary>
    /// Places a new object's fields at a reserved index, its first slots holding
    /// <paramref name="inlineValues"/> (an object whose slots are in its record, with no barrier to
    /// see the stores) and the rest null; returns the version its handle carries.
    /// </summary>
    /// <param name="neverPooled">True when the caller knows no object at this index ever had a slot run (its record is not read to find out).</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Commit(int index, int size, long addressOffset, int slotCount, ObjectColor color, ReadOnlySpan<ObjectHandle> inlineValues, bool neverPooled = false)
    {
        ref var record = ref Records[index];
        Debug.Assert(!neverPooled || (slotCount <= ObjectRecord.InlineSlots && record.SlotMode != ObjectRecord.Pooled), "an index said never to have held a slot run has one");
        // Kept in a register: read back from the record, the version would wait on its own store.
        var version = record.Version + 1;
        if (neverPooled || (slotCount <= ObjectRecord.InlineSlots && record.SlotMode != ObjectRecord.Pooled))
        {
            record.Fill(version, inlineValues.Length > 0 ? inlineValues[0].Index : 0, inlineValues.Length > 1 ? inlineValues[1].Index : 0,
                color, (byte)slotCount, Epoch);
        }
        else
        {
            AssignPooledSlots(ref record, slotCount);
            if (inlineValues.Length != 0)
            {
                record.SlotA = inlineValues[0].Index;
                if (inlineValues.Length > 1)
                {
                    record.SlotB = inlineValues[1].Index;
                }
            }

            record.SetFlags(color, 0, record.SlotMode, Epoch);
            record.Version = version;
        }

        ObjectExtent.Store(ref Extents[index], size, (uint)(addressOffset >> 3));
        LiveCount++;
        return version;
    }

    /// <summary>Slots for an index that had a run, or an object too large for inline slots: the run kept when it is as long, else another.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void AssignPooledSlots(ref ObjectRecord record, int slotCount)
    {
        if (record.SlotMode == ObjectRecord.Pooled)
        {
            if (record.SlotB == slotCount)
            {
                SlotStore.ClearRun(Slots.Data, record.SlotA, slotCount);
                return;
            }

            Slots.Free(record.SlotA, record.SlotB);
        }

        if (slotCount <= ObjectRecord.InlineSlots)
        {
            record.SlotA = 0;
            record.SlotB = 0;
            record.SlotMode = (byte)slotCount;
            return;
        }

        record.SlotA = Slots.Allocate(slotCount);
        record.SlotB = slotCount;
        record.SlotMode = ObjectRecord.Pooled;
    }

    /// <summary>
    /// The object's pointer slots (table indices, 0 = null), to read or write in place: in its
    /// record, or its run in the slot store. Valid until the next object is placed (the table may grow).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<int> SlotsOf(int index) => ObjectRecord.SlotsOf(ref Records[index], Slots.Data);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int SlotCountOf(int index) => Records[index].SlotCount;

    /// <summary>True when placing an object with <paramref name="slotCount"/> slots at <paramref name="index"/> (-1: not known yet) takes nothing new from the slot store.</summary>
    public bool NeedsNoNewRun(int index, int slotCount) =>
        slotCount <= ObjectRecord.InlineSlots || Slots.HasFreeRun(slotCount) ||
        ((uint)index < (uint)HighWater && Records[index].SlotMode == ObjectRecord.Pooled && Records[index].SlotB == slotCount);

    /// <summary>Frees a (white) object's index: the version turns even, and the index is free again.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Free(int index)
    {
        Records[index].Version++;
        MarkFree(index);
        LiveCount--;
    }

    /// <summary>Frees an object whose index belongs to its span's block (<see cref="ReserveBlock"/>): the caller frees the span slot, which is what frees the index.</summary>
    public void FreeBlockIndex(int index)
    {
        Records[index].Version++;
        LiveCount--;
    }

    /// <summary>
    /// <see cref="Free"/> for a sweep, which frees many objects in a row: the caller has the record
    /// at hand and settles the counts once, with <see cref="SettleSweptFrees"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void FreeSwept(ref ObjectRecord record, int index)
    {
        record.Version++;
        _freeBits[index >> 6] |= 1UL << (index & 63);
    }

    /// <summary>Counts <paramref name="count"/> objects of a span that owns its indices, freed by a sweep that turned their versions even (the span's bitmap frees the indices).</summary>
    public void SettleSweptBlockFrees(int count) => LiveCount -= count;

    /// <summary>Counts <paramref name="count"/> objects freed by <see cref="FreeSwept"/>, the lowest at <paramref name="lowestIndex"/>.</summary>
    public void SettleSweptFrees(int count, int lowestIndex)
    {
        _freeCount += count;
        LiveCount -= count;
        if (count > 0 && lowestIndex < _freeCursor)
        {
            _freeCursor = lowestIndex;
        }
    }

    private void Grow()
    {
        // The new array is not zeroed: only entries below the high-water mark are copied or ever
        // read, and the pages of the tail stay untouched (out of the working set) until objects
        // reach them. So growing fourfold while the table is small costs address space, not
        // memory, and copies and faults in a third of the entries doubling would (binary-trees 16:
        // 0.643-0.678 -> 0.613-0.616 s, peak process memory 99.5 -> 91.9 MB); past 4 Mi entries
        // (96 MiB) it doubles, so an address-space reservation never runs far ahead of use.
        var factor = Capacity < 1 << 22 ? 4 : 2;
        var capacity = (int)Math.Min(Array.MaxLength, (long)Capacity * factor);
        var grown = GC.AllocateUninitializedArray<ObjectRecord>(capacity);
        Array.Copy(Records, grown, HighWater);
        Records = grown;
        var grownExtents = GC.AllocateUninitializedArray<ObjectExtent>(capacity);
        Array.Copy(Extents, grownExtents, HighWater);
        Extents = grownExtents;
        Array.Resize(ref _freeBits, (capacity + 63) >> 6);
        Capacity = capacity;
    }
}

/// <summary>A simulated object's size and address, kept apart from its <see cref="ObjectRecord"/> (8 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ObjectExtent(int size, uint addressUnits)
{
    /// <summary>Requested size in bytes.</summary>
    public int Size = size;

    /// <summary>The object's address offset from the arena base, in 8-byte units (32 GiB of address space).</summary>
    public uint AddressUnits = addressUnits;

    /// <summary>Writes both fields with one 8-byte store (the constructor compiles to two 4-byte stores).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(ref ObjectExtent extent, int size, uint addressUnits)
    {
        if (BitConverter.IsLittleEndian)
        {
            Unsafe.As<ObjectExtent, ulong>(ref extent) = (uint)size | (ulong)addressUnits << 32;
        }
        else
        {
            extent = new ObjectExtent(size, addressUnits);
        }
    }
}

/// <summary>
/// One simulated object's hot fields (16 bytes): what allocating, reading, marking and sweeping it
/// touch. Its byte layout is relied on by <see cref="FlagWord"/>, <see cref="Fill"/> and the sweep of
/// a whole bitmap word (Collectors.Sweeper.TrySweepWord).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ObjectRecord
{
    /// <summary>Pointer slots an object keeps in its record; more go to a run in the <see cref="SlotStore"/>.</summary>
    public const int InlineSlots = 2;

    /// <summary><see cref="SlotMode"/> of an object whose slots are a run in the slot store.</summary>
    public const byte Pooled = byte.MaxValue;

    /// <summary>Bumped when an object is placed here and again when it is freed: odd exactly while the index holds a live object.</summary>
    public int Version;

    /// <summary>Slot 0 held inline; for a pooled object, the first slot of its run (which a free index keeps).</summary>
    public int SlotA;

    /// <summary>Slot 1 held inline (it must follow <see cref="SlotA"/>); for a pooled object, the length of its run.</summary>
    public int SlotB;

    public ObjectColor Color;

    /// <summary>Collections survived (saturating at 255).</summary>
    public byte Age;

    /// <summary>How many slots are held inline (0 to <see cref="InlineSlots"/>), or <see cref="Pooled"/>.</summary>
    public byte SlotMode;

    /// <summary>
    /// The table's <see cref="ObjectTable.Epoch"/> when the object was placed, or last swept and
    /// found alive. So it equals the table's epoch only for objects placed or swept since the epoch
    /// last moved (none of them can be garbage awaiting the sweep), however often a byte's count
    /// wraps, as long as every object is swept once between two moves (go moves it at each mark
    /// termination). It fills the record's last byte.
    /// </summary>
    public byte Epoch;

    /// <summary>Sets the record's last four bytes (<see cref="Color"/>, <see cref="Age"/>, <see cref="SlotMode"/>, <see cref="Epoch"/>) in one store.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetFlags(ObjectColor color, byte age, byte slotMode, byte epoch)
    {
        if (BitConverter.IsLittleEndian)
        {
            Unsafe.As<ObjectColor, uint>(ref Color) = FlagWord(color, age, slotMode, epoch);
        }
        else
        {
            Color = color;
            Age = age;
            SlotMode = slotMode;
            Epoch = epoch;
        }
    }

    /// <summary>Color, Age, SlotMode and Epoch as the one little-endian 4-byte word they occupy.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint FlagWord(ObjectColor color, byte age, byte slotMode, byte epoch) =>
        (byte)color | (uint)age << 8 | (uint)slotMode << 16 | (uint)epoch << 24;

    /// <summary>
    /// Writes a new object's whole record (age 0) with one 16-byte store: an allocation is bound by
    /// its stores, and four separate ones cost binary-trees about 1.5 % more.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Fill(int version, int slotA, int slotB, ObjectColor color, byte slotMode, byte epoch)
    {
        if (BitConverter.IsLittleEndian && Vector128.IsHardwareAccelerated)
        {
            Unsafe.As<ObjectRecord, Vector128<int>>(ref this) =
                Vector128.Create(version, slotA, slotB, (int)FlagWord(color, 0, slotMode, epoch));
        }
        else
        {
            Version = version;
            SlotA = slotA;
            SlotB = slotB;
            SetFlags(color, 0, slotMode, epoch);
        }
    }

    /// <summary>Counts one more collection survived (saturating at 255).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Survive()
    {
        if (Age < byte.MaxValue)
        {
            Age++;
        }
    }

    public readonly int SlotCount => SlotMode == Pooled ? SlotB : SlotMode;

    /// <summary>The record's pointer slots: its inline fields, or its run in <paramref name="pool"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Span<int> SlotsOf(ref ObjectRecord record, int[] pool) => record.SlotMode == Pooled
        ? pool.AsSpan(record.SlotA, record.SlotB)
        : MemoryMarshal.CreateSpan(ref record.SlotA, record.SlotMode);
}
