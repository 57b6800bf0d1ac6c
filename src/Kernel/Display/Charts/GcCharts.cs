using System.Globalization;
using System.Text;
using HeapNotebook.Heap.Telemetry;
using Plotly.NET;
using Plotly.NET.CSharp;
using Chart = Plotly.NET.CSharp.Chart;

namespace HeapNotebook.Kernel.Display.Charts;

/// <summary>The charts of a heap's (or a real program's) collection history: pauses, timeline and MMU.</summary>
internal static class GcCharts
{
    /// <summary>Pause charts draw at most this many cycles unless asked for more: one bar each stays readable.</summary>
    public const int DefaultMaxBars = 200;

    /// <summary>Above this many cycles the timeline draws buckets of cycles (their lowest and highest heap) instead.</summary>
    public const int MaxTimelineCycles = 150;

    public const long SmallestMmuWindowNs = 1_000;

    private const int MmuPoints = 40;

    private static readonly GcKind[] KindOrder = [GcKind.Full, GcKind.Major, GcKind.Minor];

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    // ---- pauses ------------------------------------------------------------------------------

    /// <summary>One bar per cycle, its stop-the-world phases stacked; minor cycles hatched. Null when there are no cycles.</summary>
    public static ChartView? Pauses(GcHistory history, int? last)
    {
        if (history.Cycles.Count == 0)
        {
            return null;
        }
        var count = Math.Min(history.Cycles.Count, last ?? DefaultMaxBars);
        var shown = history.Cycles.Skip(history.Cycles.Count - count).ToArray();
        var longest = shown.MaxBy(cycle => cycle.PauseNs)!;
        var (unit, divisor) = ChartStyle.PauseUnit(longest.PauseNs);
        var traces = new List<GenericChart>();
        foreach (var kind in KindOrder)
        {
            foreach (var phase in Enum.GetValues<GcPhase>())
            {
                var bars = shown.Where(cycle => cycle.Kind == kind)
                    .Select(cycle => (cycle.Number, Ns: cycle.Pauses.Where(pause => pause.Phase == phase).Sum(pause => pause.DurationNs)))
                    .Where(bar => bar.Ns > 0).ToArray();
                if (bars.Length == 0)
                {
                    continue;
                }
                var name = kind == GcKind.Full ? ChartStyle.PhaseName(phase) : $"{ChartStyle.PhaseName(phase)} · {ChartStyle.KindName(kind)}";
                traces.Add(kind == GcKind.Minor
                    ? Chart.StackedColumn<double, string, string>(
                        values: bars.Select(bar => ChartStyle.Round(bar.Ns / divisor)), Keys: bars.Select(bar => Number(bar.Number)).ToArray(), Name: name,
                        MarkerColor: ChartStyle.PhaseColor(phase), MarkerPatternShape: StyleParam.PatternShape.DiagonalAscending, UseDefaults: false)
                    : Chart.StackedColumn<double, string, string>(
                        values: bars.Select(bar => ChartStyle.Round(bar.Ns / divisor)), Keys: bars.Select(bar => Number(bar.Number)).ToArray(), Name: name,
                        MarkerColor: ChartStyle.PhaseColor(phase), UseDefaults: false));
            }
        }
        if (traces.Count == 0)
        {
            traces.Add(Chart.StackedColumn<double, string, string>(values: shown.Select(_ => 0.0), Keys: shown.Select(cycle => Number(cycle.Number)).ToArray(), Name: "no pause", UseDefaults: false));
        }

        var chart = Chart.Combine(traces)
            .WithSize(ChartStyle.Width, ChartStyle.Height)
            .WithXAxisStyle<string, string, string>(TitleText: "cycle (gc N)", CategoryOrder: StyleParam.CategoryOrder.Array, CategoryArray: shown.Select(cycle => Number(cycle.Number)).ToArray())
            .WithYAxisStyle<double, double, string>(TitleText: $"stop-the-world pause ({unit}, {history.TimeKind} time)");
        chart = Plotly.NET.Chart.withTitle($"{history.Title}: stop-the-world pauses per cycle", null).Invoke(chart);

        var plain = new StringBuilder();
        var kinds = shown.GroupBy(cycle => cycle.Kind).OrderBy(group => Array.IndexOf(KindOrder, group.Key)).ToArray();
        plain.Append(Invariant($"{history.Title}: stop-the-world pauses of {Count(shown.Length)} cycle{(shown.Length == 1 ? "" : "s")}"));
        if (kinds.Length > 1 || kinds[0].Key != GcKind.Full)
        {
            plain.Append(" (").Append(string.Join(", ", kinds.Select(group => $"{Count(group.Count())} {ChartStyle.KindName(group.Key)}"))).Append(')');
        }
        if (shown.Length < history.Cycles.Count)
        {
            plain.Append(Invariant($", the last {Count(shown.Length)} of {Count(history.Cycles.Count)} (--last N shows more)"));
        }
        plain.Append('\n');
        plain.Append(Invariant($"{ChartStyle.Ms(shown.Sum(cycle => cycle.PauseNs))} in all, longest {ChartStyle.Ms(longest.PauseNs)} (gc {longest.Number}{(longest.Kind == GcKind.Full ? "" : ", " + ChartStyle.KindName(longest.Kind))})"));
        var phases = Enum.GetValues<GcPhase>()
            .Select(phase => (phase, Ns: shown.Sum(cycle => cycle.Pauses.Where(pause => pause.Phase == phase).Sum(pause => pause.DurationNs))))
            .Where(total => total.Ns > 0).ToArray();
        if (phases.Length > 0)
        {
            plain.Append("; by phase: ").Append(string.Join(", ", phases.Select(total => $"{ChartStyle.PhaseName(total.phase)} {ChartStyle.Ms(total.Ns)}")));
        }
        return new ChartView(plain.ToString(), chart);
    }

    // ---- timeline ----------------------------------------------------------------------------

    /// <summary>The heap over time: in use, live after marking, the goal, each cycle's trigger point, and the cycles shaded.</summary>
    public static ChartView? Timeline(GcHistory history)
    {
        var cycles = history.Cycles;
        if (cycles.Count == 0)
        {
            return null;
        }
        var largest = cycles.Max(cycle => Math.Max(Math.Max(cycle.HeapStartBytes, cycle.HeapMarkEndBytes), Math.Max(cycle.GoalBytes ?? 0, cycle.NextGoalBytes ?? 0)));
        largest = Math.Max(largest, Math.Max(history.HeapNowBytes ?? 0, history.GoalNowBytes ?? 0));
        var (unit, divisor) = ChartStyle.ByteUnit(largest);
        double Y(long bytes) => ChartStyle.Round(bytes / divisor);
        double X(long ns) => ChartStyle.Milliseconds(ns);
        var endNs = Math.Max(history.NowNs, cycles[^1].EndNs);
        var detailed = cycles.Count <= MaxTimelineCycles;

        var heapX = new List<double> { 0 };
        var heapY = new List<double> { 0 };
        var liveX = new List<double>();
        var liveY = new List<double>();
        var goalX = new List<double>();
        var goalY = new List<double>();
        void Heap(long ns, long bytes)
        {
            heapX.Add(X(ns));
            heapY.Add(Y(bytes));
        }
        void Step(List<double> xs, List<double> ys, long fromNs, long toNs, long bytes)
        {
            xs.Add(X(fromNs));
            ys.Add(Y(bytes));
            xs.Add(X(toNs));
            ys.Add(Y(bytes));
        }

        if (detailed)
        {
            for (var index = 0; index < cycles.Count; index++)
            {
                var cycle = cycles[index];
                Heap(cycle.StartNs, cycle.HeapStartBytes);
                Heap(cycle.MarkEndNs, cycle.HeapMarkEndBytes);
                if (cycle.HeapAfterBytes is { } after && cycle.EndNs > cycle.MarkEndNs)
                {
                    Heap(cycle.EndNs, after);
                }
                var nextEnd = index + 1 < cycles.Count ? cycles[index + 1].MarkEndNs : endNs;
                Step(liveX, liveY, cycle.MarkEndNs, nextEnd, cycle.HeapMarkedBytes);
                var goalFrom = index == 0 ? 0 : cycles[index - 1].EndNs;
                if (cycle.GoalBytes is { } goal)
                {
                    Step(goalX, goalY, goalFrom, cycle.EndNs, goal);
                }
            }
        }
        else
        {
            // Buckets of consecutive cycles: the heap's lowest and highest points in each, in time order.
            var size = (cycles.Count + MaxTimelineCycles - 1) / MaxTimelineCycles;
            for (var first = 0; first < cycles.Count; first += size)
            {
                var bucket = cycles.Skip(first).Take(size).ToArray();
                var points = bucket.SelectMany(cycle => new[] { (cycle.StartNs, cycle.HeapStartBytes), (cycle.MarkEndNs, cycle.HeapMarkEndBytes) }
                    .Concat(cycle.HeapAfterBytes is { } after ? [(cycle.EndNs, after)] : [])).ToArray();
                var low = points.MinBy(point => point.Item2);
                var high = points.MaxBy(point => point.Item2);
                foreach (var (ns, bytes) in new[] { low, high }.Distinct().OrderBy(point => point.Item1))
                {
                    Heap(ns, bytes);
                }
                var nextEnd = first + size < cycles.Count ? cycles[first + size].MarkEndNs : endNs;
                Step(liveX, liveY, bucket[0].MarkEndNs, nextEnd, bucket.Max(cycle => cycle.HeapMarkedBytes));
                if (bucket.Where(cycle => cycle.GoalBytes is not null).Select(cycle => cycle.GoalBytes!.Value).DefaultIfEmpty(-1).Max() is var goal and >= 0)
                {
                    Step(goalX, goalY, first == 0 ? 0 : cycles[first - 1].EndNs, bucket[^1].EndNs, goal);
                }
            }
        }
        if (history.HeapNowBytes is { } heapNow && endNs > cycles[^1].EndNs)
        {
            Heap(endNs, heapNow);
        }
        var lastGoal = history.GoalNowBytes ?? cycles[^1].NextGoalBytes;
        if (lastGoal is { } nextGoal && endNs > cycles[^1].EndNs)
        {
            Step(goalX, goalY, cycles[^1].EndNs, endNs, nextGoal);
        }

        var traces = new List<GenericChart>();
        if (detailed)
        {
            // The cycles as shaded spans: a filled outline that rises to the top of the chart while a cycle runs.
            var top = ChartStyle.Round(largest / divisor * 1.05);
            var bandX = cycles.SelectMany(cycle => new[] { X(cycle.StartNs), X(cycle.StartNs), X(cycle.EndNs), X(cycle.EndNs) });
            var bandY = cycles.SelectMany(_ => new[] { 0, top, top, 0 });
            traces.Add(Chart.Line<double, double, string>(bandX, bandY, Name: "GC cycle running", Fill: StyleParam.Fill.ToZero_y,
                FillColor: Color.fromString("rgba(186,176,172,0.3)"), LineWidth: 0, LineColor: Color.fromString("rgba(186,176,172,0.3)"), UseDefaults: false));
            // A lazy sweep (go) runs on after its cycle, beside the program, until its last span is swept.
            var swept = cycles.Where(cycle => cycle.SweepEndNs > cycle.EndNs).ToArray();
            if (swept.Length > 0)
            {
                var sweepX = swept.SelectMany(cycle => new[] { X(cycle.EndNs), X(cycle.EndNs), X(cycle.SweepEndNs!.Value), X(cycle.SweepEndNs!.Value) });
                var sweepY = swept.SelectMany(_ => new[] { 0, top, top, 0 });
                traces.Add(Chart.Line<double, double, string>(sweepX, sweepY, Name: "lazy sweep", Fill: StyleParam.Fill.ToZero_y,
                    FillColor: Color.fromString("rgba(118,183,178,0.15)"), LineWidth: 0, LineColor: Color.fromString("rgba(118,183,178,0.15)"), UseDefaults: false));
            }
        }
        // Strips above the heap: where the GC CPU limiter was on (go skips assists), and where a triggered
        // stop-the-world cycle waited for room in its bucket.
        void Strip(IReadOnlyList<(long StartNs, long EndNs)> spans, double from, double to, string name, string color)
        {
            if (spans.Count == 0)
            {
                return;
            }
            var low = ChartStyle.Round(largest / divisor * from);
            var high = ChartStyle.Round(largest / divisor * to);
            traces.Add(Chart.Line<double, double, string>(
                spans.SelectMany(span => new[] { X(span.StartNs), X(span.StartNs), X(span.EndNs), X(span.EndNs) }),
                spans.SelectMany(_ => new[] { low, high, high, low }),
                Name: name, Fill: StyleParam.Fill.ToSelf, FillColor: Color.fromString(color), LineWidth: 0, LineColor: Color.fromString(color), UseDefaults: false));
        }
        Strip(history.LimiterSpells, 1.07, 1.12, "GC CPU limiter on", "rgba(225,87,89,0.6)");
        if (history.LimiterSpells.Count > 0)
        {
            // A spell can last microseconds (a stop-the-world plan's next allocation drains the bucket): mark where each began.
            traces.Add(Chart.Point<double, double, string>(history.LimiterSpells.Select(spell => X(spell.StartNs)),
                history.LimiterSpells.Select(_ => ChartStyle.Round(largest / divisor * 1.095)), Name: "GC CPU limiter turned on",
                MarkerColor: Color.fromString("#e15759"), MarkerSymbol: StyleParam.MarkerSymbol.TriangleDown, UseDefaults: false));
        }
        Strip(history.LimiterWaits, 1.12, 1.17, "cycle waiting for the limiter", "rgba(242,142,43,0.6)");
        traces.Add(Chart.Line<double, double, string>(heapX, heapY, Name: "heap in use", LineColor: Color.fromString("#4e79a7"), UseDefaults: false));
        traces.Add(Chart.Line<double, double, string>(liveX, liveY, Name: "live heap (marked)", LineColor: Color.fromString("#59a14f"), UseDefaults: false));
        if (goalX.Count > 0)
        {
            traces.Add(Chart.Line<double, double, string>(goalX, goalY, Name: "heap goal", LineColor: Color.fromString("#e15759"), LineDash: StyleParam.DrawingStyle.Dash, UseDefaults: false));
        }
        if (detailed)
        {
            foreach (var (trigger, name, color, symbol) in new[]
            {
                (GcTrigger.HeapGoal, "trigger reached", "#f28e2b", StyleParam.MarkerSymbol.TriangleUp),
                (GcTrigger.Forced, "forced (runtime.GC)", "#b07aa1", StyleParam.MarkerSymbol.X),
                (GcTrigger.AllocationFailure, "allocation failed", "#9c755f", StyleParam.MarkerSymbol.Square),
                (GcTrigger.Stepped, "started by a step", "#76b7b2", StyleParam.MarkerSymbol.Diamond),
            })
            {
                var started = cycles.Where(cycle => cycle.Trigger == trigger).ToArray();
                if (started.Length == 0)
                {
                    continue;
                }
                traces.Add(Chart.Point<double, double, string>(started.Select(cycle => X(cycle.StartNs)), started.Select(cycle => Y(cycle.HeapStartBytes)),
                    Name: name, MarkerColor: Color.fromString(color), MarkerSymbol: symbol,
                    MultiText: started.Select(cycle => Invariant($"gc {cycle.Number}{(cycle.Kind == GcKind.Full ? "" : " " + ChartStyle.KindName(cycle.Kind))}")).ToArray(), UseDefaults: false));
            }
        }
        var chart = Chart.Combine(traces)
            .WithSize(ChartStyle.Width, ChartStyle.Height)
            .WithXAxisStyle<double, double, string>(TitleText: $"{history.TimeKind} time (ms)")
            .WithYAxisStyle<double, double, string>(TitleText: $"heap ({unit})");
        chart = Plotly.NET.Chart.withTitle($"{history.Title}: heap over time", null).Invoke(chart);

        var peak = cycles.MaxBy(cycle => Math.Max(cycle.HeapStartBytes, cycle.HeapMarkEndBytes))!;
        var plain = new StringBuilder(Invariant($"{history.Title}: heap over {ChartStyle.Ms(endNs)} of {history.TimeKind} time, {Count(cycles.Count)} cycle{(cycles.Count == 1 ? "" : "s")}"));
        if (!detailed)
        {
            var size = (cycles.Count + MaxTimelineCycles - 1) / MaxTimelineCycles;
            plain.Append(Invariant($", drawn as {Count((cycles.Count + size - 1) / size)} buckets of {size} cycles (lowest and highest heap of each; triggers and cycle spans are drawn up to {MaxTimelineCycles} cycles)"));
        }
        plain.Append('\n');
        plain.Append(Invariant($"peak {Bytes(Math.Max(peak.HeapStartBytes, peak.HeapMarkEndBytes))} at gc {peak.Number}; "));
        plain.Append(Invariant($"after the last cycle (gc {cycles[^1].Number}) {Bytes(cycles[^1].HeapMarkedBytes)} live"));
        if (lastGoal is { } goalNow)
        {
            plain.Append(Invariant($", next goal {Bytes(goalNow)}"));
        }
        if (history.HeapNowBytes is { } now)
        {
            plain.Append(Invariant($", {Bytes(now)} in use now"));
        }
        var triggers = cycles.GroupBy(cycle => cycle.Trigger).OrderBy(group => group.Key).Select(group => $"{Count(group.Count())} {TriggerName(group.Key)}");
        plain.Append("\ncycles started by: ").Append(string.Join(", ", triggers));
        if (history.LimiterSpells.Count > 0)
        {
            var spells = history.LimiterSpells;
            plain.Append(Invariant($"\nGC CPU limiter on {ChartStyle.Times(spells.Count)}, first at {ChartStyle.Ms(spells[0].StartNs)}, {ChartStyle.Ms(spells.Sum(spell => spell.EndNs - spell.StartNs))} in all"));
        }
        if (history.LimiterWaits.Count > 0)
        {
            var waits = history.LimiterWaits;
            plain.Append(Invariant($"\ntriggered cycles waited for room in the GC CPU limiter's bucket {ChartStyle.Times(waits.Count)}, {ChartStyle.Ms(waits.Sum(wait => wait.EndNs - wait.StartNs))} in all"));
        }
        return new ChartView(plain.ToString(), chart);
    }

    private static string TriggerName(GcTrigger trigger) => trigger switch
    {
        GcTrigger.HeapGoal => "reaching the trigger",
        GcTrigger.Forced => "runtime.GC (forced)",
        GcTrigger.Stepped => "a step",
        _ => "a failed allocation",
    };

    // ---- mmu ---------------------------------------------------------------------------------

    /// <summary>What the collector took of a history's run, as MMU intervals in time order: every pause whole, every concurrent mark at its share.</summary>
    public static IReadOnlyList<CollectorInterval> CollectorIntervals(GcHistory history) =>
        history.Cycles.SelectMany(cycle => cycle.CollectorIntervals).OrderBy(interval => interval.Start).ToArray();

    /// <summary>Minimum mutator utilisation against the window length, on a log axis. Null when there is nothing to draw.</summary>
    public static ChartView? Mmu(GcHistory history)
    {
        var intervals = CollectorIntervals(history);
        var totalNs = history.NowNs;
        if (intervals.Count == 0 || totalNs <= SmallestMmuWindowNs)
        {
            return null;
        }
        var curve = MinimumMutatorUtilization.Curve(intervals, totalNs, SmallestMmuWindowNs, MmuPoints);
        var chart = Chart.Line<double, double, string>(
                curve.Select(point => ChartStyle.Milliseconds(point.WindowNs)), curve.Select(point => ChartStyle.Round(point.Utilization * 100, 4)),
                Name: "MMU", ShowMarkers: true, LineColor: Color.fromString("#4e79a7"), MarkerColor: Color.fromString("#4e79a7"), UseDefaults: false)
            .WithSize(ChartStyle.Width, ChartStyle.Height)
            .WithXAxisStyle<double, double, string>(TitleText: $"window ({history.TimeKind} ms, log scale)", AxisType: StyleParam.AxisType.Log)
            .WithYAxisStyle<double, double, string>(TitleText: "minimum mutator utilisation (%)", MinMax: Tuple.Create(0.0, 100.0));
        chart = Plotly.NET.Chart.withTitle($"{history.Title}: minimum mutator utilisation", null).Invoke(chart);

        var pauses = intervals.Where(interval => interval.Share >= 1).ToArray();
        var concurrent = intervals.Where(interval => interval.Share < 1).ToArray();
        var plain = new StringBuilder(Invariant($"{history.Title}: minimum mutator utilisation over {ChartStyle.Ms(totalNs)} of {history.TimeKind} time, "));
        plain.Append(Invariant($"{Count(pauses.Length)} stop-the-world pause{(pauses.Length == 1 ? "" : "s")}"));
        if (pauses.Length > 0)
        {
            plain.Append(Invariant($" (longest {ChartStyle.Ms(pauses.Max(pause => pause.End - pause.Start))}, {ChartStyle.Percent((double)pauses.Sum(pause => pause.End - pause.Start) / totalNs)} of the time)"));
        }
        if (concurrent.Length > 0)
        {
            var taken = concurrent.Sum(interval => interval.Share * (interval.End - interval.Start));
            plain.Append(Invariant($"; {Count(concurrent.Length)} concurrent mark{(concurrent.Length == 1 ? "" : "s")} whose assists and background workers took {ChartStyle.Percent(taken / totalNs)} of the program's processor time"));
        }
        plain.Append("\nwindow        MMU\n");
        for (var window = 10_000L; window < totalNs; window *= 10)
        {
            plain.Append(Invariant($"{ChartStyle.Ms(window),-12}  {ChartStyle.Percent(MinimumMutatorUtilization.Compute(intervals, totalNs, window)),7}\n"));
        }
        plain.Append(Invariant($"{ChartStyle.Ms(totalNs),-12}  {ChartStyle.Percent(MinimumMutatorUtilization.Compute(intervals, totalNs, totalNs)),7}  (the whole run)"));
        return new ChartView(plain.ToString(), chart);
    }

    private static string Number(int cycle) => cycle.ToString(CultureInfo.InvariantCulture);

    private static string Count(long value) => ChartStyle.Count(value);

    private static string Bytes(long bytes) => Magics.Heap.ByteSize.Format(bytes);
}
