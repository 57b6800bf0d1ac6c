using System.Xml.Linq;
using HeapNotebook.Heap;
using HeapNotebook.Heap.Objects;
using HeapNotebook.Kernel.Display.Svg;

namespace HeapNotebook.Kernel.Tests.Display;

public sealed class HeapMapSvgTests
{
    /// <summary>A small fixed heap: objects of three size classes and one large object under a root table, then a third of them dropped and collected.</summary>
    internal static SimulatedHeap SmallHeap(string collector = "marksweep", bool collect = true)
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = collector, Gogc = null, Seed = 7, Name = "fixed" });
        var table = heap.Alloc(8 * 1200, 1200);
        heap.Roots["table"] = table;
        int[] sizes = [16, 48, 112];
        for (var index = 0; index < 1199; index++)
        {
            heap.Write(table, index, heap.Alloc(sizes[index % 3], 0));
        }
        heap.Write(table, 1199, heap.Alloc(40_000, 0));
        for (var index = 0; index < 1199; index += 3)
        {
            heap.Write(table, index, ObjectHandle.Null);
        }
        if (collect)
        {
            heap.Collect();
        }
        return heap;
    }

    private static SvgView Map(SimulatedHeap heap, HeapMapColoring by, int width = 600) => HeapMapSvg.Render(heap, "fixed", by, width, []);

    [Theory]
    [InlineData("occupancy")]
    [InlineData("space")]
    [InlineData("age")]
    public void Map_of_a_small_fixed_heap_matches_the_approved_svg(string by)
    {
        var view = Map(SmallHeap(), Enum.Parse<HeapMapColoring>(by, ignoreCase: true));

        SvgApproval.Verify($"HeapMap.{by}.svg", view.Svg);
        SvgApproval.Verify($"HeapMap.{by}.txt", view.Plain);
    }

    [Fact]
    public void Map_of_a_generational_heap_shows_bump_chunks_and_matches_the_approved_svg()
    {
        var view = Map(SmallHeap("generational", collect: false), HeapMapColoring.Occupancy);

        Assert.Contains("bump chunk", view.Svg);
        SvgApproval.Verify("HeapMap.generational.svg", view.Svg);
    }

    [Theory]
    [InlineData("occupancy")]
    [InlineData("space")]
    [InlineData("age")]
    public void Map_rendering_is_deterministic_two_heaps_built_alike_give_identical_bytes(string name)
    {
        var by = Enum.Parse<HeapMapColoring>(name, ignoreCase: true);
        var first = Map(SmallHeap(), by);
        var second = Map(SmallHeap(), by); // a second heap, built the same way

        Assert.Equal(first, second);
    }

    [Fact]
    public void Map_has_one_element_per_span_with_a_title_and_is_well_formed_xml()
    {
        var heap = SmallHeap();
        var view = Map(heap, HeapMapColoring.Occupancy);

        var svg = XDocument.Parse(view.Svg);
        XNamespace ns = "http://www.w3.org/2000/svg";
        var cells = svg.Descendants(ns + "path").ToArray();
        var spans = heap.DescribeSpans();
        Assert.Equal(spans.Count, cells.Count(cell => cell.Element(ns + "title")!.Value.StartsWith("span ", StringComparison.Ordinal)));
        var first = spans.OrderBy(span => span.Address).First(span => span.SizeClass > 0);
        Assert.Contains(cells, cell => cell.Element(ns + "title")!.Value ==
            $"span {first.Id}: class {first.SizeClass} ({first.ElementSize} B), {first.Allocated}/{first.Capacity} objects, 0x{first.Address:x}");
    }

    [Fact]
    public void Map_summary_gives_spans_occupancy_and_fragmentation()
    {
        var heap = SmallHeap();
        var plain = Map(heap, HeapMapColoring.Occupancy).Plain;

        Assert.StartsWith($"fixed (marksweep): {heap.DescribeSpans().Count} spans", plain);
        Assert.Contains("slots allocated (", plain);
        Assert.Contains("fragmentation: ", plain);
    }

    [Fact]
    public void Map_of_an_empty_heap_says_so_and_is_well_formed()
    {
        var view = Map(new SimulatedHeap(new HeapOptions { Name = "empty" }), HeapMapColoring.Occupancy);

        Assert.Contains("no spans in use: the heap is empty", view.Svg);
        Assert.StartsWith("fixed (marksweep): 0 spans, 0 pages (0 B), by occupancy\n", view.Plain);
        XDocument.Parse(view.Svg);
    }

    [Fact]
    public void Map_numbers_do_not_depend_on_the_current_culture()
    {
        var heap = SmallHeap();
        var invariant = Map(heap, HeapMapColoring.Occupancy, 777);
        var culture = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.GetCultureInfo("de-DE");
            Assert.Equal(invariant.Svg, Map(heap, HeapMapColoring.Occupancy, 777).Svg);
        }
        catch (System.Globalization.CultureNotFoundException)
        {
            // Invariant-globalization builds have no de-DE; nothing to compare then.
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = culture;
        }
    }

    [Fact]
    public void Map_of_more_than_4096_spans_merges_adjacent_spans_of_one_colour_and_says_so()
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = "marksweep", Gogc = null, Name = "big" });
        var table = heap.Alloc(8 * 4200, 4200);
        heap.Roots["table"] = table;
        for (var index = 0; index < 4200; index++)
        {
            heap.Write(table, index, heap.Alloc(8192, 0));
        }
        Assert.True(heap.DescribeSpans().Count > HeapMapSvg.MergeAbove);

        var view = Map(heap, HeapMapColoring.Occupancy);

        var paths = XDocument.Parse(view.Svg).Descendants(XName.Get("path", "http://www.w3.org/2000/svg")).Count();
        Assert.True(paths < 10, $"{paths} elements");
        Assert.Contains("adjacent spans of one colour share an element", view.Plain);
        Assert.Matches(@"<title>spans \d+ to \d+ \([\d,]+ spans, classes large, \d+\): [\d,]+/[\d,]+ objects, 0xc[0-9a-f]+ to 0xc[0-9a-f]+</title>", view.Svg);
    }
}
