using System.Numerics;

namespace HeapNotebook.Heap.Memory;

/// <summary>
/// The simulated address space: a run of 8 KiB pages obtained from the "operating system" in
/// 4 MiB steps (as Go's mheap.grow), handed out to spans first-fit from the lowest address.
/// Free pages may be released back to the OS by the scavenger; a released page that is handed
/// out again counts as in use. Pages are bits, so the heap holds gigabytes of simulated memory
/// in a few kilobytes.
/// </summary>
internal sealed class PageHeap
{
    public const int GrowthPages = 512; // 4 MiB

    private ulong[] _free = new ulong[8];
    private ulong[] _released = new ulong[8];
    private int _firstFreeHint;

    public PageHeap(long limitBytes)
    {
        LimitPages = limitBytes <= 0 ? int.MaxValue : (int)Math.Min(int.MaxValue, limitBytes / SizeClasses.PageSize);
    }

    public int TotalPages { get; private set; }

    public int FreePages { get; private set; }

    public int ReleasedPages { get; private set; }

    public int LimitPages { get; }

    public long SysBytes => (long)TotalPages * SizeClasses.PageSize;

    /// <summary>Pages that could still be obtained before the limit.</summary>
    public long HeadroomPages => (long)LimitPages - TotalPages + FreePages;

    /// <summary>The first page of a run of <paramref name="pages"/> free pages, now in use; -1 when the limit forbids it (unless <paramref name="ignoreLimit"/>: a collector in the middle of a copy).</summary>
    public int Allocate(int pages, bool ignoreLimit = false)
    {
        var start = FindRun(pages);
        if (start < 0)
        {
            if (!Grow(pages, ignoreLimit))
            {
                return -1;
            }

            start = FindRun(pages);
        }

        for (var p = start; p < start + pages; p++)
        {
            var word = p >> 6;
            var bit = 1UL << (p & 63);
            _free[word] &= ~bit;
            if ((_released[word] & bit) != 0)
            {
                _released[word] &= ~bit;
                ReleasedPages--;
            }
        }

        FreePages -= pages;
        if (start == _firstFreeHint)
        {
            _firstFreeHint = start + pages;
        }

        return start;
    }

    public void Free(int start, int pages)
    {
        for (var p = start; p < start + pages; p++)
        {
            _free[p >> 6] |= 1UL << (p & 63);
        }

        FreePages += pages;
        _firstFreeHint = Math.Min(_firstFreeHint, start);
    }

    public bool IsFree(int page) => (_free[page >> 6] & (1UL << (page & 63))) != 0;

    public bool IsReleased(int page) => (_released[page >> 6] & (1UL << (page & 63))) != 0;

    /// <summary>Releases free pages from the top of the heap down until at most <paramref name="retainBytes"/> stay obtained and unreleased.</summary>
    public void Scavenge(long retainBytes)
    {
        var retainPages = Math.Max(0, retainBytes / SizeClasses.PageSize);
        for (var p = TotalPages - 1; p >= 0 && TotalPages - ReleasedPages > retainPages; p--)
        {
            var word = p >> 6;
            var bit = 1UL << (p & 63);
            if ((_free[word] & bit) != 0 && (_released[word] & bit) == 0)
            {
                _released[word] |= bit;
                ReleasedPages++;
            }
        }
    }

    /// <summary>Runs of free pages, lowest address first, as (first page, length).</summary>
    public IEnumerable<(int Start, int Length)> FreeRuns()
    {
        var p = 0;
        while (p < TotalPages)
        {
            if (!IsFree(p))
            {
                p++;
                continue;
            }

            var start = p;
            while (p < TotalPages && IsFree(p))
            {
                p++;
            }

            yield return (start, p - start);
        }
    }

    private int FindRun(int pages)
    {
        var run = 0;
        var runStart = -1;
        var p = _firstFreeHint;
        while (p < TotalPages)
        {
            var word = _free[p >> 6] >> (p & 63);
            if (word == 0)
            {
                // No free page in the rest of this word.
                run = 0;
                p = (p | 63) + 1;
                continue;
            }

            if (run == 0)
            {
                var skip = BitOperations.TrailingZeroCount(word);
                p += skip;
                if (p >= TotalPages)
                {
                    break;
                }

                runStart = p;
            }

            if (IsFree(p))
            {
                run++;
                if (run == pages)
                {
                    return runStart;
                }
            }
            else
            {
                run = 0;
            }

            p++;
        }

        return -1;
    }

    private bool Grow(int pages, bool ignoreLimit)
    {
        // Free pages at the top of the heap join the new ones.
        var tail = 0;
        while (tail < TotalPages && IsFree(TotalPages - 1 - tail))
        {
            tail++;
        }

        var needed = pages - tail;
        var grow = (needed + GrowthPages - 1) / GrowthPages * GrowthPages;
        if ((long)TotalPages + grow > LimitPages)
        {
            // The limit allows no full step: take only what this request needs (a copy may pass the limit, by no more than that).
            grow = needed;
        }

        if ((long)TotalPages + grow > LimitPages && !ignoreLimit)
        {
            return false;
        }

        var newTotal = TotalPages + grow;
        var words = (newTotal + 63) >> 6;
        if (words > _free.Length)
        {
            var size = Math.Max(words, _free.Length * 2);
            Array.Resize(ref _free, size);
            Array.Resize(ref _released, size);
        }

        for (var p = TotalPages; p < newTotal; p++)
        {
            _free[p >> 6] |= 1UL << (p & 63);
        }

        FreePages += grow;
        _firstFreeHint = Math.Min(_firstFreeHint, TotalPages - tail);
        TotalPages = newTotal;
        return true;
    }
}
