namespace HeapNotebook.Heap.Snapshots;

/// <summary>What a replay must reproduce besides the history: the clock, the objects, the roots, the stack, the pools and the cycle in progress.</summary>
internal sealed record Fingerprint
{
    public required long ClockPicoseconds { get; init; }

    public required int Objects { get; init; }

    public required long HeapGoalBytes { get; init; }

    public required string? Phase { get; init; }

    public required IReadOnlyList<string> Roots { get; init; }

    public required IReadOnlyList<string?> Frames { get; init; }

    public required IReadOnlyList<string> Pools { get; init; }

    public static Fingerprint Of(SimulatedHeap heap) => new()
    {
        ClockPicoseconds = heap.Clock.Picoseconds,
        Objects = heap.ObjectCount,
        HeapGoalBytes = heap.HeapGoalBytes,
        Phase = heap.Phase?.ToString(),
        Roots = heap.Roots.Entries.Select(root => $"{root.Key}={root.Value}").ToArray(),
        Frames = heap.FrameNames,
        Pools = heap.Pools.Select(pool => FormattableString.Invariant(
            $"{pool.Name}: {pool.Hits} hits, {pool.Misses} misses, {pool.Puts} puts, {pool.PrimaryCount} pooled, {pool.VictimCount} victims")).ToArray(),
    };
}
