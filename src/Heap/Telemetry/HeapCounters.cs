namespace HeapNotebook.Heap.Telemetry;

/// <summary>The running totals behind <see cref="MemStats"/>, updated on the hot paths.</summary>
internal sealed class HeapCounters
{
    public const int PauseRingSize = 256;

    /// <summary>Bytes of allocated objects, swept or not (size-class rounded; whole pages for large objects): MemStats.HeapAlloc.</summary>
    public long HeapAlloc;

    /// <summary>
    /// The pacer's view, Go's heapLive: the marked heap as of the last mark termination plus what
    /// was allocated since. Sweeping does not lower it; it is what the trigger is compared with.
    /// </summary>
    public long HeapLive;

    /// <summary>Scannable bytes (pointer slots) of the objects counted in <see cref="HeapLive"/>: Go's heapScan.</summary>
    public long HeapScan;
    public long TotalAlloc;
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
