using System.Globalization;
using System.Net;
using System.Text;
using HeapNotebook.Heap;
using HeapNotebook.Heap.Memory;
using HeapNotebook.Heap.Telemetry;
using HeapNotebook.Heap.Workloads;
using HeapNotebook.Kernel.Magics.Heap;

namespace HeapNotebook.Kernel.Display;

/// <summary>
/// The tables of the heap's public types, as text and HTML: one renderer each, used by the #!heap verbs
/// and by the formatters, so a C# cell returning Heap.Stats shows what #!heap stats shows.
/// </summary>
internal static class HeapTables
{
    /// <summary>A cycle table shows at most this many rows (the most recent), so a long history stays a small output.</summary>
    public const int MaxCycleRows = 100;

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Ms(long nanoseconds) => (nanoseconds / 1e6).ToString("0.###", CultureInfo.InvariantCulture);

    private static string Ms(double milliseconds) => milliseconds.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>
    /// A heap in one line: "small: go collector, GOGC 50: 13,042 objects, 1.2 MiB allocated (HeapAlloc), 2 MiB in use
    /// (HeapInuse), 7 cycles", and the phase while a cycle is under way. A C# cell that shows Heap gets this, not the object tree.
    /// </summary>
    public static string HeapSummary(SimulatedHeap heap)
    {
        var options = heap.Options;
        var stats = heap.Stats;
        var text = new StringBuilder(heap.Name).Append(": ").Append(heap.Plan.Name).Append(" collector");
        text.Append(", GOGC ").Append(options.Gogc is { } gogc ? gogc.ToString(CultureInfo.InvariantCulture) : "off");
        if (options.Barrier is not null)
        {
            text.Append(", ").Append(options.Barrier).Append(" barrier");
        }
        var objects = stats.HeapObjects;
        text.Append(": ").Append(Count(objects)).Append(objects == 1 ? " object" : " objects");
        text.Append(", ").Append(ByteSize.Format(stats.HeapAlloc)).Append(" allocated (HeapAlloc)");
        text.Append(", ").Append(ByteSize.Format(stats.HeapInuse)).Append(" in use (HeapInuse)");
        text.Append(", ").Append(Count(heap.Cycles.Count)).Append(heap.Cycles.Count == 1 ? " cycle" : " cycles");
        if (heap.Phase is { } phase)
        {
            text.Append(", phase ").Append(phase);
        }
        return text.ToString();
    }

    /// <summary>Workloads and their options: a row for each workload, then one for each of its options with its default and range.</summary>
    public static TextTable Workloads(IEnumerable<WorkloadDefinition> workloads)
    {
        var table = new TextTable("Workload", "Option", "Default", "Range", "Description")
        {
            Caption = "Workloads ('#!heap run WORKLOAD --OPTION N', or WorkloadCatalog.Create in C#)",
        };
        foreach (var workload in workloads)
        {
            table.Add(workload.Name, "", "", "", workload.Description);
            foreach (var option in workload.Options)
            {
                table.Add("", "--" + option.Name, option.Default.ToString(CultureInfo.InvariantCulture),
                    string.Create(CultureInfo.InvariantCulture, $"{option.Min} to {option.Max}"), option.Description);
            }
        }
        return table;
    }

    public static TextTable MemStats(MemStats stats, string caption)
    {
        var table = new TextTable("Field", "Value", "Read as") { Caption = caption };
        void Bytes(string field, long value) => table.Add(field, Count(value), ByteSize.Format(value));
        Bytes("HeapAlloc", stats.HeapAlloc);
        Bytes("HeapInuse", stats.HeapInuse);
        Bytes("HeapIdle", stats.HeapIdle);
        Bytes("HeapReleased", stats.HeapReleased);
        Bytes("HeapSys", stats.HeapSys);
        table.Add("HeapObjects", Count(stats.HeapObjects), "objects");
        Bytes("TotalAlloc", stats.TotalAlloc);
        table.Add("Mallocs", Count(stats.Mallocs), "objects");
        table.Add("Frees", Count(stats.Frees), "objects");
        if (stats.NextGC == long.MaxValue)
        {
            table.Add("NextGC", "off", "GOGC off, no limit");
        }
        else
        {
            Bytes("NextGC", stats.NextGC);
        }
        table.Add("LastGC", Count(stats.LastGC), "virtual ns");
        table.Add("PauseTotalNs", Count(stats.PauseTotalNs), "virtual ns");
        table.Add("NumGC", Count(stats.NumGC), "cycles");
        table.Add("NumForcedGC", Count(stats.NumForcedGC), "cycles");
        table.Add("GCCPUFraction", stats.GCCPUFraction.ToString("0.000000", CultureInfo.InvariantCulture), "of procs x time");
        Bytes("Fragmentation", stats.Fragmentation);
        return table;
    }

    /// <summary>A row for Go's GC CPU limiter, once it has turned on (it stays silent on heaps whose collector never took more than half the CPU for long).</summary>
    public static void AddCpuLimiter(TextTable table, CpuLimiterReport limiter)
    {
        if (limiter.TimesTurnedOn == 0)
        {
            return;
        }

        table.Add("GC CPU limiter", (limiter.On ? "on now" : "off now") + ", turned on " + Charts.ChartStyle.Times(limiter.TimesTurnedOn),
            string.Create(CultureInfo.InvariantCulture, $"not a MemStats field: GC time over its bucket {limiter.OverflowNs / 1e6:0.###} ms (assists skipped on go; cycles held on stop-the-world plans)"));
    }

    /// <summary>The cycles as a table (the last <see cref="MaxCycleRows"/>); its plain text is the gctrace lines of those cycles.</summary>
    public static (string Plain, string Html) Cycles(IReadOnlyList<GcCycle> cycles)
    {
        if (cycles.Count == 0)
        {
            return ("no collections yet", "<p>no collections yet</p>");
        }
        var shown = cycles.Skip(Math.Max(0, cycles.Count - MaxCycleRows)).ToArray();
        var caption = shown.Length == cycles.Count
            ? $"{Count(cycles.Count)} GC cycle{(cycles.Count == 1 ? "" : "s")}"
            : $"the last {Count(shown.Length)} of {Count(cycles.Count)} GC cycles";
        var table = new TextTable("gc", "Kind", "Trigger", "Start ms", "Pause ms", "GC CPU ms", "Heap start", "Mark end", "Marked", "Goal", "Freed objects")
        {
            Caption = caption + $"; {CycleColumnsNote}",
        };
        foreach (var cycle in shown)
        {
            table.Add(Count(cycle.Number), cycle.Kind.ToString().ToLowerInvariant(), Trigger(cycle.Trigger), Ms(cycle.StartNs), Ms(cycle.PauseNs), Ms(cycle.CpuNs),
                ByteSize.Format(cycle.HeapStartBytes), ByteSize.Format(cycle.HeapMarkEndBytes), ByteSize.Format(cycle.HeapMarkedBytes),
                cycle.HeapGoalBytes == long.MaxValue ? "off" : ByteSize.Format(cycle.HeapGoalBytes), Count(cycle.ObjectsFreed));
        }
        var plain = (shown.Length == cycles.Count ? "" : caption + ":\n") + string.Join('\n', shown.Select(cycle => GcTrace.Format(cycle)));
        return (plain, table.Html());
    }

    /// <summary>What the pause and CPU columns of the cycles and compare tables add up.</summary>
    private const string CycleColumnsNote = "pause: a cycle's stop-the-world phases together (Go's PauseNs); GC CPU: all of a cycle's collector work, a lazy sweep's included (gctrace and GCCPUFraction leave sweeping out)";

    private static string Trigger(GcTrigger trigger) => trigger switch
    {
        GcTrigger.HeapGoal => "heap",
        GcTrigger.Forced => "forced",
        GcTrigger.Stepped => "stepped",
        _ => "alloc failed",
    };

    public static TextTable Fragmentation(FragmentationReport report)
    {
        var table = new TextTable("Measure", "Value", "") { Caption = "Fragmentation" };
        table.Add("Free slots in spans in use", Count(report.FreeSlotBytes), ByteSize.Format(report.FreeSlotBytes) + " (internal)");
        table.Add("Free pages", Count(report.FreePageBytes), ByteSize.Format(report.FreePageBytes));
        table.Add("Largest free run", Count(report.LargestFreeRunBytes), ByteSize.Format(report.LargestFreeRunBytes));
        table.Add("External fragmentation", report.ExternalFragmentation.ToString("0.000", CultureInfo.InvariantCulture), "1 - largest run / free pages");
        foreach (var (pages, runs) in report.FreeRunHistogram.OrderBy(pair => pair.Key))
        {
            table.Add(string.Create(CultureInfo.InvariantCulture, $"Free runs of {pages} page{(pages == 1 ? "" : "s")}"), Count(runs), "runs");
        }
        return table;
    }

    /// <summary>A real program's gctrace summed up the way MemStats sums up a heap.</summary>
    public static TextTable ImportedTrace(ImportedGcTrace trace, string caption)
    {
        var table = new TextTable("Field", "Value", "Read as") { Caption = caption };
        table.Add("NumGC", Count(trace.Cycles.Count), "cycles");
        table.Add("NumForcedGC", Count(trace.ForcedCycles), "cycles");
        if (trace.Cycles.Count > 0)
        {
            var last = trace.Cycles[^1];
            var longest = trace.Cycles.MaxBy(cycle => cycle.PauseMs)!;
            var peak = trace.Cycles.MaxBy(cycle => Math.Max(cycle.HeapStartMB, cycle.HeapMarkEndMB))!;
            table.Add("PauseTotal", Ms(trace.PauseTotalMs), "ms (sweep + mark termination)");
            table.Add("Longest pause", Ms(longest.PauseMs), string.Create(CultureInfo.InvariantCulture, $"ms (gc {longest.Number})"));
            table.Add("Mark time", Ms(trace.Cycles.Sum(cycle => cycle.MarkMs)), "ms, concurrent");
            table.Add("LastGC", last.StartSeconds.ToString("0.000", CultureInfo.InvariantCulture), string.Create(CultureInfo.InvariantCulture, $"s after start (gc {last.Number})"));
            table.Add("GC CPU", Count(last.CpuPercent), "% since start, at the last cycle");
            table.Add("Live heap", Count(last.HeapMarkedMB), "MB marked by the last cycle");
            table.Add("Heap goal", Count(last.GoalMB), "MB, the last cycle's");
            table.Add("Peak heap", Count(Math.Max(peak.HeapStartMB, peak.HeapMarkEndMB)), string.Create(CultureInfo.InvariantCulture, $"MB (gc {peak.Number})"));
            table.Add("Procs", Count(last.Procs), "P");
        }
        table.Add("Format", trace.HasStacksAndGlobals ? "Go 1.18+" : "older", trace.HasStacksAndGlobals ? "with stacks and globals" : "without stacks and globals");
        table.Add("Other lines", Count(trace.Unparsed.Count), "not gctrace");
        return table;
    }

    /// <summary>The compare table, and a note on the checksums (equal when every collector ran the same program) and on an interrupt.</summary>
    public static (string Plain, string Html) Comparison(CollectorComparison comparison, int asked)
    {
        var table = new TextTable("Collector", "Cycles", "GC CPU ms", "Pauses ms", "Longest pause ms", "Peak heap", "HeapSys", "Virtual time ms", "Checksum", "Result")
        {
            Caption = comparison.Describe(),
        };
        foreach (var run in comparison.Runs)
        {
            var cycles = run.MinorCycles > 0 ? $"{Count(run.Cycles)} ({Count(run.MinorCycles)} minor)" : Count(run.Cycles);
            table.Add(run.Collector, cycles, Ms(run.GcCpuNs), Ms(run.PauseTotalNs), Ms(run.LongestPauseNs), ByteSize.Format(run.PeakHeapBytes), ByteSize.Format(run.HeapSysBytes),
                Ms(run.VirtualTimeNs), run.Checksum.ToString(CultureInfo.InvariantCulture), run.Error ?? (run.Completed ? "ok" : "interrupted"));
        }
        var notes = new List<string>();
        if (!comparison.Completed)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"interrupted: {comparison.Runs.Count} of {asked} collectors ran"));
        }
        var idle = comparison.Runs.Where(run => run.Error is null && run.Cycles == 0).Select(run => run.Collector).ToArray();
        if (idle.Contains("refcount"))
        {
            notes.Add("refcount ran no collection cycle: it frees at every pointer write, and that work is in its virtual time, not in GC CPU");
        }
        if (idle.Where(collector => collector != "refcount").ToArray() is { Length: > 0 } quiet)
        {
            notes.Add($"{string.Join(", ", quiet)} ran no collection cycle: "
                + (comparison.Gogc is null ? "GOGC is off, so only a full heap would start one" : "the heap never reached its goal (never below 4 MiB × GOGC/100); allocate more to see them collect"));
        }
        notes.Add(CycleColumnsNote);
        var checksums = comparison.Runs.Where(run => run.Completed && run.Error is null).Select(run => run.Checksum).Distinct().Count();
        notes.Add(checksums switch
        {
            0 => "no run completed, so there are no checksums to compare",
            1 => "every completed run has the same checksum: the same program, to the same result",
            _ => "the checksums differ: the collectors did not run the same program to the same result (a simulator bug; please report it)",
        });
        var footer = string.Join('\n', notes);
        return (table.Plain() + footer, table.Html() + "<p>" + WebUtility.HtmlEncode(footer).Replace("\n", "<br>", StringComparison.Ordinal) + "</p>");
    }
}
