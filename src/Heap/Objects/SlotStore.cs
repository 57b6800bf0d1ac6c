namespace HeapNotebook.Heap.Objects;

/// <summary>
/// The pointer slots of objects with more than <see cref="ObjectRecord.InlineSlots"/> of them (the
/// rest keep theirs in their record), in one pooled int array: an object's slots are a contiguous
/// run, each holding a target's table index (0 = null). Freed runs are kept on free
/// lists by length and reused first, so a steady program does not grow the pool.
/// </summary>
internal sealed class SlotStore
{
    private const int ExactLists = 64;

    private readonly int[] _freeHeads = new int[ExactLists + 1];
    private readonly SortedDictionary<int, Stack<int>> _largeFree = [];

    public SlotStore(int initialCapacity)
    {
        // Position 0 is unused, so 0 can mean "no run" in the free lists.
        Data = new int[Math.Max(64, initialCapacity)];
        Top = 1;
    }

    public int[] Data;

    public int Top { get; private set; }

    /// <summary>True when a freed run of exactly <paramref name="count"/> slots waits to be reused.</summary>
    public bool HasFreeRun(int count) => count <= ExactLists
        ? _freeHeads[count] != 0
        : _largeFree.TryGetValue(count, out var runs) && runs.Count > 0;

    /// <summary>A run of <paramref name="count"/> null slots.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public int Allocate(int count)
    {
        if (count == 0)
        {
            return 0;
        }

        int start;
        if (count <= ExactLists && _freeHeads[count] != 0)
        {
            var data = Data;
            start = _freeHeads[count];
            _freeHeads[count] = data[start];
            ClearRun(data, start, count);
            return start;
        }

        if (count > ExactLists && _largeFree.TryGetValue(count, out var runs) && runs.Count > 0)
        {
            start = runs.Pop();
            Array.Clear(Data, start, count);
            return start;
        }

        if (Top + count > Data.Length)
        {
            Grow(count);
        }

        // Past the top the pool is uninitialised (see Grow): a fresh run is cleared here.
        start = Top;
        Top += count;
        ClearRun(Data, start, count);
        return start;
    }

    /// <summary>Nulls a run: a loop for the usual few slots (no call), the library's clear for long runs.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static void ClearRun(int[] data, int start, int count)
    {
        if (count <= 8)
        {
            for (var i = start; i < start + count; i++)
            {
                data[i] = 0;
            }
        }
        else
        {
            Array.Clear(data, start, count);
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void Free(int start, int count)
    {
        if (count == 0)
        {
            return;
        }

        if (count <= ExactLists)
        {
            Data[start] = _freeHeads[count];
            _freeHeads[count] = start;
            return;
        }

        if (!_largeFree.TryGetValue(count, out var runs))
        {
            runs = new Stack<int>();
            _largeFree[count] = runs;
        }

        runs.Push(start);
    }

    /// <summary>Doubles the pool (at least to fit <paramref name="count"/> more); the new tail is left uninitialised, so its pages stay untouched until runs reach them.</summary>
    private void Grow(int count)
    {
        var capacity = (int)Math.Min(Array.MaxLength, Math.Max((long)Top + count, (long)Data.Length * 2));
        var grown = GC.AllocateUninitializedArray<int>(capacity);
        Array.Copy(Data, grown, Top);
        Data = grown;
    }
}
