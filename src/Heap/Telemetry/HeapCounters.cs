namespace HeapNotebook.Heap.Telemetry;

/// <summary>The running totals behind <see cref="MemStats"/>, updated on the hot paths.</summary>
internal sealed class HeapCounters
{
    public const int PauseRingSize = 256;

    /// <summary>Bytes of allocated objects (size-class rounded; whole pages for large objects), Go's heapLive.</summary>
    public long HeapLive;
    public long TotalAlloc;
    public long Mallocs;
    public long Frees;
    public long GcCpuPicoseconds;
    public long PauseTotalNs;
    public readonly long[] PauseRing = new long[PauseRingSize];
    public int NumGC;
    public int NumForcedGC;
    public long LastGcNs;
}
