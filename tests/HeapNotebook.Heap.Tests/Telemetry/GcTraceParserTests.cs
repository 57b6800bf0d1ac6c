using HeapNotebook.Heap.Telemetry;

namespace HeapNotebook.Heap.Tests.Telemetry;

public class GcTraceParserTests
{
    [Fact]
    public void A_go_1_18_line_is_read_field_by_field()
    {
        var trace = GcTraceParser.Parse("gc 1 @0.004s 2%: 0.028+0.73+0.039 ms clock, 0.34+0.29/0.94/0+0.47 ms cpu, 4->4->0 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 12 P\n");

        var cycle = Assert.Single(trace.Cycles);
        Assert.Equal(new ImportedGcCycle(1, 0.004, 2, 0.028, 0.73, 0.039, 0.34, 0.29, 0.94, 0, 0.47, 4, 4, 0, 4, 0, 0, 12, false), cycle);
        Assert.Equal(0.067, cycle.PauseMs, 9);
        Assert.True(trace.HasStacksAndGlobals);
        Assert.Empty(trace.Unparsed);
    }

    [Fact]
    public void The_older_format_without_stacks_and_globals_and_forced_cycles_are_read()
    {
        var trace = GcTraceParser.Parse(
            "gc 7 @1.250s 0%: 0.011+1.2+0.020 ms clock, 0.088+0.10/2.1/3.4+0.16 ms cpu, 12->13->6 MB, 13 MB goal, 8 P (forced)\r\n" +
            "gc 8 @2.500s 1%: 0.010+11+0.015 ms clock, 0.080+0/22/0+0.12 ms cpu, 9->9->5 MB, 12 MB goal, 8 P\r\n");

        Assert.Equal(2, trace.Cycles.Count);
        Assert.Null(trace.Cycles[0].StackMB);
        Assert.True(trace.Cycles[0].Forced);
        Assert.False(trace.Cycles[1].Forced);
        Assert.Equal(11, trace.Cycles[1].MarkMs);
        Assert.Equal(1, trace.ForcedCycles);
        Assert.False(trace.HasStacksAndGlobals);
    }

    [Fact]
    public void Lines_that_are_not_gctrace_are_counted_with_their_numbers_not_fatal()
    {
        var trace = GcTraceParser.Parse("hello from the program\ngc 1 @0.004s 2%: 0.028+0.73+0.039 ms clock, 0.34+0.29/0.94/0+0.47 ms cpu, 4->4->0 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 12 P\n\ngc 2 @0.1s broken\n");

        Assert.Single(trace.Cycles);
        Assert.Equal([(1, "hello from the program"), (4, "gc 2 @0.1s broken")], trace.Unparsed);
    }

    [Fact]
    public void The_simulators_own_gctrace_reads_back_as_it_was_written()
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = "go", Procs = 2 });
        heap.Run(new HeapNotebook.Heap.Workloads.BinaryTrees(14));
        heap.Collect();

        var trace = GcTraceParser.Parse(string.Join("\n", heap.GcTraceLines()));

        Assert.Equal(heap.Cycles.Count, trace.Cycles.Count);
        Assert.Empty(trace.Unparsed);
        Assert.Equal(heap.Cycles.Select(c => c.Number), trace.Cycles.Select(c => c.Number));
        Assert.True(trace.Cycles[^1].Forced);
        Assert.All(trace.Cycles, c => Assert.Equal(2, c.Procs));
    }
}
