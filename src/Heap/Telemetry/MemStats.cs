namespace HeapNotebook.Heap.Telemetry;

/// <summary>
/// A snapshot of the heap's statistics with the meaning of Go's runtime.MemStats fields. Times
/// are virtual nanoseconds since the heap was made (Go's LastGC is wall-clock Unix time).
/// </summary>
public sealed record MemStats
{
    /// <summary>Bytes of allocated heap objects, including unreachable ones not yet swept.</summary>
    public required long HeapAlloc { get; init; }

    /// <summary>Bytes in spans that hold at least one object; HeapInuse - HeapAlloc is fragmentation.</summary>
    public required long HeapInuse { get; init; }

    /// <summary>Bytes obtained but in no span: free pages, released or not.</summary>
    public required long HeapIdle { get; init; }

    /// <summary>Idle bytes returned to the operating system by the scavenger.</summary>
    public required long HeapReleased { get; init; }

    /// <summary>Bytes of heap memory obtained from the operating system.</summary>
    public required long HeapSys { get; init; }

    public required long HeapObjects { get; init; }

    public required long TotalAlloc { get; init; }

    public required long Mallocs { get; init; }

    public required long Frees { get; init; }

    /// <summary>The heap goal of the next cycle; long.MaxValue when GOGC is off and there is no limit.</summary>
    public required long NextGC { get; init; }

    /// <summary>When the last cycle ended, in virtual ns; 0 before the first.</summary>
    public required long LastGC { get; init; }

    /// <summary>The last 256 pause times; the most recent is at index (NumGC + 255) % 256.</summary>
    public required IReadOnlyList<long> PauseNs { get; init; }

    public required long PauseTotalNs { get; init; }

    public required int NumGC { get; init; }

    public required int NumForcedGC { get; init; }

    /// <summary>Fraction of the available CPU (virtual time × procs) the collector used from the heap's start to the last cycle's end, idle-priority marking left out (Go's gc_cpu_fraction, set at mark termination).</summary>
    public required double GCCPUFraction { get; init; }

    /// <summary>Bytes of objects living in stack frames now (not heap: no collector ever sees them).</summary>
    public long StackInuse { get; init; }

    /// <summary>Objects allocated on the stack so far (what escape analysis kept off the heap).</summary>
    public long StackAllocs { get; init; }

    /// <summary>Free slots inside spans in use, in bytes: HeapInuse - HeapAlloc.</summary>
    public long Fragmentation => HeapInuse - HeapAlloc;
}
