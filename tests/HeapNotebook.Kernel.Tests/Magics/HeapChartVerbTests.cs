using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using HeapNotebook.Heap;
using HeapNotebook.Heap.Telemetry;
using HeapNotebook.Kernel.Cells;
using HeapNotebook.Kernel.Display;
using HeapNotebook.Kernel.Display.Charts;
using HeapNotebook.Kernel.Magics.Heap;
using HeapNotebook.Kernel.Tests.Cells;

namespace HeapNotebook.Kernel.Tests.Magics;

/// <summary>#!heap pauses, timeline, mmu, sizes and compare: parsing, what they draw, their errors, and that they change no heap.</summary>
public sealed class HeapChartVerbTests
{
    private const string PlotlyMime = "application/vnd.plotly.v1+json";

    private readonly CellInterpreter interpreter = new();

    private (ExecutionError? Error, RecordingPublisher Outputs) Run(string code) => interpreter.RunCell(code);

    private RecordingPublisher Ok(string code) => interpreter.RunOk(code);

    /// <summary>Runs a line that must fail with a #!heap error and must leave the current heap as it was.</summary>
    private string Fails(string code)
    {
        var heap = interpreter.Globals.Heap;
        var before = Snapshot(heap);
        var (error, _) = Run(code);
        Assert.NotNull(error);
        Assert.Equal("HeapCommandError", error.Name);
        Assert.Same(heap, interpreter.Globals.Heap);
        Assert.Equal(before, Snapshot(heap));
        return error.Value;
    }

    private static string Snapshot(SimulatedHeap heap)
    {
        var stats = heap.Stats;
        return string.Create(CultureInfo.InvariantCulture,
            $"{heap.Name} {stats with { PauseNs = [] }} objects={heap.ObjectCount} cycles={heap.Cycles.Count} clock={heap.Clock.Picoseconds} roots={string.Join(',', heap.Roots.Names)} phase={heap.Phase}");
    }

    private static JsonObject Figure(MimeBundle bundle) => bundle.Data[PlotlyMime]!.AsObject();

    private static JsonArray Traces(MimeBundle bundle) => Figure(bundle)["data"]!.AsArray();

    private static string[] TraceNames(MimeBundle bundle) => Traces(bundle).Select(trace => trace!["name"]!.GetValue<string>()).ToArray();

    private static string Plain(MimeBundle bundle) => bundle.Data["text/plain"]!.GetValue<string>();

    private static string Html(MimeBundle bundle) => bundle.Data["text/html"]!.GetValue<string>();

    internal static string SamplePath(string name, [CallerFilePath] string caller = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(caller)!, "..", "..", "..", "notebooks", "data", "gctrace", name));

    // ---- usage -------------------------------------------------------------------------------

    [Theory]
    [InlineData("#!heap compare -h")]
    [InlineData("#!heap compare churn --help")]
    public void Compare_help_shows_its_options_and_an_example(string line)
    {
        var text = Ok(line).Text("stdout");

        Assert.StartsWith("Usage: #!heap compare WORKLOAD [--OPTION N ...] [--collectors LIST] [--seed N] [--gogc N|off] [--heap-size SIZE] [--as NAME]", text);
        Assert.Contains("Example:\n  #!heap compare churn --allocs 300000 --collectors marksweep,go,generational --seed 7 --as cmp", text);
    }

    [Fact]
    public void Chart_verbs_say_how_to_chart_an_imported_trace()
    {
        foreach (var verb in new[] { "pauses", "timeline", "mmu" })
        {
            Assert.Contains("'#!heap trace --import FILE --as NAME'", Ok($"#!heap {verb} -h").Text("stdout"));
        }
        Assert.Contains("'#!heap pauses --trace NAME'", Ok("#!heap trace -h").Text("stdout"));
    }

    // ---- pauses ------------------------------------------------------------------------------

    [Fact]
    public void Pauses_draws_one_stacked_bar_per_cycle_with_a_plain_summary()
    {
        Ok("#!heap new --collector marksweep\n#!heap run churn --allocs 60000 --max-size 1024\n#!heap gc");
        var cycles = interpreter.Globals.Heap.Cycles;

        var bundle = Ok("#!heap pauses").Bundles.Single();

        Assert.Equal(["text/plain", PlotlyMime, "text/html"], bundle.Data.Select(pair => pair.Key));
        Assert.StartsWith($"heap1 (marksweep): stop-the-world pauses of {cycles.Count} cycles\n", Plain(bundle));
        Assert.Equal("stack", Figure(bundle)["layout"]!["barmode"]!.GetValue<string>());
        Assert.Equal(["sweep termination", "mark", "mark termination", "sweep"], TraceNames(bundle));
        var bars = Figure(bundle)["layout"]!["xaxis"]!["categoryarray"]!.AsArray().Select(x => x!.GetValue<string>());
        Assert.Equal(cycles.Select(cycle => cycle.Number.ToString(CultureInfo.InvariantCulture)), bars);
        var sweepTerminations = Traces(bundle)[0]!["y"]!.AsArray().Select(y => y!.GetValue<double>());
        Assert.Equal(cycles.Select(cycle => cycle.PhaseOf(HeapNotebook.Heap.Telemetry.GcPhase.SweepTermination)!.DurationNs / 1e3), sweepTerminations);
    }

    [Fact]
    public void Pauses_hatch_minor_cycles_and_name_them_apart_from_major_ones()
    {
        Ok("#!heap new --collector generational --nursery 128KiB\n#!heap run churn --allocs 20000 --live 20000 --long-lived-percent 50\n#!heap gc");
        var bundle = Ok("#!heap pauses").Bundles.Single();

        var names = TraceNames(bundle);
        Assert.Contains("mark · minor", names);
        Assert.Contains("mark termination · major", names);
        Assert.DoesNotContain("mark · major", names); // a major cycle marks the old generation beside the program
        var minor = Traces(bundle).Single(trace => trace!["name"]!.GetValue<string>() == "mark · minor")!;
        Assert.Equal("/", minor["marker"]!["pattern"]!["shape"]!.GetValue<string>());
        Assert.Matches(@"^heap1 \(generational\): stop-the-world pauses of \d+ cycles \(\d+ major, \d+ minor\)\n", Plain(bundle));
    }

    [Fact]
    public void Pauses_last_shows_only_the_last_cycles_and_says_so()
    {
        Ok("#!heap new --collector marksweep\n#!heap gc\n#!heap gc\n#!heap gc");

        var bundle = Ok("#!heap pauses --last 2").Bundles.Single();

        Assert.StartsWith("heap1 (marksweep): stop-the-world pauses of 2 cycles, the last 2 of 3 (--last N shows more)\n", Plain(bundle));
        Assert.Equal(["2", "3"], Figure(bundle)["layout"]!["xaxis"]!["categoryarray"]!.AsArray().Select(x => x!.GetValue<string>()));
    }

    [Fact]
    public void Charts_of_a_heap_without_cycles_say_what_to_do_instead()
    {
        Ok("#!heap new --collector go");

        foreach (var verb in new[] { "pauses", "timeline", "mmu" })
        {
            var outputs = Ok($"#!heap {verb}");
            Assert.Empty(outputs.Bundles);
            Assert.Equal("heap1 (go): no collections yet; run a workload ('#!heap run churn') or force one ('#!heap gc') first\n", outputs.Text("stdout"));
        }
    }

    // ---- timeline ----------------------------------------------------------------------------

    [Fact]
    public void Timeline_draws_heap_live_goal_triggers_and_shaded_cycles()
    {
        Ok("#!heap new --collector go\n#!heap run churn --allocs 100000\n#!heap gc");

        var bundle = Ok("#!heap timeline").Bundles.Single();

        Assert.Equal(["GC cycle running", "lazy sweep", "heap in use", "live heap (marked)", "heap goal", "trigger reached", "forced (runtime.GC)"], TraceNames(bundle));
        var band = Traces(bundle)[0]!;
        Assert.Equal("tozeroy", band["fill"]!.GetValue<string>());
        Assert.Equal(4 * interpreter.Globals.Heap.Cycles.Count, band["x"]!.AsArray().Count);
        // go sweeps lazily after each cycle; '#!heap gc' sweeps before it returns, so every cycle's sweep is over and drawn.
        var sweeps = Traces(bundle)[1]!;
        Assert.Equal(4 * interpreter.Globals.Heap.Cycles.Count(cycle => cycle.PhaseOf(GcPhase.Sweep) is { DurationNs: > 0 }), sweeps["x"]!.AsArray().Count);
        Assert.True(sweeps["x"]!.AsArray().Count >= 8);
        Assert.Matches(@"^heap1 \(go\): heap over [\d.]+ ms of virtual time, \d+ cycles\npeak ", Plain(bundle));
        Assert.EndsWith(", 1 runtime.GC (forced)", Plain(bundle));
    }

    [Fact]
    public void Timeline_marks_when_the_gc_cpu_limiter_was_on_and_when_triggered_cycles_waited_for_it()
    {
        // A memory limit below what the cache keeps alive, on a stop-the-world plan 100 times slower: it spirals until the bucket is full.
        Ok("#!heap new --collector marksweep --gogc off --memory-limit 4MiB --procs 1 --cost-scale 100\n"
            + "#!heap run lru-cache --capacity 20000 --requests 100000 --keys 100000 --value-size 256");
        var limiter = interpreter.Globals.Heap.CpuLimiterActivity;
        Assert.True(limiter.TimesTurnedOn > 0);
        Assert.NotEmpty(limiter.CycleWaits);

        var bundle = Ok("#!heap timeline").Bundles.Single();

        var names = TraceNames(bundle);
        var on = Traces(bundle)[Array.IndexOf(names, "GC CPU limiter on")]!;
        Assert.Equal(4 * limiter.Spells.Count, on["x"]!.AsArray().Count);
        var turnedOn = Traces(bundle)[Array.IndexOf(names, "GC CPU limiter turned on")]!;
        Assert.Equal(limiter.Spells.Select(spell => ChartStyle.Milliseconds(spell.StartNs)), turnedOn["x"]!.AsArray().Select(x => x!.GetValue<double>()));
        var waits = Traces(bundle)[Array.IndexOf(names, "cycle waiting for the limiter")]!;
        var waitStarts = waits["x"]!.AsArray().Select(x => x!.GetValue<double>()).Where((_, i) => i % 4 == 0);
        Assert.Equal(limiter.CycleWaits.Select(wait => ChartStyle.Milliseconds(wait.StartNs)), waitStarts);
        var lines = Plain(bundle).Split('\n');
        var now = interpreter.Globals.Heap.Clock.Nanoseconds;
        Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"GC CPU limiter on {limiter.TimesTurnedOn} times, first at {ChartStyle.Ms(limiter.Spells[0].StartNs)}, ")
            + ChartStyle.Ms(limiter.Spells.Sum(spell => (spell.EndNs ?? now) - spell.StartNs)) + " in all", lines[^2]);
        Assert.StartsWith(string.Create(CultureInfo.InvariantCulture, $"triggered cycles waited for room in the GC CPU limiter's bucket {limiter.CycleWaits.Count} times, "), lines[^1]);
    }

    [Fact]
    public void Timeline_without_a_goal_draws_no_goal_line()
    {
        Ok("#!heap new --collector marksweep --gogc off\n#!heap run churn --allocs 2000\n#!heap gc");

        var names = TraceNames(Ok("#!heap timeline").Bundles.Single());
        Assert.DoesNotContain("heap goal", names);
        Assert.DoesNotContain("lazy sweep", names); // marksweep sweeps inside its pause
    }

    [Fact]
    public void Timeline_of_thousands_of_cycles_draws_buckets_and_stays_small()
    {
        Ok("#!heap new --collector generational --nursery 64KiB\n#!heap run churn --allocs 150000");
        var cycles = interpreter.Globals.Heap.Cycles.Count;
        Assert.True(cycles > 150, $"only {cycles} cycles");

        var bundle = Ok("#!heap timeline").Bundles.Single();

        Assert.Contains(" buckets of ", Plain(bundle).Split('\n')[0]);
        Assert.DoesNotContain("GC cycle running", TraceNames(bundle));
        Assert.True(Figure(bundle).ToJsonString().Length < 20_000, $"{Figure(bundle).ToJsonString().Length} characters of JSON");
    }

    // ---- mmu ---------------------------------------------------------------------------------

    [Fact]
    public void Mmu_draws_the_curve_on_a_log_axis_and_tabulates_decades()
    {
        Ok("#!heap new --collector marksweep\n#!heap run churn --allocs 100000");

        var bundle = Ok("#!heap mmu").Bundles.Single();

        var layout = Figure(bundle)["layout"]!;
        Assert.Equal("log", layout["xaxis"]!["type"]!.GetValue<string>());
        Assert.Equal([0.0, 100.0], layout["yaxis"]!["range"]!.AsArray().Select(value => value!.GetValue<double>()));
        var utilization = Traces(bundle)[0]!["y"]!.AsArray().Select(value => value!.GetValue<double>()).ToArray();
        Assert.Equal(40, utilization.Length);
        Assert.Equal(0, utilization[0]);
        Assert.True(utilization[^1] > 50);
        Assert.Contains("\nwindow        MMU\n0.01 ms ", Plain(bundle));
        Assert.Contains("(the whole run)", Plain(bundle));
    }

    [Fact]
    public void Mmu_counts_what_a_concurrent_mark_takes_from_the_program_as_well_as_the_pauses()
    {
        Ok("#!heap new --collector go --procs 1\n#!heap run binary-trees --depth 12");
        var heap = interpreter.Globals.Heap;
        var totalNs = (double)heap.Clock.Nanoseconds;
        var markNs = heap.Cycles.Sum(cycle => cycle.AssistCpuNs + cycle.BackgroundCpuNs);

        var plain = Plain(Ok("#!heap mmu").Bundles.Single());

        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"; {heap.Cycles.Count} concurrent marks whose assists and background workers took {ChartStyle.Percent(markNs / totalNs)} of the program's processor time\n"), plain);
        Assert.EndsWith(string.Create(CultureInfo.InvariantCulture, $"{ChartStyle.Percent(1 - (heap.Stats.PauseTotalNs + markNs) / totalNs),7}  (the whole run)"), plain);
    }

    // ---- sizes -------------------------------------------------------------------------------

    [Fact]
    public void Sizes_count_objects_and_bytes_per_size_class_with_large_objects_in_one_bar()
    {
        Ok("#!heap new --collector marksweep\n#!heap alloc a --size 64 --root\n#!heap alloc b --size 64 --root\n#!heap alloc c --size 5000 --root\n#!heap alloc d --size 40000 --root");

        var bytes = Ok("#!heap sizes").Bundles.Single();
        var objects = Ok("#!heap sizes --by objects").Bundles.Single();

        var bars = Traces(bytes).Single()!;
        Assert.Equal(["64 B", "5376 B", "large"], bars["x"]!.AsArray().Select(x => x!.GetValue<string>()));
        Assert.Equal([2.0, 1.0, 1.0], Traces(objects).Single()!["y"]!.AsArray().Select(y => y!.GetValue<double>()));
        Assert.Equal("bytes allocated (KiB)", Figure(bytes)["layout"]!["yaxis"]!["title"]!["text"]!.GetValue<string>());
        Assert.StartsWith("heap1 (marksweep): 4 objects, 45.4 KiB, in 3 size classes (by bytes)\n", Plain(bytes));
        Assert.Contains("large  > 32 KiB  large-object spans      1        1  40 KiB", Plain(bytes));
    }

    [Fact]
    public void Sizes_count_objects_in_bump_spaces_by_the_class_go_would_use()
    {
        Ok("#!heap new --collector semispace\n#!heap alloc a --size 100 --fields 1 --root\n#!heap alloc b --size 100\n#!heap link a.0 b\n#!heap alloc c --size 20");

        var bundle = Ok("#!heap sizes --by objects").Bundles.Single();

        Assert.Equal(["in bump spaces (reachable, by the class Go would use)"], TraceNames(bundle));
        Assert.Equal(["24 B", "112 B"], Traces(bundle)[0]!["x"]!.AsArray().Select(x => x!.GetValue<string>()));
        Assert.EndsWith("bump spaces have no size classes: their objects are counted by the class Go would give their size, reachable objects only", Plain(bundle));
    }

    [Fact]
    public void Sizes_of_an_empty_heap_and_a_wrong_measure()
    {
        Ok("#!heap new --collector marksweep");

        Assert.Equal("heap1: no objects in the heap\n", Ok("#!heap sizes").Text("stdout"));
        Assert.StartsWith("(1,19): error HN0004: --by cannot be 'object'. Did you mean 'objects'?", Fails("#!heap sizes --by object"));
    }

    // ---- errors ------------------------------------------------------------------------------

    [Fact]
    public void Chart_errors_are_positioned_and_change_nothing()
    {
        Ok("#!heap new --collector go\n#!heap run churn --allocs 20000\n#!heap gc");

        Assert.StartsWith("(1,22): error HN0004: --last must be 1 or more, not 0", Fails("#!heap pauses --last 0"));
        Assert.StartsWith("(1,15): error HN0003: 'pauses' has no option '--lats'. Did you mean '--last'?", Fails("#!heap pauses --lats 3"));
        Assert.StartsWith("(1,17): error HN0005: 'timeline' takes no arguments, so 'now' is one word too many", Fails("#!heap timeline now"));
        Assert.StartsWith("(1,20): error HN0004: there is no C# variable 'real' holding an imported gctrace. Bind one with '#!heap trace --import FILE --as real' (none is bound yet)",
            Fails("#!heap mmu --trace real"));
        Ok("#!heap stats --as s");
        Assert.StartsWith("(1,23): error HN0004: 's' is a MemStats, not an imported gctrace", Fails("#!heap pauses --trace s"));
    }

    // ---- imported traces ---------------------------------------------------------------------

    [Theory]
    [InlineData("golang-go-73581.gctrace", "golang-go-73581.gctrace: 10 cycles (0 forced), Go 1.18+ format, pauses 3.963 ms in all, longest 1.4 ms, 0 lines that are not gctrace")]
    [InlineData("golang-go-18896.gctrace", "golang-go-18896.gctrace: 12 cycles (0 forced), format without stacks and globals (before Go 1.18), pauses 7.072 ms in all, longest 2.43 ms, 0 lines that are not gctrace")]
    [InlineData("golang-go-52515.gctrace", "golang-go-52515.gctrace: 2 cycles (1 forced), Go 1.18+ format, pauses 0.081 ms in all, longest 0.042 ms, 0 lines that are not gctrace")]
    public void The_shipped_real_samples_import_in_both_formats(string file, string summary)
    {
        var bundle = Ok($"#!heap trace --import {SamplePath(file)}").Bundles.Single();

        Assert.StartsWith(summary + "\ngctrace of " + file + "\n", Plain(bundle));
        Assert.StartsWith("<table><caption>gctrace of " + file + "</caption>", Html(bundle));
    }

    [Fact]
    public void An_imported_trace_gets_the_pause_timeline_and_mmu_charts()
    {
        Ok($"#!heap trace --import {SamplePath("golang-go-18896.gctrace")} --as old");
        var before = Snapshot(interpreter.Globals.Heap);

        var pauses = Ok("#!heap pauses --trace old").Bundles.Single();
        var timeline = Ok("#!heap timeline --trace old").Bundles.Single();
        var mmu = Ok("#!heap mmu --trace old").Bundles.Single();

        Assert.StartsWith("old (real gctrace): stop-the-world pauses of 12 cycles\n7.072 ms in all, longest 2.43 ms (gc 4); by phase: sweep termination 3.222 ms, mark termination 3.85 ms", Plain(pauses));
        Assert.Equal("stop-the-world pause (ms, wall-clock time)", Figure(pauses)["layout"]!["yaxis"]!["title"]!["text"]!.GetValue<string>());
        Assert.StartsWith("old (real gctrace): heap over 8667.45 ms of wall-clock time, 12 cycles\npeak 3.6 GiB at gc 12;", Plain(timeline));
        Assert.Equal(["GC cycle running", "heap in use", "live heap (marked)", "heap goal", "trigger reached"], TraceNames(timeline));
        Assert.StartsWith("old (real gctrace): minimum mutator utilisation over 8667.45 ms of wall-clock time, 24 stop-the-world pauses", Plain(mmu));
        Assert.Contains("; 12 concurrent marks whose assists and background workers took ", Plain(mmu));
        Assert.Equal(before, Snapshot(interpreter.Globals.Heap));
    }

    [Fact]
    public void A_trace_parsed_in_csharp_can_be_charted_too()
    {
        Ok($"var mine = HeapNotebook.Heap.Telemetry.GcTraceParser.Parse(System.IO.File.ReadAllText(@\"{SamplePath("golang-go-52515.gctrace")}\"));");

        Assert.StartsWith("mine (real gctrace): stop-the-world pauses of 2 cycles\n", Plain(Ok("#!heap pauses --trace mine").Bundles.Single()));
    }

    // ---- compare -----------------------------------------------------------------------------

    [Fact]
    public void Compare_runs_fresh_heaps_shows_a_table_and_charts_binds_the_result_and_touches_no_heap()
    {
        Ok("#!heap new --collector go --name mine\n#!heap alloc keep --root");
        var heap = interpreter.Globals.Heap;
        var before = Snapshot(heap);

        var outputs = Ok("#!heap compare churn --allocs 60000 --collectors marksweep,generational,semispace --seed 3 --as cmp");

        Assert.Equal(before, Snapshot(heap));
        Assert.Same(heap, interpreter.Globals.Heap);
        Assert.Equal(["display", "update", "update", "update", "display"], outputs.Outputs.Select(output => output.Kind));
        var table = outputs.Outputs[3].Text;
        Assert.StartsWith("churn (allocs=60000, live=5000, long-lived-percent=5, long-lived-slots=20000, min-size=16, max-size=256), seed 3, GOGC 100\nCollector ", table);
        var rows = table.Split('\n').Skip(3).Take(3).Select(row => row.Split(' ')[0]);
        Assert.Equal(["marksweep", "generational", "semispace"], rows);
        Assert.EndsWith("every completed run has the same checksum: the same program, to the same result", table);
        var chart = outputs.Bundles[^1];
        Assert.Equal(4, Traces(chart).Count);
        Assert.Equal(["marksweep", "generational", "semispace"], Traces(chart)[0]!["x"]!.AsArray().Select(x => x!.GetValue<string>()));

        var (error, result) = Run("$\"{cmp.Runs.Count} {cmp.Runs[1].Collector} {cmp.Runs[1].MinorCycles > 0} {cmp.Runs.Select(r => r.Checksum).Distinct().Count()} {cmp.Seed} {cmp.Options[\"allocs\"]}\"");
        Assert.Null(error);
        Assert.Equal([("result", "3 generational True 1 3 60000")], result.Outputs);
    }

    [Fact]
    public void Compare_with_the_same_seed_gives_the_same_figures_and_another_seed_other_ones()
    {
        string Table(int seed) => Ok($"#!heap compare churn --allocs 20000 --collectors go --seed {seed}").Outputs[1].Text;

        var first = Table(5);
        var again = Table(5);
        var otherSeed = Table(6);

        Assert.Equal(first, again);
        Assert.NotEqual(first, otherSeed);
    }

    [Fact]
    public void Compare_reports_a_collector_the_simulator_stops_in_its_row_and_charts_only_the_others()
    {
        var outputs = Ok("#!heap compare churn --allocs 50000 --long-lived-percent 100 --long-lived-slots 50000 --collectors marksweep,semispace --heap-size 2MiB");
        var table = outputs.Outputs.Single(output => output.Text.StartsWith("churn (", StringComparison.Ordinal)).Text;

        Assert.Matches(@"\nmarksweep +\d+ .* fatal error: out of memory allocating \d+ bytes: [^\n]*\n", table);
        Assert.Matches(@"\nsemispace +\d+ .* fatal error: out of memory allocating \d+ bytes: [^\n]*\n", table);
        Assert.EndsWith("\nno run completed, so there are no checksums to compare", table);
        Assert.DoesNotContain(outputs.Bundles, bundle => bundle.Data.ContainsKey(PlotlyMime));
    }

    [Fact]
    public void Compare_gives_a_generational_heap_smaller_than_8MiB_the_nursery_new_would_give_it()
    {
        var table = string.Join("\n", Ok("#!heap compare churn --allocs 20000 --collectors generational,marksweep --heap-size 2MiB").Outputs.Select(output => output.Text));

        Assert.Matches(@"\ngenerational +\d+ ", table);
        Assert.DoesNotContain("nursery", table);
        Assert.DoesNotContain("fatal error", table);
    }

    [Fact]
    public void Compare_explains_collectors_that_ran_no_cycle()
    {
        var table = Ok("#!heap compare binary-trees --depth 6 --collectors refcount,marksweep,go").Outputs[^2].Text;

        Assert.Contains("\nrefcount ran no collection cycle: it frees at every pointer write, and that work is in its virtual time, not in GC CPU\n", table);
        Assert.Contains("\nmarksweep, go ran no collection cycle: the heap never reached its goal (never below 4 MiB × GOGC/100); allocate more to see them collect\n", table);
        Assert.Contains("GOGC is off, so only a full heap would start one", Ok("#!heap compare binary-trees --depth 6 --collectors go --gogc off").Outputs[^2].Text);
    }

    [Fact]
    public void Compare_errors_are_positioned_suggest_the_closest_and_change_nothing()
    {
        Ok("#!heap new --collector go\n#!heap run churn --allocs 5000");

        Assert.StartsWith("(1,8): error HN0005: 'compare' needs a WORKLOAD: one of binary-trees,", Fails("#!heap compare"));
        Assert.StartsWith("(1,16): error HN0004: there is no workload named 'chrun'. Did you mean 'churn'?", Fails("#!heap compare chrun"));
        Assert.StartsWith("(1,35): error HN0004: --collectors cannot include 'generationl'. Did you mean 'generational'?",
            Fails("#!heap compare churn --collectors go,generationl"));
        Assert.StartsWith("(1,35): error HN0004: --collectors names a collector twice: 'go,go'", Fails("#!heap compare churn --collectors go,go"));
        Assert.StartsWith("(1,22): error HN0003: Workload 'churn' has no option 'colectors'.", Fails("#!heap compare churn --colectors go"));
        Assert.Contains("the options of 'compare' are --collectors, --seed, --gogc, --heap-size, --as Did you mean '--collectors'?", Fails("#!heap compare churn --colectors go"));
        Assert.StartsWith("(1,29): error HN0004: --seed must be a whole number of 0 or more, not 'x'", Fails("#!heap compare churn --seed x"));
        Assert.StartsWith("(1,29): error HN0004: --gogc must be a percentage of 0 or more, or off, not '-5'", Fails("#!heap compare churn --gogc -5"));
        Assert.StartsWith("(1,27): error HN0009: 'class' is not a C# variable name", Fails("#!heap compare churn --as class --allocs 10 --collectors go"));
        Assert.StartsWith("(1,22): error HN0005: --seed needs a value", Fails("#!heap compare churn --seed"));
        Assert.StartsWith("(1,31): error HN0004: --seed is given twice", Fails("#!heap compare churn --seed 1 --seed 2"));
        Assert.Contains("HN0004: Option 'allocs' of workload 'churn' must be between 1 and 2000000000, not 0.", Fails("#!heap compare churn --allocs 0"));
    }
}
