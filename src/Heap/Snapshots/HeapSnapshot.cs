using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using HeapNotebook.Heap.Errors;
using HeapNotebook.Heap.Objects;
using HeapNotebook.Heap.Telemetry;

namespace HeapNotebook.Heap.Snapshots;

/// <summary>
/// Saves a heap and its history to bytes, and makes the same heap again from them.
///
/// The simulator is deterministic, so a snapshot is not a dump of the heap's memory: it is the
/// heap's options, the journal of every mutator operation made on it (which needs
/// <see cref="HeapOptions.Journal"/>), the names a notebook gave its objects, and — to check the
/// replay — the history the heap had recorded (MemStats and every cycle) and a fingerprint of its
/// state. Loading replays the journal on a fresh heap and refuses the result unless it recorded
/// the same journal, history and state: a snapshot written by a simulator that behaves differently
/// is refused rather than silently giving other figures.
///
/// The file is one header line, <c>heapnotebook-snapshot 1 sha256=HEX bytes=N</c>, then N bytes
/// of UTF-8 JSON (the payload) whose SHA-256 is HEX. A file of another format version, truncated
/// or corrupt is refused with a <see cref="SnapshotException"/> saying which.
/// </summary>
public static class HeapSnapshot
{
    public const string FormatName = "heapnotebook-snapshot";

    public const int FormatVersion = 1;

    /// <summary>The largest snapshot file read (its journal is capped at a quarter of it).</summary>
    public const long MaxFileBytes = 512L << 20;

    private const int MaxHeaderBytes = 256;

    /// <summary>The snapshot of <paramref name="heap"/> as file bytes; <paramref name="names"/> are object names to keep with it.</summary>
    public static byte[] Save(SimulatedHeap heap, IEnumerable<KeyValuePair<string, ObjectHandle>>? names = null) => Save(heap, names, out _);

    /// <summary>As <see cref="Save(SimulatedHeap, IEnumerable{KeyValuePair{string, ObjectHandle}}?)"/>, and says what the snapshot holds (as <see cref="Inspect"/> would).</summary>
    public static byte[] Save(SimulatedHeap heap, IEnumerable<KeyValuePair<string, ObjectHandle>>? names, out SnapshotInfo info)
    {
        ArgumentNullException.ThrowIfNull(heap);
        var journal = heap.OwnJournal ?? throw new SnapshotException(
            $"Heap '{heap.Name}' keeps no journal of its operations, so it cannot be saved: a heap made in C# needs HeapOptions {{ Journal = true }} (heaps made by '#!heap new' have one).");
        if (journal.Overflowed)
        {
            throw new SnapshotException(string.Create(CultureInfo.InvariantCulture,
                $"Heap '{heap.Name}' made more operations than its journal keeps ({HeapJournal.MaxBytes >> 20} MiB of them), so it cannot be saved. Its cycles and MemStats can still be exported ('#!heap export')."));
        }

        var payload = new SnapshotPayload
        {
            Simulator = SimulatorVersion,
            Options = heap.Options,
            Objects = (names ?? []).Select(pair => new NamedObject(pair.Key, pair.Value.Index, pair.Value.Version)).ToArray(),
            Operations = journal.Operations,
            Journal = Convert.ToBase64String(journal.ToArray()),
            Random = RandomWords.Of(heap.Random.State),
            State = Fingerprint.Of(heap),
            History = HeapHistory.Of(heap),
        };
        var payloadBytes = JsonSerializer.SerializeToUtf8Bytes(payload, HeapHistory.JsonOptions);
        info = Describe(payload);
        var header = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"{FormatName} {FormatVersion} sha256={Convert.ToHexStringLower(SHA256.HashData(payloadBytes))} bytes={payloadBytes.Length}\n"));
        return [.. header, .. payloadBytes];
    }

    /// <summary>What a snapshot holds, read without replaying it; a <see cref="SnapshotException"/> when the bytes are not a snapshot this simulator can read.</summary>
    public static SnapshotInfo Inspect(byte[] file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return Describe(ReadPayload(file));
    }

    private static SnapshotInfo Describe(SnapshotPayload payload) =>
        new(payload.Options, payload.Operations, payload.History.Cycles.Count, payload.Objects.Count, payload.Simulator);

    /// <summary>
    /// Makes the saved heap again (named <paramref name="name"/>, or as it was saved) by replaying
    /// its journal; throws a <see cref="SnapshotException"/> when the bytes are not a snapshot this
    /// simulator can read or the replay does not give the saved heap. Cancelling stops the replay.
    /// </summary>
    public static LoadedSnapshot Load(byte[] file, string? name = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        var payload = ReadPayload(file);
        var options = payload.Options with { Name = name ?? payload.Options.Name, Journal = true };
        SimulatedHeap heap;
        try
        {
            heap = new SimulatedHeap(options);
        }
        catch (HeapException error)
        {
            throw new SnapshotException($"The snapshot's heap options are refused by this simulator: {error.Message}");
        }

        byte[] journal;
        try
        {
            journal = Convert.FromBase64String(payload.Journal);
        }
        catch (FormatException)
        {
            throw Corrupt("its journal is not base64");
        }

        try
        {
            JournalReplay.Replay(heap, journal, cancellation);
        }
        catch (JournalFormatException error)
        {
            throw Corrupt(error.Message);
        }
        catch (JournalDivergedException error)
        {
            throw Diverged(payload, error.Message);
        }

        heap.Random.State = payload.Random.ToState();
        if (!heap.OwnJournal!.ToArray().AsSpan().SequenceEqual(journal))
        {
            throw Diverged(payload, "replaying its journal recorded a different one");
        }

        var replayedState = JsonSerializer.Serialize(Fingerprint.Of(heap), HeapHistory.JsonOptions);
        if (replayedState != JsonSerializer.Serialize(payload.State, HeapHistory.JsonOptions))
        {
            throw Diverged(payload, $"the replayed heap is not in the saved state (saved {JsonSerializer.Serialize(payload.State, HeapHistory.JsonOptions)}, replayed {replayedState})");
        }

        var history = payload.History with { Heap = heap.Name };
        if (HeapHistory.Of(heap).ToJson(indented: false) != history.ToJson(indented: false))
        {
            throw Diverged(payload, "the replayed heap's cycles and MemStats differ from the saved ones");
        }

        if (heap.OwnJournal.Operations != payload.Operations)
        {
            throw Corrupt(string.Create(CultureInfo.InvariantCulture, $"its field Operations is {payload.Operations:N0}, but its journal holds {heap.OwnJournal.Operations:N0} operation{(heap.OwnJournal.Operations == 1 ? "" : "s")}"));
        }

        foreach (var named in payload.Objects)
        {
            if (!heap.Objects.WasIssued(named.Index, named.Version))
            {
                throw Corrupt(string.Create(CultureInfo.InvariantCulture, $"its named object '{named.Name}' is #{named.Index}v{named.Version}, which its journal never allocated"));
            }
        }

        var names = payload.Objects.Select(named => new KeyValuePair<string, ObjectHandle>(named.Name, heap.Objects.HandleAt(named.Index, named.Version))).ToArray();
        return new LoadedSnapshot(heap, names, payload.Operations);
    }

    private static string SimulatorVersion =>
        typeof(SimulatedHeap).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(SimulatedHeap).Assembly.GetName().Version?.ToString() ?? "unknown";

    private static SnapshotException Corrupt(string problem) =>
        new($"The snapshot is corrupt: {problem}. It was changed after it was written; save the heap again.");

    private static SnapshotException Diverged(SnapshotPayload payload, string problem) =>
        new($"This snapshot was written by a different simulator version ({payload.Simulator}; this is {SimulatorVersion}): {problem}, so it cannot be reopened exactly. Re-run the notebook that made it.");

    private static SnapshotPayload ReadPayload(byte[] file)
    {
        var newline = Array.IndexOf(file, (byte)'\n', 0, Math.Min(file.Length, MaxHeaderBytes));
        var prefix = Encoding.ASCII.GetBytes(FormatName + " ");
        if (file.Length < prefix.Length || !file.AsSpan(0, prefix.Length).SequenceEqual(prefix))
        {
            throw new SnapshotException(file.Length == 0
                ? "The file is empty, not a HeapNotebook snapshot."
                : $"The file is not a HeapNotebook snapshot: it does not start with '{FormatName}'.");
        }

        if (newline < 0)
        {
            throw new SnapshotException($"The snapshot is truncated or corrupt: its header line ('{FormatName} VERSION sha256=... bytes=...') does not end.");
        }

        var header = Encoding.ASCII.GetString(file, 0, newline).Split(' ');
        if (header.Length < 2 || !int.TryParse(header[1], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            throw Corrupt("its header line has no format version");
        }

        if (version != FormatVersion)
        {
            throw new SnapshotException(string.Create(CultureInfo.InvariantCulture,
                $"The snapshot is in format version {version}; this simulator reads version {FormatVersion} only. Open it with the HeapNotebook release that wrote it."));
        }

        string? checksum = null;
        long? length = null;
        foreach (var field in header.Skip(2))
        {
            if (field.StartsWith("sha256=", StringComparison.Ordinal))
            {
                checksum = field["sha256=".Length..];
            }
            else if (field.StartsWith("bytes=", StringComparison.Ordinal) && long.TryParse(field["bytes=".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var bytes))
            {
                length = bytes;
            }
        }

        if (checksum is null || length is null)
        {
            throw Corrupt("its header line lacks the checksum or the length of its contents");
        }

        var payloadBytes = file.AsSpan(newline + 1);
        if (payloadBytes.Length < length)
        {
            throw new SnapshotException(string.Create(CultureInfo.InvariantCulture,
                $"The snapshot is truncated: its header promises {length:N0} bytes of contents and only {payloadBytes.Length:N0} follow. Save the heap again."));
        }

        if (payloadBytes.Length > length)
        {
            throw Corrupt(string.Create(CultureInfo.InvariantCulture, $"its header promises {length:N0} bytes of contents and {payloadBytes.Length:N0} follow"));
        }

        if (!string.Equals(Convert.ToHexStringLower(SHA256.HashData(payloadBytes)), checksum, StringComparison.Ordinal))
        {
            throw Corrupt("its contents do not match the SHA-256 checksum in its header");
        }

        SnapshotPayload payload;
        try
        {
            payload = JsonSerializer.Deserialize<SnapshotPayload>(payloadBytes, HeapHistory.JsonOptions)
                ?? throw Corrupt("its contents are null");
        }
        catch (JsonException error)
        {
            throw Corrupt($"its contents are not the JSON of a snapshot ({error.Message})");
        }

        return Checked(payload);
    }

    /// <summary>The payload, when every field a load reads holds a value it can use (JSON 'required' makes a field present, not non-null).</summary>
    private static SnapshotPayload Checked(SnapshotPayload payload)
    {
        Present(payload.Simulator, "Simulator");
        var options = Present(payload.Options, "Options");
        Present(options.Collector, "Options.Collector");
        Present(options.Name, "Options.Name");
        Present(options.Costs, "Options.Costs");
        Present(payload.Journal, "Journal");
        Present(payload.Random, "Random");
        Present(payload.State, "State");
        var history = Present(payload.History, "History");
        Present(history.MemStats, "History.MemStats");
        Present(history.Cycles, "History.Cycles");
        var objects = Present(payload.Objects, "Objects");
        for (var i = 0; i < objects.Count; i++)
        {
            Present(Present(objects[i], string.Create(CultureInfo.InvariantCulture, $"Objects[{i}]")).Name, string.Create(CultureInfo.InvariantCulture, $"Objects[{i}].Name"));
        }

        if (payload.Operations < 0)
        {
            throw Corrupt(string.Create(CultureInfo.InvariantCulture, $"its field Operations is {payload.Operations}, not a count of operations"));
        }

        // The capacity is a hint of room to make up front: more than the heap may ever hold only takes the host's memory.
        var mostObjects = Math.Max(options.MaxObjects, new HeapOptions().InitialObjectCapacity);
        if (options.InitialObjectCapacity > mostObjects)
        {
            throw Corrupt(string.Create(CultureInfo.InvariantCulture,
                $"its field Options.InitialObjectCapacity is {options.InitialObjectCapacity:N0}, more than the {mostObjects:N0} objects its heap may hold (Options.MaxObjects)"));
        }

        return payload;
    }

    private static T Present<T>(T? value, string field) where T : class =>
        value ?? throw Corrupt($"its field {field} is null");
}
