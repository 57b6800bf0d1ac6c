namespace HeapNotebook.Heap.Collectors;

/// <summary>What a plan is, as data, so a front end can explain it and refuse an option that makes no sense for it.</summary>
/// <param name="ChunkedSpaces">The plan's bump-allocated spaces, each of which holds at least one chunk of pages at once.</param>
public sealed record PlanConstraints(
    string Description,
    bool MovesObjects,
    bool Generational,
    bool Incremental,
    IReadOnlyList<string> Spaces,
    IReadOnlyList<string>? ChunkedSpaces = null)
{
    /// <summary>The bytes of a bump space's chunk.</summary>
    public const long ChunkBytes = (long)Memory.BumpSpace.ChunkPages * Memory.SizeClasses.PageSize;

    /// <summary>The smallest heap limit any plan takes (eight pages).</summary>
    public const long SmallestHeapBytes = 8L * Memory.SizeClasses.PageSize;

    /// <summary>The smallest heap limit this plan can allocate in: a chunk for each of its bump-allocated spaces.</summary>
    public long MinimumHeapBytes => Math.Max(SmallestHeapBytes, (ChunkedSpaces?.Count ?? 0) * ChunkBytes);
}
