using System.Numerics;
using HeapNotebook.Heap.Memory;

namespace HeapNotebook.Bench;

/// <summary>
/// A design probe, not a simulator: binary-trees on a stop-the-world mark-sweep heap built in Go's
/// own object model, keeping the bookkeeping the simulator must keep, to measure what rebuilding
/// the simulator that way would reach before anyone does it. An object's table index is its span
/// slot: every span owns a 64-aligned run of indices, one per slot, so the allocation bitmap of a
/// span is a run of one global bitmap indexed by object, and so is the mark bitmap. Allocation
/// takes the lowest free slot of its size class's current span through Go's allocCache; a sweep
/// is bitmap arithmetic a word at a time (alloc = alloc AND mark, mark = 0) and writes nothing
/// per dead object. A handle is an index, a version and a heap id; the version is bumped when an
/// object is placed, and a handle is live while its version matches and its allocation bit is
/// set, so freeing needs no write to the record. The record is 16 bytes (version, both slots,
/// size with the slot count in its top bits); an address is derived from the span, not stored.
/// Kept, as the simulator keeps them: a size check, a liveness check of every handle used, size
/// classes and spans released when empty, five counters and the virtual clock per allocation,
/// the clock per read, a trigger check, frames of zeroed locals with bounds checks, the heap goal
/// at GOGC=100 with the 4 MiB minimum, marking from the stack with an explicit grey stack, and
/// marked bytes by size class. Left out: ages (no survivor is written), the journal, the
/// verifier's model, the plan's hooks, the escape check, per-cycle records.
/// </summary>
internal sealed class SpanIndexedProbe
{
    private const int MinimumHeapBytes = 4 << 20;
    private const long AllocationPicoseconds = 20_000, ZeroingPerByte = 50, PointerWrite = 1_000, PointerRead = 1_000;

    private readonly record struct Handle(int Index, int Version, int HeapId)
    {
        public bool IsNull => Index == 0;
    }

    private struct Record
    {
        public int Version;
        public int SlotA;
        public int SlotB;
        public int SizeAndSlots; // size in the low 30 bits, inline slot count (0-2) in the top two
    }

    private const int HeapId = 1;

    // Object index space: spans own 64-aligned runs; indices 0-63 are never used (0 is null).
    private Record[] _records = new Record[4096];
    private ulong[] _allocBits = new ulong[64];
    private ulong[] _markBits = new ulong[64];
    private int _indexTop = 64;

    // Spans, by id.
    private int[] _spanFirstWord = new int[64];
    private int[] _spanWords = new int[64];
    private int[] _spanCapacity = new int[64];
    private int[] _spanCount = new int[64];
    private int[] _spanClass = new int[64];
    private int _spanTop;
    private readonly List<int> _spansInUse = [];
    private readonly Stack<int>[] _released = NewLists();
    private readonly Stack<int>[] _partial = NewLists();
    private bool[] _queued = new bool[64];
    private bool[] _isReleased = new bool[64];

    // Per size class: the current span (-1 when none) and Go's allocCache over one bitmap word.
    private readonly int[] _current = Enumerable.Repeat(-1, SizeClasses.Count).ToArray();
    private readonly ulong[] _cache = new ulong[SizeClasses.Count];
    private readonly int[] _cacheWord = new int[SizeClasses.Count];
    private readonly int[] _nextWord = new int[SizeClasses.Count];

    // Counters and the clock.
    private long _heapAlloc, _heapLive, _heapScan, _totalAlloc, _mallocs, _frees, _clock;
    private long _trigger = MinimumHeapBytes;

    // The stack.
    private int[] _locals = new int[256];
    private int[] _frameBase = new int[64];
    private int[] _frameCount = new int[64];
    private int _top, _frames;

    private int[] _grey = new int[1024];

    public int Cycles { get; private set; }

    private static Stack<int>[] NewLists() => Enumerable.Range(0, SizeClasses.Count).Select(_ => new Stack<int>()).ToArray();

    public const string Name = "span-indexed-probe";

    public static long Run(int maxDepth) => new SpanIndexedProbe().Execute(Math.Max(6, maxDepth));

    private long Execute(int maxDepth)
    {
        const int minDepth = 4;
        PushFrame(2);
        var stretch = Build(maxDepth + 1);
        SetLocal(0, stretch);
        long checksum = Check(stretch);
        SetLocal(0, default);
        var longLived = Build(maxDepth);
        SetLocal(1, longLived);
        for (var depth = minDepth; depth <= maxDepth; depth += 2)
        {
            var iterations = 1 << (maxDepth - depth + minDepth);
            for (var i = 0; i < iterations; i++)
            {
                checksum += Check(Build(depth));
            }
        }

        checksum += Check(longLived);
        PopFrame();
        return checksum;
    }

    private Handle Build(int depth)
    {
        if (depth <= 0)
        {
            return Alloc(16, 2, default, default);
        }

        PushFrame(1);
        var left = Build(depth - 1);
        SetLocal(0, left);
        var right = Build(depth - 1);
        var node = Alloc(16, 2, left, right);
        PopFrame();
        return node;
    }

    private int Check(Handle node)
    {
        var left = ReadSlots(node, out var right);
        return left.IsNull ? 1 : 1 + Check(left) + Check(right);
    }

    // ---- the mutator --------------------------------------------------------------------

    private Handle Alloc(int size, int slots, Handle first, Handle second)
    {
        if ((uint)(size - 1) >= SizeClasses.MaxSmallSize || (uint)slots > 2 || slots * 8 > size)
        {
            throw new ArgumentOutOfRangeException(nameof(size), "The probe places small objects with at most two slots.");
        }

        if (!first.IsNull)
        {
            CheckLive(first);
        }

        if (!second.IsNull)
        {
            CheckLive(second);
        }

        if (_heapLive >= _trigger)
        {
            // The initial values are roots while the collection runs, as mallocgc's arguments are.
            PushFrame(2);
            _locals[_top - 2] = first.Index;
            _locals[_top - 1] = second.Index;
            Collect();
            PopFrame();
        }

        var sizeClass = SizeClasses.ClassOf(size);
        var index = TakeSlot(sizeClass);
        ref var record = ref _records[index];
        record.Version++;
        record.SlotA = first.Index;
        record.SlotB = second.Index;
        record.SizeAndSlots = size | (slots << 30);
        long rounded = SizeClasses.ObjectSize(sizeClass);
        _heapAlloc += rounded;
        _heapLive += rounded;
        _heapScan += slots * 8L;
        _totalAlloc += rounded;
        _mallocs++;
        _clock += AllocationPicoseconds + rounded * ZeroingPerByte + 2 * PointerWrite;
        return new Handle(index, record.Version, HeapId);
    }

    private Handle ReadSlots(Handle source, out Handle second)
    {
        CheckLive(source);
        ref var record = ref _records[source.Index];
        if ((uint)record.SizeAndSlots >> 30 != 2)
        {
            throw new InvalidOperationException("The probe reads objects with two slots.");
        }

        _clock += 2 * PointerRead;
        second = HandleOf(record.SlotB);
        return HandleOf(record.SlotA);
    }

    private Handle HandleOf(int index) => index == 0 ? default : new Handle(index, _records[index].Version, HeapId);

    private void CheckLive(Handle handle)
    {
        var index = handle.Index;
        if ((uint)index >= (uint)_indexTop || _records[index].Version != handle.Version || handle.HeapId != HeapId ||
            (_allocBits[index >> 6] & (1UL << index)) == 0)
        {
            throw new InvalidOperationException($"Handle {handle} is stale: its object was freed.");
        }
    }

    private void PushFrame(int count)
    {
        if (_top + count > _locals.Length || _frames == _frameBase.Length)
        {
            Array.Resize(ref _locals, Math.Max(_locals.Length * 2, _top + count));
            Array.Resize(ref _frameBase, _frameBase.Length * 2);
            Array.Resize(ref _frameCount, _frameCount.Length * 2);
        }

        _locals.AsSpan(_top, count).Clear();
        _frameBase[_frames] = _top;
        _frameCount[_frames++] = count;
        _top += count;
    }

    private void SetLocal(int local, Handle value)
    {
        if (_frames == 0 || (uint)local >= (uint)_frameCount[_frames - 1])
        {
            throw new InvalidOperationException($"The current frame has no local {local}.");
        }

        if (!value.IsNull)
        {
            CheckLive(value);
        }

        _locals[_frameBase[_frames - 1] + local] = value.Index;
    }

    private void PopFrame()
    {
        if (_frames == 0)
        {
            throw new InvalidOperationException("There is no frame to pop.");
        }

        _top = _frameBase[--_frames];
    }

    // ---- spans -----------------------------------------------------------------------------

    /// <summary>The lowest free slot of the class's current span (Go's nextFreeFast, then nextFree), as an object index.</summary>
    private int TakeSlot(int sizeClass)
    {
        var cache = _cache[sizeClass];
        if (cache == 0)
        {
            cache = Refill(sizeClass);
        }

        var bit = BitOperations.TrailingZeroCount(cache);
        _cache[sizeClass] = cache & (cache - 1);
        var word = _cacheWord[sizeClass];
        _allocBits[word] |= 1UL << bit;
        _spanCount[_current[sizeClass]]++;
        return (word << 6) + bit;
    }

    private ulong Refill(int sizeClass)
    {
        while (true)
        {
            var span = _current[sizeClass];
            if (span >= 0)
            {
                var end = _spanFirstWord[span] + _spanWords[span];
                for (var word = _nextWord[sizeClass]; word < end; word++)
                {
                    var free = ~_allocBits[word] & TailMask(span, word);
                    if (free != 0)
                    {
                        _cacheWord[sizeClass] = word;
                        _nextWord[sizeClass] = word + 1;
                        return free;
                    }
                }
            }

            Use(sizeClass, NextSpan(sizeClass));
        }
    }

    private ulong TailMask(int span, int word)
    {
        var left = _spanCapacity[span] - ((word - _spanFirstWord[span]) << 6);
        return left >= 64 ? ulong.MaxValue : (1UL << left) - 1;
    }

    private void Use(int sizeClass, int span)
    {
        _current[sizeClass] = span;
        _nextWord[sizeClass] = _spanFirstWord[span];
        _cache[sizeClass] = 0;
    }

    private int NextSpan(int sizeClass)
    {
        var partial = _partial[sizeClass];
        while (partial.Count > 0)
        {
            var span = partial.Pop();
            _queued[span] = false;
            if (!_isReleased[span] && _spanCount[span] < _spanCapacity[span])
            {
                return span;
            }
        }

        if (_released[sizeClass].Count > 0)
        {
            var reused = _released[sizeClass].Pop();
            _isReleased[reused] = false;
            _spansInUse.Add(reused);
            return reused;
        }

        var pages = SizeClasses.PagesPerSpan(sizeClass);
        var capacity = pages * SizeClasses.PageSize / SizeClasses.ObjectSize(sizeClass);
        var words = (capacity + 63) >> 6;
        var id = _spanTop++;
        if (id == _spanFirstWord.Length)
        {
            var size = id * 2;
            Array.Resize(ref _spanFirstWord, size);
            Array.Resize(ref _spanWords, size);
            Array.Resize(ref _spanCapacity, size);
            Array.Resize(ref _spanCount, size);
            Array.Resize(ref _spanClass, size);
            Array.Resize(ref _queued, size);
            Array.Resize(ref _isReleased, size);
        }

        _spanFirstWord[id] = _indexTop >> 6;
        _spanWords[id] = words;
        _spanCapacity[id] = capacity;
        _spanCount[id] = 0;
        _spanClass[id] = sizeClass;
        _indexTop += words << 6;
        if (_indexTop > _records.Length)
        {
            var grown = GC.AllocateUninitializedArray<Record>(_records.Length * 4);
            Array.Copy(_records, grown, _records.Length);
            grown.AsSpan(_records.Length).Clear();
            _records = grown;
            Array.Resize(ref _allocBits, grown.Length >> 6);
            Array.Resize(ref _markBits, grown.Length >> 6);
        }

        _spansInUse.Add(id);
        return id;
    }

    // ---- the collector ---------------------------------------------------------------------

    private void Collect()
    {
        Cycles++;
        long markedBytes = 0;
        var greyCount = 0;
        for (var i = 0; i < _top; i++)
        {
            Shade(_locals[i], ref greyCount);
        }

        while (greyCount > 0)
        {
            ref var record = ref _records[_grey[--greyCount]];
            markedBytes += SizeClasses.RoundedSize(record.SizeAndSlots & ((1 << 30) - 1));
            Shade(record.SlotA, ref greyCount);
            Shade(record.SlotB, ref greyCount);
        }

        for (var i = _spansInUse.Count - 1; i >= 0; i--)
        {
            var span = _spansInUse[i];
            var freed = 0;
            var end = _spanFirstWord[span] + _spanWords[span];
            for (var word = _spanFirstWord[span]; word < end; word++)
            {
                var marked = _markBits[word];
                freed += BitOperations.PopCount(_allocBits[word] & ~marked);
                _allocBits[word] = marked;
                _markBits[word] = 0;
            }

            var sizeClass = _spanClass[span];
            _spanCount[span] -= freed;
            _frees += freed;
            _heapAlloc -= (long)freed * SizeClasses.ObjectSize(sizeClass);
            if (_spanCount[span] == 0)
            {
                _spansInUse[i] = _spansInUse[^1];
                _spansInUse.RemoveAt(_spansInUse.Count - 1);
                _released[sizeClass].Push(span);
                _isReleased[span] = true;
                if (_current[sizeClass] == span)
                {
                    _current[sizeClass] = -1;
                    _cache[sizeClass] = 0;
                }
            }
            else if (_spanCount[span] < _spanCapacity[span] && !_queued[span] && _current[sizeClass] != span)
            {
                _queued[span] = true;
                _partial[sizeClass].Push(span);
            }
        }

        // The allocation caches no longer tell the whole truth: look at each current span from its start.
        for (var sizeClass = 0; sizeClass < _current.Length; sizeClass++)
        {
            if (_current[sizeClass] >= 0)
            {
                Use(sizeClass, _current[sizeClass]);
            }
        }

        _heapLive = markedBytes;
        _trigger = Math.Max(markedBytes * 2, MinimumHeapBytes);
    }

    private void Shade(int index, ref int greyCount)
    {
        if (index == 0)
        {
            return;
        }

        ref var word = ref _markBits[index >> 6];
        var bit = 1UL << index;
        if ((word & bit) != 0)
        {
            return;
        }

        word |= bit;
        if (greyCount == _grey.Length)
        {
            Array.Resize(ref _grey, greyCount * 2);
        }

        _grey[greyCount++] = index;
    }
}
