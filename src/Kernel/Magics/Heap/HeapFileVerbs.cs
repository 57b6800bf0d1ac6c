using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;
using HeapNotebook.Heap.Errors;
using HeapNotebook.Heap.Snapshots;
using HeapNotebook.Heap.Telemetry;
using HeapNotebook.Kernel.Display;
using HeapNotebook.Kernel.Documents;

namespace HeapNotebook.Kernel.Magics.Heap;

/// <summary>
/// The verbs of issue 6 that touch files: #!heap export (cycle records and MemStats as JSON, CSV or
/// gctrace lines) and #!heap save / load (a snapshot: the heap's options and journal, replayed on
/// load). Files are written through a temporary file and a rename, so a failed write leaves
/// whatever was there before; a failed load adds no heap.
/// </summary>
internal static partial class HeapVerbs
{
    private static readonly string[] ExportFormats = ["json", "csv", "gctrace"];

    /// <summary>The most characters an export shows inline; more goes to a file.</summary>
    private const int MaxShownExportChars = 1 << 20;

    private static HeapVerb Export()
    {
        Option<string?> format = null!, output = null!;
        var verb = new HeapVerb("export", "Export the current heap's cycle records (phases included) and MemStats as JSON, CSV or gctrace lines: shown, or written to a file.", "",
            "#!heap export --format csv --out cycles.csv",
            (context, parse) =>
            {
                var formatName = parse.GetValue(format) ?? "json";
                Choose(context, "--format", formatName, ExportFormats);
                var path = parse.GetValue(output);
                var entry = context.Current;
                var history = HeapHistory.Of(entry.Heap, entry.Name);
                var text = formatName switch
                {
                    "json" => history.ToJson() + "\n",
                    "csv" => history.ToCsv(),
                    _ => history.ToGcTrace(),
                };
                var contents = Invariant($"{Count(history.Cycles.Count)} cycle{(history.Cycles.Count == 1 ? "" : "s")}{(formatName == "json" ? " and MemStats" : "")}");
                if (path is null)
                {
                    if (text.Length > MaxShownExportChars)
                    {
                        throw context.Error(HeapErrorCode.InvalidValue,
                            Invariant($"the {formatName} export of {entry.Name} ({contents}) is {ByteSize.Format(Encoding.UTF8.GetByteCount(text))}, too much to show in a notebook; write it to a file with --out FILE"), context.TokenOf("--format"));
                    }
                    var bundle = MimeBundle.PlainText(text.Length == 0 ? $"{entry.Name}: no collections yet" : text);
                    if (formatName == "json")
                    {
                        bundle.Data["application/json"] = JsonNode.Parse(text);
                    }
                    else if (formatName == "csv")
                    {
                        bundle.With("text/csv", text);
                    }
                    context.Invocation.Outputs.PublishDisplay(bundle, null, isUpdate: false);
                    return;
                }
                var bytes = Encoding.UTF8.GetBytes(text);
                var written = WriteFile(context, path, bytes);
                context.Print(Invariant($"{entry.Name}: {contents} written to {written} ({Count(bytes.Length)} bytes of {formatName})"));
            })
        {
            Notes = "json: MemStats and every cycle with its phases (System.Text.Json, Go's field names); csv: one row per cycle under a header row, four columns per phase;\n"
                + "gctrace: one line per cycle as GODEBUG=gctrace=1 prints it. The file is written whole or not at all.",
        };
        format = verb.Add(new Option<string?>("--format") { HelpName = string.Join('|', ExportFormats), Description = "What to write (default json)." });
        output = verb.Add(new Option<string?>("--out") { HelpName = "FILE", Description = "Write to FILE (replacing it) instead of showing it." });
        return verb;
    }

    private static HeapVerb Save()
    {
        var file = new Argument<string>("FILE") { Description = "The snapshot file to write." };
        var verb = new HeapVerb("save", "Save the current heap and its history to a snapshot file, to reopen it exactly with '#!heap load'.", "FILE",
            "#!heap save tour.heapsnap",
            (context, parse) =>
            {
                var path = parse.GetValue(file)!;
                var entry = context.Current;
                byte[] bytes;
                SnapshotInfo info;
                try
                {
                    bytes = HeapSnapshot.Save(entry.Heap, entry.ObjectOrder.Select(name => KeyValuePair.Create(name, entry.Objects[name])), out info);
                }
                catch (SnapshotException exception)
                {
                    throw context.Error(HeapErrorCode.Snapshot, exception.Message);
                }
                var written = WriteFile(context, path, bytes);
                context.Print(Invariant($"{entry.Name} saved to {written}: {Count(info.Operations)} recorded operations, {Count(info.Cycles)} cycles, {Count(info.NamedObjects)} named objects ({Count(bytes.Length)} bytes)"));
            })
        {
            Notes = "A snapshot holds the heap's options and the journal of every operation made on it, replayed on load (the simulator is deterministic),\n"
                + "with the object names and the history (cycles, MemStats) to check the replay by. The file is written whole or not at all.",
        };
        verb.Add(file);
        return verb;
    }

    private static HeapVerb Load()
    {
        var file = new Argument<string>("FILE") { Description = "The snapshot file to read." };
        Option<string?> name = null!;
        var verb = new HeapVerb("load", "Reopen a heap saved with '#!heap save' as a new heap of the session, and make it the current heap.", "FILE",
            "#!heap load tour.heapsnap --name again",
            (context, parse) =>
            {
                var path = parse.GetValue(file)!;
                var newName = parse.GetValue(name);
                if (newName is not null)
                {
                    CheckName(context, "heap name", newName, context.ValueOf("--name"));
                }
                context.Session.Current(context.Invocation.Session.Globals);
                var bytes = ReadFile(context, path, HeapSnapshot.MaxFileBytes);
                SnapshotInfo info;
                try
                {
                    info = HeapSnapshot.Inspect(bytes);
                }
                catch (SnapshotException exception)
                {
                    throw context.Error(HeapErrorCode.Snapshot, $"'{path}': {exception.Message}", context.TokenOf(path));
                }
                if (info.Options.MaxObjects > MaxObjectsFor(info.Options.MaxHeapBytes))
                {
                    // Replaying could hold that many objects: more than the kernel lets any heap of its size hold.
                    throw context.Error(HeapErrorCode.ResourceLimit,
                        Invariant($"'{path}' is a heap that may hold {Count(info.Options.MaxObjects)} objects, more than the {Count(MaxObjectsFor(info.Options.MaxHeapBytes))} the kernel allows a heap of {ByteSize.Format(info.Options.MaxHeapBytes)} (--max-heap); load it from C# with HeapSnapshot.Load if you mean to"),
                        context.TokenOf(path));
                }
                var heapName = newName ?? (IsName(info.Name) ? info.Name : context.Session.NextName());
                if (context.Session.Find(heapName) is not null)
                {
                    throw context.Error(HeapErrorCode.NameInUse,
                        $"there is already a heap named '{heapName}'; load this one under another name: '#!heap load {path} --name NAME'", newName is null ? context.TokenOf(path) : context.ValueOf("--name"));
                }
                // A long journal takes as long to replay as it took to make: say so, then replace it with the result.
                var displayId = context.Session.NextDisplayId("load");
                context.Show(Invariant($"{heapName}: replaying {Count(info.Operations)} recorded operations from {Path.GetFileName(path)}"), displayId: displayId);
                LoadedSnapshot loaded;
                try
                {
                    loaded = HeapSnapshot.Load(bytes, heapName, context.Invocation.Interrupt);
                }
                catch (SnapshotException exception)
                {
                    context.Show(Invariant($"{heapName}: not loaded"), displayId: displayId, isUpdate: true);
                    throw context.Error(HeapErrorCode.Snapshot, $"'{path}': {exception.Message}", context.TokenOf(path));
                }
                catch (OperationCanceledException) when (context.Invocation.Interrupt.IsCancellationRequested)
                {
                    context.Show(Invariant($"{heapName}: not loaded (interrupted)"), displayId: displayId, isUpdate: true);
                    throw context.Error(HeapErrorCode.Interrupted, $"interrupted while replaying '{path}'; no heap was added", context.TokenOf(path));
                }
                if (loaded.Names.FirstOrDefault(named => !IsName(named.Key)) is { Key: { } badName })
                {
                    context.Show(Invariant($"{heapName}: not loaded"), displayId: displayId, isUpdate: true);
                    var shown = badName.Length > MaxNameLength ? badName[..20] + "..." : badName;
                    throw context.Error(HeapErrorCode.Snapshot,
                        Invariant($"'{path}': it names an object '{shown}', which is not an object name of #!heap (letters, digits and _, not starting with a digit, at most {MaxNameLength} characters); open it in C# with HeapSnapshot.Load"),
                        context.TokenOf(path));
                }
                var entry = context.Session.Add(heapName, loaded.Heap);
                foreach (var (objectName, handle) in loaded.Names)
                {
                    entry.Remember(objectName, handle);
                }
                context.Invocation.Session.Globals.Heap = loaded.Heap;
                context.Show(Invariant($"{Describe(heapName, loaded.Heap)}; loaded from {Path.GetFullPath(path)}: {Count(loaded.Operations)} recorded operations replayed, ")
                    + Invariant($"{Count(loaded.Heap.Cycles.Count)} cycles, {Count(loaded.Heap.Stats.HeapObjects)} objects, {Count(loaded.Names.Count)} named objects; it is now the current heap (Heap in C# cells)"),
                    displayId: displayId, isUpdate: true);
            })
        {
            Notes = "The heap is made again by replaying its journal, then checked against the saved history: a snapshot of another format version,\n"
                + "truncated, corrupt, or written by a simulator that behaves differently is refused, and nothing changes.",
        };
        verb.Add(file);
        name = verb.Add(new Option<string?>("--name") { HelpName = "NAME", Description = "The new heap's name (default the saved heap's name)." });
        return verb;
    }

    /// <summary>Writes a file whole or not at all (a temporary file beside it, then a rename); returns its full path.</summary>
    private static string WriteFile(HeapCommandContext context, string path, byte[] bytes)
    {
        var at = context.TokenOf(path);
        var full = FullPath(context, path, at);
        if (Directory.Exists(full))
        {
            throw context.Error(HeapErrorCode.File, $"'{path}' is a folder; give the name of a file to write", at);
        }
        var folder = Path.GetDirectoryName(full);
        if (!Directory.Exists(folder))
        {
            throw context.Error(HeapErrorCode.File, File.Exists(folder)
                ? $"'{Path.GetDirectoryName(path)}' is a file, not a folder; pick another path. Nothing was written"
                : $"the folder '{Path.GetDirectoryName(path)}' does not exist; create it first or pick another path. Nothing was written", at);
        }
        try
        {
            AtomicFile.WriteAllBytes(full, bytes);
        }
        catch (UnauthorizedAccessException)
        {
            throw context.Error(HeapErrorCode.File, $"cannot write '{path}': permission denied; pick a folder you may write to. Nothing was written", at);
        }
        catch (Exception error) when (error is IOException or NotSupportedException)
        {
            throw context.Error(HeapErrorCode.File, $"cannot write '{path}': {error.Message} Nothing was written", at);
        }
        return full;
    }

    private static byte[] ReadFile(HeapCommandContext context, string path, long maxBytes)
    {
        var at = context.TokenOf(path);
        var full = FullPath(context, path, at);
        if (Directory.Exists(full))
        {
            throw context.Error(HeapErrorCode.File, $"'{path}' is a folder, not a file", at);
        }
        try
        {
            var length = new FileInfo(full).Length;
            if (length > maxBytes)
            {
                throw context.Error(HeapErrorCode.File, Invariant($"'{path}' is {ByteSize.Format(length)}, more than the {ByteSize.Format(maxBytes)} a snapshot may be"), at);
            }
            return File.ReadAllBytes(full);
        }
        catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException)
        {
            throw context.Error(HeapErrorCode.File, $"there is no file '{path}' (looked for {full})", at);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw context.Error(HeapErrorCode.File, $"cannot read '{path}': {error.Message}", at);
        }
    }

    private static string FullPath(HeapCommandContext context, string path, CommandToken at)
    {
        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception error) when (error is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw context.Error(HeapErrorCode.File, $"'{path}' is not a file name: {error.Message}", at);
        }
    }
}
