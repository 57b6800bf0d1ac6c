using System.Globalization;
using System.Text;
using HeapNotebook.Heap;
using HeapNotebook.Heap.Memory;
using HeapNotebook.Heap.Objects;
using HeapNotebook.Kernel.Display.Svg;
using HeapNotebook.Kernel.Magics.Heap;
using Plotly.NET;
using Plotly.NET.CSharp;
using Chart = Plotly.NET.CSharp.Chart;

namespace HeapNotebook.Kernel.Display.Charts;

/// <summary>One bar of the size-class histogram: a Go size class (or all large objects), where its objects live, and how many.</summary>
internal sealed record SizeClassRow(int SizeClass, int ObjectSize, bool InBumpSpace, long Spans, long Objects, long Bytes)
{
    public string Label => SizeClass == 0 ? "large" : ObjectSize.ToString(CultureInfo.InvariantCulture) + " B";
}

/// <summary>#!heap sizes: the heap's objects by Go size class, as bytes or as objects, large objects in one bar.</summary>
internal static class SizeClassChart
{
    /// <summary>
    /// Counts from the spans in use (exact, unswept garbage included, as HeapAlloc counts it). Objects in
    /// bump spaces (nursery, semispaces, compacting space) have no size class; they are counted by the class Go
    /// would give their size, from a walk of what the globals and <paramref name="named"/> reach.
    /// </summary>
    public static IReadOnlyList<SizeClassRow> Rows(SimulatedHeap heap, IEnumerable<ObjectHandle> named)
    {
        var spans = heap.DescribeSpans();
        var rows = spans.Where(span => span.SizeClass >= 0)
            .GroupBy(span => span.SizeClass)
            .Select(group => new SizeClassRow(group.Key, group.Key == 0 ? 0 : SizeClasses.ObjectSize(group.Key), false,
                group.Count(), group.Sum(span => (long)span.Allocated), group.Sum(span => (long)span.Allocated * span.ElementSize)))
            .Where(row => row.Objects > 0)
            .ToList();
        var chunks = spans.Where(span => span.SizeClass < 0).Select(span => (Start: span.Address, End: span.Address + ((long)span.Pages * SizeClasses.PageSize))).OrderBy(chunk => chunk.Start).ToArray();
        if (chunks.Length > 0)
        {
            var counts = new Dictionary<int, (long Objects, long Bytes)>();
            var starts = chunks.Select(chunk => chunk.Start).ToArray();
            HeapWalk.Reachable(heap, named, handle =>
            {
                var address = heap.AddressOf(handle);
                var index = Array.BinarySearch(starts, address);
                index = index >= 0 ? index : ~index - 1;
                if (index >= 0 && address < chunks[index].End)
                {
                    var size = heap.SizeOf(handle);
                    var sizeClass = SizeClasses.ClassOf(size);
                    var (objects, bytes) = counts.GetValueOrDefault(sizeClass);
                    counts[sizeClass] = (objects + 1, bytes + size);
                }
                return true;
            });
            rows.AddRange(counts.Select(pair => new SizeClassRow(pair.Key, pair.Key == 0 ? 0 : SizeClasses.ObjectSize(pair.Key), true, 0, pair.Value.Objects, pair.Value.Bytes)));
        }
        return rows.OrderBy(row => row.SizeClass == 0 ? int.MaxValue : row.ObjectSize).ThenBy(row => row.InBumpSpace).ToArray();
    }

    public static ChartView? Render(string title, IReadOnlyList<SizeClassRow> rows, bool byObjects)
    {
        if (rows.Count == 0)
        {
            return null;
        }
        var labels = rows.Select(row => row.Label).Distinct().ToArray();
        var (unit, divisor) = byObjects ? ("objects", 1.0) : ChartStyle.ByteUnit(rows.GroupBy(row => row.Label).Max(group => group.Sum(row => row.Bytes)));
        var traces = new List<GenericChart>();
        foreach (var (inBump, name, color) in new[] { (false, "in size-class and large-object spans", "#4e79a7"), (true, "in bump spaces (reachable, by the class Go would use)", "#a0cbe8") })
        {
            var part = rows.Where(row => row.InBumpSpace == inBump).ToArray();
            if (part.Length == 0)
            {
                continue;
            }
            traces.Add(Chart.StackedColumn<double, string, string>(
                values: part.Select(row => ChartStyle.Round(byObjects ? row.Objects : row.Bytes / divisor)).ToArray(),
                Keys: part.Select(row => row.Label).ToArray(), Name: name, MarkerColor: Color.fromString(color),
                MultiText: part.Select(row => Hover(row)).ToArray(), TextPosition: StyleParam.TextPosition.None, UseDefaults: false));
        }
        var chart = Chart.Combine(traces)
            .WithSize(ChartStyle.Width, ChartStyle.Height)
            .WithXAxisStyle<string, string, string>(TitleText: "size class (object size)", CategoryOrder: StyleParam.CategoryOrder.Array, CategoryArray: labels)
            .WithYAxisStyle<double, double, string>(TitleText: byObjects ? "objects" : $"bytes allocated ({unit})");
        chart = Plotly.NET.Chart.withTitle($"{title}: objects by size class", null).Invoke(chart);

        var table = new TextTable("Class", "Size", "Where", "Spans", "Objects", "Bytes");
        foreach (var row in rows)
        {
            table.Add(row.SizeClass == 0 ? "large" : row.SizeClass.ToString(CultureInfo.InvariantCulture), row.SizeClass == 0 ? "> 32 KiB" : row.ObjectSize.ToString(CultureInfo.InvariantCulture) + " B",
                row.InBumpSpace ? "bump" : row.SizeClass == 0 ? "large-object spans" : "size-class spans",
                row.InBumpSpace ? "" : ChartStyle.Count(row.Spans), ChartStyle.Count(row.Objects), ByteSize.Format(row.Bytes));
        }
        var plain = new StringBuilder(string.Create(CultureInfo.InvariantCulture,
            $"{title}: {ChartStyle.Count(rows.Sum(row => row.Objects))} objects, {ByteSize.Format(rows.Sum(row => row.Bytes))}, in {labels.Length} size class{(labels.Length == 1 ? "" : "es")} (by {(byObjects ? "objects" : "bytes")})\n"));
        plain.Append(table.Plain().TrimEnd('\n'));
        if (rows.Any(row => row.InBumpSpace))
        {
            plain.Append("\nbump spaces have no size classes: their objects are counted by the class Go would give their size, reachable objects only");
        }
        return new ChartView(plain.ToString(), chart);
    }

    private static string Hover(SizeClassRow row) => string.Create(CultureInfo.InvariantCulture,
        $"{(row.SizeClass == 0 ? "large objects" : $"class {row.SizeClass} ({row.ObjectSize} B)")}: {ChartStyle.Count(row.Objects)} objects, {ByteSize.Format(row.Bytes)}{(row.InBumpSpace ? "" : $" in {ChartStyle.Count(row.Spans)} span{(row.Spans == 1 ? "" : "s")}")}");
}
