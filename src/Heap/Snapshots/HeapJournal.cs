using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;
using HeapNotebook.Heap.Objects;
using HeapNotebook.Heap.Workloads;

namespace HeapNotebook.Heap.Snapshots;

/// <summary>
/// Every mutator operation made on a heap, in order, as compact bytes: an operation code, then
/// its arguments as LEB128 varints (signed ones zig-zagged). The simulator is deterministic, so
/// replaying the journal on a fresh heap with the same options rebuilds the heap exactly, history
/// included. An operation is recorded before it runs: one that fails fails the same way on replay.
/// Reads only advance the clock, so consecutive reads are kept as one count. A run of a built-in
/// workload is one entry (its recipe, the generator's state before it, where it was stopped).
/// Strings are numbered on first use. Past its cap (<see cref="MaxBytes"/>) the journal stops and says so.
/// </summary>
internal sealed class HeapJournal
{
    /// <summary>The most bytes one heap's journal may hold in the host's memory.</summary>
    public const int MaxBytes = 128 << 20;

    private const int MaxVarintBytes = 10;
    private const int MaxHandleBytes = 2 * MaxVarintBytes;

    /// <summary>Room for the longest entry of fixed shape (a Write: code, handle, slot, handle).</summary>
    private const int MaxFixedEntryBytes = 1 + 3 * MaxHandleBytes;

    private readonly int _heapId;
    private readonly int _maxBytes;
    private readonly Dictionary<string, int> _strings = new(StringComparer.Ordinal);
    private byte[] _bytes = new byte[4096];
    private int _length;
    private long _pendingReads;

    public HeapJournal(int heapId, int maxBytes = MaxBytes)
    {
        _heapId = heapId;
        _maxBytes = maxBytes;
    }

    /// <summary>Operations recorded (a run of reads counts as one).</summary>
    public long Operations { get; private set; }

    /// <summary>True once the journal passed <see cref="MaxBytes"/> and stopped recording: the heap can no longer be saved.</summary>
    public bool Overflowed { get; private set; }

    /// <summary>The journal so far, pending reads included.</summary>
    public byte[] ToArray()
    {
        FlushReads();
        return _bytes.AsSpan(0, _length).ToArray();
    }

    public void Alloc(int size, int slots, ReadOnlySpan<ObjectHandle> initial)
    {
        if (!Begin(JournalOperation.Alloc))
        {
            return;
        }

        WriteSigned(size);
        WriteSigned(slots);
        WriteUnsigned((ulong)initial.Length);
        Reserve(initial.Length * MaxHandleBytes);
        foreach (var value in initial)
        {
            WriteHandle(value);
        }
    }

    public void AllocOnStack(int size, int slots)
    {
        if (Begin(JournalOperation.AllocOnStack))
        {
            WriteSigned(size);
            WriteSigned(slots);
        }
    }

    /// <summary>Reads advance the clock by <paramref name="units"/> pointer reads; nothing else.</summary>
    public void Reads(long units) => _pendingReads += units;

    public void Write(ObjectHandle source, int slot, ObjectHandle target)
    {
        if (Begin(JournalOperation.Write))
        {
            WriteHandle(source);
            WriteSigned(slot);
            WriteHandle(target);
        }
    }

    public void PushFrame(string? name, string?[] locals)
    {
        if (Begin(JournalOperation.PushNamedFrame))
        {
            WriteString(name);
            Reserve(MaxVarintBytes);
            WriteUnsigned((ulong)locals.Length);
            foreach (var local in locals)
            {
                WriteString(local);
            }
        }
    }

    public void PushFrame(int localCount)
    {
        if (Begin(JournalOperation.PushFrame))
        {
            WriteSigned(localCount);
        }
    }

    public void PopFrame() => Begin(JournalOperation.PopFrame);

    public void SetLocal(int local, ObjectHandle value)
    {
        if (Begin(JournalOperation.SetLocal))
        {
            WriteSigned(local);
            WriteHandle(value);
        }
    }

    public void SetRoot(string name, ObjectHandle value)
    {
        if (Begin(JournalOperation.SetRoot))
        {
            WriteString(name);
            WriteHandle(value);
        }
    }

    public void Collect() => Begin(JournalOperation.Collect);

    public void CollectMinor() => Begin(JournalOperation.CollectMinor);

    public void Step(long work)
    {
        if (Begin(JournalOperation.Step))
        {
            WriteSigned(work);
        }
    }

    public void StepToNextPhase() => Begin(JournalOperation.StepToNextPhase);

    public void NewPool(string name, int objectSize, int slots)
    {
        if (Begin(JournalOperation.NewPool))
        {
            WriteString(name);
            WriteSigned(objectSize);
            WriteSigned(slots);
        }
    }

    public void PoolGet(string pool)
    {
        if (Begin(JournalOperation.PoolGet))
        {
            WriteString(pool);
        }
    }

    public void PoolPut(string pool, ObjectHandle value)
    {
        if (Begin(JournalOperation.PoolPut))
        {
            WriteString(pool);
            WriteHandle(value);
        }
    }

    /// <summary>A run of a built-in workload, recorded after it ended (its own operations are not recorded).</summary>
    public void Run(WorkloadRecipe recipe, RandomState randomBefore, long stoppedAtCheckpoint)
    {
        if (!Begin(JournalOperation.Run))
        {
            return;
        }

        WriteString(recipe.Name);
        Reserve((recipe.Arguments.Count + 2) * MaxVarintBytes + 32);
        WriteUnsigned((ulong)recipe.Arguments.Count);
        foreach (var argument in recipe.Arguments)
        {
            WriteSigned(argument);
        }

        WriteRandomState(randomBefore);
        WriteSigned(stoppedAtCheckpoint);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Begin(JournalOperation operation)
    {
        if (Overflowed)
        {
            return false;
        }

        FlushReads();
        Operations++;
        Reserve(MaxFixedEntryBytes);
        _bytes[_length++] = (byte)operation;
        if (_length > _maxBytes)
        {
            Overflowed = true;
            _bytes = [];
            _length = 0;
            _strings.Clear();
            return false;
        }

        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void FlushReads()
    {
        if (_pendingReads != 0 && !Overflowed)
        {
            WritePendingReads();
        }
    }

    private void WritePendingReads()
    {

        var reads = _pendingReads;
        _pendingReads = 0;
        Operations++;
        Reserve(1 + MaxVarintBytes);
        _bytes[_length++] = (byte)JournalOperation.Reads;
        WriteSigned(reads);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteHandle(ObjectHandle handle)
    {
        if (handle.IsNull)
        {
            WriteUnsigned(0);
            return;
        }

        var origin = handle.HeapId == _heapId ? HandleOrigin.ThisHeap : handle.HeapId == 0 ? HandleOrigin.Unattached : HandleOrigin.AnotherHeap;
        WriteUnsigned(((ulong)(uint)handle.Index << 2) | (ulong)origin);
        WriteSigned(handle.Version);
    }

    private void WriteString(string? text)
    {
        // Room for what may follow a string in its entry (a handle, a count) as well.
        Reserve(MaxVarintBytes + MaxFixedEntryBytes);
        if (text is null)
        {
            WriteUnsigned(0);
            return;
        }

        if (_strings.TryGetValue(text, out var number))
        {
            WriteUnsigned((ulong)number);
            return;
        }

        number = _strings.Count + 1;
        _strings[text] = number;
        var bytes = Encoding.UTF8.GetBytes(text);
        Reserve(2 * MaxVarintBytes + bytes.Length + MaxFixedEntryBytes);
        WriteUnsigned((ulong)number);
        WriteUnsigned((ulong)bytes.Length);
        bytes.CopyTo(_bytes, _length);
        _length += bytes.Length;
    }

    private void WriteRandomState(RandomState state)
    {
        Reserve(32 + 2 * MaxVarintBytes);
        BinaryPrimitives.WriteUInt64LittleEndian(_bytes.AsSpan(_length), state.S0);
        BinaryPrimitives.WriteUInt64LittleEndian(_bytes.AsSpan(_length + 8), state.S1);
        BinaryPrimitives.WriteUInt64LittleEndian(_bytes.AsSpan(_length + 16), state.S2);
        BinaryPrimitives.WriteUInt64LittleEndian(_bytes.AsSpan(_length + 24), state.S3);
        _length += 32;
        WriteSigned(state.Draws);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteSigned(long value) => WriteUnsigned((ulong)((value << 1) ^ (value >> 63)));

    /// <summary>Writes a LEB128 varint into room the caller reserved.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteUnsigned(ulong value)
    {
        var bytes = _bytes;
        var length = _length;
        while (value >= 0x80)
        {
            bytes[length++] = (byte)(value | 0x80);
            value >>= 7;
        }

        bytes[length++] = (byte)value;
        _length = length;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Reserve(int bytes)
    {
        if (_length + bytes > _bytes.Length)
        {
            Grow(bytes);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int bytes) => Array.Resize(ref _bytes, Math.Max(_length + bytes, Math.Min(_bytes.Length * 2, _maxBytes + 4096)));
}
