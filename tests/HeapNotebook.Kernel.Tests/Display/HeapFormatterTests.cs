using HeapNotebook.Heap;
using HeapNotebook.Heap.Telemetry;
using HeapNotebook.Kernel.Cells;
using HeapNotebook.Kernel.Display;
using HeapNotebook.Kernel.Tests.Cells;
using HeapNotebook.Kernel.Tests.Magics;

namespace HeapNotebook.Kernel.Tests.Display;

/// <summary>A C# cell that returns one of the heap's types shows the same table as the #!heap verb that shows it.</summary>
public sealed class HeapFormatterTests
{
    private readonly CellInterpreter interpreter = new();

    private RecordingPublisher Ok(string code)
    {
        var publisher = new RecordingPublisher();
        var error = interpreter.Execute(code, publisher);
        Assert.True(error is null, $"{code}\nfailed with: {error?.Value}");
        return publisher;
    }

    private static string Mime(MimeBundle bundle, string mime) => bundle.Data[mime]!.GetValue<string>();

    [Fact]
    public void Heap_stats_in_csharp_shows_the_table_of_heap_stats()
    {
        Ok("#!heap new --collector go\n#!heap run churn --allocs 20000");
        var verb = Ok("#!heap stats").Bundles.Single();

        var cell = Ok("Heap.Stats").Bundles.Single();

        Assert.Equal(["text/plain", "text/html"], cell.Data.Select(pair => pair.Key));
        Assert.Equal(Mime(verb, "text/html").Replace("<caption>MemStats of heap1</caption>", "<caption>MemStats</caption>", StringComparison.Ordinal), Mime(cell, "text/html"));
        Assert.Equal(Mime(verb, "text/plain").Replace("MemStats of heap1\n", "MemStats\n", StringComparison.Ordinal), Mime(cell, "text/plain"));
    }

    [Fact]
    public void Heap_cycles_in_csharp_are_gctrace_lines_as_text_and_a_table_as_html()
    {
        Ok("#!heap new --collector marksweep\n#!heap run churn --allocs 40000\n#!heap gc");
        var trace = Ok("#!heap trace").Bundles.Single();

        var cycles = Ok("Heap.Cycles").Bundles.Single();
        var one = Ok("Heap.Cycles[^1]").Bundles.Single();

        Assert.Equal(Mime(trace, "text/plain"), Mime(cycles, "text/plain"));
        var count = interpreter.Globals.Heap.Cycles.Count;
        Assert.StartsWith($"<table><caption>{count} GC cycles; pause: a cycle", Mime(cycles, "text/html"));
        Assert.Contains("GC CPU: all of a cycle", Mime(cycles, "text/html"));
        Assert.Contains("</caption><thead><tr><th>gc</th><th>Kind</th><th>Trigger</th>", Mime(cycles, "text/html"));
        Assert.Equal(count, Mime(cycles, "text/html").Split("<tr>").Length - 2);
        Assert.Equal(Mime(trace, "text/plain").Split('\n')[^1], Mime(one, "text/plain"));
        Assert.Contains("<td>forced</td>", Mime(one, "text/html"));
    }

    [Fact]
    public void A_long_cycle_list_shows_its_last_hundred()
    {
        Ok("#!heap new --collector generational --nursery 64KiB\n#!heap run churn --allocs 60000");
        var count = interpreter.Globals.Heap.Cycles.Count;
        Assert.True(count > HeapTables.MaxCycleRows);

        var cycles = Ok("Heap.Cycles").Bundles.Single();

        Assert.StartsWith($"the last 100 of {count:N0} GC cycles:\n", Mime(cycles, "text/plain"));
        Assert.Equal(101, Mime(cycles, "text/plain").Split('\n').Length);
    }

    [Fact]
    public void A_fragmentation_report_an_imported_trace_and_a_comparison_show_their_tables()
    {
        Ok("#!heap new --collector marksweep\n#!heap run fragment --objects 2000");
        Ok($"#!heap trace --import {HeapChartVerbTests.SamplePath("golang-go-73581.gctrace")} --as real");
        var imported = Ok($"#!heap trace --import {HeapChartVerbTests.SamplePath("golang-go-73581.gctrace")}").Bundles.Single();
        var compared = Ok("#!heap compare churn --allocs 5000 --collectors go,refcount --as cmp").Outputs[^2].Text;

        Assert.StartsWith("Fragmentation\nMeasure ", Mime(Ok("Heap.Fragmentation()").Bundles.Single(), "text/plain"));
        var trace = Ok("real").Bundles.Single();
        Assert.StartsWith("Imported gctrace\n", Mime(trace, "text/plain"));
        Assert.StartsWith(Mime(trace, "text/html").Replace("<caption>Imported gctrace</caption>", "<caption>gctrace of golang-go-73581.gctrace</caption>", StringComparison.Ordinal),
            Mime(imported, "text/html"));
        Assert.Equal(compared, Mime(Ok("cmp").Bundles.Single(), "text/plain"));
    }

    [Fact]
    public void The_formatters_are_registered_without_an_interpreter()
    {
        var stats = new SimulatedHeap(new HeapOptions { Collector = "marksweep" }).Stats;

        var bundle = DisplayFormatter.Format(stats);

        Assert.StartsWith("<table><caption>MemStats</caption>", Mime(bundle, "text/html"));
        Assert.StartsWith("MemStats\nField ", Mime(bundle, "text/plain"));
    }

    [Fact]
    public void A_handle_a_verification_report_and_a_workload_result_show_as_one_line()
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = "marksweep" });
        var handle = heap.Alloc(16);
        var result = heap.Run(new HeapNotebook.Heap.Workloads.BinaryTrees(6));

        Assert.Equal("#1v1", Mime(DisplayFormatter.Format(handle), "text/plain"));
        Assert.Equal("<pre>#1v1</pre>", Mime(DisplayFormatter.Format(handle), "text/html"));
        Assert.Equal(heap.Verify().ToString(), Mime(DisplayFormatter.Format(heap.Verify()), "text/plain"));
        Assert.Equal(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"binary-trees (depth=6): {result.Allocations:N0} allocations, checksum {result.Checksum}, completed"), Mime(DisplayFormatter.Format(result), "text/plain"));
    }

    [Fact]
    public void A_workload_result_of_binary_trees_asked_for_depth_4_shows_depth_6_and_says_it_was_raised()
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = "marksweep" });

        var result = heap.Run(new HeapNotebook.Heap.Workloads.BinaryTrees(4));

        Assert.Equal("binary-trees (depth=6; depth raised from 4 to 6, as the game raises n below 6 to 6): 4,398 allocations, checksum 4398, completed",
            Mime(DisplayFormatter.Format(result), "text/plain"));
    }

    [Fact]
    public void Heap_in_csharp_shows_one_summary_of_the_heap_not_its_object_tree()
    {
        Ok("#!heap new --collector go --gogc 50 --name small\n#!heap run churn --allocs 20000");
        var heap = interpreter.Globals.Heap;
        var stats = heap.Stats;
        var expected = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"small: go collector, GOGC 50: {heap.ObjectCount:N0} objects, {HeapNotebook.Kernel.Magics.Heap.ByteSize.Format(stats.HeapAlloc)} allocated (HeapAlloc), {HeapNotebook.Kernel.Magics.Heap.ByteSize.Format(stats.HeapInuse)} in use (HeapInuse), {heap.Cycles.Count:N0} cycle{(heap.Cycles.Count == 1 ? "" : "s")}{(heap.Phase is { } phase ? $", phase {phase}" : "")}");

        var cell = Ok("Heap").Bundles.Single();

        Assert.Equal(["text/plain", "text/html"], cell.Data.Select(pair => pair.Key));
        Assert.Equal(expected, Mime(cell, "text/plain"));
        Assert.Equal("<pre>" + System.Net.WebUtility.HtmlEncode(expected) + "</pre>", Mime(cell, "text/html"));
    }

    [Fact]
    public void A_heap_with_gogc_off_a_chosen_barrier_and_a_cycle_under_way_says_so()
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = "tricolor", Barrier = "yuasa", Gogc = null, Name = "stepping", IncrementalWork = 0 });
        var first = heap.Alloc(32, 1);
        heap.Roots["first"] = first;
        heap.Write(first, 0, heap.Alloc(32, 1));
        heap.Step(1);

        var text = Mime(DisplayFormatter.Format(heap), "text/plain");

        Assert.Equal(GcPhase.Mark, heap.Phase);
        Assert.StartsWith("stepping: tricolor collector, GOGC off, yuasa barrier: 2 objects, ", text);
        Assert.EndsWith(", 0 cycles, phase Mark", text);
    }

    [Fact]
    public void The_workload_catalog_in_csharp_shows_a_table_of_workloads_and_their_options()
    {
        var cell = Ok("WorkloadCatalog.All").Bundles.Single();

        var plain = Mime(cell, "text/plain");
        var lines = plain.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["text/plain", "text/html"], cell.Data.Select(pair => pair.Key));
        Assert.Equal("Workloads ('#!heap run WORKLOAD --OPTION N', or WorkloadCatalog.Create in C#)", lines[0]);
        Assert.Matches(@"^Workload\s+Option\s+Default\s+Range\s+Description$", lines[1]);
        var rows = HeapNotebook.Heap.Workloads.WorkloadCatalog.All.Sum(workload => 1 + workload.Options.Count);
        Assert.Equal(3 + rows, lines.Length);
        Assert.Matches(@"^binary-trees\s+The Benchmarks Game's binary-trees", lines[3]);
        Assert.Matches(@"^\s+--depth\s+10\s+4 to 26\s+depth of the largest trees", lines[4]);
        Assert.Contains(lines, line => System.Text.RegularExpressions.Regex.IsMatch(line, @"^\s+--escape-percent\s+100\s+0 to 100\s+percentage of temporaries"));
        Assert.StartsWith("<table><caption>Workloads (", Mime(cell, "text/html"));
        Assert.Equal(rows, Mime(cell, "text/html").Split("<tr>").Length - 2);
    }

    [Fact]
    public void One_workload_definition_shows_the_same_table_for_that_workload()
    {
        var cell = Ok("WorkloadCatalog.Find(\"cycles\")").Bundles.Single();

        var lines = Mime(cell, "text/plain").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3 + 1 + 3, lines.Length);
        Assert.Matches(@"^cycles\s+Rings of objects", lines[3]);
    }

    [Fact]
    public void The_stats_table_gets_a_gc_cpu_limiter_row_only_once_the_limiter_has_turned_on()
    {
        var quiet = HeapTables.MemStats(new SimulatedHeap().Stats, "MemStats");
        var rows = quiet.Plain().Split('\n').Length;
        HeapTables.AddCpuLimiter(quiet, new CpuLimiterReport(OverflowNs: 0, Spells: []));
        Assert.Equal(rows, quiet.Plain().Split('\n').Length);
        Assert.DoesNotContain("limiter", quiet.Plain());

        var limited = HeapTables.MemStats(new SimulatedHeap().Stats, "MemStats");
        HeapTables.AddCpuLimiter(limited, new CpuLimiterReport(OverflowNs: 9_206_500, Spells: [.. Enumerable.Range(0, 471).Select(i => new CpuLimiterSpell(i * 20L, i * 20L + 10)), new CpuLimiterSpell(9_420, null)]));
        Assert.Matches(@"\nGC CPU limiter +on now, turned on 472 times +not a MemStats field: GC time over its bucket 9\.207 ms \(assists skipped on go; cycles held on stop-the-world plans\)\n?$", limited.Plain());
    }
}
