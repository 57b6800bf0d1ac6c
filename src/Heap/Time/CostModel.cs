namespace HeapNotebook.Heap.Time;

/// <summary>
/// What each piece of work costs in virtual nanoseconds. Pauses, GC CPU time and the clock all
/// come from these numbers and the work counted, never from the wall clock, so a run gives the
/// same figures on every machine. The defaults are plausible magnitudes for a Go program on a
/// current x86 server; change them to ask "what if marking were twice as dear?".
/// </summary>
public sealed record CostModel
{
    public static CostModel Default { get; } = new();

    /// <summary>Fixed cost of one allocation on the fast path.</summary>
    public double AllocationNs { get; init; } = 10;

    /// <summary>Zeroing the memory of a new object, per byte.</summary>
    public double ZeroingNsPerByte { get; init; } = 0.05;

    public double PointerWriteNs { get; init; } = 1;

    public double PointerReadNs { get; init; } = 0.5;

    /// <summary>Scanning one root (a global or a stack slot).</summary>
    public double RootScanNs { get; init; } = 2;

    /// <summary>Greying and popping one object during marking.</summary>
    public double MarkObjectNs { get; init; } = 5;

    /// <summary>Examining one pointer slot of a scanned object.</summary>
    public double ScanPointerNs { get; init; } = 1.5;

    /// <summary>Fixed cost of sweeping one span.</summary>
    public double SweepSpanNs { get; init; } = 40;

    /// <summary>Examining one allocated slot while sweeping.</summary>
    public double SweepObjectNs { get; init; } = 1;

    /// <summary>One write barrier that shaded an object or dirtied a card.</summary>
    public double BarrierNs { get; init; } = 3;

    /// <summary>One reference-count increment or decrement.</summary>
    public double RefCountNs { get; init; } = 2;

    /// <summary>Freeing one object outside a sweep (reference counting frees as it goes).</summary>
    public double FreeObjectNs { get; init; } = 5;

    /// <summary>Copying an object during evacuation or compaction, per byte.</summary>
    public double CopyNsPerByte { get; init; } = 0.1;

    /// <summary>Fixed stop-the-world cost of sweep termination (stopping the world, flushing caches).</summary>
    public double SweepTerminationNs { get; init; } = 15_000;

    /// <summary>Fixed stop-the-world cost of mark termination.</summary>
    public double MarkTerminationNs { get; init; } = 30_000;

    /// <summary>Every cost times <paramref name="factor"/>: the same program on a machine that many times slower (or faster), so virtual time stretches while every share of it stays the same.</summary>
    public CostModel Scaled(double factor)
    {
        if (!(factor > 0) || double.IsInfinity(factor))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "Scale costs by a positive, finite factor.");
        }

        return new CostModel
        {
            AllocationNs = AllocationNs * factor,
            ZeroingNsPerByte = ZeroingNsPerByte * factor,
            PointerWriteNs = PointerWriteNs * factor,
            PointerReadNs = PointerReadNs * factor,
            RootScanNs = RootScanNs * factor,
            MarkObjectNs = MarkObjectNs * factor,
            ScanPointerNs = ScanPointerNs * factor,
            SweepSpanNs = SweepSpanNs * factor,
            SweepObjectNs = SweepObjectNs * factor,
            BarrierNs = BarrierNs * factor,
            RefCountNs = RefCountNs * factor,
            FreeObjectNs = FreeObjectNs * factor,
            CopyNsPerByte = CopyNsPerByte * factor,
            SweepTerminationNs = SweepTerminationNs * factor,
            MarkTerminationNs = MarkTerminationNs * factor,
        };
    }

    internal static long ToPicoseconds(double ns) => (long)Math.Round(ns * 1000.0, MidpointRounding.AwayFromZero);
}
