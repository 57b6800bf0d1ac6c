using System.CommandLine;
using System.Globalization;
using HeapNotebook.Heap;
using HeapNotebook.Heap.Collectors;
using HeapNotebook.Heap.Errors;
using HeapNotebook.Heap.Telemetry;
using HeapNotebook.Kernel.Display;
using HeapNotebook.Kernel.Display.Charts;

namespace HeapNotebook.Kernel.Magics.Heap;

/// <summary>The charts of issue 6: #!heap pauses, timeline, mmu, sizes and compare, drawn with Plotly.NET.</summary>
internal static partial class HeapVerbs
{
    private static readonly string[] SizeMeasures = ["bytes", "objects"];

    private const string TraceNotes =
        "With --trace NAME it charts a real Go program's gctrace instead: read it with '#!heap trace --import FILE --as NAME' (or a C# variable NAME = GcTraceParser.Parse(text)).";

    /// <summary>Shows a chart: the first of the session brings plotly.js with it, so every later chart draws offline too.</summary>
    private static void ShowChart(HeapCommandContext context, ChartView view)
    {
        var (id, first) = context.Session.NextChart();
        context.Invocation.Outputs.PublishDisplay(view.Bundle(id, includeLibrary: first), null, isUpdate: false);
    }

    private static Option<string?> TraceOption(HeapVerb verb) =>
        verb.Add(new Option<string?>("--trace") { HelpName = "NAME", Description = "Chart the real gctrace bound to the C# variable NAME (from '#!heap trace --import FILE --as NAME') instead of the current heap." });

    /// <summary>The cycles to chart: the current heap's, or those of an imported gctrace held in a C# variable.</summary>
    private static GcHistory History(HeapCommandContext context, string? traceName)
    {
        if (traceName is null)
        {
            var entry = context.Current;
            return GcHistory.Of(entry.Name, entry.Heap);
        }
        var variables = context.Invocation.Session.Variables;
        var traces = variables.Where(variable => variable.Value is ImportedGcTrace).Select(variable => variable.Name).ToArray();
        var found = variables.FirstOrDefault(variable => string.Equals(variable.Name, traceName, StringComparison.Ordinal));
        if (found?.Value is ImportedGcTrace trace)
        {
            return GcHistory.Of(traceName, trace);
        }
        var known = traces.Length == 0 ? "none is bound yet" : "imported traces: " + string.Join(", ", traces);
        throw context.Error(HeapErrorCode.InvalidValue,
            found is null
                ? $"there is no C# variable '{traceName}' holding an imported gctrace.{Suggestions.DidYouMean(traceName, traces)} Bind one with '#!heap trace --import FILE --as {traceName}' ({known})"
                : $"'{traceName}' is a {found.Type.Name}, not an imported gctrace; bind one with '#!heap trace --import FILE --as NAME' ({known})",
            context.ValueOf("--trace"));
    }

    private static string NoCycles(GcHistory history) => history.Imported
        ? $"{history.Title}: the trace has no cycles"
        : $"{history.Title}: no collections yet; run a workload ('#!heap run churn') or force one ('#!heap gc') first";

    private static HeapVerb Pauses()
    {
        Option<int?> last = null!;
        Option<string?> trace = null!;
        var verb = new HeapVerb("pauses", "Chart the stop-the-world pauses: one bar per cycle, its phases stacked, minor cycles hatched.", "",
            "#!heap pauses --last 50",
            (context, parse) =>
            {
                var count = parse.GetValue(last);
                if (count is < 1)
                {
                    throw context.Error(HeapErrorCode.InvalidValue, Invariant($"--last must be 1 or more, not {count}"), context.ValueOf("--last"));
                }
                var history = History(context, parse.GetValue(trace));
                if (GcCharts.Pauses(history, count) is { } view)
                {
                    ShowChart(context, view);
                }
                else
                {
                    context.Print(NoCycles(history));
                }
            })
        {
            Notes = Invariant($"Times are virtual (the simulator's cost model). Without --last the chart shows the last {GcCharts.DefaultMaxBars} cycles.\n") + TraceNotes,
        };
        last = verb.Add(new Option<int?>("--last") { HelpName = "N", Description = Invariant($"Only the last N cycles (default: all, up to {GcCharts.DefaultMaxBars}).") });
        trace = TraceOption(verb);
        return verb;
    }

    private static HeapVerb Timeline()
    {
        Option<string?> trace = null!;
        var verb = new HeapVerb("timeline", "Chart the heap over virtual time: in use, live after marking, the goal, trigger points, and each cycle shaded.", "",
            "#!heap timeline",
            (context, parse) =>
            {
                var history = History(context, parse.GetValue(trace));
                if (GcCharts.Timeline(history) is { } view)
                {
                    ShowChart(context, view);
                }
                else
                {
                    context.Print(NoCycles(history));
                }
            })
        {
            Notes = Invariant($"Above {GcCharts.MaxTimelineCycles} cycles the heap is drawn per bucket of cycles (its lowest and highest points).\n") + TraceNotes,
        };
        trace = TraceOption(verb);
        return verb;
    }

    private static HeapVerb Mmu()
    {
        Option<string?> trace = null!;
        var verb = new HeapVerb("mmu", "Chart the minimum mutator utilisation: for each window length, the least of it the program had (log axis).", "",
            "#!heap mmu",
            (context, parse) =>
            {
                var history = History(context, parse.GetValue(trace));
                if (GcCharts.Mmu(history) is { } view)
                {
                    ShowChart(context, view);
                }
                else
                {
                    context.Print(history.Cycles.Count == 0
                        ? NoCycles(history)
                        : $"{history.Title}: the collector took no time from the program over {ChartStyle.Ms(history.NowNs)}; the mutator had all of every window");
                }
            })
        {
            Notes = "MMU(w) is the smallest share of any window of length w that the program had (Cheng and Blelloch). A stop-the-world phase takes all of it; a concurrent mark takes the share of the procs its assists and background workers used (as Go's trace tool counts them; idle-priority workers only use procs the program leaves idle).\n" + TraceNotes,
        };
        trace = TraceOption(verb);
        return verb;
    }

    private static HeapVerb Sizes()
    {
        Option<string?> by = null!;
        var verb = new HeapVerb("sizes", "Chart the current heap's objects by Go size class (large objects as one bar).", "",
            "#!heap sizes --by objects",
            (context, parse) =>
            {
                var measure = parse.GetValue(by) ?? "bytes";
                Choose(context, "--by", measure, SizeMeasures);
                var entry = context.Current;
                var rows = SizeClassChart.Rows(entry.Heap, NamedLive(entry).Keys);
                if (SizeClassChart.Render($"{entry.Name} ({entry.Heap.Plan.Name})", rows, byObjects: measure == "objects") is { } view)
                {
                    ShowChart(context, view);
                }
                else
                {
                    context.Print($"{entry.Name}: no objects in the heap");
                }
            })
        {
            Notes = "Size-class and large-object spans are counted exactly (unswept garbage included, as HeapAlloc counts it); objects in bump spaces\n"
                + "(nursery, semispaces, compacting space) have no class and are counted by the class Go would give their size, reachable ones only.",
        };
        by = verb.Add(new Option<string?>("--by") { HelpName = string.Join('|', SizeMeasures), Description = "What the bars measure (default bytes)." });
        return verb;
    }

    // ---- compare -----------------------------------------------------------------------------

    private static readonly string[] CompareOptions = ["--collectors", "--seed", "--gogc", "--heap-size", "--as"];

    private static HeapVerb Compare()
    {
        var verb = new HeapVerb("compare", "Run one seeded workload on a fresh heap of each collector and compare them: a table and charts.", "WORKLOAD [--OPTION N ...]",
            "#!heap compare churn --allocs 300000 --collectors marksweep,go,generational --seed 7 --as cmp",
            CompareHandler)
        {
            ParsesItsOwnWords = true,
            Notes = "The session's heaps are not touched: each collector gets a new heap with the default options, --seed, --gogc and --heap-size.\n"
                + "Workload options are those of '#!heap run' (see '#!heap run -h'). Times are virtual.",
        };
        verb.Add(new Option<string?>("--collectors") { HelpName = "LIST", Description = $"Comma-separated collectors, in the order to show them (default all: {string.Join(",", CollectorRegistry.Names)})." });
        verb.Add(new Option<string?>("--seed") { HelpName = "N", Description = "The seed of every heap (default 1)." });
        verb.Add(new Option<string?>("--gogc") { HelpName = "N|off", Description = "GOGC of every heap (default 100)." });
        verb.Add(new Option<string?>("--heap-size") { HelpName = "SIZE", Description = "The most memory each heap may obtain (default 16GiB)." });
        AsOption(verb, "the CollectorComparison");
        return verb;
    }

    private static void CompareHandler(HeapCommandContext context, ParseResult unused)
    {
        if (ParseWorkloadWords(context, CompareOptions) is not { } words)
        {
            return;
        }
        string? Value(string option) => words.VerbOptions.TryGetValue(option, out var token) ? token.Text : null;
        var collectors = Value("--collectors") is { } list ? CollectorList(context, list) : CollectorRegistry.Names;
        var seed = 1UL;
        if (Value("--seed") is { } seedText && !ulong.TryParse(seedText, NumberStyles.None, CultureInfo.InvariantCulture, out seed))
        {
            throw context.Error(HeapErrorCode.InvalidValue, $"--seed must be a whole number of 0 or more, not '{seedText}'", context.ValueOf("--seed"));
        }
        int? gogc = 100;
        if (Value("--gogc") is { } gogcText)
        {
            gogc = string.Equals(gogcText, "off", StringComparison.OrdinalIgnoreCase) ? null
                : int.TryParse(gogcText, NumberStyles.None, CultureInfo.InvariantCulture, out var percent) ? percent
                : throw context.Error(HeapErrorCode.InvalidValue, $"--gogc must be a percentage of 0 or more, or off, not '{gogcText}'", context.ValueOf("--gogc"));
        }
        var baseOptions = new HeapOptions { Seed = seed, Gogc = gogc };
        if (Value("--heap-size") is { } sizeText)
        {
            baseOptions = baseOptions with { HeapSizeLimitBytes = Size(context, "--heap-size", sizeText) };
        }
        var variable = VariableName(context, Value("--as"));

        var definition = words.Definition;
        var settings = RunSettings(definition, words.Values, words.Workload);
        var label = $"compare {definition.Name}";
        var displayId = context.Session.NextDisplayId("compare");
        context.Show(Invariant($"{label}: {collectors[0]} (1 of {collectors.Count})"), displayId: displayId);
        var runs = new List<CollectorRun>();
        var completed = true;
        foreach (var collector in collectors)
        {
            if (runs.Count > 0)
            {
                context.Show(Invariant($"{label}: {collector} ({runs.Count + 1} of {collectors.Count})"), displayId: displayId, isUpdate: true);
            }
            var run = RunOne(context, WithNurseryThatFits(baseOptions with { Collector = collector, Name = collector }), definition.Name, words.Values);
            runs.Add(run);
            if (context.Invocation.Interrupt.IsCancellationRequested)
            {
                completed = false;
                break;
            }
        }
        var comparison = new CollectorComparison
        {
            Workload = definition.Name,
            Options = settings,
            Seed = seed,
            Gogc = gogc,
            Runs = runs,
            Completed = completed,
        };
        if (variable is not null)
        {
            Bind(context, variable, typeof(CollectorComparison), comparison);
        }
        var (plain, html) = HeapTables.Comparison(comparison, collectors.Count);
        context.Show(plain, html, displayId, isUpdate: true);
        if (ComparisonChart.Render(comparison) is { } chart)
        {
            ShowChart(context, chart);
        }
    }

    private static IReadOnlyList<string> CollectorList(HeapCommandContext context, string list)
    {
        var names = list.Split(',', StringSplitOptions.TrimEntries);
        foreach (var name in names)
        {
            if (!CollectorRegistry.Names.Contains(name, StringComparer.Ordinal))
            {
                throw context.Error(HeapErrorCode.InvalidValue,
                    $"--collectors cannot include '{name}'.{Suggestions.DidYouMean(name, CollectorRegistry.Names)} Choose from: {string.Join(", ", CollectorRegistry.Names)}.", context.ValueOf("--collectors"));
            }
        }
        if (names.Distinct(StringComparer.Ordinal).Count() < names.Length)
        {
            throw context.Error(HeapErrorCode.InvalidValue, $"--collectors names a collector twice: '{list}'", context.ValueOf("--collectors"));
        }
        return names;
    }

    /// <summary>The workload on a fresh heap of one collector; the simulator's refusal (out of memory, say) becomes the run's error, not the command's.</summary>
    private static CollectorRun RunOne(HeapCommandContext context, HeapOptions options, string workloadName, IReadOnlyDictionary<string, string> values)
    {
        SimulatedHeap heap;
        try
        {
            heap = new SimulatedHeap(options);
        }
        catch (HeapException exception)
        {
            throw context.Error(HeapErrorCode.Simulator, $"{options.Collector}: {exception.Message}");
        }
        string? error = null;
        WorkloadResultFigures result = new(0, 0, false);
        // Sampled at every 1 % of the run too: a plan that runs no cycles (reference counting) has no other high-water mark.
        long sampledPeak = 0;
        var sample = new ProgressCallback(_ => sampledPeak = Math.Max(sampledPeak, heap.Stats.HeapAlloc));
        try
        {
            var finished = heap.Run(HeapNotebook.Heap.Workloads.WorkloadCatalog.Create(workloadName, values), context.Invocation.Interrupt, sample);
            result = new(finished.Allocations, finished.Checksum, finished.Completed);
        }
        catch (HeapException exception)
        {
            error = exception.Message;
        }
        var stats = heap.Stats;
        var cycles = heap.Cycles.ToArray();
        var peak = cycles.Select(cycle => Math.Max(cycle.HeapStartBytes, cycle.HeapMarkEndBytes)).Append(stats.HeapAlloc).Append(sampledPeak).Max();
        return new CollectorRun
        {
            Collector = options.Collector,
            Completed = result.Completed && error is null,
            Error = error,
            Cycles = cycles.Length,
            MinorCycles = cycles.Count(cycle => cycle.Kind == GcKind.Minor),
            GcCpuNs = cycles.Sum(cycle => cycle.CpuNs),
            GcCpuFraction = stats.GCCPUFraction,
            PauseTotalNs = stats.PauseTotalNs,
            LongestPauseNs = cycles.Length == 0 ? 0 : cycles.Max(cycle => cycle.PauseNs),
            PeakHeapBytes = peak,
            HeapSysBytes = stats.HeapSys,
            VirtualTimeNs = heap.Clock.Nanoseconds,
            Allocations = result.Allocations,
            Checksum = result.Checksum,
            Stats = stats,
            CycleRecords = cycles,
        };
    }

    private readonly record struct WorkloadResultFigures(long Allocations, long Checksum, bool Completed);
}
