using System.Numerics;

namespace HeapNotebook.Bench;

/// <summary>
/// The binary-trees program over the least bookkeeping a simulator of the heap's mutator
/// interface needs, to bound from below what the simulator can reach and to show what each choice
/// of layout and reuse costs. Every variant keeps the left child in a stack local of its own frame
/// while the right one is built (the root a collector would have to see) and reads every slot
/// through the table; none checks sizes, keeps size classes or spans, counters or a clock, or
/// marks anything: a checked tree is handed back by walking it, about what marking and sweeping
/// it would cost. A variant is a layout and a way of reusing freed indices:
/// <list type="bullet">
/// <item>layout <c>inline</c>: a 12-byte record per object holding its version and both slots;
/// <c>record</c>: the simulator's own 24-byte record (version, address, size, two slots, colour,
/// age, slot mode), both slots inline; <c>table</c>: the same record with the slots in a separate
/// pool, as the simulator kept every object's slots until it held up to two inline.</item>
/// <item>reuse <c>at once</c> (no suffix): a freed index is reused first, while its record is
/// still in the cache; <c>collected</c>: as a tracing collector at GOGC=100 reuses memory: dropped
/// trees wait as garbage until there is as much garbage as peak live data, each is then freed one
/// by one (its version bumped, its bit set), and free indices are taken lowest first from a
/// bitmap; <c>bulk</c>: the same, but garbage is a bitmap freed a word at a time, as Go's sweep
/// makes a span's mark bits its allocation bits, with no write per dead object.</item>
/// </list>
/// The collected and bulk variants check every handle they use, as the simulator does. Not a
/// simulator; a yardstick for one.
/// </summary>
internal sealed class FloorBinaryTrees
{
    public static readonly string[] Variants = ["inline", "table", "table-collected", "record-collected", "inline-collected", "inline-bulk"];

    private readonly bool _inline;
    private readonly bool _slotsInRecord;
    private readonly bool _collected;
    private readonly bool _bulk;
    private readonly long _garbageLimit;

    private InlineRecord[] _inlineRecords = new InlineRecord[1024];
    private TableRecord[] _records = new TableRecord[1024];
    private int[] _slots = new int[2048];
    private int _highWater = 1;

    // Reuse at once: a stack of free indices.
    private int[] _free = new int[1024];
    private int _freeCount;

    // Reuse after collection: the garbage waiting (a list, or a bitmap for bulk), and free indices as a bitmap.
    private readonly List<int> _garbage = [];
    private ulong[] _garbageBits = new ulong[16];
    private long _garbageCount;
    private ulong[] _freeBits = new ulong[16];
    private int _freeCursor;
    private long _freeBitCount;

    // The stack: one local per frame, and where each frame starts.
    private int[] _locals = new int[64];
    private int[] _frames = new int[64];
    private int _top;
    private int _frameCount;

    private FloorBinaryTrees(string variant, int maxDepth)
    {
        _inline = variant.StartsWith("inline", StringComparison.Ordinal);
        _slotsInRecord = variant.StartsWith("record", StringComparison.Ordinal);
        _bulk = variant.EndsWith("-bulk", StringComparison.Ordinal);
        _collected = _bulk || variant.EndsWith("-collected", StringComparison.Ordinal);
        _garbageLimit = 1L << (maxDepth + 2);
    }

    public static long Run(string variant, int maxDepth) =>
        Variants.Contains(variant)
            ? new FloorBinaryTrees(variant, Math.Max(6, maxDepth)).Execute(Math.Max(6, maxDepth))
            : throw new ArgumentException($"Unknown floor variant '{variant}'. Use one of: {string.Join(", ", Variants)}.");

    private long Execute(int maxDepth)
    {
        const int minDepth = 4;
        var stretch = Build(maxDepth + 1);
        long checksum = Check(stretch);
        Drop(stretch);
        var longLived = Build(maxDepth);
        for (var depth = minDepth; depth <= maxDepth; depth += 2)
        {
            var iterations = 1 << (maxDepth - depth + minDepth);
            for (var i = 0; i < iterations; i++)
            {
                var tree = Build(depth);
                checksum += Check(tree);
                Drop(tree);
            }
        }

        return checksum + Check(longLived);
    }

    private int Build(int depth)
    {
        if (depth <= 0)
        {
            return Allocate(0, 0);
        }

        PushFrame();
        var left = Build(depth - 1);
        _locals[_frames[_frameCount - 1]] = left;
        var right = Build(depth - 1);
        _top = _frames[--_frameCount];
        if (_collected && (!IsLive(left) || !IsLive(right)))
        {
            throw new InvalidOperationException("A child was freed while its parent was being built.");
        }

        return Allocate(left, right);
    }

    private void PushFrame()
    {
        if (_frameCount == _frames.Length)
        {
            Array.Resize(ref _frames, _frames.Length * 2);
            Array.Resize(ref _locals, _locals.Length * 2);
        }

        _frames[_frameCount++] = _top;
        _locals[_top++] = 0;
    }

    /// <summary>Bulk frees bump no versions, so there an index is live while its free bit is clear; elsewhere while its version is odd.</summary>
    private bool IsLive(int index) => _bulk
        ? (_freeBits[index >> 6] & (1UL << (index & 63))) == 0
        : ((_inline ? _inlineRecords[index].Version : _records[index].Version) & 1) != 0;

    private int Allocate(int left, int right)
    {
        var index = TakeIndex();
        if (_inline)
        {
            ref var record = ref _inlineRecords[index];
            record.Version += _bulk ? 2 : 1;
            record.Left = left;
            record.Right = right;
        }
        else
        {
            ref var record = ref _records[index];
            record.Version++;
            record.Size = 16;
            record.AddressUnits = (uint)index * 2;
            record.Color = 0;
            record.Age = 0;
            if (_slotsInRecord)
            {
                (record.SlotA, record.SlotB) = (left, right);
            }
            else
            {
                _slots[record.SlotA] = left;
                _slots[record.SlotA + 1] = right;
            }
        }

        return index;
    }

    private int TakeIndex()
    {
        if (_collected && _freeBitCount > 0)
        {
            var word = _freeCursor >> 6;
            var bits = _freeBits[word] & (~0UL << (_freeCursor & 63));
            while (bits == 0)
            {
                bits = _freeBits[++word];
            }

            var index = (word << 6) + BitOperations.TrailingZeroCount(bits);
            _freeBits[word] &= ~(1UL << (index & 63));
            _freeBitCount--;
            _freeCursor = index + 1;
            return index;
        }

        if (!_collected && _freeCount > 0)
        {
            return _free[--_freeCount];
        }

        if (_highWater == (_inline ? _inlineRecords.Length : _records.Length))
        {
            var capacity = _highWater * 2;
            Array.Resize(ref _inlineRecords, _inline ? capacity : 0);
            Array.Resize(ref _records, _inline ? 0 : capacity);
            Array.Resize(ref _slots, _inline ? 0 : capacity * 2);
            Array.Resize(ref _freeBits, capacity / 64 + 1);
            Array.Resize(ref _garbageBits, capacity / 64 + 1);
        }

        var next = _highWater++;
        if (!_inline && !_slotsInRecord)
        {
            _records[next].SlotA = next * 2;
            _records[next].SlotB = 2;
        }

        if (_bulk)
        {
            _inlineRecords[next].Version = 1;
        }

        return next;
    }

    private int Check(int node)
    {
        if (_collected && !IsLive(node))
        {
            throw new InvalidOperationException("A reachable node was freed.");
        }

        var (left, right) = Children(node);
        return left == 0 ? 1 : 1 + Check(left) + Check(right);
    }

    private (int Left, int Right) Children(int node)
    {
        if (_inline)
        {
            return (_inlineRecords[node].Left, _inlineRecords[node].Right);
        }

        ref var record = ref _records[node];
        return _slotsInRecord ? (record.SlotA, record.SlotB) : (_slots[record.SlotA], _slots[record.SlotA + 1]);
    }

    /// <summary>Hands a checked tree back: at once, or as garbage freed with the rest once there is enough.</summary>
    private void Drop(int node)
    {
        Walk(node);
        if (!_collected || _garbageCount < _garbageLimit)
        {
            return;
        }

        if (_bulk)
        {
            for (var word = 0; word < _garbageBits.Length; word++)
            {
                if (_garbageBits[word] != 0)
                {
                    _freeBits[word] |= _garbageBits[word];
                    _garbageBits[word] = 0;
                    _freeCursor = Math.Min(_freeCursor, word << 6);
                }
            }
        }
        else
        {
            foreach (var index in _garbage)
            {
                if (_inline)
                {
                    _inlineRecords[index].Version++;
                }
                else
                {
                    _records[index].Version++;
                }

                _freeBits[index >> 6] |= 1UL << (index & 63);
                _freeCursor = Math.Min(_freeCursor, index);
            }

            _garbage.Clear();
        }

        _freeBitCount += _garbageCount;
        _garbageCount = 0;
    }

    private void Walk(int node)
    {
        var (left, right) = Children(node);
        if (left != 0)
        {
            Walk(left);
            Walk(right);
        }

        if (_bulk)
        {
            _garbageBits[node >> 6] |= 1UL << (node & 63);
            _garbageCount++;
        }
        else if (_collected)
        {
            _garbage.Add(node);
            _garbageCount++;
        }
        else
        {
            if (_inline)
            {
                _inlineRecords[node].Version++;
            }
            else
            {
                _records[node].Version++;
            }

            if (_freeCount == _free.Length)
            {
                Array.Resize(ref _free, _free.Length * 2);
            }

            _free[_freeCount++] = node;
        }
    }

    private struct InlineRecord
    {
        public int Version;
        public int Left;
        public int Right;
    }

    /// <summary>The same fields, in the same order, as the simulator's ObjectRecord: two slots, or a run's start and length.</summary>
    private struct TableRecord
    {
        public int Version;
        public uint AddressUnits;
        public int Size;
        public int SlotA;
        public int SlotB;
        public byte Color;
        public byte Age;
        public byte SlotMode;
    }
}
