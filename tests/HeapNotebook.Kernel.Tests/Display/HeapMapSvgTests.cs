using System.Xml.Linq;
using HeapNotebook.Heap;
using HeapNotebook.Heap.Objects;
using HeapNotebook.Kernel.Display.Svg;

namespace HeapNotebook.Kernel.Tests.Display;

public sealed class HeapMapSvgTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    public static TheoryData<string> Colorings => [.. Enum.GetNames<HeapMapColoring>().Select(name => name.ToLowerInvariant())];

    /// <summary>
    /// A fixed heap: <paramref name="objects"/> objects of three size classes and one large object under a root table,
    /// then a third of them dropped and collected. The default leaves under 2,000 objects, so the map draws each one.
    /// </summary>
    internal static SimulatedHeap SmallHeap(string collector = "marksweep", bool collect = true, int objects = 1200)
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = collector, Gogc = null, Seed = 7, Name = "fixed" });
        var table = heap.Alloc(8 * objects, objects);
        heap.Roots["table"] = table;
        int[] sizes = [16, 48, 112];
        for (var index = 0; index < objects - 1; index++)
        {
            heap.Write(table, index, heap.Alloc(sizes[index % 3], 0));
        }
        heap.Write(table, objects - 1, heap.Alloc(40_000, 0));
        for (var index = 0; index < objects - 1; index += 3)
        {
            heap.Write(table, index, ObjectHandle.Null);
        }
        if (collect)
        {
            heap.Collect();
        }
        return heap;
    }

    /// <summary>Too many objects to draw one by one (about 2,400), so spans alone, each its own element.</summary>
    internal static SimulatedHeap MediumHeap() => SmallHeap(objects: 3600);

    /// <summary>
    /// A generational heap after two minor collections (tenuring at 2): the table promoted to the old generation,
    /// survivors of age 1 in from-survivor, new objects in the nursery, and a large object in the old generation.
    /// </summary>
    internal static (SimulatedHeap Heap, Dictionary<ObjectHandle, string> Names) GenerationalHeap()
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = "generational", Gogc = null, Seed = 7, Name = "gen", NurseryBytes = 64 << 10, TenuringThreshold = 2 });
        var names = new Dictionary<ObjectHandle, string>();
        var table = heap.Alloc(8 * 64, 64);
        heap.Roots["table"] = table;
        names[table] = "table";
        var next = 0;
        void Fill(int count)
        {
            for (var index = 0; index < count; index++, next++)
            {
                heap.Write(table, next, heap.Alloc(16 + next % 4 * 16, 0));
            }
        }
        Fill(20);
        heap.CollectMinor();
        Fill(20);
        heap.Write(table, 3, ObjectHandle.Null);
        heap.CollectMinor();
        Fill(10);
        var large = heap.Alloc(40_000);
        heap.Write(table, 63, large);
        names[large] = "big";
        return (heap, names);
    }

    /// <summary>A tri-colour heap in the middle of a mark: a small named tree, some white, some grey, some black.</summary>
    internal static (SimulatedHeap Heap, Dictionary<ObjectHandle, string> Names) MarkingHeap()
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = "tricolor", Gogc = null, Seed = 7, Name = "marking", IncrementalWork = 0 });
        var names = new Dictionary<ObjectHandle, string>();
        var root = heap.Alloc(32, 4);
        heap.Roots["root"] = root;
        names[root] = "root";
        for (var branch = 0; branch < 4; branch++)
        {
            var node = heap.Alloc(32, 3);
            heap.Write(root, branch, node);
            names[node] = $"n{branch}";
            for (var leaf = 0; leaf < 3; leaf++)
            {
                heap.Write(node, leaf, heap.Alloc(48, 0));
            }
        }
        heap.Alloc(16); // garbage
        heap.Step(1);
        heap.Step(2);
        return (heap, names);
    }

    private static SvgView Map(SimulatedHeap heap, HeapMapColoring by, int width = 600, IReadOnlyDictionary<ObjectHandle, string>? names = null) =>
        HeapMapSvg.Render(heap, "fixed", by, width, names ?? new Dictionary<ObjectHandle, string>());

    private static HeapMapColoring Parse(string by) => Enum.Parse<HeapMapColoring>(by, ignoreCase: true);

    [Theory]
    [MemberData(nameof(Colorings))]
    public void Map_of_a_fixed_heap_of_spans_matches_the_approved_svg(string by)
    {
        var heap = MediumHeap();
        Assert.True(heap.ObjectCount > HeapMapSvg.ObjectsUpTo);

        var view = Map(heap, Parse(by));

        SvgApproval.Verify($"HeapMap.{by}.svg", view.Svg);
        SvgApproval.Verify($"HeapMap.{by}.txt", view.Plain);
    }

    [Fact]
    public void Map_of_a_generational_heap_shows_bump_chunks_and_matches_the_approved_svg()
    {
        var view = Map(SmallHeap("generational", collect: false), HeapMapColoring.Occupancy);

        Assert.Contains("nursery chunk", view.Svg);
        SvgApproval.Verify("HeapMap.generational.svg", view.Svg);
    }

    [Theory]
    [InlineData("space")]
    [InlineData("generation")]
    [InlineData("age")]
    public void Map_of_a_generational_heap_after_minor_collections_matches_the_approved_svg(string by)
    {
        var (heap, names) = GenerationalHeap();

        var view = Map(heap, Parse(by), names: names);

        SvgApproval.Verify($"HeapMap.generational.{by}.svg", view.Svg);
        SvgApproval.Verify($"HeapMap.generational.{by}.txt", view.Plain);
    }

    [Fact]
    public void Map_by_color_of_a_heap_mid_mark_matches_the_approved_svg()
    {
        var (heap, names) = MarkingHeap();

        var view = Map(heap, HeapMapColoring.Color, names: names);

        SvgApproval.Verify("HeapMap.marking.color.svg", view.Svg);
        SvgApproval.Verify("HeapMap.marking.color.txt", view.Plain);
    }

    [Theory]
    [MemberData(nameof(Colorings))]
    public void Map_rendering_is_deterministic_two_heaps_built_alike_give_identical_bytes(string name)
    {
        var by = Parse(name);
        Assert.Equal(Map(MediumHeap(), by), Map(MediumHeap(), by)); // a second heap, built the same way
        Assert.Equal(Map(SmallHeap(), by), Map(SmallHeap(), by));
        Assert.Equal(Map(GenerationalHeap().Heap, by, names: GenerationalHeap().Names), Map(GenerationalHeap().Heap, by, names: GenerationalHeap().Names));
        Assert.Equal(Map(MarkingHeap().Heap, by, names: MarkingHeap().Names), Map(MarkingHeap().Heap, by, names: MarkingHeap().Names));
    }

    [Theory]
    [MemberData(nameof(Colorings))]
    public void Drawing_a_map_changes_nothing_in_the_heap_not_even_the_clock_or_a_colour(string name)
    {
        var (heap, names) = MarkingHeap();
        string State() => string.Join(' ', heap.Clock.Picoseconds, heap.Stats.HeapAlloc, heap.ObjectCount, heap.Phase, string.Join(',', heap.GreyWorklist),
            string.Join(',', names.Keys.Select(handle => $"{handle}:{heap.ColorOf(handle)}:{heap.AgeOf(handle)}:{heap.AddressOf(handle)}")));
        var before = State();

        Map(heap, Parse(name), names: names);

        Assert.Equal(before, State());
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
    public void A_heap_of_few_objects_draws_each_object_in_a_box_for_its_span_with_a_title_naming_it()
    {
        var (heap, names) = MarkingHeap();

        var svg = XDocument.Parse(Map(heap, HeapMapColoring.Color, names: names).Svg);

        var objects = svg.Descendants(Svg + "rect").Where(rect => ((string?)rect.Attribute("class"))?.StartsWith("b ", StringComparison.Ordinal) == true).ToArray();
        var boxes = svg.Descendants(Svg + "rect").Where(rect => ((string?)rect.Attribute("class"))?.StartsWith("x ", StringComparison.Ordinal) == true).ToArray();
        Assert.Equal(heap.ObjectCount, objects.Length);
        Assert.Equal(heap.DescribeSpans().Count, boxes.Length);
        var root = names.Single(pair => pair.Value == "root").Key;
        Assert.Contains(objects, rect => rect.Element(Svg + "title")!.Value ==
            $"root {root}: 32 B at 0x{heap.AddressOf(root):x}, {heap.ColorOf(root).ToString().ToLowerInvariant()}, age 0");
        // Each object's square is filled by its own mark colour.
        Assert.Equal(heap.GreyWorklist.Count, objects.Count(rect => (string?)rect.Attribute("class") == "b k2"));
    }

    [Fact]
    public void Above_2000_objects_only_spans_are_drawn()
    {
        var view = Map(MediumHeap(), HeapMapColoring.Age);

        Assert.DoesNotContain("<rect class=\"b ", view.Svg);
        Assert.DoesNotContain("drawn one by one", view.Plain);
    }

    [Fact]
    public void By_color_each_span_title_counts_its_white_grey_and_black_objects_and_the_summary_adds_them_up()
    {
        var (heap, names) = MarkingHeap();
        var colours = heap.DescribeObjects().GroupBy(info => info.Color).ToDictionary(group => group.Key, group => group.Count());

        var view = Map(heap, HeapMapColoring.Color, names: names);

        Assert.Contains($"mark colours: {colours[ObjectColor.White]} white, {colours[ObjectColor.Grey]} grey, {colours[ObjectColor.Black]} black objects; phase Mark\n", view.Plain);
        Assert.Contains(">some grey</text>", view.Svg);
        var spanTitles = XDocument.Parse(view.Svg).Descendants(Svg + "path").Select(path => path.Element(Svg + "title")!.Value).ToArray();
        var counted = spanTitles.Select(title => System.Text.RegularExpressions.Regex.Match(title, @": (\d+) white, (\d+) grey, (\d+) black$"))
            .Where(match => match.Success).Select(match => (W: int.Parse(match.Groups[1].Value), G: int.Parse(match.Groups[2].Value), B: int.Parse(match.Groups[3].Value))).ToArray();
        Assert.Equal(colours[ObjectColor.White], counted.Sum(count => count.W));
        Assert.Equal(colours[ObjectColor.Grey], counted.Sum(count => count.G));
        Assert.Equal(colours[ObjectColor.Black], counted.Sum(count => count.B));
    }

    [Fact]
    public void By_color_a_go_heap_awaiting_its_lazy_sweep_shows_the_garbage_it_still_holds()
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = "go", Name = "lazy" });
        var table = heap.Alloc(8 * 3000, 3000);
        heap.Roots["table"] = table;
        for (var index = 0; index < 3000; index++)
        {
            heap.Write(table, index, heap.Alloc(32));
        }
        for (var index = 0; index < 3000; index += 2)
        {
            heap.Write(table, index, ObjectHandle.Null);
        }
        while (heap.Phase != HeapNotebook.Heap.Telemetry.GcPhase.Sweep)
        {
            heap.Alloc(4096);
        }

        var view = Map(heap, HeapMapColoring.Color);

        Assert.Matches(@"black objects \([\d,]+ of them garbage awaiting sweep\); phase Sweep", view.Plain);
        Assert.Matches(@"\d+ white, 0 grey, \d+ black, \d+ awaiting sweep", view.Svg);
    }

    [Fact]
    public void By_generation_a_heap_without_generations_says_every_span_is_in_its_only_generation()
    {
        var view = Map(MediumHeap(), HeapMapColoring.Generation);

        Assert.Contains(">the only generation (marksweep has no young one)</text>", view.Svg);
        Assert.Contains("generations: none; the marksweep collector has no young generation, so every span is in its only generation\n", view.Plain);
    }

    [Fact]
    public void By_generation_and_space_a_generational_heap_tells_young_from_old_and_names_its_spaces()
    {
        var (heap, names) = GenerationalHeap();

        var generation = Map(heap, HeapMapColoring.Generation, names: names);
        var space = Map(heap, HeapMapColoring.Space, names: names);

        Assert.Contains(">young (nursery, survivors)</text>", generation.Svg);
        Assert.Contains(">old</text>", generation.Svg);
        foreach (var name in new[] { "nursery", "survivor (from)", "size-class (old)", "large-object (old)" })
        {
            Assert.Contains($">{name}</text>", space.Svg);
            Assert.Contains($"{name} ", space.Plain);
        }
    }

    [Theory]
    [InlineData("semispace", "from-space")]
    [InlineData("markcompact", "compacting")]
    [InlineData("go", "size-class")]
    public void By_space_each_plan_shows_its_own_spaces(string collector, string expected)
    {
        var view = Map(SmallHeap(collector), HeapMapColoring.Space);

        Assert.Contains($">{expected}</text>", view.Svg);
        Assert.StartsWith($"spaces: {expected} ", view.Plain.Split('\n')[2]);
    }

    [Fact]
    public void Map_of_more_than_4096_spans_draws_each_colour_as_one_element_titled_with_its_totals()
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

        var paths = XDocument.Parse(view.Svg).Descendants(Svg + "path").ToArray();
        Assert.True(paths.Length < 10, $"{paths.Length} elements");
        Assert.Contains("so each colour is one element", view.Plain);
        // Every span is full: 4,200 one-page spans of one 8 KiB object, and the table, a large object of 5 pages.
        Assert.Contains(paths, path => path.Element(Svg + "title")!.Value == "90-100 % full: 4,201 spans, 4,205 pages (32.9 MiB), 4,201 objects");
    }
}
