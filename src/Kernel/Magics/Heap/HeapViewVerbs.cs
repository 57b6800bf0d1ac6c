using System.CommandLine;
using System.Globalization;
using System.Runtime.CompilerServices;
using HeapNotebook.Heap.Objects;
using HeapNotebook.Kernel.Display;
using HeapNotebook.Kernel.Display.Svg;

namespace HeapNotebook.Kernel.Magics.Heap;

/// <summary>The views of issue 6: #!heap map (spans as an SVG heap map) and #!heap graph (the object graph as SVG).</summary>
internal static partial class HeapVerbs
{
    private static readonly string[] MapColorings = ["color", "generation", "space", "age", "occupancy", "class"];

    /// <summary>The graph display last shown for a heap of a session, so that #!heap step can redraw it in place.</summary>
    private sealed record GraphDisplay(string DisplayId, int Max);

    private static readonly ConditionalWeakTable<HeapEntry, GraphDisplay> GraphDisplays = new();

    private static HeapVerb Map()
    {
        Option<string?> by = null!;
        Option<int?> width = null!;
        var verb = new HeapVerb("map", "Draw the current heap's spans as an SVG heap map, by address; each object too when there are few.", "",
            "#!heap map --by generation --width 800",
            (context, parse) =>
            {
                var coloring = parse.GetValue(by) ?? "occupancy";
                Choose(context, "--by", coloring, MapColorings);
                var pixels = parse.GetValue(width) ?? HeapMapSvg.DefaultWidth;
                if (pixels is < HeapMapSvg.MinWidth or > HeapMapSvg.MaxWidth)
                {
                    throw context.Error(HeapErrorCode.InvalidValue,
                        Invariant($"--width must be {HeapMapSvg.MinWidth} to {HeapMapSvg.MaxWidth} pixels, not {pixels}"), context.ValueOf("--width"));
                }
                var entry = context.Current;
                var view = HeapMapSvg.Render(entry.Heap, entry.Name, Enum.Parse<HeapMapColoring>(coloring, ignoreCase: true), pixels, NamedLive(entry));
                context.Invocation.Outputs.PublishDisplay(MimeBundle.PlainText(view.Plain).With("image/svg+xml", view.Svg), null, isUpdate: false);
            })
        {
            Notes = "--by color: white/grey/black, per span the mix of its objects (after '#!heap step', mid-cycle); generation: young (nursery, survivors) or old;\n"
                + "space: the plan's spaces (nursery, survivors, old size-class spans, large objects, semispace halves, compacting space); class: the size class;\n"
                + "age: collections survived, per span the mean; occupancy: how full each span is.\n"
                + Invariant($"Spans are aggregated, so large heaps draw quickly; with at most {Count(HeapMapSvg.ObjectsUpTo)} objects each object is drawn too. Hover for details."),
        };
        by = verb.Add(new Option<string?>("--by") { HelpName = string.Join('|', MapColorings), Description = "What colours the spans and objects (default occupancy)." });
        width = verb.Add(new Option<int?>("--width") { HelpName = "PX", Description = Invariant($"The map's width in pixels, {HeapMapSvg.MinWidth} to {HeapMapSvg.MaxWidth} (default {HeapMapSvg.DefaultWidth}).") });
        return verb;
    }

    /// <summary>The largest graph drawn: an SVG of about 300 bytes an object, so a few megabytes.</summary>
    private const int MaxGraphObjects = 10_000;

    private static HeapVerb Graph()
    {
        Option<int?> max = null!;
        Option<bool> snapshot = null!;
        var verb = new HeapVerb("graph", "Draw the objects reachable from the globals as an SVG graph, coloured white/grey/black.", "",
            "#!heap graph --max 300",
            (context, parse) =>
            {
                var limit = parse.GetValue(max) ?? ObjectGraphSvg.DefaultMax;
                if (limit < 1)
                {
                    throw context.Error(HeapErrorCode.InvalidValue, Invariant($"--max must be 1 or more, not {limit}"), context.ValueOf("--max"));
                }
                if (limit > MaxGraphObjects)
                {
                    throw context.Error(HeapErrorCode.ResourceLimit,
                        Invariant($"--max cannot be above {Count(MaxGraphObjects)}: a graph of more objects would not fit in the kernel's memory or a notebook; draw a big heap's spans with '#!heap map'"), context.ValueOf("--max"));
                }
                var entry = context.Current;
                var graph = ObjectGraphSvg.Walk(entry.Heap, NamedLive(entry), limit);
                if (graph.TooMany)
                {
                    throw context.Error(HeapErrorCode.InvalidValue,
                        Invariant($"{entry.Name} has more than {Count(limit)} reachable objects ({Count(entry.Heap.ObjectCount)} objects in all), too many to draw as a graph; ")
                        + "raise --max, or draw its spans with '#!heap map'", parse.GetValue(max) is null ? null : context.ValueOf("--max"));
                }
                var view = ObjectGraphSvg.Render(entry.Heap, entry.Name, graph);
                var bundle = MimeBundle.PlainText(view.Plain).With("image/svg+xml", view.Svg);
                if (parse.GetValue(snapshot))
                {
                    context.Invocation.Outputs.PublishDisplay(bundle, null, isUpdate: false);
                    return;
                }
                var displayId = context.Session.NextDisplayId("graph");
                GraphDisplays.AddOrUpdate(entry, new GraphDisplay(displayId, limit));
                context.Invocation.Outputs.PublishDisplay(bundle, displayId, isUpdate: false);
            })
        {
            Notes = "Globals are drawn first, then objects in layers by their distance from the globals. Labels are '#!heap alloc' names, else handles.\n"
                + "After a graph is shown, '#!heap step' redraws it in place, so stepping animates the marking; a --snapshot graph stays as drawn.",
        };
        max = verb.Add(new Option<int?>("--max") { HelpName = "N", Description = Invariant($"Refuse to draw more than N objects (default {ObjectGraphSvg.DefaultMax}, at most {MaxGraphObjects:N0}).") });
        snapshot = verb.Add(new Option<bool>("--snapshot") { Description = "Draw the graph as it is now; later steps leave this drawing alone (for notebooks read top to bottom)." });
        return verb;
    }

    /// <summary>After a step: redraws, in place, the graph last shown for this heap (if any).</summary>
    private static void RedrawGraph(HeapCommandContext context, HeapEntry entry)
    {
        if (!GraphDisplays.TryGetValue(entry, out var display))
        {
            return;
        }
        var graph = ObjectGraphSvg.Walk(entry.Heap, NamedLive(entry), display.Max);
        var bundle = graph.TooMany
            ? MimeBundle.PlainText(string.Create(CultureInfo.InvariantCulture, $"{entry.Name} now has more than {Count(display.Max)} reachable objects; the graph is no longer drawn"))
            : ObjectGraphSvg.Render(entry.Heap, entry.Name, graph) is var view ? MimeBundle.PlainText(view.Plain).With("image/svg+xml", view.Svg) : null!;
        context.Invocation.Outputs.PublishDisplay(bundle, display.DisplayId, isUpdate: true);
    }

    /// <summary>The live objects named by #!heap alloc, each with its first name.</summary>
    private static Dictionary<ObjectHandle, string> NamedLive(HeapEntry entry)
    {
        var names = new Dictionary<ObjectHandle, string>();
        foreach (var name in entry.ObjectOrder)
        {
            var handle = entry.Objects[name];
            if (entry.Heap.IsLive(handle))
            {
                names.TryAdd(handle, name);
            }
        }
        return names;
    }
}
