using HeapNotebook.Heap.Time;

namespace HeapNotebook.Heap;

/// <summary>How a heap is made. Every figure a heap produces follows from these and the operations run on it.</summary>
public sealed record HeapOptions
{
    public const long DefaultMinimumHeapBytes = 4L << 20;

    /// <summary>The collector plan, by name (see <see cref="Collectors.CollectorRegistry"/>).</summary>
    public string Collector { get; init; } = "marksweep";

    /// <summary>GOGC: the percentage the heap may grow over the live heap before the next cycle; null means off.</summary>
    public int? Gogc { get; init; } = 100;

    /// <summary>The write barrier of an incremental plan: none, dijkstra, yuasa or hybrid; null for the plan's own default (hybrid).</summary>
    public string? Barrier { get; init; }

    /// <summary>Grey objects an allocation must scan while the tricolor plan, or a major cycle of the generational plan, marks (Baker's incremental ratio).</summary>
    public int IncrementalWork { get; init; } = 8;

    /// <summary>The refcount plan's cycle collector: none (cycles leak) or trial-deletion (Bacon and Rajan); null for none.</summary>
    public string? CycleCollector { get; init; }

    /// <summary>The generational plan's nursery, in bytes: new objects are bump-allocated there until it fills and a minor collection runs.</summary>
    public long NurseryBytes { get; init; } = 4L << 20;

    /// <summary>Minor collections an object must survive before the generational plan promotes it to the old generation; 0 promotes every survivor at once.</summary>
    public int TenuringThreshold { get; init; } = 2;

    /// <summary>Test-only: a smaller cap on the journal than <see cref="Snapshots.HeapJournal.MaxBytes"/>, to see what happens past it.</summary>
    internal int? JournalMaxBytesForTests { get; init; }

    /// <summary>
    /// For demonstrations and tests only: turns off the generational plan's card-marking barrier, so old-to-young
    /// pointers go unrecorded and minor collections lose young objects (the verifier says so). Shows what the remembered set is for.
    /// </summary>
    public bool DisableCardMarking { get; init; }

    /// <summary>GOMEMLIMIT: a soft limit, in bytes, on the memory the runtime keeps (heap spans with their free room, stacks, globals), or null for none.</summary>
    public long? MemoryLimitBytes { get; init; }

    /// <summary>
    /// Memory a real Go process maps besides its heap and stacks (runtime metadata: heap bitmaps, span
    /// structures, page-allocator summaries), which Go counts as non-heap memory against the memory
    /// limit. Go 1.19.8 on linux/amd64 maps about 7.9 MiB of it for a small program (runtime/metrics:
    /// /memory/classes/metadata/* and /memory/classes/other). 0, the default: the simulated program
    /// has no runtime of its own.
    /// </summary>
    public long RuntimeOverheadBytes { get; init; }

    /// <summary>The largest <see cref="RuntimeOverheadBytes"/> a heap takes.</summary>
    public const long MaxRuntimeOverheadBytes = 1L << 30;

    /// <summary>GOMAXPROCS: processors available to the program and the collector.</summary>
    public int Procs { get; init; } = 4;

    public ulong Seed { get; init; } = 1;

    /// <summary>The most simulated heap memory (HeapSys) the heap may obtain; allocation past it is a simulated out-of-memory.</summary>
    public long HeapSizeLimitBytes { get; init; } = 16L << 30;

    /// <summary>
    /// The simulator's guard on the host: the most simulated memory this heap may obtain whatever
    /// <see cref="HeapSizeLimitBytes"/> says, so a program cannot take the host process out of memory.
    /// It also bounds the pool of pointer slots (<see cref="MaxHeapBytes"/>/16 slots of 4 real bytes each).
    /// </summary>
    public long MaxHeapBytes { get; init; } = DefaultMaxHeapBytes;

    public const long DefaultMaxHeapBytes = 4L << 30;

    /// <summary>Simulated bytes per object the default <see cref="MaxObjects"/> allows: the host spends 40 to 90 bytes on each object.</summary>
    public const int BytesPerObjectAllowed = 128;

    /// <summary>The most objects the heap may hold (garbage not yet swept included), so a program cannot take the host process out of memory.</summary>
    public int MaxObjects { get; init; } = (int)(DefaultMaxHeapBytes / BytesPerObjectAllowed);

    /// <summary>The limit allocation meets first: the simulated machine's (<see cref="HeapSizeLimitBytes"/>) or the host's guard (<see cref="MaxHeapBytes"/>).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public long EffectiveHeapLimitBytes => Math.Min(HeapSizeLimitBytes, MaxHeapBytes);

    /// <summary>
    /// Record every mutator operation in a journal, so the heap can be saved and replayed exactly
    /// (<see cref="Snapshots.HeapSnapshot"/>). Off by default: the hot paths then pay one predictable branch.
    /// </summary>
    public bool Journal { get; init; }

    /// <summary>The heap goal's floor at GOGC=100 (Go's 4 MiB heapminimum); tests lower it so collections come every few dozen operations.</summary>
    public long MinimumHeapBytes { get; init; } = DefaultMinimumHeapBytes;

    /// <summary>Run the reference model in lockstep and check the heap after every collection (slow; on in tests).</summary>
    public bool Verify { get; init; }

    public CostModel Costs { get; init; } = CostModel.Default;

    /// <summary>A hint for how many objects to make room for up front.</summary>
    public int InitialObjectCapacity { get; init; } = 4096;

    /// <summary>
    /// The heap's name. Left at <see cref="DefaultName"/>, a notebook session takes it as no name given and names the
    /// heap itself (heap1, heap2, ...) when that one is taken; any other name is the heap's own, and a session refuses
    /// a second heap with the same one.
    /// </summary>
    public string Name { get; init; } = DefaultName;

    /// <summary>The name of a heap that was given none.</summary>
    public const string DefaultName = "heap";
}
