namespace HeapNotebook.Heap.Telemetry;

/// <summary>
/// Go's GC CPU limiter so far (not a MemStats field; Go's runtime/metrics has /gc/limiter/last-enabled):
/// the GC time that arrived while its bucket was full (virtual ns), which is how far the collector ran
/// over the limiter's half of the CPU, and each spell it was on, in time order.
/// </summary>
public sealed record CpuLimiterReport(long OverflowNs, IReadOnlyList<CpuLimiterSpell> Spells)
{
    /// <summary>True while the limiter is on: its last spell has not ended.</summary>
    public bool On => Spells.Count > 0 && Spells[^1].EndNs is null;

    /// <summary>How many times the limiter turned on.</summary>
    public int TimesTurnedOn => Spells.Count;

    /// <summary>
    /// On a stop-the-world plan, which has no assists to skip: each wait of a cycle its trigger called
    /// for, from the allocation that found the bucket without room for a cycle as long as the last one
    /// to the cycle's start (<see cref="CpuLimiterSpell.EndNs"/> is null while one still waits). Empty on
    /// incremental plans.
    /// </summary>
    public IReadOnlyList<CpuLimiterSpell> CycleWaits { get; init; } = [];
}

/// <summary>
/// A spell of the GC CPU limiter's, in virtual ns: for <see cref="CpuLimiterReport.Spells"/>, from the update
/// that found its bucket full to the one that found room again (<see cref="EndNs"/> is null while it lasts).
/// </summary>
public readonly record struct CpuLimiterSpell(long StartNs, long? EndNs);
