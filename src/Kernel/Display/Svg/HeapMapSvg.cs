using System.Text;
using HeapNotebook.Heap;
using HeapNotebook.Heap.Memory;
using HeapNotebook.Heap.Objects;

namespace HeapNotebook.Kernel.Display.Svg;

/// <summary>What a heap map colours its spans (and, when they are few, its objects) by.</summary>
internal enum HeapMapColoring
{
    /// <summary>Allocated slots (bump chunks: bytes) over capacity, on a sequential scale.</summary>
    Occupancy,

    /// <summary>The size class: each class its own colour, large-object spans and bump chunks apart.</summary>
    Class,

    /// <summary>The plan's space: nursery, survivor spaces, old size-class spans, large objects, semispace halves, the compacting space.</summary>
    Space,

    /// <summary>Young (nursery and survivors) or old; a heap without generations has one.</summary>
    Generation,

    /// <summary>The mark colours white / grey / black: per span the mix of its objects, per object its own.</summary>
    Color,

    /// <summary>Collections survived: per span the mean over its objects, per object its own.</summary>
    Age,
}

/// <summary>A rendered view: the SVG and its text/plain summary.</summary>
internal sealed record SvgView(string Svg, string Plain);

/// <summary>
/// A heap map: the spans laid out by address in rows of pages, each span as wide as its pages,
/// coloured by occupancy, size class, space, generation, mark colour or age, with a legend and
/// hover titles. Free pages between spans are drawn as gaps; a gap longer than a row is drawn one
/// row long (its title gives its true length). Up to <see cref="MergeAbove"/> spans each span is
/// its own element with its own title; above it each colour is one element (titled with its
/// totals), so a heap of a million objects stays small. When the heap has at most
/// <see cref="ObjectsUpTo"/> objects, a second part draws every object as a square inside a box
/// for its span, with its own title. The output depends only on the heap.
/// </summary>
internal static class HeapMapSvg
{
    public const int DefaultWidth = 800;
    public const int MinWidth = 200;
    public const int MaxWidth = 4000;

    /// <summary>Up to this many spans, each span is its own element with its own title; above it, each colour is one element.</summary>
    public const int MergeAbove = 4096;

    /// <summary>Up to this many objects in the heap, each object is drawn as well, inside its span's box.</summary>
    public const int ObjectsUpTo = 2000;

    private const int PageSize = 8192;
    private const int RowHeight = 12;
    private const int RowPitch = 14;
    private const int Margin = 8;
    private const int LegendItemWidth = 118;
    private const int LegendRowHeight = 16;

    private const int ObjectSide = 8;
    private const int ObjectPitch = 10;
    private const int BoxPadding = 3;
    private const int BoxGap = 6;
    private const int ObjectsHeader = 22;

    private static readonly string[] Occupancy =
        ["#440154", "#482878", "#3e4989", "#31688e", "#26828e", "#1f9e89", "#35b779", "#6ece58", "#b5de2b", "#fde725"];

    private static readonly string[] Ages = ["#fee6ce", "#fdd0a2", "#fdae6b", "#fd8d3c", "#e6550d", "#a63603"];

    private static readonly string[] AgeLabels = ["age 0", "age 1", "age 2", "age 3", "age 4-7", "age 8+"];

    private static readonly string[] Categorical =
        ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac", "#86bcb6", "#d37295"];

    /// <summary>Each space keeps its colour on every plan, so the nursery is always orange and old size-class spans always blue.</summary>
    private static readonly Dictionary<string, string> SpaceColors = new(StringComparer.Ordinal)
    {
        ["size-class"] = "#4e79a7",
        ["large-object"] = "#3b3b3b",
        ["nursery"] = "#f28e2b",
        ["survivor (from)"] = "#edc948",
        ["survivor (to)"] = "#b6992d",
        ["size-class (old)"] = "#4e79a7",
        ["large-object (old)"] = "#3b3b3b",
        ["from-space"] = "#59a14f",
        ["to-space"] = "#b3e0a6",
        ["compacting"] = "#b07aa1",
    };

    /// <summary>Span classes by mark colour: all white, mostly white, some grey, mostly black, all black.</summary>
    private static readonly string[] MarkColors = ["#ffffff", "#e0e0e0", "#9e9e9e", "#616161", "#222222"];

    private static readonly string[] MarkLabels = ["white", "mostly white", "some grey", "mostly black", "black"];

    private const string FreeColor = "#eeeeee";
    private const string UnknownColor = "#cccccc";
    private const string LargeColor = "#3b3b3b";
    private const string BumpColor = "#a0cbe8";
    private const string YoungColor = "#f28e2b";
    private const string OldColor = "#4e79a7";

    /// <summary>Per span, what its objects add up to (bump chunks, ages and colours are not in <see cref="SpanInfo"/>).</summary>
    private struct Found
    {
        public long Objects;
        public long Bytes;
        public long AgeSum;
        public int MaxAge;
        public long White;
        public long Grey;
        public long Black;
        public long AwaitingSweep;
    }

    /// <summary>A legend entry: its CSS class, fill, label, and the extra style it needs (a white fill needs an outline).</summary>
    private sealed record Legend(string Css, string Color, string Label, string Style = "");

    /// <summary>The legend entries in use, in legend order, with the spans, pages and objects of each (the titles of a large map).</summary>
    private sealed class Palette
    {
        private readonly SortedDictionary<int, Legend> _used = [];
        private readonly Dictionary<string, (long Spans, long Pages, long Objects)> _totals = new(StringComparer.Ordinal);

        public string Use(int order, string css, string color, string label, string style = "")
        {
            _used.TryAdd(order, new Legend(css, color, label, style));
            return css;
        }

        public void Count(string css, SpanInfo span, long objects)
        {
            var (spans, pages, count) = _totals.GetValueOrDefault(css);
            _totals[css] = (spans + 1, pages + span.Pages, count + objects);
        }

        public IReadOnlyList<Legend> Items => _used.Values.ToArray();

        public string Describe(Legend item) => _totals.TryGetValue(item.Css, out var total)
            ? $"{item.Label}: {SvgText.Count(total.Spans)} span{(total.Spans == 1 ? "" : "s")}, {SvgText.Count(total.Pages)} page{(total.Pages == 1 ? "" : "s")} ({SvgText.Bytes(total.Pages * PageSize)}), {SvgText.Count(total.Objects)} objects"
            : item.Label;
    }

    public static SvgView Render(SimulatedHeap heap, string heapName, HeapMapColoring by, int width, IReadOnlyDictionary<ObjectHandle, string> names)
    {
        var spans = heap.DescribeSpans().OrderBy(span => span.Address).ToArray();
        var drawObjects = spans.Length > 0 && heap.ObjectCount <= ObjectsUpTo;
        var counted = drawObjects || by is HeapMapColoring.Age or HeapMapColoring.Color || (by == HeapMapColoring.Occupancy && spans.Any(span => span.IsBumpChunk));
        var objectsBySpan = drawObjects ? new List<ObjectInfo>[spans.Length] : null;
        var found = counted ? Count(heap, spans, objectsBySpan) : null;
        var palette = new Palette();

        var columns = Columns(spans, width);
        // Whole pixels a page, so every coordinate is an integer (shorter, and exact); the grid may end a little short of the width.
        var cell = Math.Max(1, (width - 2 * Margin) / columns);
        var merge = spans.Length > MergeAbove;
        var spanCss = new string[spans.Length];

        var body = new StringBuilder(merge ? 64 * 1024 : spans.Length * 112);
        // A large map: the rectangles of each class, in drawing order, as one path's data.
        var paths = new Dictionary<string, ClassPath>(StringComparer.Ordinal);
        void Draw(long position, long pages, string css, Func<string> title)
        {
            if (!merge)
            {
                Element(body, position, pages, columns, cell, css, title());
                return;
            }
            if (!paths.TryGetValue(css, out var path))
            {
                paths[css] = path = new ClassPath();
            }
            path.Add(position, pages, columns, cell);
        }

        var position = 0L;
        long? previousEnd = null;
        var freeGaps = 0;
        for (var index = 0; index < spans.Length; index++)
        {
            var span = spans[index];
            if (previousEnd is { } end && span.Address > end)
            {
                var gapPages = (span.Address - end) / PageSize;
                var drawn = Math.Min(gapPages, columns);
                palette.Use(1000, "f", FreeColor, "free pages");
                Draw(position, drawn, "f", () => $"free: {SvgText.Count(gapPages)} page{(gapPages == 1 ? "" : "s")} between spans, {SvgText.Hex(end)}");
                position += drawn;
                freeGaps++;
            }
            var (css, spanTitle) = Describe(heap, span, by, found?[index], palette, merge);
            spanCss[index] = css;
            palette.Count(css, span, found is null ? span.Allocated : found[index].Objects);
            Draw(position, span.Pages, css, () => spanTitle!);
            position += span.Pages;
            previousEnd = span.Address + (long)span.Pages * PageSize;
        }
        var rows = (int)((position + columns - 1) / columns);

        var boxes = new StringBuilder();
        var boxesHeight = 0;
        if (objectsBySpan is not null)
        {
            boxesHeight = Boxes(boxes, spans, spanCss, objectsBySpan, by, width, names, palette, found!);
        }

        var legendItems = palette.Items;
        var legendWidth = Math.Max(LegendItemWidth, 20 + legendItems.Select(item => item.Label.Length).DefaultIfEmpty(0).Max() * 6);
        var perLegendRow = Math.Max(1, (width - 2 * Margin) / legendWidth);
        var legendRows = (legendItems.Count + perLegendRow - 1) / perLegendRow;
        var title = MapTitle(heap, heapName, by, spans);
        var top = Margin + 14 + 6 + legendRows * LegendRowHeight + 4;
        var mapHeight = Math.Max(rows, 1) * RowPitch;
        var height = top + mapHeight + (boxesHeight > 0 ? ObjectsHeader + boxesHeight : 0) + Margin;

        var svg = new StringBuilder(body.Length + boxes.Length + paths.Values.Sum(path => path.Data.Length + 200) + 4096);
        svg.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(width).Append("\" height=\"").Append(height)
            .Append("\" viewBox=\"0 0 ").Append(width).Append(' ').Append(height).Append("\" font-family=\"sans-serif\" font-size=\"11\">\n");
        svg.Append("<title>").AppendEscaped(title).Append("</title>\n<style>path{stroke:#fff;stroke-width:.5}");
        if (boxesHeight > 0)
        {
            svg.Append(" rect.x{fill-opacity:.25;stroke:#999;stroke-width:.5} rect.b{stroke:#555;stroke-width:.5}");
        }
        foreach (var item in legendItems)
        {
            svg.Append(" .").Append(item.Css).Append("{fill:").Append(item.Color).Append(item.Style).Append('}');
        }
        svg.Append("</style>\n");
        svg.Append("<text x=\"").Append(Margin).Append("\" y=\"").Append(Margin + 11).Append("\" font-weight=\"bold\">").AppendEscaped(title).Append("</text>\n");
        for (var item = 0; item < legendItems.Count; item++)
        {
            var x = Margin + item % perLegendRow * legendWidth;
            var y = Margin + 20 + item / perLegendRow * LegendRowHeight;
            svg.Append("<rect x=\"").Append(x).Append("\" y=\"").Append(y).Append("\" width=\"10\" height=\"10\" class=\"").Append(legendItems[item].Css)
                .Append("\" stroke=\"#999\" stroke-width=\".5\"/><text x=\"").Append(x + 14).Append("\" y=\"").Append(y + 9).Append("\">")
                .AppendEscaped(legendItems[item].Label).Append("</text>\n");
        }
        if (spans.Length == 0)
        {
            svg.Append("<text x=\"").Append(Margin).Append("\" y=\"").Append(top + 10).Append("\" fill=\"#666\">no spans in use: the heap is empty</text>\n");
        }
        svg.Append("<g transform=\"translate(").Append(Margin).Append(' ').Append(top).Append(")\">\n").Append(body);
        foreach (var item in legendItems)
        {
            if (paths.TryGetValue(item.Css, out var path))
            {
                svg.Append("<path class=\"").Append(item.Css).Append("\" d=\"").Append(path.Finish()).Append("\"><title>").AppendEscaped(palette.Describe(item)).Append("</title></path>\n");
            }
        }
        svg.Append("</g>\n");
        if (boxesHeight > 0)
        {
            var objectsTop = top + mapHeight;
            svg.Append("<text x=\"").Append(Margin).Append("\" y=\"").Append(objectsTop + 15).Append("\" fill=\"#555\">")
                .AppendEscaped($"each object, span by span (a box per span, objects by address); {Scale(by)}").Append("</text>\n");
            svg.Append("<g transform=\"translate(").Append(Margin).Append(' ').Append(objectsTop + ObjectsHeader).Append(")\">\n").Append(boxes).Append("</g>\n");
        }
        svg.Append("</svg>\n");

        return new SvgView(svg.ToString(), Summary(heap, heapName, by, spans, found, freeGaps, columns, merge ? paths.Count : null));
    }

    /// <summary>What an object's square shows, for the line above the boxes.</summary>
    private static string Scale(HeapMapColoring by) => by switch
    {
        HeapMapColoring.Color => "fill: the object's mark colour",
        HeapMapColoring.Age => "fill: the object's age",
        _ => "fill: its span's colour",
    };

    /// <summary>Pages per row: 64, doubled until the map is at most about 128 rows, at most 1024 pages a row and at least a pixel a page.</summary>
    private static int Columns(IReadOnlyList<SpanInfo> spans, int width)
    {
        long pages = spans.Sum(span => (long)span.Pages);
        var columns = 64;
        while (columns < 1024 && columns * 2 <= width - 2 * Margin && pages / columns > 128)
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

    /// <summary>The rectangles of one class on a large map, as one path: each rectangle moves relative to the last one's corner; a rectangle that continues the last one on its row widens it instead.</summary>
    private sealed class ClassPath
    {
        public StringBuilder Data { get; } = new();

        private long _x = -1;
        private long _y;
        private long _pendingWidth;

        public void Add(long position, long pages, int columns, int cell)
        {
            while (pages > 0)
            {
                var row = position / columns;
                var column = position % columns;
                var length = Math.Min(pages, columns - column);
                var x = column * cell;
                var y = row * RowPitch;
                if (_x >= 0 && y == _y && x == _x + _pendingWidth)
                {
                    _pendingWidth += length * cell;
                }
                else
                {
                    Flush();
                    if (_x < 0)
                    {
                        Data.Append('M').Append(x).Append(' ').Append(y);
                    }
                    else
                    {
                        Data.Append('m').Append(x - _x).Append(' ').Append(y - _y);
                    }
                    _x = x;
                    _y = y;
                    _pendingWidth = length * cell;
                }
                position += length;
                pages -= length;
            }
        }

        private void Flush()
        {
            if (_pendingWidth > 0)
            {
                Data.Append('h').Append(_pendingWidth).Append('v').Append(RowHeight).Append('h').Append(-_pendingWidth).Append('z');
                _pendingWidth = 0;
            }
        }

        public StringBuilder Finish()
        {
            Flush();
            return Data;
        }
    }

    private static string SpanTitle(SpanInfo span, Found? found)
    {
        var where = SvgText.Hex(span.Address);
        if (span.IsBumpChunk)
        {
            var bytes = (long)span.Pages * PageSize;
            var chunk = $"span {span.Id}: {(span.Space.Length > 0 ? span.Space : "bump")} chunk ({span.Pages} pages)";
            return found is { } f
                ? $"{chunk}, {SvgText.Bytes(f.Bytes)} of {SvgText.Bytes(bytes)} in {SvgText.Count(f.Objects)} objects, {where}"
                : $"{chunk}, {where}";
        }
        if (span.IsLarge)
        {
            return $"span {span.Id}: large object ({span.Pages} page{(span.Pages == 1 ? "" : "s")}, {SvgText.Bytes(span.ElementSize)}), {span.Allocated}/{span.Capacity} objects, {where}";
        }
        return $"span {span.Id}: class {span.SizeClass} ({span.ElementSize} B), {span.Allocated}/{span.Capacity} objects, {where}";
    }

    /// <summary>A span's class (colour) and hover title; the title is only made when each span gets its own element.</summary>
    private static (string Css, string? Title) Describe(SimulatedHeap heap, SpanInfo span, HeapMapColoring by, Found? found, Palette palette, bool merge)
    {
        string? Title(string extra = "") => merge ? null : SpanTitle(span, found) + extra;
        switch (by)
        {
            case HeapMapColoring.Occupancy:
                double? occupancy = span.IsBumpChunk
                    ? found is { } f ? Math.Min(1.0, (double)f.Bytes / ((long)span.Pages * PageSize)) : null
                    : span.Capacity == 0 ? null : (double)span.Allocated / span.Capacity;
                if (occupancy is not { } value)
                {
                    return (palette.Use(100, "u", UnknownColor, "occupancy unknown"), Title());
                }
                var bucket = Math.Min(9, (int)(value * 10));
                return (palette.Use(bucket, "o" + bucket, Occupancy[bucket], $"{bucket * 10}-{bucket * 10 + 10} % full"), Title());
            case HeapMapColoring.Class:
                if (span.IsBumpChunk)
                {
                    return (palette.Use(200, "B", BumpColor, "bump chunk"), Title());
                }
                if (span.IsLarge)
                {
                    return (palette.Use(199, "L", LargeColor, "large object"), Title());
                }
                return (palette.Use(span.SizeClass, "s" + span.SizeClass, Categorical[(span.SizeClass - 1) % Categorical.Length], $"class {span.SizeClass} ({span.ElementSize} B)"), Title());
            case HeapMapColoring.Space:
                {
                    var order = IndexOf(heap.Plan.Constraints.Spaces, span.Space);
                    var known = order >= 0 && SpaceColors.ContainsKey(span.Space);
                    var css = known ? "p" + order : "p";
                    return (palette.Use(known ? order : 99, css, known ? SpaceColors[span.Space] : UnknownColor, span.Space.Length > 0 ? span.Space : "unknown space"),
                        Title($", in {(span.Space.Length > 0 ? span.Space : "an unknown space")}"));
                }
            case HeapMapColoring.Generation:
                if (!heap.Plan.Constraints.Generational)
                {
                    return (palette.Use(2, "g", OldColor, $"the only generation ({heap.Plan.Name} has no young one)"), Title(", the only generation"));
                }
                return span.IsYoung
                    ? (palette.Use(0, "gy", YoungColor, "young (nursery, survivors)"), Title($", young generation ({span.Space})"))
                    : (palette.Use(1, "go", OldColor, "old"), Title($", old generation ({span.Space})"));
            case HeapMapColoring.Color:
                {
                    if (found is not { Objects: > 0 } marks)
                    {
                        return (palette.Use(100, "n", UnknownColor, "no objects"), Title(", no objects"));
                    }
                    var kind = marks.Grey > 0 ? 2 : marks.Black == 0 ? 0 : marks.White == 0 ? 4 : marks.White >= marks.Black ? 1 : 3;
                    var sweep = marks.AwaitingSweep > 0 ? $", {SvgText.Count(marks.AwaitingSweep)} awaiting sweep" : "";
                    return (UseMark(palette, kind), Title($": {SvgText.Count(marks.White)} white, {SvgText.Count(marks.Grey)} grey, {SvgText.Count(marks.Black)} black{sweep}"));
                }
            default:
                {
                    if (found is not { Objects: > 0 } walked)
                    {
                        return (palette.Use(100, "n", UnknownColor, "no objects"), Title(", no objects"));
                    }
                    var mean = (double)walked.AgeSum / walked.Objects;
                    return (UseAge(palette, mean < 4 ? (int)mean : mean < 8 ? 4 : 5), Title($", mean age {SvgText.Number(mean)}"));
                }
        }
    }

    private static string UseMark(Palette palette, int kind) =>
        palette.Use(kind, "k" + kind, MarkColors[kind], MarkLabels[kind], kind == 0 ? ";stroke:#999" : "");

    private static string UseAge(Palette palette, int bucket) => palette.Use(bucket, "a" + bucket, Ages[bucket], AgeLabels[bucket]);

    private static int IndexOf(IReadOnlyList<string> spaces, string space)
    {
        for (var index = 0; index < spaces.Count; index++)
        {
            if (spaces[index] == space)
            {
                return index;
            }
        }
        return -1;
    }

    /// <summary>The objects of each span, added up (and listed, when they are few enough to draw).</summary>
    private static Found[] Count(SimulatedHeap heap, SpanInfo[] spans, List<ObjectInfo>[]? lists)
    {
        var found = new Found[spans.Length];
        var byId = new int[spans.Length == 0 ? 0 : spans.Max(span => span.Id) + 1];
        for (var index = 0; index < spans.Length; index++)
        {
            byId[spans[index].Id] = index;
        }
        foreach (var item in heap.DescribeObjects())
        {
            var index = byId[item.SpanId];
            ref var slot = ref found[index];
            slot.Objects++;
            slot.Bytes += (item.Size + 7) & ~7L;
            slot.AgeSum += item.Age;
            slot.MaxAge = Math.Max(slot.MaxAge, item.Age);
            switch (item.Color)
            {
                case ObjectColor.White: slot.White++; break;
                case ObjectColor.Grey: slot.Grey++; break;
                default: slot.Black++; break;
            }
            if (item.AwaitingSweep)
            {
                slot.AwaitingSweep++;
            }
            if (lists is not null)
            {
                (lists[index] ??= []).Add(item);
            }
        }
        return found;
    }

    /// <summary>
    /// Every object as a square inside a box for its span: boxes in address order, flowing left to
    /// right and wrapping; squares in address order, wrapping inside the box. Returns the height.
    /// </summary>
    private static int Boxes(StringBuilder output, SpanInfo[] spans, string[] spanCss, List<ObjectInfo>?[] objectsBySpan,
        HeapMapColoring by, int width, IReadOnlyDictionary<ObjectHandle, string> names, Palette palette, Found[] found)
    {
        var usable = width - 2 * Margin;
        var perLine = Math.Max(1, (usable - 2 * BoxPadding + ObjectPitch - ObjectSide) / ObjectPitch);
        int x = 0, y = 0, lineHeight = 0;
        for (var index = 0; index < spans.Length; index++)
        {
            var objects = (IReadOnlyList<ObjectInfo>?)objectsBySpan[index] ?? [];
            var across = Math.Max(1, Math.Min(objects.Count, perLine));
            var down = Math.Max(1, (objects.Count + across - 1) / across);
            var boxWidth = 2 * BoxPadding + across * ObjectPitch - (ObjectPitch - ObjectSide);
            var boxHeight = 2 * BoxPadding + down * ObjectPitch - (ObjectPitch - ObjectSide);
            if (x > 0 && x + boxWidth > usable)
            {
                x = 0;
                y += lineHeight + BoxGap;
                lineHeight = 0;
            }
            output.Append("<rect class=\"x ").Append(spanCss[index]).Append("\" x=\"").Append(x).Append("\" y=\"").Append(y)
                .Append("\" width=\"").Append(boxWidth).Append("\" height=\"").Append(boxHeight).Append("\"><title>")
                .AppendEscaped(SpanTitle(spans[index], found[index]) + ", " + spans[index].Space).Append("</title></rect>\n");
            for (var item = 0; item < objects.Count; item++)
            {
                var info = objects[item];
                var css = by switch
                {
                    HeapMapColoring.Color => UseMark(palette, info.Color switch { ObjectColor.White => 0, ObjectColor.Grey => 2, _ => 4 }),
                    HeapMapColoring.Age => UseAge(palette, info.Age < 4 ? info.Age : info.Age < 8 ? 4 : 5),
                    _ => spanCss[index],
                };
                var name = names.TryGetValue(info.Handle, out var known) ? known + " " : "";
                var title = $"{name}{info.Handle}: {SvgText.Count(info.Size)} B at {SvgText.Hex(info.Address)}, {info.Color.ToString().ToLowerInvariant()}, age {info.Age}"
                    + (info.AwaitingSweep ? ", garbage awaiting sweep" : "");
                output.Append("<rect class=\"b ").Append(css).Append("\" x=\"").Append(x + BoxPadding + item % across * ObjectPitch)
                    .Append("\" y=\"").Append(y + BoxPadding + item / across * ObjectPitch).Append("\" width=\"").Append(ObjectSide).Append("\" height=\"").Append(ObjectSide)
                    .Append("\"><title>").AppendEscaped(title).Append("</title></rect>\n");
            }
            x += boxWidth + BoxGap;
            lineHeight = Math.Max(lineHeight, boxHeight);
        }
        return y + lineHeight;
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
        var classes = small.Select(span => span.SizeClass).Distinct().Count();
        text.Append(" in ").Append(classes).Append(classes == 1 ? " class" : " classes");
        text.Append("; large-object spans: ").Append(SvgText.Count(spans.Count(span => span.IsLarge)));
        var bump = spans.Where(span => span.IsBumpChunk).ToArray();
        text.Append("; bump chunks: ").Append(SvgText.Count(bump.Length));
        if (bump.Length > 0 && found is not null)
        {
            long bytes = 0;
            for (var index = 0; index < spans.Length; index++)
            {
                if (spans[index].IsBumpChunk)
                {
                    bytes += found[index].Bytes;
                }
            }
            text.Append(" (").Append(SvgText.Bytes(bytes)).Append(" of ").Append(SvgText.Bytes(bump.Sum(span => (long)span.Pages) * PageSize)).Append(" used)");
        }
        text.Append('\n');
        switch (by)
        {
            case HeapMapColoring.Space:
            case HeapMapColoring.Generation when heap.Plan.Constraints.Generational:
                text.Append(by == HeapMapColoring.Space ? "spaces: " : "generations: ");
                var groups = spans.GroupBy(span => by == HeapMapColoring.Space ? span.Space : span.IsYoung ? "young" : "old")
                    .OrderBy(group => by == HeapMapColoring.Space ? IndexOf(heap.Plan.Constraints.Spaces, group.Key) : group.Key == "young" ? 0 : 1);
                text.Append(string.Join("; ", groups.Select(group =>
                {
                    var pages = group.Sum(span => (long)span.Pages);
                    var count = group.Count();
                    return $"{group.Key} {SvgText.Count(count)} span{(count == 1 ? "" : "s")}, {SvgText.Count(pages)} pages ({SvgText.Bytes(pages * PageSize)})";
                }))).Append('\n');
                break;
            case HeapMapColoring.Generation:
                text.Append("generations: none; the ").Append(heap.Plan.Name).Append(" collector has no young generation, so every span is in its only generation\n");
                break;
            case HeapMapColoring.Age when found is not null:
                var objects = found.Sum(f => f.Objects);
                text.Append("ages (collections survived): ");
                text.Append(objects == 0 ? "no objects" : $"mean {SvgText.Number((double)found.Sum(f => f.AgeSum) / objects)} over {SvgText.Count(objects)} objects, oldest {found.Max(f => f.MaxAge)}").Append('\n');
                break;
            case HeapMapColoring.Color when found is not null:
                text.Append("mark colours: ").Append(SvgText.Count(found.Sum(f => f.White))).Append(" white, ").Append(SvgText.Count(found.Sum(f => f.Grey)))
                    .Append(" grey, ").Append(SvgText.Count(found.Sum(f => f.Black))).Append(" black objects");
                var awaiting = found.Sum(f => f.AwaitingSweep);
                if (awaiting > 0)
                {
                    text.Append(" (").Append(SvgText.Count(awaiting)).Append(" of them garbage awaiting sweep)");
                }
                text.Append(heap.Phase is { } phase ? $"; phase {phase}" : "; no cycle running").Append('\n');
                break;
        }
        var fragmentation = heap.Fragmentation();
        text.Append("fragmentation: ").Append(SvgText.Bytes(fragmentation.FreeSlotBytes)).Append(" in free slots inside spans; ")
            .Append(SvgText.Bytes(fragmentation.FreePageBytes)).Append(" in free pages, largest run ").Append(SvgText.Bytes(fragmentation.LargestFreeRunBytes))
            .Append(", external fragmentation ").Append(SvgText.Number(fragmentation.ExternalFragmentation)).Append(" (1 − largest run / free pages)\n");
        text.Append("layout: ").Append(columns).Append(" pages a row, ").Append(freeGaps).Append(" gap").Append(freeGaps == 1 ? "" : "s").Append(" between spans");
        if (elements is { } drawn)
        {
            text.Append("; over ").Append(SvgText.Count(MergeAbove)).Append(" spans, so each colour is one element (")
                .Append(SvgText.Count(drawn)).Append(" elements), titled with its totals");
        }
        if (spans.Length > 0 && heap.ObjectCount <= ObjectsUpTo)
        {
            text.Append("; ").Append(SvgText.Count(found!.Sum(f => f.Objects))).Append(" objects drawn one by one (at most ").Append(SvgText.Count(ObjectsUpTo)).Append(" are)");
        }
        return text.Append('\n').ToString();
    }
}
