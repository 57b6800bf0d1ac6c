using System.Text.RegularExpressions;
using HeapNotebook.Heap.Errors;
using HeapNotebook.Heap.Objects;
using HeapNotebook.Heap.Telemetry;
using HeapNotebook.Heap.Workloads;

namespace HeapNotebook.Heap.Tests.Collectors;

public class IncrementalPlanTests
{
    private static SimulatedHeap Incremental(string collector) =>
        new(new HeapOptions { Collector = collector, Verify = true, IncrementalWork = 0 });

    /// <summary>The plans whose marking steps: tricolor, and generational for its major cycles.</summary>
    public static TheoryData<string> SteppedPlans => new() { "tricolor", "generational" };

    [Theory]
    [MemberData(nameof(SteppedPlans))]
    public void Step_starts_a_cycle_shades_the_roots_and_scans_one_object_at_a_time(string collector)
    {
        var heap = Incremental(collector);
        var root = heap.Alloc(16, 2);
        heap.Roots["root"] = root;
        var left = heap.Alloc(16, 0);
        var right = heap.Alloc(16, 0);
        heap.Write(root, 0, left);
        heap.Write(root, 1, right);

        Assert.Null(heap.Phase);
        heap.Step(0);
        Assert.Equal(GcPhase.Mark, heap.Phase);
        Assert.Equal(ObjectColor.Grey, heap.ColorOf(root));
        Assert.Equal(ObjectColor.White, heap.ColorOf(left));

        heap.Step(0); // no work: nothing is scanned, in a running mark as before one
        Assert.Equal(ObjectColor.Grey, heap.ColorOf(root));
        Assert.Equal([root], heap.GreyWorklist);

        heap.Step(1);
        Assert.Equal(ObjectColor.Black, heap.ColorOf(root));
        Assert.Equal([right, left], heap.GreyWorklist);

        heap.Step(2);
        Assert.Null(heap.Phase);
        Assert.Single(heap.Cycles);
        Assert.Equal(3, heap.Cycles[0].ObjectsMarked);
    }

    [Theory]
    [MemberData(nameof(SteppedPlans))]
    public void Objects_allocated_during_marking_are_black_and_garbage_made_then_floats_to_the_next_cycle(string collector)
    {
        var heap = Incremental(collector);
        var keeper = heap.Alloc(16, 1);
        heap.Roots["keeper"] = keeper;
        var doomed = heap.Alloc(16, 0);
        heap.Write(keeper, 0, doomed);

        heap.Step(0);
        var born = heap.Alloc(16, 0);
        Assert.Equal(ObjectColor.Black, heap.ColorOf(born));
        heap.Step(1);
        heap.Write(keeper, 0, ObjectHandle.Null); // doomed dies during marking; the hybrid barrier shades it
        heap.StepToNextPhase();

        Assert.True(heap.IsLive(doomed)); // floating garbage
        Assert.True(heap.IsLive(born));   // allocated black, unreachable: floats too
        heap.Collect();
        Assert.False(heap.IsLive(doomed));
        Assert.False(heap.IsLive(born));
    }

    [Fact]
    public void Allocating_past_the_trigger_during_a_tricolor_mark_starts_nothing_and_the_trigger_is_back_when_the_cycle_ends()
    {
        // No marking work on allocation, so the mark lasts until it is stepped to its end.
        var heap = new SimulatedHeap(new HeapOptions { Collector = "tricolor", Verify = true, IncrementalWork = 0, MinimumHeapBytes = 64 << 10 });
        heap.Roots["keep"] = heap.Alloc(16, 1);
        var allocations = 0;
        while (heap.Phase != GcPhase.Mark)
        {
            heap.Alloc(16);
            Assert.True(++allocations < 100_000, "the first cycle never started");
        }

        var goal = heap.HeapGoalBytes;
        for (var i = 0; i < 4 * goal / 16; i++)
        {
            heap.Alloc(16);
        }

        Assert.Equal(GcPhase.Mark, heap.Phase);
        Assert.Empty(heap.Cycles);

        heap.StepToNextPhase();
        Assert.Single(heap.Cycles);
        Assert.NotEqual(GcPhase.Mark, heap.Phase);

        allocations = 0;
        while (heap.Phase != GcPhase.Mark)
        {
            heap.Alloc(16);
            Assert.True(++allocations < 100_000, "the trigger was not set again when the first cycle ended");
        }
    }

    [Fact]
    public void Stepping_a_stop_the_world_collector_is_a_clear_error_that_changes_nothing()
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = "marksweep" });
        heap.Roots["x"] = heap.Alloc(16, 0);
        var before = heap.Stats;

        var error = Assert.Throws<InvalidHeapOptionException>(() => heap.Step(1));

        Assert.Contains("tricolor, go or generational", error.Message);
        Assert.Equal(before, heap.Stats with { PauseNs = before.PauseNs });
        Assert.Empty(heap.Cycles);
    }

    [Theory]
    [InlineData("marksweep", "hybrid", "needs no write barrier")]
    [InlineData("go", "dijkstra", "hybrid barrier")]
    [InlineData("tricolor", "steele", "Choose one of: none, dijkstra, yuasa, hybrid")]
    public void A_barrier_the_plan_cannot_use_is_refused_with_the_choices(string collector, string barrier, string expected)
    {
        var error = Assert.Throws<InvalidHeapOptionException>(() => new SimulatedHeap(new HeapOptions { Collector = collector, Barrier = barrier }));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Bad_pacing_options_are_refused()
    {
        Assert.Contains("GOGC cannot be -5", Assert.Throws<InvalidHeapOptionException>(() => new SimulatedHeap(new HeapOptions { Gogc = -5 })).Message);
        Assert.Contains("A memory limit of 1 MiB is below 4 MiB (MinimumHeapBytes", Assert.Throws<InvalidHeapOptionException>(() => new SimulatedHeap(new HeapOptions { Collector = "go", MemoryLimitBytes = 1 << 20 })).Message);
        Assert.Contains("A memory limit of 1 byte is below", Assert.Throws<InvalidHeapOptionException>(() => new SimulatedHeap(new HeapOptions { Collector = "go", MemoryLimitBytes = 1 })).Message);
        Assert.Contains("no collector named 'g1'", Assert.Throws<InvalidHeapOptionException>(() => new SimulatedHeap(new HeapOptions { Collector = "g1" })).Message);
    }

    [Fact]
    public void Go_forced_collection_runs_a_whole_cycle_sweeps_it_and_is_marked_forced()
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = "go", Verify = true });
        heap.Roots["kept"] = heap.Alloc(64, 0);
        for (var i = 0; i < 100; i++)
        {
            heap.Alloc(64, 0);
        }

        heap.Collect();

        Assert.Null(heap.Phase);
        Assert.Equal(1, heap.ObjectCount);
        var cycle = Assert.Single(heap.Cycles);
        Assert.True(cycle.Forced);
        Assert.Equal(1, heap.Stats.NumForcedGC);
        var line = GcTraceLineOf(heap, 0);
        Assert.Matches(@"^gc 1 @\d+\.\d{3}s \d+%: [\d.]+\+[\d.]+\+[\d.]+ ms clock, [\d.]+\+[\d.]+/[\d.]+/[\d.]+\+[\d.]+ ms cpu, \d+->\d+->\d+ MB, \d+ MB goal, \d+ MB stacks, \d+ MB globals, 4 P \(forced\)$", line);
    }

    [Theory]
    [InlineData("tricolor")]
    [InlineData("go")]
    [InlineData("generational")]
    public void A_cycle_started_by_stepping_says_so_and_is_not_counted_as_forced(string collector)
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = collector, Verify = true });
        heap.Roots["kept"] = heap.Alloc(64, 1);
        heap.Alloc(64, 0);

        heap.Step(1);
        while (heap.Phase == GcPhase.Mark)
        {
            heap.StepToNextPhase();
        }

        var cycle = Assert.Single(heap.Cycles);
        Assert.Equal(GcTrigger.Stepped, cycle.Trigger);
        Assert.False(cycle.Forced);
        Assert.Equal(0, heap.Stats.NumForcedGC);
        Assert.DoesNotContain("(forced)", GcTraceLineOf(heap, 0));
    }

    [Fact]
    public void Go_sweeps_what_the_last_cycle_left_before_stopping_the_world_so_the_first_pause_stays_short()
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = "go", Procs = 1 });
        heap.Roots["kept"] = heap.Alloc(16, 1);
        while (heap.Phase != GcPhase.Sweep)
        {
            heap.Alloc(4096); // run until a cycle has marked and left its sweep pending
        }

        var before = heap.Clock.Nanoseconds;
        heap.Collect();

        var forced = heap.Cycles[^1];
        var sweepTermination = forced.PhaseOf(GcPhase.SweepTermination)!;
        Assert.Equal((long)heap.Options.Costs.SweepTerminationNs, sweepTermination.DurationNs); // the fixed cost alone, no sweeping in it
        Assert.True(forced.StartNs > before, "the leftover sweep ran, on the program's time, before the cycle began");
    }

    [Fact]
    public void Go_cycles_record_the_concurrent_sweep_as_their_fourth_phase_once_it_is_done()
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = "go", Procs = 2 });
        heap.Run(new BinaryTrees(14));
        var cycles = heap.Cycles;
        Assert.True(cycles.Count > 10);

        for (var i = 0; i < cycles.Count - 1; i++)
        {
            var cycle = cycles[i];
            Assert.Equal([GcPhase.SweepTermination, GcPhase.Mark, GcPhase.MarkTermination, GcPhase.Sweep], cycle.Phases.Select(p => p.Phase));
            var sweep = cycle.PhaseOf(GcPhase.Sweep)!;
            var markTermination = cycle.PhaseOf(GcPhase.MarkTermination)!;
            Assert.False(sweep.StopTheWorld);
            Assert.Equal(markTermination.StartNs + markTermination.DurationNs, sweep.StartNs);
            Assert.True(sweep.StartNs + sweep.DurationNs <= cycles[i + 1].StartNs, $"gc {cycle.Number}: the sweep ends before the next cycle starts");
            Assert.True(sweep.CpuNs > 0);
        }

        // The sweep is not a pause: the pause ring and total count the two stop-the-world phases only.
        Assert.Equal(cycles.Sum(c => c.Phases.Where(p => p.StopTheWorld).Sum(p => p.DurationNs)), heap.Stats.PauseTotalNs);

        heap.Collect(); // runtime.GC() sweeps before it returns: its cycle is complete at once
        Assert.Equal(GcPhase.Sweep, heap.Cycles[^1].Phases[^1].Phase);
        Assert.Null(heap.Phase);
    }

    [Fact]
    public void Go_finishing_a_mark_by_stepping_leaves_the_lazy_sweep_pending_as_finishing_it_by_work_does()
    {
        SimulatedHeap Marking()
        {
            var heap = new SimulatedHeap(new HeapOptions { Collector = "go", Verify = true });
            heap.Roots["kept"] = heap.Alloc(64, 1);
            for (var i = 0; i < 1000; i++)
            {
                heap.Alloc(64, 0);
            }

            heap.Step(0);
            return heap;
        }

        var byPhase = Marking();
        var byWork = Marking();

        byPhase.StepToNextPhase();
        byWork.Step(1_000_000);

        Assert.Equal(GcPhase.Sweep, byWork.Phase);
        Assert.Equal(GcPhase.Sweep, byPhase.Phase);
        Assert.Null(byPhase.Cycles[^1].PhaseOf(GcPhase.Sweep)); // recorded only once the sweep ends
        Assert.True(byPhase.Verify().Passed);
    }

    [Fact]
    public void Go_garbage_awaiting_the_lazy_sweep_is_already_dead_to_the_program()
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = "go", Verify = true });
        var kept = heap.Alloc(16, 1);
        heap.Roots["kept"] = kept;
        var garbage = heap.Alloc(16);
        while (heap.Phase != GcPhase.Sweep || !heap.IsLive(kept))
        {
            heap.Alloc(4096); // run until a cycle has marked and its sweep is pending
        }

        Assert.Equal(GcPhase.Sweep, heap.Phase);
        Assert.False(heap.IsLive(garbage));
        Assert.Contains("freed by the collector", Assert.Throws<StaleHandleException>(() => heap.Write(kept, 0, garbage)).Message);
        var report = heap.Verify();
        Assert.True(report.Passed, report.ToString());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(255)] // with the cycle that marks it garbage, the 256th since its birth: a one-byte count of cycles has wrapped
    public void Go_garbage_awaiting_the_lazy_sweep_is_dead_however_many_cycles_it_survived_before(int cyclesSurvived)
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = "go" });
        var old = heap.Alloc(16);
        heap.Roots["old"] = old;
        for (var i = 0; i < cyclesSurvived; i++)
        {
            heap.Collect();
        }

        Assert.Equal(cyclesSurvived, heap.Stats.NumGC);
        heap.Roots.Remove("old");
        var young = heap.Alloc(16, 1);
        heap.Roots["young"] = young;
        while (heap.Phase != GcPhase.Sweep || heap.Stats.NumGC == cyclesSurvived)
        {
            heap.Alloc(4096); // run until the next cycle has marked and its sweep is pending
        }

        Assert.False(heap.IsLive(old));
        Assert.True(heap.IsLive(young));
        Assert.Contains("freed by the collector", Assert.Throws<StaleHandleException>(() => heap.Write(young, 0, old)).Message);
    }

    [Fact]
    public void Go_garbage_awaiting_the_lazy_sweep_may_point_at_garbage_already_swept_and_the_heap_still_verifies()
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = "go" });
        ObjectHandle Tree(int depth) => depth == 0
            ? heap.Alloc(16, 2)
            : heap.Alloc(16, 2, [Tree(depth - 1), Tree(depth - 1)]);

        var trees = 0;
        while (!UnsweptGarbagePointsAtSweptGarbage(heap))
        {
            Assert.True(++trees < 5_000, "the situation never arose");
            Tree(6);
        }

        var report = heap.Verify();
        Assert.True(report.Passed, report.ToString());
    }

    private static bool UnsweptGarbagePointsAtSweptGarbage(SimulatedHeap heap)
    {
        var objects = heap.Objects;
        for (var index = 1; index < objects.HighWater; index++)
        {
            if (!objects.IsLive(index) || !heap.Plan.IsUnsweptGarbage(index))
            {
                continue;
            }
            for (var slot = 0; slot < objects.Records[index].SlotCount; slot++)
            {
                var target = objects.SlotsOf(index)[slot];
                if (target != 0 && !objects.IsLive(target))
                {
                    return true;
                }
            }
        }
        return false;
    }

    [Fact]
    public void Go_sweeps_lazily_so_HeapAlloc_falls_as_the_program_allocates()
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = "go", Procs = 1 });
        heap.Run(WorkloadCatalog.Create("churn", new Dictionary<string, string> { ["allocs"] = "300000", ["live"] = "2000" }));
        var sweeping = heap.Cycles.Count;

        // Find a moment right after a mark termination, then allocate a little and watch HeapAlloc drop.
        var probe = heap.Alloc(16, 0);
        heap.Roots["probe"] = probe;
        while (heap.Phase != GcPhase.Sweep)
        {
            heap.Alloc(256, 0);
        }

        var atTermination = heap.Stats.HeapAlloc;
        var lowest = atTermination;
        for (var i = 0; i < 2_000 && heap.Phase == GcPhase.Sweep; i++)
        {
            heap.Alloc(16, 0);
            lowest = Math.Min(lowest, heap.Stats.HeapAlloc);
        }

        Assert.True(sweeping > 3);
        Assert.True(lowest < atTermination, $"HeapAlloc stayed at {atTermination} while sweeping");
        Assert.True(heap.IsLive(probe));
    }

    [Fact]
    public void While_go_sweeps_lazily_exactly_the_objects_its_mark_left_white_count_as_unswept_garbage()
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = "go", Procs = 1 });
        // Survivors share their spans with garbage: a rooted table of 4,000 nodes allocated among dropped ones.
        const int Kept = 4000;
        var table = heap.Alloc(8 * Kept, Kept);
        heap.Roots["table"] = table;
        for (var i = 0; i < Kept; i++)
        {
            heap.Write(table, i, heap.Alloc(16, 0));
            heap.Alloc(16, 0);
        }

        while (heap.Phase != GcPhase.Sweep)
        {
            heap.Alloc(16, 0);
        }

        // Right after mark termination: what marking left white is garbage, the rest survives.
        var objects = heap.Objects;
        var marked = new List<(int Index, int Version, bool White)>();
        for (var index = 1; index < objects.HighWater; index++)
        {
            if (objects.IsLive(index))
            {
                marked.Add((index, objects.Records[index].Version, objects.Records[index].Color == ObjectColor.White));
            }
        }

        int freedWhileSweeping = 0, survivorsAsked = 0;
        for (var i = 0; heap.Phase == GcPhase.Sweep; i++)
        {
            var placed = heap.Alloc(16, 0);
            Assert.False(heap.Plan.IsUnsweptGarbage(placed.Index));
            if (i % 4096 != 0)
            {
                continue;
            }

            freedWhileSweeping = 0;
            foreach (var (index, version, white) in marked)
            {
                if (objects.Records[index].Version != version)
                {
                    Assert.True(white, $"object {index} survived marking but was freed");
                    freedWhileSweeping++;
                    continue;
                }

                // A survivor is asked about both before and after its span is swept (which makes it white again).
                Assert.Equal(white, heap.Plan.IsUnsweptGarbage(index));
                survivorsAsked += white ? 0 : 1;

                // The public query and the check every operation makes (written apart, for speed) agree.
                var handle = objects.HandleAt(index, version);
                Assert.Equal(!white, heap.IsLive(handle));
                Assert.Equal(white, Record.Exception(() => heap.ReadSlots(handle, Array.Empty<ObjectHandle>())) is StaleHandleException);
            }
        }

        Assert.True(marked.Count(m => m.White) > Kept, "marking left too little garbage for the test to mean anything");
        Assert.True(freedWhileSweeping > 0 && survivorsAsked > Kept, $"freed {freedWhileSweeping} during the sweep, asked {survivorsAsked} times about survivors");
        Assert.All(Enumerable.Range(0, Kept), i => Assert.True(heap.IsLive(heap.Read(table, i))));
    }

    [Theory]
    [InlineData("go")]
    [InlineData("tricolor")]
    [InlineData("marksweep")]
    public void With_GOGC_off_no_cycle_starts_on_its_own_but_a_memory_limit_starts_them(string collector)
    {
        var off = new SimulatedHeap(new HeapOptions { Collector = collector, Gogc = null });
        var limited = new SimulatedHeap(new HeapOptions { Collector = collector, Gogc = null, MemoryLimitBytes = 16L << 20 });
        for (var i = 0; i < 200_000; i++)
        {
            off.Alloc(128, 0);
            limited.Alloc(128, 0);
        }

        Assert.Empty(off.Cycles);
        Assert.True(limited.Cycles.Count > 0);
        Assert.All(limited.Cycles, c => Assert.True(c.HeapGoalBytes < 16L << 20));
    }

    [Fact]
    public void Go_pause_ring_and_cpu_fraction_follow_memstats()
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = "go", Procs = 2 });
        heap.Run(new BinaryTrees(14));
        var stats = heap.Stats;

        Assert.True(stats.NumGC > 0);
        var last = heap.Cycles[^1];
        Assert.Equal(last.PauseNs, stats.PauseNs[(stats.NumGC + 255) % 256]);
        Assert.Equal(heap.Cycles.Sum(c => c.PauseNs), stats.PauseTotalNs);
        Assert.InRange(stats.GCCPUFraction, 0.0001, 1);
    }

    [Fact]
    public void Go_gctrace_gives_one_line_per_cycle_in_order()
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = "go", Procs = 1 });
        heap.Run(new BinaryTrees(12));

        var lines = heap.GcTraceLines().ToList();

        Assert.Equal(heap.Cycles.Count, lines.Count);
        for (var i = 0; i < lines.Count; i++)
        {
            Assert.StartsWith($"gc {i + 1} @", lines[i]);
            Assert.EndsWith(", 1 P", lines[i]);
        }
    }

    private static string GcTraceLineOf(SimulatedHeap heap, int index) => heap.GcTraceLines().ElementAt(index);
}
