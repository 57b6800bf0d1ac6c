using System.Text;
using HeapNotebook.Heap;
using HeapNotebook.Heap.Objects;

namespace HeapNotebook.Kernel.Display.Svg;

/// <summary>
/// The object graph of a small heap: its globals (roots) in the first column, then the objects
/// reachable from them in layers by breadth-first depth, each layer ordered by first discovery;
/// objects filled white, grey or black by their mark colour; an arrow per non-null slot.
/// </summary>
internal static class ObjectGraphSvg
{
    public const int DefaultMax = 300;

    private const int Margin = 10;
    private const int Header = 34;
    private const int ColumnPitch = 150;
    private const int NodeWidth = 104;
    private const int NodeHeight = 22;
    private const int RowPitch = 34;

    /// <summary>How far below the lower of its two nodes an edge to the same or an earlier layer dips (the drawing leaves room for it).</summary>
    private const int BackEdgeDip = 30;

    /// <summary>An object in the drawing: its handle, label, layer (1 for objects a root points to) and place in its layer.</summary>
    internal sealed record Node(ObjectHandle Handle, string Label, int Layer, int Row, ObjectColor Color);

    /// <summary>The walk of the reachable graph, or the count at which it stopped because there were more than the maximum.</summary>
    internal sealed record Graph(
        IReadOnlyList<(string Name, ObjectHandle Target)> Roots,
        IReadOnlyList<Node> Nodes,
        IReadOnlyList<(int From, int Slot, int To)> Edges,
        bool TooMany);

    /// <summary>Walks from the globals in name order; stops as soon as more than <paramref name="max"/> objects are found.</summary>
    public static Graph Walk(SimulatedHeap heap, IReadOnlyDictionary<ObjectHandle, string> names, int max)
    {
        var roots = heap.Roots.Entries.Where(root => !root.Value.IsNull && heap.IsLive(root.Value)).Select(root => (root.Key, root.Value)).ToArray();
        var index = new Dictionary<ObjectHandle, int>();
        var nodes = new List<Node>();
        var rows = new List<int> { 0 };
        var queue = new Queue<int>();
        bool Discover(ObjectHandle handle, int layer)
        {
            if (index.ContainsKey(handle))
            {
                return true;
            }
            if (nodes.Count == max)
            {
                return false;
            }
            while (rows.Count <= layer)
            {
                rows.Add(0);
            }
            index[handle] = nodes.Count;
            queue.Enqueue(nodes.Count);
            nodes.Add(new Node(handle, names.TryGetValue(handle, out var name) ? name : handle.ToString(), layer, rows[layer]++, heap.ColorOf(handle)));
            return true;
        }
        foreach (var (_, target) in roots)
        {
            if (!Discover(target, 1))
            {
                return new Graph(roots, nodes, [], true);
            }
        }
        var edges = new List<(int, int, int)>();
        while (queue.TryDequeue(out var current))
        {
            var node = nodes[current];
            var slots = heap.SlotCountOf(node.Handle);
            for (var slot = 0; slot < slots; slot++)
            {
                var target = heap.Read(node.Handle, slot);
                if (target.IsNull || !heap.IsLive(target))
                {
                    continue;
                }
                if (!Discover(target, node.Layer + 1))
                {
                    return new Graph(roots, nodes, edges, true);
                }
                edges.Add((current, slot, index[target]));
            }
        }
        return new Graph(roots, nodes, edges, false);
    }

    public static SvgView Render(SimulatedHeap heap, string heapName, Graph graph)
    {
        var nodes = graph.Nodes;
        var layers = nodes.Count == 0 ? 0 : nodes.Max(node => node.Layer);
        var tallest = Math.Max(graph.Roots.Count, nodes.Count == 0 ? 0 : nodes.GroupBy(node => node.Layer).Max(layer => layer.Count()));
        var width = Margin * 2 + (layers + 1) * ColumnPitch - (ColumnPitch - NodeWidth);
        width = Math.Max(width, 360);
        var height = Margin + Header + Math.Max(tallest, 1) * RowPitch + BackEdgeDip + Margin;
        var title = Title(heap, heapName, graph);

        var svg = new StringBuilder(1024 + nodes.Count * 200 + graph.Edges.Count * 120);
        svg.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(width).Append("\" height=\"").Append(height)
            .Append("\" viewBox=\"0 0 ").Append(width).Append(' ').Append(height).Append("\" font-family=\"sans-serif\" font-size=\"11\">\n");
        svg.Append("<title>").AppendEscaped(title).Append("</title>\n");
        svg.Append("<defs><marker id=\"heapnb-arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">")
            .Append("<path d=\"M0 0L10 5L0 10z\" fill=\"#555\"/></marker></defs>\n");
        svg.Append("<style>.e{fill:none;stroke:#555;stroke-width:1.2}.r{fill:#e3f2fd;stroke:#1565c0;stroke-width:1.5;stroke-dasharray:4 2}")
            .Append(".white{fill:#fff;stroke:#333}.grey{fill:#9e9e9e;stroke:#333}.black{fill:#222;stroke:#000}.lw{fill:#fff}.lb{fill:#111}</style>\n");
        svg.Append("<text x=\"").Append(Margin).Append("\" y=\"").Append(Margin + 11).Append("\" font-weight=\"bold\">").AppendEscaped(title).Append("</text>\n");
        svg.Append("<text x=\"").Append(Margin).Append("\" y=\"").Append(Margin + 25).Append("\" fill=\"#555\">globals (dashed), then objects by depth; fill: mark colour white / grey / black</text>\n");

        double X(int layer) => Margin + layer * ColumnPitch;
        double Y(int row) => Margin + Header + row * RowPitch;

        // Edges first, so nodes are drawn over them.
        svg.Append("<g>\n");
        for (var root = 0; root < graph.Roots.Count; root++)
        {
            var target = nodes.FirstOrDefault(node => node.Handle == graph.Roots[root].Target);
            if (target is not null)
            {
                Edge(svg, X(0) + NodeWidth, Y(root) + NodeHeight / 2.0, X(target.Layer), Y(target.Row) + NodeHeight / 2.0, $"{graph.Roots[root].Name} -> {target.Label}");
            }
        }
        foreach (var (from, slot, to) in graph.Edges)
        {
            var source = nodes[from];
            var target = nodes[to];
            Edge(svg, X(source.Layer) + NodeWidth, Y(source.Row) + NodeHeight / 2.0, X(target.Layer), Y(target.Row) + NodeHeight / 2.0, $"{source.Label}.{slot} -> {target.Label}");
        }
        svg.Append("</g>\n");

        for (var root = 0; root < graph.Roots.Count; root++)
        {
            var (name, _) = graph.Roots[root];
            svg.Append("<g><title>global ").AppendEscaped(name).Append("</title><rect class=\"r\" x=\"").Append(SvgText.Number(X(0))).Append("\" y=\"").Append(SvgText.Number(Y(root)))
                .Append("\" width=\"").Append(NodeWidth).Append("\" height=\"").Append(NodeHeight).Append("\" rx=\"11\"/>");
            Label(svg, X(0), Y(root), name, "lb");
            svg.Append("</g>\n");
        }
        foreach (var node in nodes)
        {
            var colour = node.Color.ToString().ToLowerInvariant();
            svg.Append("<g><title>").AppendEscaped(NodeTitle(heap, node, colour))
                .Append("</title><rect class=\"").Append(colour).Append("\" x=\"").Append(SvgText.Number(X(node.Layer))).Append("\" y=\"").Append(SvgText.Number(Y(node.Row)))
                .Append("\" width=\"").Append(NodeWidth).Append("\" height=\"").Append(NodeHeight).Append("\" rx=\"3\"/>");
            Label(svg, X(node.Layer), Y(node.Row), node.Label, node.Color == ObjectColor.Black ? "lw" : "lb");
            svg.Append("</g>\n");
        }
        svg.Append("</svg>\n");
        return new SvgView(svg.ToString(), Plain(heap, heapName, graph));
    }

    private static void Edge(StringBuilder svg, double x1, double y1, double x2, double y2, string title)
    {
        svg.Append("<path class=\"e\" marker-end=\"url(#heapnb-arrow)\" d=\"");
        if (x2 > x1)
        {
            // A forward edge: an S-curve from the source's right side to the target's left side.
            var bend = Math.Max(20, (x2 - x1) / 2);
            Curve(svg, x1, y1, x1 + bend, y1, x2 - bend, y2, x2, y2);
        }
        else
        {
            // An edge to the same or an earlier layer: from under the source, dipping below both, up into the target's underside.
            var sx = x1 - NodeWidth / 2.0;
            var sy = y1 + NodeHeight / 2.0;
            var tx = x2 + NodeWidth / 2.0;
            var ty = y2 + NodeHeight / 2.0;
            if (sx == tx && sy == ty)
            {
                // An object pointing to itself: a loop under it.
                sx -= 15;
                tx += 15;
            }
            var dip = Math.Max(sy, ty) + BackEdgeDip;
            Curve(svg, sx, sy, sx, dip, tx, dip, tx, ty);
        }
        svg.Append("\"><title>").AppendEscaped(title).Append("</title></path>\n");
    }

    private static void Curve(StringBuilder svg, double x1, double y1, double c1x, double c1y, double c2x, double c2y, double x2, double y2) =>
        svg.Append('M').Append(SvgText.Number(x1)).Append(' ').Append(SvgText.Number(y1))
            .Append(" C").Append(SvgText.Number(c1x)).Append(' ').Append(SvgText.Number(c1y))
            .Append(' ').Append(SvgText.Number(c2x)).Append(' ').Append(SvgText.Number(c2y))
            .Append(' ').Append(SvgText.Number(x2)).Append(' ').Append(SvgText.Number(y2));

    private static string NodeTitle(SimulatedHeap heap, Node node, string colour)
    {
        var slots = heap.SlotCountOf(node.Handle);
        var label = node.Label == node.Handle.ToString() ? node.Label : $"{node.Label} ({node.Handle})";
        return $"{label}: {colour}, {SvgText.Count(heap.SizeOf(node.Handle))} B, {slots} slot{(slots == 1 ? "" : "s")}, depth {node.Layer}";
    }

    private static void Label(StringBuilder svg, double x, double y, string text, string css)
    {
        var shown = text.Length > 16 ? text[..15] + "…" : text;
        svg.Append("<text class=\"").Append(css).Append("\" x=\"").Append(SvgText.Number(x + NodeWidth / 2.0)).Append("\" y=\"").Append(SvgText.Number(y + 15))
            .Append("\" text-anchor=\"middle\">").AppendEscaped(shown).Append("</text>");
    }

    private static string Title(SimulatedHeap heap, string heapName, Graph graph)
    {
        var phase = heap.Phase is { } current ? $", phase {current}, {heap.GreyWorklist.Count} grey waiting" : ", no cycle running";
        return $"{heapName} ({heap.Plan.Name}): {SvgText.Count(graph.Nodes.Count)} reachable of {SvgText.Count(heap.ObjectCount)} objects, {graph.Roots.Count} global{(graph.Roots.Count == 1 ? "" : "s")}{phase}";
    }

    /// <summary>The text/plain fallback: the globals, then each object with its colour and where its slots point.</summary>
    public static string Plain(SimulatedHeap heap, string heapName, Graph graph)
    {
        var text = new StringBuilder(Title(heap, heapName, graph)).Append('\n');
        var hidden = heap.ObjectCount - graph.Nodes.Count;
        if (hidden > 0)
        {
            text.Append(SvgText.Count(hidden)).Append(hidden == 1 ? " object is" : " objects are").Append(" not shown: not reachable from the globals (garbage not yet swept, or held only by the stack)\n");
        }
        var labels = graph.Nodes.ToDictionary(node => node.Handle, node => node.Label);
        text.Append("globals:");
        if (graph.Roots.Count == 0)
        {
            text.Append(" none");
        }
        foreach (var (name, target) in graph.Roots)
        {
            text.Append(' ').Append(name).Append(" -> ").Append(labels.GetValueOrDefault(target, target.ToString())).Append(';');
        }
        if (graph.Roots.Count > 0)
        {
            text.Length--;
        }
        text.Append('\n');
        var edges = graph.Edges.ToLookup(edge => edge.From);
        for (var index = 0; index < graph.Nodes.Count; index++)
        {
            var node = graph.Nodes[index];
            text.Append("  ").Append(node.Label);
            if (node.Label != node.Handle.ToString())
            {
                text.Append(" (").Append(node.Handle.ToString()).Append(')');
            }
            text.Append(' ').Append(node.Color.ToString().ToLowerInvariant()).Append(", depth ").Append(node.Layer);
            foreach (var (_, slot, to) in edges[index])
            {
                text.Append(", ").Append(slot).Append(" -> ").Append(graph.Nodes[to].Label);
            }
            text.Append('\n');
        }
        return text.ToString();
    }
}
