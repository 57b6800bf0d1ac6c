using HeapNotebook.Kernel.Cells;
using HeapNotebook.Kernel.Tests.Cells;

namespace HeapNotebook.Kernel.Tests.Magics;

public sealed class HeapMapAndGraphVerbTests
{
    private readonly CellInterpreter interpreter = new();

    private (ExecutionError? Error, RecordingPublisher Outputs) Run(string code) => interpreter.RunCell(code);

    private RecordingPublisher Ok(string code) => interpreter.RunOk(code);

    private string Fails(string code)
    {
        var (error, _) = Run(code);
        Assert.NotNull(error);
        Assert.Equal("HeapCommandError", error.Name);
        return error.Value;
    }

    private static string Svg(RecordingPublisher outputs) => outputs.Bundles.Last().Data["image/svg+xml"]!.GetValue<string>();

    [Theory]
    [InlineData("map")]
    [InlineData("graph")]
    public void Map_and_graph_have_usage_with_an_example(string verb)
    {
        var text = Ok($"#!heap {verb} -h").Text("stdout");

        Assert.StartsWith($"Usage: #!heap {verb} [--", text);
        Assert.Contains($"Example:\n  #!heap {verb} --", text);
    }

    [Fact]
    public void Map_on_an_empty_heap_shows_an_empty_map_with_a_plain_summary()
    {
        var outputs = Ok("#!heap new --collector marksweep\n#!heap map");

        var (kind, plain) = outputs.Outputs.Last();
        Assert.Equal("display", kind);
        Assert.StartsWith("heap1 (marksweep): 0 spans, 0 pages (0 B), by occupancy\n", plain);
        Assert.Contains("no spans in use: the heap is empty", Svg(outputs));
    }

    [Fact]
    public void Map_takes_by_and_width()
    {
        Ok("#!heap new --collector marksweep\n#!heap alloc a --size 64 --root\n#!heap alloc b --size 5000 --root");

        foreach (var by in new[] { "color", "generation", "space", "age", "occupancy", "class" })
        {
            var outputs = Ok($"#!heap map --by {by} --width 300");
            Assert.StartsWith("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"300\"", Svg(outputs));
            Assert.Contains($"by {by}", outputs.Outputs.Last().Text);
        }
    }

    [Fact]
    public void Map_errors_use_the_HN_format_with_the_column_of_the_bad_word()
    {
        Assert.StartsWith("(1,17): error HN0004: --by cannot be 'ocupancy'. Did you mean 'occupancy'?", Fails("#!heap map --by ocupancy"));
        Assert.StartsWith("(1,17): error HN0004: --by cannot be 'colour'. Did you mean 'color'?", Fails("#!heap map --by colour"));
        Assert.StartsWith("(1,17): error HN0004: --by cannot be 'generations'. Did you mean 'generation'?", Fails("#!heap map --by generations"));
        Assert.StartsWith("(1,17): error HN0004: --by cannot be 'classes'. Did you mean 'class'?", Fails("#!heap map --by classes"));
        Assert.StartsWith("(1,20): error HN0004: --width must be 200 to 4000 pixels, not 10", Fails("#!heap map --width 10"));
        Assert.StartsWith("(1,12): error HN0003: 'map' has no option '--wdith'. Did you mean '--width'?", Fails("#!heap map --wdith 300"));
        Assert.StartsWith("(1,12): error HN0005: 'map' takes no arguments, so 'extra' is one word too many", Fails("#!heap map extra"));
    }

    [Fact]
    public void Map_names_the_objects_it_draws_and_a_failed_map_changes_nothing()
    {
        Ok("#!heap new --collector tricolor\n#!heap alloc a --fields 1 --root\n#!heap alloc b\n#!heap link a.0 b\n#!heap step --work 1");
        var heap = interpreter.Globals.Heap;
        string State() => $"{heap.Clock.Picoseconds} {heap.Stats} {heap.Phase} {string.Join(',', heap.GreyWorklist)} {string.Join(',', heap.DescribeObjects())}";
        var before = State();

        foreach (var by in new[] { "color", "generation", "space", "age", "occupancy", "class" })
        {
            var svg = Svg(Ok($"#!heap map --by {by}"));
            Assert.Contains("<title>a #1v1: 16 B at 0xc000000000, ", svg);
            Assert.Contains("<title>b #2v1: 16 B at 0xc000000010, ", svg);
        }
        Fails("#!heap map --by colour");
        Fails("#!heap map --width 100");

        Assert.Equal(before, State());
    }

    [Fact]
    public void Map_by_color_after_a_step_shows_the_colours_of_the_mark_in_progress()
    {
        Ok("#!heap new --collector tricolor\n#!heap alloc a --fields 1 --root\n#!heap alloc b --fields 1\n#!heap alloc c\n#!heap link a.0 b\n#!heap link b.0 c\n#!heap step --work 1");

        var outputs = Ok("#!heap map --by color");

        Assert.Contains("mark colours: 1 white, 1 grey, 1 black objects; phase Mark\n", outputs.Outputs.Last().Text);
        Assert.Contains("<title>c #3v1: 16 B at 0xc000000020, white, age 0</title>", Svg(outputs));
    }

    [Fact]
    public void Graph_shows_names_colours_and_a_plain_list()
    {
        var outputs = Ok("#!heap new --collector tricolor\n#!heap alloc a --fields 1 --root\n#!heap alloc b\n#!heap link a.0 b\n#!heap graph");

        var plain = outputs.Outputs.Last().Text;
        Assert.StartsWith("heap1 (tricolor): 2 reachable of 2 objects, 1 global, no cycle running\n", plain);
        Assert.Contains("  a (#1v1) white, depth 1, 0 -> b\n", plain);
        Assert.Contains(">a</text>", Svg(outputs));
        Assert.Contains(">b</text>", Svg(outputs));
    }

    [Fact]
    public void Graph_refuses_politely_above_max()
    {
        Ok("#!heap new --collector marksweep\n#!heap alloc a --fields 2 --root\n#!heap alloc b\n#!heap alloc c\n#!heap link a.0 b\n#!heap link a.1 c");

        var error = Fails("#!heap graph --max 2");
        Assert.StartsWith("(1,20): error HN0004: heap1 has more than 2 reachable objects (3 objects in all), too many to draw as a graph; raise --max, or draw its spans with '#!heap map'", error);
        Assert.StartsWith("(1,20): error HN0004: --max must be 1 or more, not 0", Fails("#!heap graph --max 0"));
        Ok("#!heap graph --max 3");
    }

    [Fact]
    public void Graph_refuses_a_big_heap_at_the_default_max_without_walking_all_of_it()
    {
        Ok("#!heap new --collector marksweep\n#!heap run binary-trees --depth 10");
        Ok("#!heap alloc keep --size 4096 --fields 400 --root");
        var cell = string.Join('\n', Enumerable.Range(0, 301).Select(index => $"#!heap alloc o{index}\n#!heap link keep.{index} o{index}"));
        Ok(cell);

        Assert.Contains("error HN0004: heap1 has more than 300 reachable objects", Fails("#!heap graph"));
    }

    [Fact]
    public void Step_after_a_graph_updates_that_graph_in_place()
    {
        var shown = Ok("#!heap new --collector tricolor\n#!heap alloc a --fields 1 --root\n#!heap alloc b\n#!heap link a.0 b\n#!heap graph");
        var before = Svg(shown);

        var stepped = Ok("#!heap step --work 1");

        Assert.Equal(["stdout", "update"], stepped.Outputs.Select(output => output.Kind));
        Assert.Contains("phase Mark", stepped.Outputs[1].Text);
        Assert.NotEqual(before, Svg(stepped));
    }

    [Fact]
    public void Step_without_a_graph_shown_prints_only_its_text()
    {
        var stepped = Ok("#!heap new --collector tricolor\n#!heap alloc a --root\n#!heap step --work 1");

        Assert.DoesNotContain(stepped.Outputs, output => output.Kind == "update");
    }

    [Fact]
    public void A_snapshot_graph_is_left_alone_by_later_steps()
    {
        var shown = Ok("#!heap new --collector tricolor\n#!heap alloc a --fields 1 --root\n#!heap alloc b\n#!heap link a.0 b\n#!heap graph --snapshot");
        Assert.Equal("display", shown.Outputs.Last().Kind);
        Assert.Contains("<svg", Svg(shown));

        var stepped = Ok("#!heap step --work 1");

        Assert.DoesNotContain(stepped.Outputs, output => output.Kind == "update");
    }
}
