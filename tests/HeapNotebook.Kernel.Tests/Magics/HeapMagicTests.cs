using HeapNotebook.Heap.Telemetry;
using System.Globalization;
using HeapNotebook.Heap;
using HeapNotebook.Heap.Workloads;
using HeapNotebook.Kernel.Cells;
using HeapNotebook.Kernel.Magics.Heap;
using HeapNotebook.Kernel.Tests.Cells;

namespace HeapNotebook.Kernel.Tests.Magics;

public sealed class HeapMagicTests
{
    private readonly CellInterpreter interpreter = new();

    private (ExecutionError? Error, RecordingPublisher Outputs) Run(string code) => interpreter.RunCell(code);

    /// <summary>Runs a cell that must succeed and returns all its text output (streams and displays, in order).</summary>
    private string Ok(string code)
    {
        var (error, outputs) = Run(code);
        Assert.True(error is null, $"{code}\nfailed with: {error?.Value}");
        return string.Concat(outputs.Outputs.Select(output => output.Kind == "stdout" || output.Text.EndsWith('\n') ? output.Text : output.Text + "\n"));
    }

    private ExecutionError Fails(string code)
    {
        var (error, _) = Run(code);
        Assert.NotNull(error);
        Assert.Equal("HeapCommandError", error.Name);
        return error;
    }

    private SimulatedHeap Current => interpreter.Globals.Heap;

    /// <summary>Everything a failed command must not change: stats, objects, cycles, the clock and the roots.</summary>
    private static string Snapshot(SimulatedHeap heap)
    {
        var stats = heap.Stats;
        return string.Create(CultureInfo.InvariantCulture,
            $"{stats with { PauseNs = [] }} pauses={string.Join(',', stats.PauseNs)} objects={heap.ObjectCount} cycles={heap.Cycles.Count} clock={heap.Clock.Picoseconds} roots={string.Join(',', heap.Roots.Names)} phase={heap.Phase}");
    }

    // ---- help and parsing --------------------------------------------------------------------

    [Fact]
    public void Given_no_verb_or_help_when_run_then_every_verb_is_listed_with_an_example()
    {
        foreach (var cell in new[] { "#!heap", "#!heap -h", "#!heap --help" })
        {
            var text = Ok(cell);
            foreach (var verb in HeapVerbs.Create())
            {
                Assert.Contains($"  {verb.Name} ", text);
            }
            Assert.Contains("Example:\n  #!heap new", text);
        }
    }

    public static TheoryData<string> VerbNames() => [.. HeapVerbs.Create().Select(verb => verb.Name)];

    [Theory]
    [MemberData(nameof(VerbNames))]
    public void Given_a_verb_with_help_when_run_then_its_usage_and_an_example_are_printed(string verb)
    {
        var before = Snapshot(Current);
        foreach (var help in new[] { "-h", "--help" })
        {
            var text = Ok($"#!heap {verb} {help}");

            Assert.StartsWith($"Usage: #!heap {verb}", text);
            Assert.Contains($"Example:\n  #!heap {verb}", text);
        }
        Assert.Equal(before, Snapshot(Current));
    }

    [Fact]
    public void New_help_says_generational_is_the_default_collector()
    {
        var text = Ok("#!heap new -h");

        Assert.Contains("[--collector marksweep|tricolor|go|refcount|semispace|markcompact|generational]", text);
        Assert.Contains("The default collector is generational", text);
    }

    [Fact]
    public void Given_a_misspelt_verb_then_the_error_has_position_code_suggestion_and_the_overview()
    {
        var error = Fails("#!heap nwe --collector go");

        Assert.Equal("(1,8): error HN0002: 'nwe' is not a #!heap verb. Did you mean 'new'? Verbs: new, alloc, link, unlink, root, unroot, objects, run, gc, step, verify, stats, trace, map, graph, pauses, timeline, mmu, sizes, compare, use, list, export, save, load.", error.Value);
        Assert.Contains(error.Traceback, line => line.StartsWith("Usage: #!heap VERB", StringComparison.Ordinal));
    }

    [Fact]
    public void Given_a_misspelt_option_then_the_error_points_at_it_suggests_the_closest_and_shows_the_verbs_usage()
    {
        var error = Fails("#!heap alloc a --sise 64");

        Assert.StartsWith("(1,16): error HN0003: 'alloc' has no option '--sise'. Did you mean '--size'?", error.Value);
        Assert.Contains("Usage: #!heap alloc NAME [--size BYTES] [--fields N] [--root]", error.Traceback);
    }

    [Fact]
    public void Given_several_heap_lines_then_they_run_in_order_and_an_error_names_its_own_line()
    {
        var error = Fails("#!heap new --name first\n#!heap alloc a --root\n#!heap link a.0 a");

        Assert.StartsWith("(3,13): error HN0004: object 'a' has no pointer slots", error.Value);
        Assert.Equal("first", Current.Name);
        Assert.Equal(1, Current.ObjectCount);
    }

    [Fact]
    public void Given_a_value_of_the_wrong_type_then_it_is_an_invalid_value_error_at_that_value()
    {
        var error = Fails("#!heap alloc a --fields many");

        Assert.StartsWith("(1,25): error HN0004:", error.Value);
        Assert.Contains("many", error.Value);
    }

    [Fact]
    public void Given_a_missing_or_extra_argument_then_the_error_says_what_the_verb_takes()
    {
        Assert.StartsWith("(1,8): error HN0005: 'alloc' needs NAME", Fails("#!heap alloc").Value);
        Assert.StartsWith("(1,16): error HN0005: 'alloc' takes only NAME, so 'b' is one word too many", Fails("#!heap alloc a b").Value);
        Assert.StartsWith("(1,8): error HN0001: the quote \" opened here is never closed", Fails("#!heap \"alloc").Value);
    }

    [Theory]
    [InlineData("#!heap new --name", "(1,12): error HN0005: --name needs a value: #!heap new --name NAME")]
    [InlineData("#!heap new --seed 3 --collector", "(1,21): error HN0005: --collector needs a value: #!heap new --collector marksweep|tricolor|go|refcount|semispace|markcompact|generational")]
    [InlineData("#!heap alloc a --size", "(1,16): error HN0005: --size needs a value: #!heap alloc NAME --size BYTES")]
    [InlineData("#!heap stats --as", "(1,14): error HN0005: --as needs a value: #!heap stats --as NAME")]
    [InlineData("#!heap export --out", "(1,15): error HN0005: --out needs a value: #!heap export --out FILE")]
    [InlineData("#!heap trace --import", "(1,14): error HN0005: --import needs a value: #!heap trace --import FILE")]
    [InlineData("#!heap step --work", "(1,13): error HN0005: --work needs a value: #!heap step --work N")]
    [InlineData("#!heap map --by", "(1,12): error HN0005: --by needs a value: #!heap map --by ")]
    [InlineData("#!heap run churn --allocs", "(1,18): error HN0005: --allocs needs a value: #!heap run churn --allocs N")]
    [InlineData("#!heap compare churn --heap-size", "(1,22): error HN0005: --heap-size needs a value: #!heap compare churn --heap-size SIZE")]
    public void Given_an_option_without_its_value_then_the_error_points_at_the_option_and_shows_how_to_write_it(string cell, string message)
    {
        Ok("#!heap new --name before");
        var before = Snapshot(Current);

        Assert.StartsWith(message, Fails(cell).Value);

        Assert.Equal(before, Snapshot(Current));
    }

    [Theory]
    [InlineData("#!heap new --seed -1", "(1,19): error HN0004: '-1' is not a valid value for --seed: use a whole number from 0 to 18,446,744,073,709,551,615")]
    [InlineData("#!heap alloc a --size 1e30", "(1,23): error HN0004: '1e30' is not a valid value for --size: use a whole number from -2,147,483,648 to 2,147,483,647")]
    [InlineData("#!heap alloc a --size 1KiB", "(1,23): error HN0004: '1KiB' is not a valid value for --size: use a whole number from -2,147,483,648 to 2,147,483,647")]
    [InlineData("#!heap alloc a --fields 2147483648", "(1,25): error HN0004: '2147483648' is not a valid value for --fields: use a whole number from -2,147,483,648 to 2,147,483,647")]
    [InlineData("#!heap trace --last 1e30", "(1,21): error HN0004: '1e30' is not a valid value for --last: use a whole number from -2,147,483,648 to 2,147,483,647")]
    [InlineData("#!heap step --work x", "(1,20): error HN0004: 'x' is not a valid value for --work: use a whole number from -9,223,372,036,854,775,808 to 9,223,372,036,854,775,807")]
    [InlineData("#!heap map --width abc", "(1,20): error HN0004: 'abc' is not a valid value for --width: use a whole number from -2,147,483,648 to 2,147,483,647")]
    [InlineData("#!heap new --name a --name b", "(1,21): error HN0004: --name is given twice; give it once")]
    public void Given_a_value_its_option_cannot_take_then_the_error_says_what_it_takes_without_dotnet_type_names(string cell, string message)
    {
        Ok("#!heap new --name before");
        var before = Snapshot(Current);

        Assert.Equal(message, Fails(cell).Value);

        Assert.Equal(before, Snapshot(Current));
    }

    // ---- new, use, list ------------------------------------------------------------------------

    [Fact]
    public void Given_new_then_a_named_generational_heap_is_current_and_csharp_cells_see_it()
    {
        var text = Ok("#!heap new");

        Assert.Equal("heap1: generational collector, GOGC 100, heap size 16 GiB, max heap 4 GiB, 4 procs, seed 1; it is now the current heap (Heap in C# cells)\n", text);
        Assert.Equal("heap1 generational", Ok("$\"{Heap.Name} {Heap.Plan.Name}\"").TrimEnd());
        Ok("#!heap new");
        Assert.Equal("heap2", Current.Name);
    }

    [Fact]
    public void Given_nursery_and_tenuring_then_the_generational_heap_has_them_and_other_collectors_refuse_them()
    {
        Ok("#!heap new --nursery 128KiB --tenuring 0 --name young");
        Assert.Equal((128L << 10, 0), (Current.Options.NurseryBytes, Current.Options.TenuringThreshold));

        var error = Fails("#!heap new --collector marksweep --nursery 1MiB");
        Assert.Contains("--nursery belongs to the generational collector", error.Value);
        Assert.Equal("young", Current.Name);
    }

    [Fact]
    public void Given_every_option_of_new_then_the_heap_has_them()
    {
        Ok("#!heap new --collector tricolor --barrier dijkstra --gogc 50 --memory-limit 64MiB --heap-size 512MiB --procs 2 --seed 7 --name small --verify");

        var options = Current.Options;
        Assert.Equal(("small", "tricolor", "dijkstra", 50, 64L << 20, 512L << 20, 2, 7UL, true),
            (Current.Name, options.Collector, options.Barrier, options.Gogc, options.MemoryLimitBytes, options.HeapSizeLimitBytes, options.Procs, options.Seed, options.Verify));
        Assert.Contains("memory limit 64 MiB, runtime overhead 8 MiB, heap size",
            Ok("#!heap new --collector go --memory-limit 64MiB --runtime-overhead 8MiB --name real"));
        Assert.Equal(8L << 20, Current.Options.RuntimeOverheadBytes);
        Ok("#!heap new --collector refcount --cycle-collector trial-deletion --gogc off --heap-size 512KiB");
        Assert.Equal(("trial-deletion", (int?)null, 512L << 10), (Current.Options.CycleCollector, Current.Options.Gogc, Current.Options.HeapSizeLimitBytes));
    }

    [Fact]
    public void Given_bad_values_for_new_then_each_error_names_the_problem_and_nothing_is_made()
    {
        var before = Current;
        Assert.StartsWith("(1,24): error HN0004: --collector cannot be 'tricolour'. Did you mean 'tricolor'?", Fails("#!heap new --collector tricolour").Value);
        Assert.Contains("Did you mean '64MiB'?", Fails("#!heap new --memory-limit 64MB").Value);
        Assert.Contains("Did you mean '8MiB'?", Fails("#!heap new --runtime-overhead 8MB").Value);
        Assert.Contains("leaves less than 4 MiB (MinimumHeapBytes) beside the runtime's overhead of 8 MiB", Fails("#!heap new --memory-limit 10MiB --runtime-overhead 8MiB").Value);
        Assert.Contains("--gogc must be a percentage of 0 or more, or off, not 'sometimes'", Fails("#!heap new --gogc sometimes").Value);
        Assert.Contains("Did you mean 'yuasa'?", Fails("#!heap new --barrier yuasaa").Value);
        Assert.Contains("--cost-scale must be a number above 0 (100: a machine 100 times slower; 0.5: twice as fast), not '0'", Fails("#!heap new --cost-scale 0").Value);
        Assert.Contains("--cost-scale must be a number above 0 (100: a machine 100 times slower; 0.5: twice as fast), not 'fast'", Fails("#!heap new --cost-scale fast").Value);
        Assert.Contains("error HN0100: The cost SweepTerminationNs cannot be 1500000000 ns: at most 1000000000 ns (one virtual second) per unit of work", Fails("#!heap new --cost-scale 100000").Value);
        var simulator = Fails("#!heap new --collector go --cycle-collector trial-deletion");
        Assert.StartsWith("(1,8): error HN0100: A cycle collector ('trial-deletion') belongs to the refcount collector", simulator.Value);
        Assert.Same(before, Current);
        Assert.DoesNotContain("heap1", Ok("#!heap list"));
    }

    [Fact]
    public void Given_a_cost_scale_then_the_heap_runs_the_same_program_on_a_slower_machine_and_says_so()
    {
        var made = Ok("#!heap new --collector go --procs 1 --cost-scale 100 --name slow");
        Ok("#!heap run binary-trees --depth 8");
        var slow = Current;
        Ok("#!heap new --collector go --procs 1 --name fast\n#!heap run binary-trees --depth 8");
        var fast = Current;

        Assert.EndsWith(", 1 proc, seed 1, costs ×100; it is now the current heap (Heap in C# cells)\n", made);
        Assert.Equal(HeapNotebook.Heap.Time.CostModel.Default.Scaled(100), slow.Options.Costs);
        Assert.Equal(fast.Cycles.Count, slow.Cycles.Count);
        Assert.Equal(fast.Clock.Nanoseconds * 100.0, slow.Clock.Nanoseconds, fast.Clock.Nanoseconds * 0.001);
        Assert.DoesNotContain("costs", Ok("#!heap use fast"));
    }

    [Fact]
    public void Given_a_heap_too_small_for_a_moving_plan_then_new_names_the_plans_minimum_and_makes_nothing()
    {
        var before = Current;

        Assert.Equal("(1,8): error HN0100: The markcompact collector needs a heap of at least 256 KiB, a chunk of 256 KiB for each of its bump-allocated spaces (compacting): the heap size limit of 255 KiB is too small.",
            Fails("#!heap new --collector markcompact --heap-size 255KiB").Value);
        Assert.StartsWith("(1,8): error HN0100: The semispace collector needs a heap of at least 512 KiB,", Fails("#!heap new --collector semispace --heap-size 300KiB").Value);
        Assert.Equal("(1,8): error HN0100: The generational collector needs a heap of at least 768 KiB, a chunk of 256 KiB for each of its bump-allocated spaces (nursery, survivor (from), survivor (to)): the cap on the heap's memory (MaxHeapBytes) of 64 KiB is too small.",
            Fails("#!heap new --collector generational --max-heap 64KiB").Value);

        Assert.Same(before, Current);
        Ok("#!heap new --collector markcompact --heap-size 256KiB\n#!heap alloc a --root\n#!heap gc");
    }

    [Fact]
    public void Given_two_heaps_then_use_switches_what_csharp_cells_see_and_list_marks_the_current()
    {
        Ok("#!heap new --collector marksweep --name one\n#!heap alloc a --root");
        Ok("#!heap new --collector tricolor --name two");
        var first = interpreter.Globals.Heap;

        var switched = Ok("#!heap use one");

        Assert.Equal("one is now the current heap (marksweep collector, 1 objects)\n", switched);
        Assert.Equal("one 1", Ok("$\"{Heap.Name} {Heap.ObjectCount}\"").TrimEnd());
        Assert.NotSame(first, Current);
        var list = Ok("#!heap list");
        Assert.Equal(
            "   Heap     Collector  Objects  Cycles  HeapAlloc\n" +
            "-  -------  ---------  -------  ------  ---------\n" +
            "   default  go               0       0  0 B\n" +
            "*  one      marksweep        1       0  16 B\n" +
            "   two      tricolor         0       0  0 B\n", list);
        Assert.Contains("<table>", Run("#!heap list").Outputs.Bundles[0].Data["text/html"]!.GetValue<string>());
    }

    [Fact]
    public void Given_an_unknown_heap_then_use_suggests_the_closest_name()
    {
        Ok("#!heap new --name small");

        var error = Fails("#!heap use smal");

        Assert.Equal("(1,12): error HN0006: there is no heap named 'smal'. Did you mean 'small'? Heaps: default, small.", error.Value);
        Assert.Equal("small", Current.Name);
    }

    [Fact]
    public void Given_a_heap_a_csharp_cell_assigned_then_the_magics_adopt_it_under_its_name()
    {
        Ok("Heap = new SimulatedHeap(new HeapOptions { Collector = \"marksweep\", Name = \"mine\" });");

        Ok("#!heap alloc a --root");

        Assert.Equal(1, Current.ObjectCount);
        Assert.Contains("*  mine", Ok("#!heap list"));
    }

    [Fact]
    public void Given_a_heap_named_by_new_then_a_csharp_heap_of_that_name_is_refused_as_new_refuses_it_and_heap_is_unchanged()
    {
        Ok("#!heap new --collector go --name small");
        var small = Current;

        var (error, _) = Run("Heap = new SimulatedHeap(new HeapOptions { Collector = \"marksweep\", Name = \"small\" });");

        Assert.NotNull(error);
        Assert.Equal(typeof(HeapNameRefusedException).FullName, error.Name);
        Assert.Equal("there is already a heap named 'small' (go collector); give this one another name (new HeapOptions { Name = \"...\" }), or make that one current with '#!heap use small'. Heap was not changed.", error.Value);
        Assert.Same(small, Current);
        var list = Ok("#!heap list");
        Assert.Matches(@"\n\*\s+small\s+go ", list);
        Assert.DoesNotContain("marksweep", list);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("")]
    [InlineData("9lives")]
    public void Given_a_csharp_heap_with_a_name_heap_commands_cannot_use_then_it_is_refused_and_heap_is_unchanged(string name)
    {
        Ok("#!heap new --collector marksweep --name first");
        var before = Current;

        var (error, _) = Run($"Heap = new SimulatedHeap(new HeapOptions {{ Collector = \"go\", Name = \"{name}\" }});");

        Assert.Equal(typeof(HeapNameRefusedException).FullName, error?.Name);
        Assert.StartsWith($"'{name}' is not a name '#!heap' commands can use: give the heap one of letters, digits and _", error!.Value);
        Assert.Same(before, Current);
    }

    [Fact]
    public void Given_a_csharp_heap_the_session_adopted_then_another_csharp_heap_of_its_name_is_refused()
    {
        Ok("Heap = new SimulatedHeap(new HeapOptions { Collector = \"marksweep\", Name = \"mine\" });\n");
        Ok("#!heap list");

        var (error, _) = Run("Heap = new SimulatedHeap(new HeapOptions { Collector = \"semispace\", Name = \"mine\" });");

        Assert.Equal(typeof(HeapNameRefusedException).FullName, error?.Name);
        Assert.StartsWith("there is already a heap named 'mine' (marksweep collector)", error!.Value);
        Assert.Equal("marksweep", Current.Plan.Name);
    }

    [Fact]
    public void Given_csharp_heaps_with_no_name_of_their_own_then_the_session_names_them()
    {
        Ok("#!heap new --name small");

        Ok("Heap = new SimulatedHeap(new HeapOptions { Collector = \"marksweep\" });");
        Ok("#!heap alloc a");
        Ok("Heap = new SimulatedHeap(new HeapOptions { Collector = \"semispace\" });");
        var list = Ok("#!heap list");

        Assert.Matches(@"\n\s+heap\s+marksweep ", list);
        Assert.Matches(@"\n\*\s+heap1\s+semispace ", list);
    }

    [Fact]
    public void Given_the_current_heap_assigned_again_or_a_session_heap_then_nothing_is_refused()
    {
        Ok("#!heap new --name small\n#!heap new --name other");

        Ok("var keep = Heap; Heap = keep; Heap = keep;");
        Ok("#!heap use small");
        Ok("Heap = Heap;");

        Assert.Equal("small", Current.Name);
    }

    [Fact]
    public void Given_an_existing_heap_name_then_new_refuses_it()
    {
        Ok("#!heap new --name small");

        Assert.Contains("HN0008: there is already a heap named 'small'", Fails("#!heap new --name small").Value);
    }

    // ---- the object graph ------------------------------------------------------------------------

    [Fact]
    public void Given_objects_on_the_stack_then_gc_counts_heap_objects_only_as_stats_does()
    {
        Ok("#!heap new --collector go --name s\n#!heap alloc a --root\n#!heap alloc b --root");
        Current.PushFrame("work");
        Current.AllocOnStack(16);
        Current.AllocOnStack(16);

        Assert.StartsWith("s: 0 objects freed, 2 left\ngc 1 @", Ok("#!heap gc"));
        Assert.Equal(2, Current.Stats.HeapObjects);
        Assert.Equal(4, Current.ObjectCount);
    }

    [Fact]
    public void Given_a_hand_built_graph_then_links_keep_objects_alive_and_a_freed_name_is_reported()
    {
        Ok("#!heap new --collector marksweep");
        var alloc = Ok("#!heap alloc a --size 64 --fields 2 --root\n#!heap alloc b");
        Assert.Equal("heap1: a = #1v1, 64 B, 2 pointer slots, at 0xc000000000, a root\nheap1: b = #129v1, 16 B, 0 pointer slots, at 0xc000002000\n", alloc);

        Assert.Equal("heap1: a.1 -> b\n", Ok("#!heap link a.1 b"));
        Assert.StartsWith("heap1: 0 objects freed, 2 left\ngc 1 @", Ok("#!heap gc"));
        Assert.Equal("heap1: a.1 -> null (it pointed to b)\n", Ok("#!heap unlink a.1"));
        Assert.StartsWith("heap1: 1 object freed, 1 left; freed names: b\ngc 2 @", Ok("#!heap gc"));

        var error = Fails("#!heap link a.0 b");
        Assert.Equal("(1,17): error HN0007: object 'b' (#129v1) of heap1 was freed by the collector: nothing reached it. Allocate it again with '#!heap alloc b'", error.Value);
        Assert.Contains("heap1: b = ", Ok("#!heap alloc b"));
    }

    [Fact]
    public void Given_root_and_unroot_then_the_roots_change_and_errors_name_the_root()
    {
        Ok("#!heap new --collector marksweep\n#!heap alloc a");

        Assert.Equal("heap1: a is a root\n", Ok("#!heap root a"));
        Assert.Equal(["a"], Current.Roots.Names);
        Assert.Equal("heap1: a is no longer a root\n", Ok("#!heap unroot a"));
        Assert.Empty(Current.Roots.Names);
        Assert.Equal("(1,15): error HN0007: 'a' is not a root of heap1. (roots: none)", Fails("#!heap unroot a").Value);
        Assert.Equal("(1,13): error HN0007: heap1 has no object named 'b'. Did you mean 'a'? (its objects: a)", Fails("#!heap root b").Value);
    }

    [Fact]
    public void Given_objects_then_named_objects_are_listed_with_their_slots_roots_and_colours_or_freed()
    {
        Ok("#!heap new --collector marksweep");
        Assert.Equal("heap1: no named objects yet (make one with '#!heap alloc NAME')\n", Ok("#!heap objects"));
        Ok("#!heap alloc a --fields 2 --root\n#!heap alloc b\n#!heap alloc c\n#!heap link a.1 b\n#!heap gc");

        var text = Ok("#!heap objects");

        Assert.Equal(
            "Named objects of heap1\n" +
            "Name  Handle  Bytes  Slots  Points to   Root  State  Age  Space\n" +
            "----  ------  -----  -----  ----------  ----  -----  ---  ----------\n" +
            "a     #1v1       16      2  0:null 1:b  yes   white    1  size-class\n" +
            "b     #2v1       16      0                    white    1  size-class\n" +
            "c     #3v1                                    freed\n", text);
    }

    [Fact]
    public void Given_a_generational_heap_then_objects_shows_ages_and_promotion_from_the_nursery_to_the_old_generation()
    {
        Ok("#!heap new --collector generational --tenuring 2\n#!heap alloc keep --root");
        Assert.Contains("keep  #1v1       16      0             yes   white    0  nursery\n", Ok("#!heap objects"));

        Ok("#!heap gc --minor");
        Assert.Contains("keep  #1v1       16      0             yes   white    1  survivor (from)\n", Ok("#!heap objects"));

        Ok("#!heap gc --minor");
        Assert.Contains("keep  #1v1       16      0             yes   white    2  size-class (old)\n", Ok("#!heap objects"));
    }

    [Fact]
    public void Given_refcount_then_unrooted_objects_are_reported_whether_they_live_or_not()
    {
        Ok("#!heap new --collector refcount\n#!heap alloc a --fields 1 --root\n#!heap alloc b\n#!heap link a.0 b\n#!heap alloc c");

        var text = Ok("#!heap objects\n#!heap gc\n#!heap objects");

        Assert.Contains("a     #1v1", text);
        Assert.Contains("b     #2v1", text);
        Assert.Equal(3, Current.Stats.Mallocs);
    }

    [Fact]
    public void Given_gc_twice_then_only_the_names_freed_by_each_are_listed()
    {
        Ok("#!heap new --collector marksweep\n#!heap alloc a --root\n#!heap alloc b");

        Assert.Contains("freed names: b", Ok("#!heap gc"));
        Assert.DoesNotContain("freed names", Ok("#!heap gc"));
    }

    [Fact]
    public void Given_gc_minor_on_a_generational_heap_then_only_the_young_generation_is_collected()
    {
        Ok("#!heap new --collector generational --tenuring 1\n#!heap alloc keep --root\n#!heap alloc drop");

        var minor = Ok("#!heap gc --minor");

        Assert.StartsWith("heap1: 1 object freed, 1 left; freed names: drop\ngc 1 @", minor);
        Assert.Equal(GcKind.Minor, Current.Cycles[^1].Kind);
        Assert.Equal(1, Current.AgeOf(Current.Roots["keep"]));
        Ok("#!heap gc --full");
        Assert.Equal(GcKind.Major, Current.Cycles[^1].Kind);
    }

    [Fact]
    public void Given_gc_minor_on_a_heap_without_generations_then_it_is_refused_and_nothing_changes()
    {
        Ok("#!heap new --collector marksweep\n#!heap alloc a --root\n#!heap alloc b");
        var before = Snapshot(Current);

        var error = Fails("#!heap gc --minor");

        Assert.StartsWith("(1,11): error HN0100: The marksweep collector has no young generation, so there is no minor collection", error.Value);
        Assert.Equal(before, Snapshot(Current));
        Assert.Contains("HN0004: use --minor or --full, not both", Fails("#!heap gc --minor --full").Value);
        Assert.Equal(before, Snapshot(Current));
    }

    [Fact]
    public void Given_refcount_then_unroot_frees_at_once()
    {
        Ok("#!heap new --collector refcount\n#!heap alloc a --root");

        Assert.Equal("heap1: a is no longer a root, and was freed at once (nothing else referred to it)\n", Ok("#!heap unroot a"));
    }

    [Fact]
    public void Given_bad_graph_commands_then_errors_say_what_is_wrong()
    {
        Ok("#!heap new --collector marksweep\n#!heap alloc a --fields 1 --root");

        Assert.Contains("HN0004: object 'a' has 1 pointer slots (0 to 0), so there is no slot 3", Fails("#!heap link a.3 a").Value);
        Assert.Contains("HN0004: 'a' is not SOURCE.SLOT", Fails("#!heap link a a").Value);
        Assert.Contains("HN0008: 'a' already names a live object (#1v1) of heap1", Fails("#!heap alloc a").Value);
        Assert.Contains("HN0004: '1a' is not an object name", Fails("#!heap alloc 1a").Value);
        Assert.Contains("HN0100: ", Fails("#!heap alloc big --size 0").Value);
    }

    [Fact]
    public void Given_a_name_longer_than_64_characters_then_alloc_and_new_refuse_it_and_64_is_fine()
    {
        Ok("#!heap new --collector marksweep");
        var before = Snapshot(Current);

        Assert.Equal("(1,14): error HN0004: 'aaaaaaaaaaaaaaaaaaaa...' is 10,000 characters long: object names may have 64 characters at most",
            Fails("#!heap alloc " + new string('a', 10_000)).Value);
        Assert.Equal("(1,19): error HN0004: 'hhhhhhhhhhhhhhhhhhhh...' is 65 characters long: heap names may have 64 characters at most",
            Fails("#!heap new --name " + new string('h', 65)).Value);

        Assert.Equal(before, Snapshot(Current));
        Ok("#!heap alloc " + new string('a', 64));
        Ok("#!heap new --name " + new string('h', 64));
    }

    // ---- run, gc, step, verify -----------------------------------------------------------------

    private static readonly string[] SmallWorkloadLines =
    [
        "binary-trees --depth 4", "churn --allocs 1000 --live 50", "lru-cache --requests 1000 --capacity 50 --keys 200",
        "cycles --rings 100 --live 5", "fragment --objects 100 --rounds 1", "server --requests 50 --cache-size 10",
    ];

    public static TheoryData<string> SmallWorkloads() => [.. SmallWorkloadLines];

    [Fact]
    public void Every_catalog_workload_has_a_small_run_here()
    {
        Assert.Equal(WorkloadCatalog.Names.Order(), SmallWorkloadLines.Select(line => line.Split(' ')[0]).Order());
    }

    [Theory]
    [MemberData(nameof(SmallWorkloads))]
    public void Given_a_workload_with_options_then_it_runs_on_the_current_heap(string line)
    {
        Ok("#!heap new --heap-size 64MiB");

        var text = Ok($"#!heap run {line}");

        Assert.StartsWith($"heap1: {line.Split(' ')[0]} (", text);
        Assert.Contains(" allocations, checksum ", text);
        Assert.True(Current.Stats.Mallocs > 0);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void Given_binary_trees_asked_for_depth_4_or_5_then_the_run_shows_depth_6_and_says_it_was_raised(int asked)
    {
        Ok("#!heap new");

        var text = Ok($"#!heap run binary-trees --depth {asked}").TrimEnd('\n').Split('\n')[^1];
        var asSix = new HeapMagicTests().Ok("#!heap new\n#!heap run binary-trees --depth 6").TrimEnd('\n').Split('\n')[^1];

        Assert.StartsWith($"heap1: binary-trees (depth=6; depth raised from {asked} to 6, as the game raises n below 6 to 6): 4,398 allocations, ", text);
        Assert.DoesNotContain($"depth={asked}", text);
        Assert.Equal(asSix[asSix.IndexOf("): ", StringComparison.Ordinal)..], text[text.IndexOf("): ", StringComparison.Ordinal)..]);
    }

    [Fact]
    public void Given_binary_trees_asked_for_depth_4_then_compare_shows_the_depth_it_ran()
    {
        var table = Ok("#!heap compare binary-trees --depth 4 --collectors marksweep");

        Assert.Contains("binary-trees (depth=6), seed 1, GOGC 100\n", table);
        Assert.DoesNotContain("depth=4", table);
    }

    [Fact]
    public void Given_a_workload_then_the_options_are_shown_and_the_result_is_deterministic()
    {
        Ok("#!heap new");
        var first = Ok("#!heap run binary-trees --depth 6");
        var other = new HeapMagicTests();
        other.Ok("#!heap new");

        Assert.Equal(first, other.Ok("#!heap run binary-trees --depth 6"));
        Assert.StartsWith("heap1: binary-trees (depth=6): ", first);
    }

    [Fact]
    public void Given_a_long_workload_then_progress_updates_one_display_in_place_ending_with_the_result()
    {
        Ok("#!heap new");

        var (error, outputs) = Run("#!heap run churn --allocs 20000");

        Assert.Null(error);
        Assert.Equal("display", outputs.Outputs[0].Kind);
        Assert.Equal("heap1: churn (allocs=20000, live=5000, long-lived-percent=5, long-lived-slots=20000, min-size=16, max-size=256): running, 0%", outputs.Outputs[0].Text);
        Assert.All(outputs.Outputs.Skip(1), output => Assert.Equal("update", output.Kind));
        Assert.Contains(outputs.Outputs, output => output.Text.EndsWith(": running, 50%", StringComparison.Ordinal));
        Assert.Matches(@"^heap1: churn \(allocs=20000, [^)]*\): [\d,]+ allocations, checksum -?\d+, [\d,]+ collections?, [\d,]+ objects, .* in use \(HeapAlloc\), virtual time [\d.]+ ms$", outputs.Outputs[^1].Text);
    }

    [Fact]
    public void Given_an_interrupt_while_a_workload_runs_then_it_stops_early_and_says_how_far_it_got()
    {
        Ok("#!heap new");
        var publisher = new InterruptingPublisher(interpreter);

        var error = interpreter.Execute("#!heap run churn --allocs 20000000", publisher);

        Assert.Equal("Interrupted", error?.Name);
        Assert.Matches(@": [\d,]+ allocations, .* \(interrupted at \d+%\)$", publisher.Last);
    }

    /// <summary>Interrupts the cell when the first progress update arrives.</summary>
    private sealed class InterruptingPublisher(CellInterpreter interpreter) : ICellPublisher
    {
        public string Last { get; private set; } = "";

        public void WriteStream(string name, string text) => Last = text;

        public void PublishDisplay(HeapNotebook.Kernel.Display.MimeBundle bundle, string? displayId, bool isUpdate)
        {
            Last = bundle.Data["text/plain"]!.GetValue<string>();
            if (isUpdate)
            {
                interpreter.Interrupt();
            }
        }

        public void PublishResult(HeapNotebook.Kernel.Display.MimeBundle bundle) => Last = bundle.Data["text/plain"]!.GetValue<string>();

        public void ClearOutput(bool wait)
        {
        }

        public string ReadInput(string prompt, bool password) => throw new InputNotAllowedException("no input here");
    }

    [Fact]
    public void Given_bad_workload_words_then_the_catalogs_errors_come_back_with_suggestions()
    {
        Ok("#!heap new");

        Assert.Contains("HN0004: there is no workload named 'binary-tree'. Did you mean 'binary-trees'?", Fails("#!heap run binary-tree").Value);
        var unknown = Fails("#!heap run binary-trees --dept 5").Value;
        Assert.StartsWith("(1,25): error HN0003: Workload 'binary-trees' has no option 'dept'. Its options: depth", unknown);
        Assert.EndsWith("Did you mean '--depth'?", unknown.Trim(), StringComparison.Ordinal);
        Assert.Contains("HN0004: Option 'depth' of workload 'binary-trees' must be between 4 and 26, not 99.", Fails("#!heap run binary-trees --depth 99").Value);
        Assert.Contains("HN0004: Option 'depth' of workload 'binary-trees' must be a whole number, not 'deep'.", Fails("#!heap run binary-trees --depth deep").Value);
        Assert.Contains("HN0005: 'run' needs a WORKLOAD", Fails("#!heap run").Value);
        Assert.Equal("(1,12): error HN0004: Workload 'churn': max-size (100) is below min-size (300): each object's size is drawn between the two. Use a max-size of 300 or more, or a smaller min-size.",
            Fails("#!heap run churn --min-size 300 --max-size 100").Value);
        Assert.StartsWith("Usage: #!heap run binary-trees [--depth N]", Ok("#!heap run binary-trees -h"));
    }

    [Fact]
    public void Given_gc_then_a_forced_cycle_is_run_and_its_gctrace_line_printed()
    {
        Ok("#!heap new\n#!heap alloc a --root\n#!heap alloc b");

        var text = Ok("#!heap gc");

        Assert.Matches(@"^heap1: 1 object freed, 1 left; freed names: b\ngc 1 @\d+\.\d{3}s \d+%: .* 4 P \(forced\)\n$", text);
        Assert.Equal(1, Current.Stats.NumForcedGC);
    }

    [Fact]
    public void Given_step_on_an_incremental_plan_then_marking_advances_and_colours_are_shown()
    {
        Ok("#!heap new --collector tricolor\n#!heap alloc a --fields 1 --root\n#!heap alloc b\n#!heap link a.0 b");

        var first = Ok("#!heap step --work 1");
        Assert.StartsWith("heap1: phase Mark", first);
        Assert.Contains("colours: a ", first);
        Assert.NotNull(Current.Phase);

        var finished = Ok("#!heap step --phase\n#!heap step --phase\n#!heap step --phase");
        Assert.Contains("no cycle running", finished);
    }

    [Fact]
    public void Given_step_with_no_work_then_a_cycle_starts_with_its_roots_grey_and_nothing_more_is_scanned()
    {
        Ok("#!heap new --collector tricolor\n#!heap alloc a --fields 1 --root\n#!heap alloc b\n#!heap link a.0 b");

        var started = Ok("#!heap step --work 0");
        Assert.StartsWith("heap1: phase Mark, 1 grey object waiting", started);
        Assert.Contains("colours: a grey, b white", started);

        var again = Ok("#!heap step --work 0");
        Assert.StartsWith("heap1: phase Mark, 1 grey object waiting", again);
        Assert.Contains("colours: a grey, b white", again);
    }

    [Fact]
    public void Given_step_on_a_stop_the_world_plan_then_the_simulators_error_comes_back_and_nothing_changes()
    {
        Ok("#!heap new --collector marksweep\n#!heap alloc a --root");
        var before = Snapshot(Current);

        var error = Fails("#!heap step");

        Assert.StartsWith("(1,8): error HN0100: The marksweep collector stops the world for a whole cycle, so there is nothing to step.", error.Value);
        Assert.Equal(before, Snapshot(Current));
        Assert.Contains("HN0004: use --work N or --phase, not both", Fails("#!heap step --work 2 --phase").Value);
        Assert.Contains("HN0004: --work must be 0 or more, not -1", Fails("#!heap step --work -1").Value);
    }

    [Fact]
    public void Given_a_lost_object_then_the_error_names_the_objects_by_their_alloc_names()
    {
        Ok("#!heap new --collector tricolor --barrier none --verify\n#!heap alloc scanned --fields 1 --root\n#!heap alloc pending --fields 1 --root\n"
            + "#!heap alloc c\n#!heap link pending.0 c\n#!heap step --phase\n#!heap step --work 1\n#!heap link scanned.0 c\n#!heap unlink pending.0");

        var error = Fails("#!heap step --phase");

        Assert.StartsWith("(1,8): error HN0100: Verification FAILED", error.Value);
        Assert.Contains("Object c (#3v1) (16 B) is still reachable through root 'scanned' → slot 0 of scanned (#1v1)", error.Value);
        Assert.Contains("write #2 removed it from slot 0 of object pending (#2v1), which was grey", error.Value);
    }

    [Fact]
    public void Given_verify_then_the_verification_report_is_printed()
    {
        Ok("#!heap new --verify\n#!heap alloc a --root\n#!heap gc");

        Assert.StartsWith("heap1: Verification passed: 1 object checked against the reference model", Ok("#!heap verify"));
    }

    // ---- stats and trace -------------------------------------------------------------------------

    [Fact]
    public void Given_stats_then_a_text_and_an_html_table_are_shown()
    {
        Ok("#!heap new --collector go\n#!heap alloc a --size 100 --root");

        var (_, outputs) = Run("#!heap stats");

        var plain = outputs.Outputs.Single().Text;
        Assert.Matches(@"^MemStats of heap1\nField +Value +Read as\n", plain);
        Assert.Contains("\nHeapAlloc            112  112 B\n", plain);
        Assert.Contains("\nHeapObjects            1  objects\n", plain);
        Assert.Contains("\nGCCPUFraction   0.000000  of procs x time\n", plain);
        Assert.Contains("<td>HeapAlloc</td><td style=\"text-align:right\">112</td>", outputs.Bundles.Single().Data["text/html"]!.GetValue<string>());
    }

    [Fact]
    public void Given_stats_as_a_name_then_the_next_csharp_cell_sees_the_memstats()
    {
        Ok("#!heap new\n#!heap alloc a --root\n#!heap gc\n#!heap stats --as s");

        Assert.Equal("1 MemStats", Ok("$\"{s.NumGC} {s.GetType().Name}\"").TrimEnd());
        Assert.Contains(interpreter.Variables, variable => variable.Name == "s" && variable.Type == typeof(HeapNotebook.Heap.Telemetry.MemStats));
    }

    [Fact]
    public void Given_stats_as_a_name_then_the_same_cells_code_sees_it_too_and_who_lists_it()
    {
        var text = Ok("#!heap new\n#!heap stats --as before\nConsole.WriteLine($\"{Heap.Name} {before.NumGC}\");");

        Assert.EndsWith("\nheap1 0\n", text);
        Assert.Contains("before", Ok("#!who"));
    }

    [Fact]
    public void Given_trace_then_the_gctrace_lines_are_shown_and_can_be_bound()
    {
        Ok("#!heap new");
        Assert.Equal("heap1: no collections yet\n", Ok("#!heap trace"));
        Ok("#!heap gc\n#!heap gc\n#!heap gc");

        var text = Ok("#!heap trace --last 2 --as lines");

        Assert.Matches(@"^gc 2 @.*\ngc 3 @.*\n$", text);
        Assert.Equal("2 gc 3", Ok("$\"{lines.Count} {lines[1][..4]}\"").TrimEnd());
        Assert.Contains("HN0009: 'x-y' is not a C# variable name", Fails("#!heap trace --as x-y").Value);
        Assert.Contains("HN0009: ", Fails("#!heap stats --as class").Value);
    }

    [Fact]
    public void Given_trace_of_a_long_history_then_it_shows_the_last_thousand_lines_and_says_so()
    {
        Ok("#!heap new --collector marksweep");
        Ok("for (var i = 0; i < 1_001; i++) Heap.Collect();");

        var text = Ok("#!heap trace");
        var all = Ok("#!heap trace --as every");

        Assert.StartsWith("heap1: the last 1,000 of 1,001 lines (all of them with --as NAME, or in a file with export --format gctrace --out FILE)\ngc 2 @", text);
        Assert.Contains("\ngc 1001 @", text);
        Assert.DoesNotContain("gc 1 @", text);
        Assert.Equal(text, all);
        Assert.Equal("1001", Ok("every.Count").TrimEnd());
        Assert.Equal("heap1: 1,001 cycles, none shown (--last 0)\n", Ok("#!heap trace --last 0"));
    }

    [Fact]
    public void Given_as_a_name_the_cells_already_use_then_it_is_refused_and_the_cells_still_see_it()
    {
        Ok("#!heap new --name small");

        Assert.Equal("(1,19): error HN0009: 'Heap' already names the global Heap (the current heap) in C# cells, which a variable of that name would hide from the cells after it: pick another name",
            Fails("#!heap stats --as Heap").Value);
        Assert.Contains("HN0009: 'display' already names the global display in C# cells", Fails("#!heap trace --as display").Value);
        Assert.Contains("HN0009: 'System' already names the namespace System in C# cells", Fails("#!heap stats --as System").Value);
        Assert.Contains("HN0009: 'HeapNotebook' already names the namespace HeapNotebook", Fails("#!heap stats --as HeapNotebook").Value);
        Assert.Contains("HN0009: 'Plotly' already names the namespace Plotly", Fails("#!heap stats --as Plotly").Value);
        Assert.Contains("HN0009: 'Math' already names the type System.Math", Fails("#!heap stats --as Math").Value);
        Assert.Contains("HN0009: 'Console' already names the type System.Console", Fails("#!heap compare churn --collectors go,marksweep --as Console").Value);

        Assert.Equal("small 16", Ok("System.Console.WriteLine($\"{Heap.Name} {Heap.SizeOf(Heap.Alloc(16, 0))}\");").TrimEnd());
    }

    [Fact]
    public void Given_as_a_name_a_cell_declared_then_it_is_declared_again_with_the_new_value()
    {
        Ok("var s = 1;");
        Ok("#!heap new\n#!heap stats --as mine");

        Ok("#!heap stats --as s\n#!heap stats --as mine");

        Assert.Equal("MemStats MemStats", Ok("$\"{s.GetType().Name} {mine.GetType().Name}\"").TrimEnd());
    }

    // ---- atomicity ---------------------------------------------------------------------------------

    public static TheoryData<string> FailingLines() =>
    [
        "#!heap allocc c", "#!heap alloc c --sise 8", "#!heap alloc a", "#!heap alloc c --size -5", "#!heap alloc c --fields -1",
        "#!heap link a.9 b", "#!heap link a.0 nobody", "#!heap link b.0 a", "#!heap unlink z.0", "#!heap root nobody",
        "#!heap unroot zed", "#!heap run churn --allocs 0", "#!heap run churn --bogus 1", "#!heap run nothing",
        "#!heap step --work -1", "#!heap step --phase --work 3", "#!heap use nowhere", "#!heap new --collector gen",
        "#!heap new --name heap1", "#!heap new --collector go --cycle-collector trial-deletion", "#!heap new --memory-limit 1KiB",
        "#!heap stats --as 9s", "#!heap trace --last -1", "#!heap gc --major", "#!heap gc --minor --full",
        "#!heap alloc c --root\n#!heap link c.0 a", "#!heap new --heap-size 1KiB", "#!heap run churn --min-size 300 --max-size 100",
    ];

    [Theory]
    [MemberData(nameof(FailingLines))]
    public void Given_a_failing_command_then_every_heap_is_exactly_as_it_was(string cell)
    {
        Ok("#!heap new --collector tricolor --name other\n#!heap run binary-trees --depth 4\n#!heap step");
        var other = Current;
        Ok("#!heap new --name heap1\n#!heap alloc a --fields 1 --root\n#!heap alloc b --root\n#!heap link a.0 b\n#!heap run binary-trees --depth 4");
        var current = Current;
        var lines = cell.Split('\n');
        if (lines.Length > 1)
        {
            Ok(string.Join('\n', lines[..^1]));
        }
        var before = (Snapshot(current), Snapshot(other));
        var list = Ok("#!heap list");

        Fails(lines[^1]);

        Assert.Equal(before, (Snapshot(current), Snapshot(other)));
        Assert.Equal(list, Ok("#!heap list"));
        Assert.Same(current, Current);
    }
}
