using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using HeapNotebook.Heap;
using HeapNotebook.Heap.Snapshots;
using HeapNotebook.Heap.Telemetry;
using HeapNotebook.Kernel.Cells;
using HeapNotebook.Kernel.Display;
using HeapNotebook.Kernel.Tests.Cells;

namespace HeapNotebook.Kernel.Tests.Magics;

/// <summary>#!heap export, save and load (issue 6 item 7, issue 9 item 7) and new --max-heap (issue 9 item 4).</summary>
public sealed class HeapFileVerbTests : IDisposable
{
    private readonly CellInterpreter interpreter = new();
    private readonly string folder = Directory.CreateTempSubdirectory("heapnb-files-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private (ExecutionError? Error, RecordingPublisher Outputs) Run(string code) => interpreter.RunCell(code);

    private string Ok(string code)
    {
        var (error, outputs) = Run(code);
        Assert.True(error is null, $"{code}\nfailed with: {error?.Value}");
        return string.Concat(outputs.Outputs.Select(output => output.Text.EndsWith('\n') ? output.Text : output.Text + "\n"));
    }

    private ExecutionError Fails(string code)
    {
        var (error, _) = Run(code);
        Assert.NotNull(error);
        Assert.Equal("HeapCommandError", error.Name);
        return error;
    }

    private SimulatedHeap Current => interpreter.Globals.Heap;

    private string PathOf(string name) => Path.Combine(folder, name);

    /// <summary>Every heap of the session, its state and the current one: what a failed command must leave alone.</summary>
    private string Session()
    {
        var list = Ok("#!heap list");
        var heap = Current;
        var stats = heap.Stats;
        return list + string.Create(CultureInfo.InvariantCulture,
            $"{heap.Name} {stats with { PauseNs = [] }} objects={heap.ObjectCount} cycles={heap.Cycles.Count} clock={heap.Clock.Picoseconds} roots={string.Join(',', heap.Roots.Names)} phase={heap.Phase}");
    }

    private string[] FilesInFolder() => Directory.GetFileSystemEntries(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    private void Worked(string name = "worked")
    {
        Ok($"#!heap new --collector go --seed 3 --name {name}");
        Ok("#!heap alloc a --fields 2 --root\n#!heap alloc b --size 48 --fields 1\n#!heap link a.0 b\n#!heap run churn --allocs 30000 --live 300\n#!heap gc\n#!heap step --work 2");
    }

    // ---- export ------------------------------------------------------------------------------

    [Fact]
    public void Export_shows_json_that_deserialises_to_every_cycle_and_the_memstats()
    {
        Worked();

        var (error, outputs) = Run("#!heap export");

        Assert.Null(error);
        var bundle = Assert.Single(outputs.Bundles);
        var history = HeapHistory.FromJson(bundle.Data["text/plain"]!.GetValue<string>());
        Assert.Equal(Current.Cycles.Count, history.Cycles.Count);
        Assert.Equal(Current.Stats.NumGC, history.MemStats.NumGC);
        Assert.Equal("worked", history.Heap);
        Assert.Equal(Current.Cycles[^1].Phases, history.Cycles[^1].Phases);
        Assert.Equal(Current.Cycles.Count, bundle.Data["application/json"]!["Cycles"]!.AsArray().Count);
    }

    [Fact]
    public void Export_as_csv_shows_a_header_and_one_row_per_cycle()
    {
        Worked();

        var (error, outputs) = Run("#!heap export --format csv");

        Assert.Null(error);
        var bundle = Assert.Single(outputs.Bundles);
        var rows = bundle.Data["text/csv"]!.GetValue<string>().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Number,Kind,Trigger,Forced,StartNs,EndNs,PauseNs,", rows[0]);
        Assert.Equal(Current.Cycles.Count, rows.Length - 1);
    }

    [Fact]
    public void Export_as_gctrace_shows_go_format_lines_that_parse_back()
    {
        Worked();

        var (error, outputs) = Run("#!heap export --format gctrace");

        Assert.Null(error);
        var text = outputs.Bundles.Single().Data["text/plain"]!.GetValue<string>();
        var trace = GcTraceParser.Parse(text);
        Assert.Equal(Current.Cycles.Count, trace.Cycles.Count);
        Assert.Empty(trace.Unparsed);
        Assert.Equal(string.Concat(Current.GcTraceLines().Select(line => line + "\n")), text);
    }

    [Fact]
    public void Export_of_a_heap_without_cycles_says_so()
    {
        Ok("#!heap new --name quiet");

        var (_, outputs) = Run("#!heap export --format gctrace");

        Assert.Equal("quiet: no collections yet", outputs.Bundles.Single().Data["text/plain"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("json")]
    [InlineData("csv")]
    [InlineData("gctrace")]
    public void Export_to_a_file_writes_it_whole_says_where_and_it_reads_back(string format)
    {
        Worked();
        var path = PathOf($"history.{format}");
        File.WriteAllText(path, "an older export");

        var text = Ok($"#!heap export --format {format} --out {path}");

        var written = File.ReadAllText(path);
        var cycles = Current.Cycles.Count;
        Assert.Equal(Invariant($"worked: {cycles} cycles{(format == "json" ? " and MemStats" : "")} written to {path} ({Encoding.UTF8.GetByteCount(written):N0} bytes of {format})\n"), text);
        var count = format switch
        {
            "json" => HeapHistory.FromJson(written).Cycles.Count,
            "csv" => written.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1,
            _ => GcTraceParser.Parse(written).Cycles.Count,
        };
        Assert.Equal(cycles, count);
        Assert.Equal([$"history.{format}"], FilesInFolder());
    }

    [Fact]
    public void Export_errors_name_the_problem_change_nothing_and_leave_no_file()
    {
        Worked();
        File.WriteAllText(PathOf("plain-file"), "not a folder");
        Directory.CreateDirectory(PathOf("a-folder"));
        var before = Session();

        var format = Fails("#!heap export --format xml");
        var intoFolder = Fails($"#!heap export --out {PathOf("a-folder")}");
        var underFile = Fails($"#!heap export --out {PathOf("plain-file")}/history.json");

        Assert.StartsWith("(1,24): error HN0004: --format cannot be 'xml'. Choose one of: json, csv, gctrace.", format.Value);
        Assert.Contains("Usage: #!heap export [--format json|csv|gctrace] [--out FILE]", format.Traceback);
        Assert.Equal($"(1,21): error HN0020: '{PathOf("a-folder")}' is a folder; give the name of a file to write", intoFolder.Value);
        Assert.Equal($"(1,21): error HN0020: '{PathOf("plain-file")}' is a file, not a folder; pick another path. Nothing was written", underFile.Value);
        Assert.Equal(before, Session());
        Assert.Equal(["a-folder", "plain-file"], FilesInFolder());
        Assert.Empty(Directory.GetFileSystemEntries(PathOf("a-folder")));
        Assert.Equal("not a folder", File.ReadAllText(PathOf("plain-file")));
    }

    [Fact]
    public void Export_and_save_into_a_missing_folder_say_so_and_do_not_create_it()
    {
        Worked();
        var before = Session();

        var export = Fails($"#!heap export --out {PathOf("missing")}/history.json");
        var save = Fails($"#!heap save {PathOf("missing")}/worked.heapsnap");

        Assert.Equal($"(1,21): error HN0020: the folder '{PathOf("missing")}' does not exist; create it first or pick another path. Nothing was written", export.Value);
        Assert.Equal($"(1,13): error HN0020: the folder '{PathOf("missing")}' does not exist; create it first or pick another path. Nothing was written", save.Value);
        Assert.Empty(FilesInFolder());
        Assert.Equal(before, Session());
    }

    [Fact]
    public void A_write_the_system_refuses_is_reported_with_the_path_asked_for_only()
    {
        // /sys refuses new files even to root; other systems have no folder every user is refused.
        if (!OperatingSystem.IsLinux() || !Directory.Exists("/sys/kernel"))
        {
            return;
        }
        Worked();

        var export = Fails("#!heap export --out /sys/history.json");
        var save = Fails("#!heap save /sys/worked.heapsnap");

        Assert.Equal("(1,21): error HN0020: cannot write '/sys/history.json': permission denied; pick a folder you may write to. Nothing was written", export.Value);
        Assert.Equal("(1,13): error HN0020: cannot write '/sys/worked.heapsnap': permission denied; pick a folder you may write to. Nothing was written", save.Value);
    }

    // ---- save and load -----------------------------------------------------------------------

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>What the same further commands print on a heap, its name taken out.</summary>
    private string Afterwards(string heap)
    {
        var text = Ok($"#!heap use {heap}\n#!heap alloc c --fields 1\n#!heap link c.0 a\n#!heap root c\n#!heap run binary-trees --depth 8\n#!heap step --phase\n#!heap gc\n#!heap objects\n#!heap stats\n#!heap trace\n#!heap export --format csv");
        return text.Replace(heap, "HEAP", StringComparison.Ordinal);
    }

    [Fact]
    public void Save_then_load_gives_a_heap_that_behaves_exactly_as_the_original()
    {
        Worked();
        var path = PathOf("worked.heapsnap");

        var saved = Ok($"#!heap save {path}");
        var loaded = Ok($"#!heap load {path} --name copy");

        Assert.Matches(@"^worked saved to .*worked\.heapsnap: \d+ recorded operations, \d+ cycles, 2 named objects \([\d,]+ bytes\)\n$", saved);
        Assert.Equal("copy: replaying 7 recorded operations from worked.heapsnap\n"
            + $"copy: go collector, GOGC 100, heap size 16 GiB, max heap 4 GiB, 4 procs, seed 3; loaded from {path}: 7 recorded operations replayed, {Current.Cycles.Count} cycles, {Current.ObjectCount:N0} objects, 2 named objects; it is now the current heap (Heap in C# cells)\n",
            loaded);
        Assert.Equal("copy", Current.Name);
        Assert.Equal(Afterwards("worked"), Afterwards("copy"));
    }

    [Fact]
    public void A_run_interrupted_part_way_is_saved_and_loaded_to_the_same_point()
    {
        Ok("#!heap new --collector tricolor --name stopped\n#!heap alloc a --root");
        var error = interpreter.Execute("#!heap run binary-trees --depth 14", new InterruptingPublisher(interpreter));
        var path = PathOf("stopped.heapsnap");

        Ok($"#!heap save {path}");
        Ok($"#!heap load {path} --name again");

        Assert.Equal("Interrupted", error?.Name);
        Assert.Equal(Afterwards("stopped"), Afterwards("again"));
    }

    [Fact]
    public void What_csharp_cells_did_to_the_session_heap_is_saved_too()
    {
        Ok("var x = Heap.Alloc(64, 2); Heap.Roots[\"x\"] = x; for (var i = 0; i < 5000; i++) Heap.Write(x, 1, Heap.Alloc(32 + i % 100, 1)); Heap.Random.NextInt(10);");
        Ok("#!heap alloc a --root");
        var path = PathOf("default.heapsnap");

        Ok($"#!heap save {path}");
        Ok($"#!heap load {path} --name copy");

        Assert.Equal(Afterwards("default"), Afterwards("copy"));
    }

    [Fact]
    public void Loading_under_a_name_in_use_is_refused_before_anything_is_replayed()
    {
        Worked();
        var path = PathOf("worked.heapsnap");
        Ok($"#!heap save {path}");
        var before = Session();

        var error = Fails($"#!heap load {path}");

        Assert.Equal($"(1,13): error HN0008: there is already a heap named 'worked'; load this one under another name: '#!heap load {path} --name NAME'", error.Value);
        Assert.Equal(before, Session());
    }

    [Fact]
    public void Loading_under_a_name_longer_than_64_characters_is_refused_and_a_long_saved_name_is_replaced()
    {
        var path = PathOf("long.heapsnap");
        File.WriteAllBytes(path, HeapSnapshot.Save(new SimulatedHeap(new HeapOptions { Journal = true, Name = new string('n', 100) })));
        var before = Session();

        var error = Fails($"#!heap load {path} --name {new string('m', 65)}");

        Assert.Equal($"(1,{21 + path.Length}): error HN0004: 'mmmmmmmmmmmmmmmmmmmm...' is 65 characters long: heap names may have 64 characters at most", error.Value);
        Assert.Equal(before, Session());
        Assert.Contains("\nheap1: marksweep collector", Ok($"#!heap load {path}"));
    }

    public static TheoryData<string, Func<byte[], byte[]>, string> BadSnapshots() => new()
    {
        { "truncated", file => file[..^20], "HN0021: '{0}': The snapshot is truncated: its header promises" },
        { "corrupt", file => { var copy = file.ToArray(); copy[^30] ^= 4; return copy; }, "HN0021: '{0}': The snapshot is corrupt: its contents do not match the SHA-256 checksum in its header." },
        { "other version", file => [.. Encoding.ASCII.GetBytes("heapnotebook-snapshot 7"), .. file.AsSpan(23)], "HN0021: '{0}': The snapshot is in format version 7; this simulator reads version 1 only." },
        { "not a snapshot", _ => Encoding.UTF8.GetBytes("{\"nbformat\": 4}"), "HN0021: '{0}': The file is not a HeapNotebook snapshot: it does not start with 'heapnotebook-snapshot'." },
    };

    [Theory]
    [MemberData(nameof(BadSnapshots))]
    public void A_bad_snapshot_is_refused_with_a_clear_error_no_heap_is_added_and_the_file_is_untouched(string kind, Func<byte[], byte[]> spoil, string message)
    {
        Worked();
        var path = PathOf($"{kind.Replace(' ', '-')}.heapsnap");
        Ok($"#!heap save {path}");
        var spoiled = spoil(File.ReadAllBytes(path));
        File.WriteAllBytes(path, spoiled);
        var before = Session();

        var error = Fails($"#!heap load {path} --name broken");

        Assert.StartsWith($"(1,13): error {string.Format(CultureInfo.InvariantCulture, message, path)}", error.Value);
        Assert.Equal(before, Session());
        Assert.Equal(spoiled, File.ReadAllBytes(path));
        Assert.Contains(error.Traceback, line => line.StartsWith("Usage: #!heap load FILE [--name NAME]", StringComparison.Ordinal));
    }

    public static TheoryData<string, Action<JsonNode>, string> BadContents() => new()
    {
        { "no options", json => json["Options"] = null, "The snapshot is corrupt: its field Options is null." },
        { "a huge capacity", json => json["Options"]!["InitialObjectCapacity"] = int.MaxValue, "The snapshot is corrupt: its field Options.InitialObjectCapacity is 2,147,483,647" },
        { "negative operations", json => json["Operations"] = -1, "The snapshot is corrupt: its field Operations is -1, not a count of operations." },
        { "an object never allocated", json => json["Objects"]![0]!["Index"] = 999999, "The snapshot is corrupt: its named object 'a' is #999999v1, which its journal never allocated." },
        { "an object name #!heap cannot use", json => json["Objects"]![0]!["Name"] = "bad name", "it names an object 'bad name', which is not an object name of #!heap" },
    };

    [Theory]
    [MemberData(nameof(BadContents))]
    public void A_snapshot_with_a_valid_checksum_and_bad_contents_is_refused_naming_the_field(string kind, Action<JsonNode> spoil, string message)
    {
        Worked();
        var path = PathOf($"{kind.Replace(' ', '-').Replace("#!", "", StringComparison.Ordinal)}.heapsnap");
        Ok($"#!heap save {path}");
        var file = File.ReadAllBytes(path);
        var newline = Array.IndexOf(file, (byte)'\n');
        var json = JsonNode.Parse(file.AsSpan(newline + 1))!;
        spoil(json);
        var payload = Encoding.UTF8.GetBytes(json.ToJsonString());
        File.WriteAllBytes(path, [.. Encoding.ASCII.GetBytes($"heapnotebook-snapshot 1 sha256={Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(payload))} bytes={payload.Length}\n"), .. payload]);
        var before = Session();

        var error = Fails($"#!heap load {path} --name broken");

        Assert.StartsWith($"(1,13): error HN0021: '{path}': ", error.Value);
        Assert.Contains(message, error.Value);
        Assert.Equal(before, Session());
    }

    [Fact]
    public void A_snapshot_of_a_heap_allowed_more_objects_than_the_kernel_allows_is_refused()
    {
        var heap = new SimulatedHeap(new HeapOptions { Journal = true, MaxObjects = 100_000_000, Name = "greedy" });
        var path = PathOf("greedy.heapsnap");
        File.WriteAllBytes(path, HeapSnapshot.Save(heap));
        var before = Session();

        var error = Fails($"#!heap load {path}");

        Assert.Equal($"(1,13): error HN0023: '{path}' is a heap that may hold 100,000,000 objects, more than the 33,554,432 the kernel allows a heap of 4 GiB (--max-heap); load it from C# with HeapSnapshot.Load if you mean to", error.Value);
        Assert.Equal(before, Session());
    }

    [Fact]
    public void A_missing_file_or_a_folder_cannot_be_loaded()
    {
        var before = Session();

        var missing = Fails($"#!heap load {PathOf("nope.heapsnap")}");
        var asFolder = Fails($"#!heap load {folder}");

        Assert.Equal($"(1,13): error HN0020: there is no file '{PathOf("nope.heapsnap")}' (looked for {PathOf("nope.heapsnap")})", missing.Value);
        Assert.Equal($"(1,13): error HN0020: '{folder}' is a folder, not a file", asFolder.Value);
        Assert.Equal(before, Session());
    }

    [Fact]
    public void A_heap_made_in_csharp_without_a_journal_cannot_be_saved_and_an_existing_file_is_untouched()
    {
        Ok("Heap = new SimulatedHeap(new HeapOptions { Name = \"plain\" }); Heap.Alloc(16);");
        var path = PathOf("plain.heapsnap");
        File.WriteAllText(path, "an earlier snapshot");
        var before = Session();

        var error = Fails($"#!heap save {path}");

        Assert.Equal("(1,8): error HN0021: Heap 'plain' keeps no journal of its operations, so it cannot be saved: a heap made in C# needs HeapOptions { Journal = true } (heaps made by '#!heap new' have one).", error.Value);
        Assert.Equal("an earlier snapshot", File.ReadAllText(path));
        Assert.Equal(before, Session());
    }

    [Fact]
    public void A_save_that_cannot_be_written_leaves_no_partial_file_behind()
    {
        Worked();
        File.WriteAllText(PathOf("plain-file"), "not a folder");
        Directory.CreateDirectory(PathOf("taken"));
        var before = Session();

        var intoFolder = Fails($"#!heap save {PathOf("taken")}");
        var underFile = Fails($"#!heap save {PathOf("plain-file")}/worked.heapsnap");

        Assert.Equal($"(1,13): error HN0020: '{PathOf("taken")}' is a folder; give the name of a file to write", intoFolder.Value);
        Assert.Equal($"(1,13): error HN0020: '{PathOf("plain-file")}' is a file, not a folder; pick another path. Nothing was written", underFile.Value);
        Assert.Equal(["plain-file", "taken"], FilesInFolder());
        Assert.Empty(Directory.GetFileSystemEntries(PathOf("taken")));
        Assert.Equal(before, Session());
    }

    [Fact]
    public void Saving_over_a_snapshot_replaces_it_whole()
    {
        Worked();
        var path = PathOf("worked.heapsnap");
        Ok($"#!heap save {path}");
        var first = File.ReadAllBytes(path);

        Ok($"#!heap gc\n#!heap save {path}");

        Assert.NotEqual(first, File.ReadAllBytes(path));
        Assert.Equal(Current.Cycles.Count, HeapSnapshot.Inspect(File.ReadAllBytes(path)).Cycles);
        Assert.Equal(["worked.heapsnap"], FilesInFolder());
    }

    [Fact]
    public void An_interrupted_load_adds_no_heap()
    {
        Worked();
        var path = PathOf("worked.heapsnap");
        Ok($"#!heap save {path}");
        var before = Session();

        var error = interpreter.Execute($"#!heap load {path} --name copy", new InterruptingPublisher(interpreter));

        Assert.Equal($"(1,13): error HN0022: interrupted while replaying '{path}'; no heap was added", error!.Value);
        Assert.Equal(before, Session());
    }

    [Fact]
    public void An_interrupted_load_replies_the_Interrupted_ename_as_an_interrupted_run_does()
    {
        Worked();
        var path = PathOf("worked.heapsnap");
        Ok($"#!heap save {path}");
        var run = interpreter.Execute("#!heap run binary-trees --depth 14", new InterruptingPublisher(interpreter));

        var load = interpreter.Execute($"#!heap load {path} --name copy", new InterruptingPublisher(interpreter));

        Assert.Equal("Interrupted", run?.Name);
        Assert.Equal(run!.Name, load?.Name);
        Assert.Equal($"Interrupted: (1,13): error HN0022: interrupted while replaying '{path}'; no heap was added", Assert.Single(load!.Traceback));
    }

    [Fact]
    public void Load_restores_the_object_names_so_commands_can_use_them()
    {
        Worked();
        var path = PathOf("worked.heapsnap");
        Ok($"#!heap save {path}\n#!heap load {path} --name copy");

        var text = Ok("#!heap link b.0 a\n#!heap objects");

        Assert.Contains("copy: b.0 -> a", text);
        Assert.Matches(@"a\s+#\d+v\d+\s+16\s+2\s+0:b 1:null\s+yes", text);
    }

    [Fact]
    public void A_csharp_cell_can_save_and_load_the_heap_through_HeapSnapshot()
    {
        Ok("#!heap new --name mine\n#!heap run churn --allocs 50000");

        var text = Ok("var copy = HeapSnapshot.Load(HeapSnapshot.Save(Heap), \"copy\").Heap; $\"{copy.Name} {copy.Cycles.Count > 0 && copy.Cycles.Count == Heap.Cycles.Count} {string.Join('\\n', copy.GcTraceLines()) == string.Join('\\n', Heap.GcTraceLines())}\"");

        Assert.Equal("copy True True\n", text);
    }

    // ---- the guard on the kernel's memory ----------------------------------------------------

    [Fact]
    public void New_max_heap_caps_the_heaps_memory_and_objects_and_says_so()
    {
        var text = Ok("#!heap new --max-heap 1MiB --name small");

        Assert.Contains("heap size 16 GiB, max heap 1 MiB,", text);
        Assert.Equal((1L << 20, 8192), (Current.Options.MaxHeapBytes, Current.Options.MaxObjects));
        Assert.Equal(1L << 20, Current.Options.EffectiveHeapLimitBytes);
    }

    [Fact]
    public void A_verified_heap_holds_a_quarter_of_the_objects_for_the_reference_models_memory()
    {
        Ok("#!heap new --verify --name checked");
        var defaultCap = Current.Options.MaxObjects;
        Ok("#!heap new --verify --max-heap 1GiB --name small");

        Assert.Equal(33_554_432 / 4, defaultCap);
        Assert.Equal((1 << 30) / 128 / 4, Current.Options.MaxObjects);
    }

    [Fact]
    public void An_allocation_past_max_heap_is_a_clear_error_and_the_heap_stays_consistent()
    {
        Ok("#!heap new --collector marksweep --max-heap 1MiB --name small");
        Ok(string.Join('\n', Enumerable.Range(0, 16).Select(i => $"#!heap alloc big{i} --size 65536 --root")));

        var before = Session();
        var error = Fails("#!heap alloc last --size 65536 --root");

        Assert.StartsWith("(1,8): error HN0100: fatal error: out of memory allocating 65536 bytes: no 64 KiB fits within the cap of 1 MiB on this heap's memory, and no collection could make room:", error.Value);
        Assert.Equal(before, Session());
        Assert.Contains("raise it ('#!heap new --max-heap SIZE')", error.Value);
        Assert.Contains("passed", Ok("#!heap verify"));
        Assert.Equal(16, Current.Roots.Count);
    }

    [Fact]
    public void A_workload_past_max_heap_is_refused_before_it_runs()
    {
        Ok("#!heap new --name guarded");
        var before = Session();

        var deep = Fails("#!heap run binary-trees --depth 24");
        Assert.Equal(before, Session());
        Ok("#!heap new --collector marksweep --max-heap 64KiB --name tiny");
        var tinyBefore = Session();
        var tiny = Fails("#!heap run binary-trees --depth 10");

        Assert.Equal(tinyBefore, Session());
        Assert.StartsWith("(1,12): error HN0023: Workload 'binary-trees' (depth 24) keeps about 67,108,863 objects and 1024 MiB reachable at its peak, more than the heap's guard on the host's memory allows (33,554,432 objects, 4 GiB).", deep.Value);
        Assert.StartsWith("(1,12): error HN0023: Workload 'binary-trees' (depth 10) keeps about 4,095 objects and 63.98 KiB reachable at its peak, more than the heap's guard on the host's memory allows (512 objects, 64 KiB).", tiny.Value);
    }

    [Fact]
    public void A_graph_too_big_for_the_kernel_is_refused_at_once()
    {
        Ok("#!heap new --name drawn");
        var before = Session();

        var error = Fails("#!heap graph --max 2000000000");

        Assert.Equal("(1,20): error HN0023: --max cannot be above 10,000: a graph of more objects would not fit in the kernel's memory or a notebook; draw a big heap's spans with '#!heap map'", error.Value);
        Assert.Equal(before, Session());
    }

    [Fact]
    public void A_trace_log_too_big_to_read_at_once_is_refused_before_it_is_read()
    {
        var path = PathOf("huge.log");
        using (var file = File.Create(path))
        {
            file.SetLength(300L << 20); // sparse: no disk is written
        }

        var error = Fails($"#!heap trace --import {path}");

        Assert.Equal($"(1,23): error HN0023: '{path}' is 300 MiB; a gctrace log read at once may be 256 MiB at most (a Go program prints one short line per cycle): keep the lines that start with 'gc '", error.Value);
    }

    [Theory]
    [InlineData("10", "--max-heap must be 64KiB to 32GiB, not '10'")]
    [InlineData("64GiB", "--max-heap must be 64KiB to 32GiB, not '64GiB'")]
    [InlineData("lots", "--max-heap must be a size such as 64MiB or 512KiB (units B, KiB, MiB, GiB), not 'lots'.")]
    public void A_max_heap_out_of_range_is_refused_and_nothing_is_made(string value, string message)
    {
        var before = Session();

        var error = Fails($"#!heap new --max-heap {value}");

        Assert.Equal($"(1,23): error HN0004: {message}", error.Value);
        Assert.Equal(before, Session());
    }

    /// <summary>Interrupts the cell at the first display that will be updated in place (a run's progress, a load's replay).</summary>
    private sealed class InterruptingPublisher(CellInterpreter interpreter) : ICellPublisher
    {
        public void WriteStream(string name, string text)
        {
        }

        public void PublishDisplay(MimeBundle bundle, string? displayId, bool isUpdate)
        {
            if (displayId is not null)
            {
                interpreter.Interrupt();
            }
        }

        public void PublishResult(MimeBundle bundle)
        {
        }

        public void ClearOutput(bool wait)
        {
        }

        public string ReadInput(string prompt, bool password) => throw new InputNotAllowedException("no input here");
    }
}
