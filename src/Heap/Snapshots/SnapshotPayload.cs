using HeapNotebook.Heap.Telemetry;

namespace HeapNotebook.Heap.Snapshots;

/// <summary>The JSON contents of a snapshot file (format version 1).</summary>
internal sealed record SnapshotPayload
{
    /// <summary>The simulator that wrote it (informational: the replay is what decides whether it can be read).</summary>
    public required string Simulator { get; init; }

    public required HeapOptions Options { get; init; }

    /// <summary>Names a notebook gave objects, in the order given.</summary>
    public required IReadOnlyList<NamedObject> Objects { get; init; }

    /// <summary>Operations in the journal.</summary>
    public required long Operations { get; init; }

    /// <summary>The journal's bytes, base64.</summary>
    public required string Journal { get; init; }

    /// <summary>The generator's state when saved (a C# cell may have drawn from it after the last recorded operation).</summary>
    public required RandomWords Random { get; init; }

    public required Fingerprint State { get; init; }

    public required HeapHistory History { get; init; }
}
