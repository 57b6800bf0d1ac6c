namespace HeapNotebook.Heap.Objects;

/// <summary>
/// Every simulated object, stored as parallel arrays of primitive fields (structure of arrays),
/// so ten million objects cost a few tens of bytes each and a mark loop walks plain arrays.
/// Index 0 is never used: a pointer slot holding 0 is null. A freed index goes on a LIFO free
/// list (threaded through <see cref="SlotStart"/>) and its version moves on, so handles to the
/// old object are recognised as stale.
/// </summary>
internal sealed class ObjectTable
{
    private int _freeHead;

    public ObjectTable(int initialCapacity)
    {
        Capacity = Math.Max(16, initialCapacity);
        Version = new int[Capacity];
        AddressUnits = new uint[Capacity];
        Size = new int[Capacity];
        SlotStart = new int[Capacity];
        SlotCount = new int[Capacity];
        Color = new ObjectColor[Capacity];
        Space = new SpaceKind[Capacity];
        Age = new byte[Capacity];
        HighWater = 1;
    }

    public int Capacity { get; private set; }

    /// <summary>One past the highest index ever handed out; every index below it is live or free.</summary>
    public int HighWater { get; private set; }

    public int LiveCount { get; private set; }

    public int[] Version;

    /// <summary>The object's address offset from the arena base, in 8-byte units (32 GiB of address space).</summary>
    public uint[] AddressUnits;

    /// <summary>Requested size in bytes.</summary>
    public int[] Size;

    /// <summary>First pointer slot in the <see cref="SlotStore"/>; for a free index, the next free index.</summary>
    public int[] SlotStart;

    public int[] SlotCount;

    public ObjectColor[] Color;

    /// <summary>Which space holds the object; <see cref="SpaceKind.None"/> for a free index.</summary>
    public SpaceKind[] Space;

    /// <summary>Collections survived (saturating at 255).</summary>
    public byte[] Age;

    public bool IsLive(int index) => index > 0 && index < HighWater && Space[index] != SpaceKind.None;

    public bool IsLive(ObjectHandle handle) =>
        handle.Index > 0 && handle.Index < HighWater && Space[handle.Index] != SpaceKind.None && Version[handle.Index] == handle.Version;

    public ObjectHandle HandleOf(int index) => index == 0 ? ObjectHandle.Null : new ObjectHandle(index, Version[index]);

    public long AddressOffset(int index) => (long)AddressUnits[index] << 3;

    /// <summary>Reserves an index for a new object; its fields are set by <see cref="Commit"/>.</summary>
    public int Reserve()
    {
        if (_freeHead != 0)
        {
            return _freeHead;
        }

        if (HighWater == Capacity)
        {
            Grow();
        }

        return HighWater;
    }

    public void Commit(int index, int size, long addressOffset, int slotStart, int slotCount, SpaceKind space, ObjectColor color)
    {
        if (index == _freeHead)
        {
            _freeHead = SlotStart[index];
        }
        else
        {
            HighWater++;
        }

        Size[index] = size;
        AddressUnits[index] = (uint)(addressOffset >> 3);
        SlotStart[index] = slotStart;
        SlotCount[index] = slotCount;
        Space[index] = space;
        Color[index] = color;
        Age[index] = 0;
        LiveCount++;
    }

    public void Free(int index)
    {
        Version[index]++;
        Space[index] = SpaceKind.None;
        Color[index] = ObjectColor.White;
        SlotCount[index] = 0;
        SlotStart[index] = _freeHead;
        _freeHead = index;
        LiveCount--;
    }

    private void Grow()
    {
        var capacity = Capacity + Math.Max(1024, Capacity / 2);
        Array.Resize(ref Version, capacity);
        Array.Resize(ref AddressUnits, capacity);
        Array.Resize(ref Size, capacity);
        Array.Resize(ref SlotStart, capacity);
        Array.Resize(ref SlotCount, capacity);
        Array.Resize(ref Color, capacity);
        Array.Resize(ref Space, capacity);
        Array.Resize(ref Age, capacity);
        Capacity = capacity;
    }
}
