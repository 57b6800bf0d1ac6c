using HeapNotebook.Heap.Errors;

namespace HeapNotebook.Heap.Objects;

/// <summary>
/// A pool of reusable objects of one size and shape, with the lifetime rules of Go's sync.Pool
/// since Go 1.13: Get takes a pooled object (most recently put first, then from the victim cache)
/// or allocates a new one; Put returns one. At the start of every collection cycle the victim
/// cache is dropped and the pool's contents become the new victim cache, so a pooled object
/// survives at most two cycles unused. What the pool holds is a root: pooled objects are live.
/// </summary>
public sealed class SimulatedPool
{
    private readonly SimulatedHeap _heap;
    private readonly List<ObjectHandle> _primary = [];
    private readonly List<ObjectHandle> _victim = [];

    internal SimulatedPool(SimulatedHeap heap, string name, int objectSize, int slots)
    {
        _heap = heap;
        Name = name;
        ObjectSize = objectSize;
        Slots = slots;
    }

    public string Name { get; }

    public int ObjectSize { get; }

    public int Slots { get; }

    /// <summary>Gets served from the pool (primary or victim).</summary>
    public long Hits { get; private set; }

    /// <summary>Gets that had to allocate.</summary>
    public long Misses { get; private set; }

    public long Puts { get; private set; }

    public int PrimaryCount => _primary.Count;

    public int VictimCount => _victim.Count;

    internal IEnumerable<ObjectHandle> Contents => _primary.Concat(_victim);

    /// <summary>A pooled object (its slots as they were left), or a new one when the pool is empty.</summary>
    public ObjectHandle Get()
    {
        // Recorded as one operation: the allocation it may make is part of it.
        var journal = _heap.SuspendJournal();
        journal?.PoolGet(Name);
        try
        {
            return Take();
        }
        finally
        {
            _heap.ResumeJournal(journal);
        }
    }

    private ObjectHandle Take()
    {
        var source = _primary.Count > 0 ? _primary : _victim.Count > 0 ? _victim : null;
        if (source is null)
        {
            Misses++;
            return _heap.Alloc(ObjectSize, Slots);
        }

        var handle = source[^1];
        source.RemoveAt(source.Count - 1);
        Hits++;
        _heap.OnPoolTake(this, handle);
        return handle;
    }

    /// <summary>Returns an object to the pool; it must be alive and of the pool's size and shape.</summary>
    public void Put(ObjectHandle handle)
    {
        _heap.RecordPoolPut(this, handle);
        if (!_heap.IsLive(handle))
        {
            throw new StaleHandleException($"Cannot put {handle} in pool '{Name}': it is not a live object of this heap.");
        }

        if (_heap.IsOnStack(handle))
        {
            throw new InvalidRootOperationException($"Object {handle} lives on the stack and cannot go into pool '{Name}', which outlives its frame: that is an escape.");
        }

        if (_heap.SizeOf(handle) != ObjectSize || _heap.SlotCountOf(handle) != Slots)
        {
            throw new InvalidAllocationException(
                $"Pool '{Name}' holds {ObjectSize}-byte objects with {Slots} slots; {handle} has {_heap.SizeOf(handle)} bytes and {_heap.SlotCountOf(handle)} slots.");
        }

        if (_primary.Contains(handle) || _victim.Contains(handle))
        {
            throw new InvalidAllocationException($"Object {handle} is already in pool '{Name}'; putting it twice would hand it out twice.");
        }

        _primary.Add(handle);
        Puts++;
        _heap.OnPoolPut(this, handle);
    }

    /// <summary>Go's poolCleanup: drop the victim cache, and make the primary cache the victim.</summary>
    internal List<ObjectHandle> Cleanup()
    {
        var dropped = new List<ObjectHandle>(_victim);
        _victim.Clear();
        _victim.AddRange(_primary);
        _primary.Clear();
        return dropped;
    }
}
