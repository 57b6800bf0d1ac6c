using System.Globalization;
using HeapNotebook.Kernel.Magics.Heap;
using Plotly.NET;
using Plotly.NET.CSharp;
using Chart = Plotly.NET.CSharp.Chart;

namespace HeapNotebook.Kernel.Display.Charts;

/// <summary>#!heap compare as four bar charts side by side: GC work, longest pause, cycles and peak heap per collector.</summary>
internal static class ComparisonChart
{
    public static ChartView? Render(CollectorComparison comparison)
    {
        var runs = comparison.Runs.Where(run => run.Error is null).ToArray();
        if (runs.Length == 0)
        {
            return null;
        }
        var collectors = runs.Select(run => run.Collector).ToArray();
        var (unit, divisor) = ChartStyle.ByteUnit(runs.Max(run => run.PeakHeapBytes));
        GenericChart Bars(IEnumerable<double> values, string name, string color) =>
            Chart.Column<double, string, string>(values: values.Select(value => ChartStyle.Round(value)).ToArray(), Keys: collectors, Name: name,
                MarkerColor: Color.fromString(color), ShowLegend: false, UseDefaults: false);
        var titles = new[] { "GC CPU (virtual ms)", "longest pause (virtual ms)", "cycles", $"peak heap ({unit})" };
        var chart = Chart.Grid(
                [
                    Bars(runs.Select(run => run.GcCpuNs / 1e6), titles[0], "#4e79a7"),
                    Bars(runs.Select(run => run.LongestPauseNs / 1e6), titles[1], "#e15759"),
                    Bars(runs.Select(run => (double)run.Cycles), titles[2], "#f28e2b"),
                    Bars(runs.Select(run => run.PeakHeapBytes / divisor), titles[3], "#59a14f"),
                ],
                2, 2, SubPlotTitles: titles, YGap: 0.35)
            .WithSize(ChartStyle.Width, 560);
        var title = string.Create(CultureInfo.InvariantCulture, $"{comparison.Workload}, seed {comparison.Seed}, GOGC {(comparison.Gogc is { } gogc ? gogc.ToString(CultureInfo.InvariantCulture) : "off")}: collectors compared");
        chart = Plotly.NET.Chart.withTitle(title, null).Invoke(chart);
        string Least(string what, Func<CollectorRun, long> measure, Func<long, string> format)
        {
            var least = runs.Min(measure);
            return $"{what}: {string.Join(", ", runs.Where(run => measure(run) == least).Select(run => run.Collector))} ({format(least)})";
        }
        var plain = $"{comparison.Describe()}: {runs.Length} collector{(runs.Length == 1 ? "" : "s")} charted\n"
            + string.Join("; ", Least("least GC CPU", run => run.GcCpuNs, ChartStyle.Ms), Least("shortest longest pause", run => run.LongestPauseNs, ChartStyle.Ms),
                Least("fewest cycles", run => run.Cycles, ChartStyle.Count), Least("smallest peak heap", run => run.PeakHeapBytes, ByteSize.Format));
        return new ChartView(plain, chart);
    }
}
