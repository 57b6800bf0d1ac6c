using System.Numerics;

namespace HeapNotebook.Heap.Memory;

/// <summary>
/// A run of pages holding objects of one size class (or one large object, class 0). Which slots
/// hold objects is an allocation bitmap, as in Go's mspan.allocBits. Each slot's object is found
/// in one of two ways. A span of a space where objects never move in or out owns a block of the
/// object table, one index per slot (<see cref="IndexBase"/>), as Go finds an object's mark bit from
/// its slot: the slot is the index, so allocating takes one bitmap bit and nothing else, and a
/// sweep reads the records of its span in order. A span that receives objects from elsewhere (the
/// old generation, which promoted objects enter with the index they were born with, and the large
/// objects) maps each slot to its object's index in <see cref="Objects"/>.
/// </summary>
internal sealed class Span
{
    /// <summary>A span whose slots are the table indices <paramref name="indexBase"/> onward, or (with -1) one that maps each slot to an index.</summary>
    public Span(int id, int startPage, int pages, int sizeClass, int elementSize, int capacity, int indexBase = -1)
    {
        _allocBits = new ulong[(capacity + 63) >> 6];
        IndexBase = indexBase;
        Objects = indexBase >= 0 ? [] : new int[capacity];
        Capacity = capacity;
        Reuse(id, startPage, pages, sizeClass, elementSize, capacity);
    }

    /// <summary>Makes a released span describe new pages; its arrays are kept when the capacity is the same (spans of one class are pooled).</summary>
    public void Reuse(int id, int startPage, int pages, int sizeClass, int elementSize, int capacity)
    {
        if (capacity != Capacity)
        {
            if (IndexBase >= 0)
            {
                throw new InvalidOperationException($"A span that owns {Capacity} table indices cannot be reused for {capacity} slots.");
            }

            _allocBits = new ulong[(capacity + 63) >> 6];
            Objects = new int[capacity];
        }
        else
        {
            Array.Clear(_allocBits);
        }

        Id = id;
        StartPage = startPage;
        Pages = pages;
        SizeClass = sizeClass;
        ElementSize = elementSize;
        Capacity = capacity;
        _allocatedBeforeCache = 0;
        _freeHint = 0;
        _cache = 0;
        _cacheFilled = 0;
        QueuedAsPartial = false;
        Released = false;
    }

    public int Id { get; private set; }

    public int StartPage { get; private set; }

    public int Pages { get; private set; }

    public int SizeClass { get; private set; }

    /// <summary>Bytes per slot; for a large span, the whole span.</summary>
    public int ElementSize { get; private set; }

    public int Capacity { get; private set; }

    /// <summary>Slots holding objects: those in the bitmap and those taken from the allocation cache since it was last written back.</summary>
    public int AllocatedCount => _allocatedBeforeCache + BitOperations.PopCount(_cacheFilled & ~_cache);

    /// <summary>The allocation bitmap, up to date (the slots taken from the allocation cache are written into it first).</summary>
    public ulong[] AllocBits
    {
        get
        {
            WriteBackCache();
            return _allocBits;
        }
    }

    private ulong[] _allocBits;
    private int _allocatedBeforeCache;

    /// <summary>The table index of slot 0 when the span owns one index per slot, else -1.</summary>
    public int IndexBase { get; }

    /// <summary>For a span without <see cref="IndexBase"/>: the object in each slot, meaningful only where the allocation bit is set.</summary>
    public int[] Objects { get; private set; }

    /// <summary>The table index of the object in an allocated slot.</summary>
    public int ObjectAt(int slot) => IndexBase >= 0 ? IndexBase + slot : Objects[slot];

    /// <summary>True while the span sits in its class's list of spans with free slots.</summary>
    public bool QueuedAsPartial { get; set; }

    /// <summary>The sweep generation this span was last swept in; behind the registry's, it still holds last cycle's marks.</summary>
    public int SweptGeneration { get; set; }

    /// <summary>Set when the span's pages went back to the page heap; a queued span in that state is skipped.</summary>
    public bool Released { get; set; }

    public long BaseOffset => (long)StartPage * SizeClasses.PageSize;

    public long SpanBytes => (long)Pages * SizeClasses.PageSize;

    public bool IsFull => AllocatedCount == Capacity;

    /// <summary>True for a chunk of a bump-pointer space: it has no slots; its space keeps its objects.</summary>
    public bool IsBumpChunk => SizeClass < 0;

    public bool IsEmpty => AllocatedCount == 0;

    // The lowest word that may have a free slot, and Go's allocCache: the free bits of the word
    // being allocated from (_cacheWord), so an allocation touches no bitmap word. The slots taken from
    // it (free when it was filled, _cacheFilled, and no longer in it) reach the bitmap and the count
    // only when it is refilled or emptied or the bitmap is read, as Go's allocBits lag its freeindex.
    private int _freeHint;
    private ulong _cache;
    private ulong _cacheFilled;
    private int _cacheWord;

    /// <summary>Writes the slots taken from the allocation cache into the bitmap and the count.</summary>
    private void WriteBackCache()
    {
        var taken = _cacheFilled & ~_cache;
        if (taken != 0)
        {
            _allocBits[_cacheWord] |= taken;
            _allocatedBeforeCache += BitOperations.PopCount(taken);
            _cacheFilled = _cache;
        }
    }

    /// <summary>Takes the lowest free slot (Go's nextFreeIndex) for the object at <paramref name="objectIndex"/> (ignored when the slot is its index), or returns -1 when the span is full.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public int TryAllocateSlot(int objectIndex)
    {
        if (_cache == 0 && !RefillCache())
        {
            return -1;
        }

        var slot = TakeCachedSlot();
        if (IndexBase < 0)
        {
            Objects[slot] = objectIndex;
        }

        return slot;
    }

    /// <summary>True when the allocation cache holds a free slot (Go's nextFreeFast would succeed).</summary>
    public bool HasCachedSlot => _cache != 0;

    /// <summary>Takes the lowest slot of the allocation cache, which must not be empty.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public int TakeCachedSlot()
    {
        var bit = BitOperations.TrailingZeroCount(_cache);
        _cache &= _cache - 1;
        return (_cacheWord << 6) + bit;
    }

    private bool RefillCache()
    {
        if (AllocatedCount == Capacity)
        {
            return false;
        }

        var bits = AllocBits;
        for (var word = _freeHint >> 6; word < bits.Length; word++)
        {
            var free = ~bits[word];
            var tail = Capacity - (word << 6);
            if (tail < 64)
            {
                free &= (1UL << tail) - 1;
            }

            if (free != 0)
            {
                _cache = _cacheFilled = free;
                _cacheWord = word;
                _freeHint = (word + 1) << 6;
                return true;
            }
        }

        return false;
    }

    public void FreeSlot(int slot)
    {
        AllocBits[slot >> 6] &= ~(1UL << (slot & 63));
        _allocatedBeforeCache--;
        ForgetCacheFrom(slot);
    }

    /// <summary>Clears the bits of <paramref name="deadBits"/> in one bitmap word (a sweep frees a word's dead objects at once).</summary>
    public void FreeSlots(int word, ulong deadBits)
    {
        AllocBits[word] &= ~deadBits;
        _allocatedBeforeCache -= BitOperations.PopCount(deadBits);
        ForgetCacheFrom((word << 6) + BitOperations.TrailingZeroCount(deadBits));
    }

    /// <summary>A slot was freed: allocation must look at the bitmap again from there (the cache no longer tells the whole truth).</summary>
    private void ForgetCacheFrom(int slot)
    {
        ForgetCache();
        _freeHint = Math.Min(_freeHint, slot & ~63);
    }

    /// <summary>Empties the allocation cache; the next allocation finds the same lowest free slot in the bitmap.</summary>
    public void ForgetCache()
    {
        WriteBackCache();
        if (_cache != 0)
        {
            _freeHint = Math.Min(_freeHint, _cacheWord << 6);
            _cache = _cacheFilled = 0;
        }
    }

    public bool IsAllocated(int slot) => (AllocBits[slot >> 6] & (1UL << (slot & 63))) != 0;

    public int SlotOf(long offset) => (int)((offset - BaseOffset) / ElementSize);

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public long OffsetOf(int slot) => BaseOffset + (long)slot * ElementSize;
}
