using System.Text;
using HeapNotebook.Heap;
using HeapNotebook.Heap.Memory;
using HeapNotebook.Heap.Objects;

namespace HeapNotebook.Kernel.Display.Svg;

/// <summary>What a heap map colours its spans by.</summary>
internal enum HeapMapColoring
{
    /// <summary>Allocated slots over capacity, on a sequential scale.</summary>
    Occupancy,

    /// <summary>The space: each size class its own colour, large-object spans and bump chunks apart.</summary>
    Space,

    /// <summary>The mean age (collections survived) of the reachable objects in the span.</summary>
    Age,
}

/// <summary>A rendered view: the SVG and its text/plain summary.</summary>
internal sealed record SvgView(string Svg, string Plain);

/// <summary>
/// A heap map: one element per span (never per object), laid out by address in rows of pages, each
/// span as wide as its pages, coloured by occupancy, space or age, with a legend and a &lt;title&gt;
/// per span for hover text. Free pages between spans are drawn as gaps; a gap longer than a row is
/// drawn one row long (its title gives its true length). The output depends only on the heap.
/// </summary>
internal static class HeapMapSvg
{
    public const int DefaultWidth = 800;
    public const int MinWidth = 200;
    public const int MaxWidth = 4000;

    private const int PageSize = 8192;
    private const int RowHeight = 12;
    private const int RowPitch = 14;
    private const int Margin = 8;
    private const int LegendItemWidth = 118;
    private const int LegendRowHeight = 16;

    /// <summary>Up to this many spans, each span is its own element with its own title; above it, adjacent spans of one colour are merged.</summary>
    public const int MergeAbove = 4096;

    private static readonly string[] Occupancy =
        ["#440154", "#482878", "#3e4989", "#31688e", "#26828e", "#1f9e89", "#35b779", "#6ece58", "#b5de2b", "#fde725"];

    private static readonly string[] Ages = ["#fee6ce", "#fdd0a2", "#fdae6b", "#fd8d3c", "#e6550d", "#a63603"];

    private static readonly string[] AgeLabels = ["age 0", "age 1", "age 2", "age 3", "age 4-7", "age 8+"];

    private static readonly string[] Categorical =
        ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac", "#86bcb6", "#d37295"];

    private const string FreeColor = "#eeeeee";
    private const string UnknownColor = "#cccccc";
    private const string LargeColor = "#3b3b3b";
    private const string BumpColor = "#a0cbe8";

    /// <summary>Per span, what a walk of the reachable objects found in it (bump chunks and ages are not in <see cref="SpanInfo"/>).</summary>
    private struct Found
    {
        public long Objects;
        public long Bytes;
        public long AgeSum;
    }

    public static SvgView Render(SimulatedHeap heap, string heapName, HeapMapColoring by, int width, IEnumerable<ObjectHandle> namedObjects)
    {
        var spans = heap.DescribeSpans().OrderBy(span => span.Address).ToArray();
        var hasBump = spans.Any(span => span.SizeClass < 0);
        var walked = by == HeapMapColoring.Age || (by == HeapMapColoring.Occupancy && hasBump);
        var found = walked ? Walk(heap, spans, namedObjects) : null;

        var columns = Columns(spans);
        // Whole pixels a page, so every coordinate is an integer (shorter, and exact); the grid may end a little short of the width.
        var cell = Math.Max(1, (width - 2 * Margin) / columns);

        // Classes of the spans, in legend order, and each span's class and hover text.
        var used = new SortedDictionary<int, (string Css, string Color, string Label)>();
        void Use(int order, string css, string color, string label) => used.TryAdd(order, (css, color, label));

        var body = new StringBuilder(spans.Length * 112);
        var position = 0L;
        long? previousEnd = null;
        var freeGaps = 0;
        var elements = 0;
        // Above MergeAbove spans, adjacent spans of the same colour share one element (they look the same; the title sums them up).
        var merge = spans.Length > MergeAbove;
        var run = new Run();
        void Flush()
        {
            if (run.Spans > 0)
            {
                Element(body, run.Position, run.Pages, columns, cell, run.Css, run.Spans == 1 ? run.Title : run.Describe());
                elements++;
                run = new Run();
            }
        }
        foreach (var (span, index) in spans.Select((span, index) => (span, index)))
        {
            if (previousEnd is { } end && span.Address > end)
            {
                Flush();
                var gapPages = (span.Address - end) / PageSize;
                var drawn = Math.Min(gapPages, columns);
                Use(1000, "f", FreeColor, "free pages");
                Element(body, position, drawn, columns, cell, "f", $"free: {SvgText.Count(gapPages)} page{(gapPages == 1 ? "" : "s")} between spans, {SvgText.Hex(end)}");
                elements++;
                position += drawn;
                freeGaps++;
            }
            var (css, hover) = Describe(span, by, found?[index], Use);
            if (!merge || run.Css != css)
            {
                Flush();
            }
            run.Add(span, css, hover, position);
            position += span.Pages;
            previousEnd = span.Address + (long)span.Pages * PageSize;
        }
        Flush();

        var legendItems = used.Values.ToArray();
        var perLegendRow = Math.Max(1, (width - 2 * Margin) / LegendItemWidth);
        var legendRows = (legendItems.Length + perLegendRow - 1) / perLegendRow;
        var title = MapTitle(heap, heapName, by, spans);
        var top = Margin + 14 + 6 + legendRows * LegendRowHeight + 4;
        var rows = (int)((position + columns - 1) / columns);
        var height = top + Math.Max(rows, 1) * RowPitch + Margin;

        var svg = new StringBuilder(body.Length + 2048);
        svg.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(width).Append("\" height=\"").Append(height)
            .Append("\" viewBox=\"0 0 ").Append(width).Append(' ').Append(height).Append("\" font-family=\"sans-serif\" font-size=\"11\">\n");
        svg.Append("<title>").AppendEscaped(title).Append("</title>\n<style>path{stroke:#fff;stroke-width:.5}");
        foreach (var item in legendItems)
        {
            svg.Append(" .").Append(item.Css).Append("{fill:").Append(item.Color).Append('}');
        }
        svg.Append("</style>\n");
        svg.Append("<text x=\"").Append(Margin).Append("\" y=\"").Append(Margin + 11).Append("\" font-weight=\"bold\">").AppendEscaped(title).Append("</text>\n");
        for (var item = 0; item < legendItems.Length; item++)
        {
            var x = Margin + item % perLegendRow * LegendItemWidth;
            var y = Margin + 20 + item / perLegendRow * LegendRowHeight;
            svg.Append("<rect x=\"").Append(x).Append("\" y=\"").Append(y).Append("\" width=\"10\" height=\"10\" class=\"").Append(legendItems[item].Css)
                .Append("\" stroke=\"#999\" stroke-width=\".5\"/><text x=\"").Append(x + 14).Append("\" y=\"").Append(y + 9).Append("\">")
                .AppendEscaped(legendItems[item].Label).Append("</text>\n");
        }
        if (spans.Length == 0)
        {
            svg.Append("<text x=\"").Append(Margin).Append("\" y=\"").Append(top + 10).Append("\" fill=\"#666\">no spans in use: the heap is empty</text>\n");
        }
        svg.Append("<g transform=\"translate(").Append(Margin).Append(' ').Append(top).Append(")\">\n").Append(body).Append("</g>\n</svg>\n");

        return new SvgView(svg.ToString(), Summary(heap, heapName, by, spans, found, freeGaps, columns, merge ? elements : null));
    }

    /// <summary>Pages per row: 64, doubled until the map is at most about 128 rows (at most 1024 pages a row).</summary>
    private static int Columns(IReadOnlyList<SpanInfo> spans)
    {
        long pages = spans.Sum(span => (long)span.Pages);
        var columns = 64;
        while (columns < 1024 && pages / columns > 128)
        {
            columns *= 2;
        }
        return columns;
    }

    /// <summary>One span (or gap) as one element: a path of one rectangle per row it covers, with its hover title.</summary>
    private static void Element(StringBuilder body, long position, long pages, int columns, int cell, string css, string title)
    {
        body.Append("<path class=\"").Append(css).Append("\" d=\"");
        while (pages > 0)
        {
            var row = position / columns;
            var column = position % columns;
            var length = Math.Min(pages, columns - column);
            body.Append('M').Append(column * cell).Append(' ').Append(row * RowPitch)
                .Append('h').Append(length * cell).Append('v').Append(RowHeight)
                .Append('h').Append(-length * cell).Append('z');
            position += length;
            pages -= length;
        }
        body.Append("\"><title>").AppendEscaped(title).Append("</title></path>\n");
    }

    private static (string Css, string Title) Describe(SpanInfo span, HeapMapColoring by, Found? found, Action<int, string, string, string> use)
    {
        var where = SvgText.Hex(span.Address);
        string title;
        double? occupancy;
        if (span.SizeClass < 0)
        {
            var bytes = (long)span.Pages * PageSize;
            occupancy = found is { } f ? Math.Min(1.0, (double)f.Bytes / bytes) : null;
            title = found is { } g
                ? $"span {span.Id}: bump chunk ({span.Pages} pages), {SvgText.Bytes(g.Bytes)} of {SvgText.Bytes(bytes)} in {SvgText.Count(g.Objects)} reachable objects, {where}"
                : $"span {span.Id}: bump chunk ({span.Pages} pages), {where}";
        }
        else if (span.SizeClass == 0)
        {
            occupancy = span.Capacity == 0 ? null : (double)span.Allocated / span.Capacity;
            title = $"span {span.Id}: large object ({span.Pages} page{(span.Pages == 1 ? "" : "s")}, {SvgText.Bytes(span.ElementSize)}), {span.Allocated}/{span.Capacity} objects, {where}";
        }
        else
        {
            occupancy = span.Capacity == 0 ? null : (double)span.Allocated / span.Capacity;
            title = $"span {span.Id}: class {span.SizeClass} ({span.ElementSize} B), {span.Allocated}/{span.Capacity} objects, {where}";
        }

        switch (by)
        {
            case HeapMapColoring.Occupancy:
                if (occupancy is not { } value)
                {
                    use(100, "u", UnknownColor, "occupancy unknown");
                    return ("u", title);
                }
                var bucket = Math.Min(9, (int)(value * 10));
                use(bucket, "o" + bucket, Occupancy[bucket], $"{bucket * 10}-{bucket * 10 + 10} % full");
                return ("o" + bucket, title);
            case HeapMapColoring.Space:
                if (span.SizeClass < 0)
                {
                    use(200, "B", BumpColor, "bump chunk");
                    return ("B", title);
                }
                if (span.SizeClass == 0)
                {
                    use(199, "L", LargeColor, "large object");
                    return ("L", title);
                }
                use(span.SizeClass, "s" + span.SizeClass, Categorical[(span.SizeClass - 1) % Categorical.Length], $"class {span.SizeClass} ({span.ElementSize} B)");
                return ("s" + span.SizeClass, title);
            default:
                if (found is not { Objects: > 0 } walked)
                {
                    use(100, "n", UnknownColor, "no reachable objects");
                    return ("n", title + ", no reachable objects");
                }
                var mean = (double)walked.AgeSum / walked.Objects;
                var age = mean < 4 ? (int)mean : mean < 8 ? 4 : 5;
                use(age, "a" + age, Ages[age], AgeLabels[age]);
                return ("a" + age, title + $", mean age {SvgText.Number(mean)}");
        }
    }

    /// <summary>Adjacent spans of one colour drawn as one element.</summary>
    private sealed class Run
    {
        private readonly SortedSet<int> _classes = [];
        private long _allocated;
        private long _capacity;
        private int _firstId;
        private int _lastId;
        private long _start;
        private long _end;

        public int Spans { get; private set; }

        public long Pages { get; private set; }

        public long Position { get; private set; }

        public string Css { get; private set; } = "";

        public string Title { get; private set; } = "";

        public void Add(SpanInfo span, string css, string title, long position)
        {
            if (Spans == 0)
            {
                Css = css;
                Title = title;
                Position = position;
                _firstId = span.Id;
                _start = span.Address;
            }
            Spans++;
            Pages += span.Pages;
            _lastId = span.Id;
            _end = span.Address + (long)span.Pages * PageSize;
            _classes.Add(span.SizeClass);
            _allocated += span.Allocated;
            _capacity += span.Capacity;
        }

        public string Describe()
        {
            var classes = string.Join(", ", _classes.Take(6).Select(c => c < 0 ? "bump" : c == 0 ? "large" : SvgText.Number(c))) + (_classes.Count > 6 ? ", ..." : "");
            return $"spans {_firstId} to {_lastId} ({SvgText.Count(Spans)} spans, {(_classes.Count == 1 ? "class" : "classes")} {classes}): "
                + $"{SvgText.Count(_allocated)}/{SvgText.Count(_capacity)} objects, {SvgText.Hex(_start)} to {SvgText.Hex(_end)}";
        }
    }

    /// <summary>Reachable objects per span, by address (binary search over the spans sorted by address).</summary>
    private static Found[] Walk(SimulatedHeap heap, SpanInfo[] spans, IEnumerable<ObjectHandle> namedObjects)
    {
        var found = new Found[spans.Length];
        var starts = spans.Select(span => span.Address).ToArray();
        HeapWalk.Reachable(heap, namedObjects, handle =>
        {
            var address = heap.AddressOf(handle);
            var index = Array.BinarySearch(starts, address);
            if (index < 0)
            {
                index = ~index - 1;
            }
            if (index >= 0 && address < spans[index].Address + (long)spans[index].Pages * PageSize)
            {
                ref var slot = ref found[index];
                slot.Objects++;
                slot.Bytes += (heap.SizeOf(handle) + 7) & ~7L;
                slot.AgeSum += heap.AgeOf(handle);
            }
            return true;
        });
        return found;
    }

    private static string MapTitle(SimulatedHeap heap, string heapName, HeapMapColoring by, SpanInfo[] spans)
    {
        var pages = spans.Sum(span => (long)span.Pages);
        return $"{heapName} ({heap.Plan.Name}): {SvgText.Count(spans.Length)} span{(spans.Length == 1 ? "" : "s")}, {SvgText.Count(pages)} pages ({SvgText.Bytes(pages * PageSize)}), by {by.ToString().ToLowerInvariant()}";
    }

    private static string Summary(SimulatedHeap heap, string heapName, HeapMapColoring by, SpanInfo[] spans, Found[]? found, int freeGaps, int columns, int? elements)
    {
        var text = new StringBuilder(MapTitle(heap, heapName, by, spans));
        if (spans.Length > 0)
        {
            text.Append(", from ").Append(SvgText.Hex(spans[0].Address)).Append(" to ").Append(SvgText.Hex(spans[^1].Address + (long)spans[^1].Pages * PageSize));
        }
        text.Append('\n');
        var small = spans.Where(span => span.SizeClass > 0).ToArray();
        long capacity = small.Sum(span => (long)span.Capacity), allocated = small.Sum(span => (long)span.Allocated);
        text.Append("size-class spans: ").Append(SvgText.Count(small.Length));
        if (capacity > 0)
        {
            text.Append(", ").Append(SvgText.Count(allocated)).Append(" of ").Append(SvgText.Count(capacity)).Append(" slots allocated (")
                .Append(SvgText.Percent((double)allocated / capacity)).Append(')');
        }
        text.Append(" in ").Append(small.Select(span => span.SizeClass).Distinct().Count()).Append(" classes");
        text.Append("; large-object spans: ").Append(SvgText.Count(spans.Count(span => span.SizeClass == 0)));
        var bump = spans.Where(span => span.SizeClass < 0).ToArray();
        text.Append("; bump chunks: ").Append(SvgText.Count(bump.Length));
        if (bump.Length > 0 && found is not null)
        {
            long bytes = 0;
            for (var index = 0; index < spans.Length; index++)
            {
                if (spans[index].SizeClass < 0)
                {
                    bytes += found[index].Bytes;
                }
            }
            text.Append(" (").Append(SvgText.Bytes(bytes)).Append(" of ").Append(SvgText.Bytes(bump.Sum(span => (long)span.Pages) * PageSize)).Append(" reachable)");
        }
        text.Append('\n');
        var fragmentation = heap.Fragmentation();
        text.Append("fragmentation: ").Append(SvgText.Bytes(fragmentation.FreeSlotBytes)).Append(" in free slots inside spans; ")
            .Append(SvgText.Bytes(fragmentation.FreePageBytes)).Append(" in free pages, largest run ").Append(SvgText.Bytes(fragmentation.LargestFreeRunBytes))
            .Append(", external ").Append(SvgText.Number(fragmentation.ExternalFragmentation)).Append('\n');
        text.Append("layout: ").Append(columns).Append(" pages a row, ").Append(freeGaps).Append(" gap").Append(freeGaps == 1 ? "" : "s").Append(" between spans");
        if (elements is { } drawn)
        {
            text.Append("; over ").Append(SvgText.Count(MergeAbove)).Append(" spans, so adjacent spans of one colour share an element (")
                .Append(SvgText.Count(drawn)).Append(" elements)");
        }
        if (found is not null)
        {
            text.Append("; occupancy of bump chunks and ages count objects reachable from globals and named objects only");
        }
        return text.Append('\n').ToString();
    }
}
