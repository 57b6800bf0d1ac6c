using System.Xml.Linq;
using HeapNotebook.Heap;
using HeapNotebook.Heap.Objects;
using HeapNotebook.Kernel.Display.Svg;

namespace HeapNotebook.Kernel.Tests.Display;

public sealed class ObjectGraphSvgTests
{
    /// <summary>Two globals, a diamond, a cycle and a garbage object, on a tri-colour heap stepped once so colours are mixed.</summary>
    private static (SimulatedHeap Heap, Dictionary<ObjectHandle, string> Names) SmallGraph(bool step)
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = "tricolor", Gogc = null, Seed = 3, Name = "graph" });
        var names = new Dictionary<ObjectHandle, string>();
        ObjectHandle Alloc(string name, int slots)
        {
            var handle = heap.Alloc(32, slots);
            names[handle] = name;
            return handle;
        }
        var a = Alloc("a", 2);
        var b = Alloc("b", 1);
        var c = Alloc("c", 1);
        var d = Alloc("d", 1);
        var unnamed = heap.Alloc(16, 0);
        var e = Alloc("e", 0);
        Alloc("garbage", 0);
        heap.Write(a, 0, b);
        heap.Write(a, 1, c);
        heap.Write(b, 0, d);
        heap.Write(c, 0, d);
        heap.Write(d, 0, a);
        heap.Roots["root"] = a;
        heap.Roots["other"] = unnamed;
        heap.Roots["z"] = e;
        if (step)
        {
            heap.Step(2);
        }
        return (heap, names);
    }

    private static SvgView Draw(bool step)
    {
        var (heap, names) = SmallGraph(step);
        return ObjectGraphSvg.Render(heap, "graph", ObjectGraphSvg.Walk(heap, names, 300));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Graph_of_a_small_fixed_heap_matches_the_approved_svg(bool step)
    {
        var view = Draw(step);

        SvgApproval.Verify($"ObjectGraph.{(step ? "stepped" : "idle")}.svg", view.Svg);
        SvgApproval.Verify($"ObjectGraph.{(step ? "stepped" : "idle")}.txt", view.Plain);
        XDocument.Parse(view.Svg);
    }

    [Fact]
    public void Graph_rendering_is_deterministic_two_heaps_built_alike_give_identical_bytes()
    {
        var first = Draw(true);
        var second = Draw(true); // a second heap, built the same way

        Assert.Equal(first.Svg, second.Svg);
        Assert.Equal(first.Plain, second.Plain);
    }

    [Fact]
    public void Graph_layers_by_depth_in_discovery_order_and_labels_names_else_handles()
    {
        var (heap, names) = SmallGraph(step: false);
        var graph = ObjectGraphSvg.Walk(heap, names, 300);

        Assert.Equal(["other", "root", "z"], graph.Roots.Select(root => root.Name));
        Assert.Equal(["#257v1 1 0", "a 1 1", "e 1 2", "b 2 0", "c 2 1", "d 3 0"], graph.Nodes.Select(node => $"{node.Label} {node.Layer} {node.Row}"));
        Assert.Equal(5, graph.Edges.Count);
        Assert.DoesNotContain(graph.Nodes, node => node.Label == "garbage");
    }

    [Fact]
    public void Graph_plain_text_lists_nodes_colours_edges_and_what_is_not_shown()
    {
        var plain = Draw(false).Plain;

        Assert.StartsWith("graph (tricolor): 6 reachable of 7 objects, 3 globals, no cycle running\n1 object is not shown", plain);
        Assert.Contains("  a (#1v1) white, depth 1, 0 -> b, 1 -> c\n", plain);
    }

    [Fact]
    public void Graph_walk_stops_once_more_than_max_objects_are_reachable()
    {
        var (heap, names) = SmallGraph(step: false);

        Assert.True(ObjectGraphSvg.Walk(heap, names, 5).TooMany);
        Assert.False(ObjectGraphSvg.Walk(heap, names, 6).TooMany);
    }
}
