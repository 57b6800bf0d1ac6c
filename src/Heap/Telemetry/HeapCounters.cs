namespace HeapNotebook.Heap.Telemetry;

/// <summary>The running totals behind <see cref="MemStats"/>, updated on the hot paths.</summary>
internal sealed class HeapCounters
{
    public const int PauseRingSize = 256;

    /// <summary>
    /// Bytes ever allocated (size-class rounded; whole pages for large objects): MemStats.TotalAlloc.
    /// <see cref="HeapAlloc"/> and <see cref="HeapLive"/> grow with it between the events that lower or
    /// reset them, so they are kept as their distance below it and an allocation adds to one field, not three.
    /// </summary>
    public long TotalAlloc;

    private long _heapAllocBelowTotal;
    private long _heapLiveBelowTotal;

    /// <summary>Bytes of allocated objects, swept or not (size-class rounded; whole pages for large objects): MemStats.HeapAlloc.</summary>
    public long HeapAlloc
    {
        get => TotalAlloc - _heapAllocBelowTotal;
        set => _heapAllocBelowTotal = TotalAlloc - value;
    }

    /// <summary>
    /// The pacer's view, Go's heapLive: the marked heap as of the last mark termination plus what
    /// was allocated since. Sweeping does not lower it; it is what the trigger is compared with.
    /// </summary>
    public long HeapLive
    {
        get => TotalAlloc - _heapLiveBelowTotal;
        set => _heapLiveBelowTotal = TotalAlloc - value;
    }

    /// <summary>Scannable bytes (pointer slots) of the objects counted in <see cref="HeapLive"/>: Go's heapScan.</summary>
    public long HeapScan;
    public long StackBytes;
    public long StackAllocs;
    public long Mallocs;
    public long Frees;
    public long GcCpuPicoseconds;
    public long PauseTotalNs;
    public readonly long[] PauseRing = new long[PauseRingSize];
    public int NumGC;
    public int NumForcedGC;
    public long LastGcNs;
}
