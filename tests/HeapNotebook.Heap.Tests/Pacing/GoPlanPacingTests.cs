using HeapNotebook.Heap.Memory;
using HeapNotebook.Heap.Pacing;
using HeapNotebook.Heap.Telemetry;
using HeapNotebook.Heap.Workloads;

namespace HeapNotebook.Heap.Tests.Pacing;

/// <summary>The go plan against Go's gcControllerState where a review found them apart (mgcpacer.go, mgc.go).</summary>
public class GoPlanPacingTests
{
    private const long MiB = 1 << 20;

    private static SimulatedHeap Run(int gogc, int procs, int depth = 14)
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = "go", Gogc = gogc, Procs = procs, Seed = 7 });
        heap.Run(new BinaryTrees(depth));
        return heap;
    }

    [Fact]
    public void Endcycle_counts_idle_marking_as_scanning_time_but_not_as_time_taken_from_allocation()
    {
        // u = 0.25 (background only), idle utilization = 1e6 / (1e6 * 4) = 0.25:
        // (2e6 - 1e6) * (0.25 + 0.25) / (5e5 * (1 - 0.25)) = 4/3.
        var pacer = new GoPacer();

        pacer.EndCycle(heapLiveAtMarkEnd: 2_000_000, heapLiveAtTrigger: 1_000_000, scanWork: 500_000, heapScanWork: 500_000,
            assistTimePs: 0, markDurationPs: 1_000_000, procs: 4, idleTimePs: 1_000_000);

        Assert.Equal(4.0 / 3, pacer.ConsMark, 12);
    }

    [Fact]
    public void On_one_proc_the_fractional_worker_marks_only_when_the_program_is_preempted_so_assists_do_most_of_the_work()
    {
        var heap = Run(gogc: 100, procs: 1, depth: 16);
        var cycles = heap.Cycles;

        // Most marks are over well within the 10 ms between preemptions: the assists did all their work,
        // as a real Go program's gctrace shows on GOMAXPROCS=1 (binary-trees 16, Go 1.19: "1.9/0/0").
        Assert.True(cycles.Count(c => c.BackgroundCpuNs == 0) > cycles.Count * 3 / 4, $"{cycles.Count(c => c.BackgroundCpuNs == 0)} of {cycles.Count}");
        Assert.True(cycles.Sum(c => c.AssistCpuNs) > 3 * cycles.Sum(c => c.BackgroundCpuNs));
        // When a preemption fell in a mark the worker ran, until its share of the mark so far passed 1.2 x its quarter.
        var joined = cycles.Where(c => c.BackgroundCpuNs > 0).ToList();
        Assert.NotEmpty(joined);
        Assert.All(joined, c => Assert.True(c.BackgroundCpuNs <= 0.3 * c.PhaseOf(GcPhase.Mark)!.DurationNs + 1000, $"gc {c.Number}: {c.BackgroundCpuNs} ns of {c.PhaseOf(GcPhase.Mark)!.DurationNs}"));
    }

    [Fact]
    public void GcCpuFraction_leaves_out_idle_marking_and_is_set_at_each_cycles_end()
    {
        var heap = Run(gogc: 100, procs: 4, depth: 12);
        var last = heap.Cycles[^1];
        // Go's gc_cpu_fraction: the pauses and the mark, without idle marking or the lazy sweep.
        var collectorNs = heap.Cycles.Sum(cycle => cycle.Phases.Where(p => p.Phase != GcPhase.Sweep).Sum(p => p.CpuNs) - cycle.IdleCpuNs);

        Assert.True(heap.Cycles.Sum(cycle => cycle.IdleCpuNs) > 0);
        Assert.Equal(collectorNs / (4.0 * last.EndNs), last.CpuFractionSinceStart, 3);
        Assert.Equal(last.CpuFractionSinceStart, heap.Stats.GCCPUFraction);
    }

    [Fact]
    public void Outside_the_memory_limit_the_goal_keeps_the_sweep_distance_above_the_marked_heap()
    {
        var heap = Run(gogc: 25, procs: 1);

        Assert.All(heap.Cycles, cycle => Assert.True(cycle.NextGoalBytes >= cycle.HeapMarkedBytes + GoPacer.SweepMinHeapDistanceBytes,
            $"gc {cycle.Number}: goal {cycle.NextGoalBytes} below marked {cycle.HeapMarkedBytes} + 1 MiB"));
        Assert.Contains(heap.Cycles, cycle => HeapGoal.Compute(cycle.HeapMarkedBytes, cycle.StackScanBytes, cycle.GlobalsScanBytes, 25) < cycle.NextGoalBytes);
    }

    [Fact]
    public void The_first_cycle_keeps_no_sweep_distance_and_starts_at_61_64ths_of_its_goal()
    {
        var heap = Run(gogc: 25, procs: 1);

        // Goal 1 MiB (4 MiB x 25 %); no runway yet, so the trigger is the upper bound 61/64 of the goal: 999,424 bytes.
        Assert.Equal(1 * MiB, heap.Cycles[0].HeapGoalBytes);
        Assert.InRange(heap.Cycles[0].HeapStartBytes, 999_424, 1 * MiB - 1);
    }

    /// <summary>Go's memoryLimitHeapGoal from the heap's memory now: non-heap = mappedReady - heapFree - heapAlloc.</summary>
    private static long MemoryLimitGoalNow(SimulatedHeap heap, long limit, long marked, long stackScan, long globalsScan, long uncountedBytes = 0)
    {
        var stats = heap.Stats;
        var mapped = stats.HeapSys - stats.HeapReleased + stackScan + globalsScan;
        var heapFree = stats.HeapIdle - stats.HeapReleased;
        return GoPacer.MemoryLimitGoal(limit, mapped - heapFree - (stats.HeapAlloc - uncountedBytes), mapped, marked);
    }

    [Fact]
    public void The_memory_limit_counts_free_room_in_spans_as_non_heap_memory_and_moves_the_goal_between_cycles()
    {
        const long limit = 16 * MiB;
        var heap = new SimulatedHeap(new HeapOptions { Collector = "go", Gogc = null, MemoryLimitBytes = limit, Verify = true });
        heap.Roots["kept"] = heap.Alloc(64, 0);
        heap.Collect();
        var cycle = heap.Cycles[^1];
        var committed = heap.Stats.NextGC;
        Assert.Equal(MemoryLimitGoalNow(heap, limit, cycle.HeapMarkedBytes, cycle.StackScanBytes, cycle.GlobalsScanBytes), committed);

        // One object of each of the first 40 size classes: each takes a new span that is nearly all free room.
        for (var sizeClass = 1; sizeClass <= 40; sizeClass++)
        {
            heap.Alloc(SizeClasses.ObjectSize(sizeClass), 0);
        }

        var stats = heap.Stats;
        Assert.True(stats.HeapInuse - stats.HeapAlloc > 150_000, $"free room in spans: {stats.HeapInuse - stats.HeapAlloc}");
        Assert.Single(heap.Cycles);
        // The goal is computed when a span is taken, as Go tests its trigger then: before the object that took it is counted.
        Assert.Equal(MemoryLimitGoalNow(heap, limit, cycle.HeapMarkedBytes, cycle.StackScanBytes, cycle.GlobalsScanBytes, SizeClasses.ObjectSize(40)), stats.NextGC);
        Assert.True(stats.NextGC < committed - 150_000, $"goal {stats.NextGC}, committed {committed}");
    }

    [Fact]
    public void The_runtimes_own_overhead_counts_against_the_memory_limit_and_lowers_the_goal_by_nearly_as_much()
    {
        const long limit = 36 * MiB;
        long GoalWith(long overhead)
        {
            var heap = new SimulatedHeap(new HeapOptions { Collector = "go", Gogc = null, MemoryLimitBytes = limit, RuntimeOverheadBytes = overhead });
            heap.Roots["kept"] = heap.Alloc(64, 0);
            heap.Collect();
            return heap.Stats.NextGC;
        }

        // Go 1.19's metadata of a small program (about 8 MiB): the goal is limit - (nonHeap + overage) - headroom, the
        // headroom 3 % of what remains, so 8 MiB more non-heap memory lowers it by 8 MiB x 0.97, and by more once what
        // is mapped passes the limit (the overage), but never by more than the 8 MiB.
        var without = GoalWith(0);
        var with = GoalWith(8 * MiB);
        Assert.InRange(without - with, (long)(8 * MiB * 0.97), 8 * MiB);

        // A limit that leaves less than the heap minimum beside the overhead is refused, as a limit below the minimum is.
        var error = Assert.Throws<HeapNotebook.Heap.Errors.InvalidHeapOptionException>(() => new SimulatedHeap(new HeapOptions { Collector = "go", MemoryLimitBytes = 10 * MiB, RuntimeOverheadBytes = 8 * MiB }));
        Assert.Contains("leaves less than 4 MiB (MinimumHeapBytes) beside the runtime's overhead of 8 MiB", error.Message);
        Assert.Contains("Use a limit of at least 12 MiB", error.Message);
        Assert.Throws<HeapNotebook.Heap.Errors.InvalidHeapOptionException>(() => new SimulatedHeap(new HeapOptions { RuntimeOverheadBytes = -1 }));
    }

    [Fact]
    public void Without_a_memory_limit_the_goal_stays_what_mark_termination_committed()
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = "go", Verify = true });
        heap.Roots["kept"] = heap.Alloc(64, 0);
        heap.Collect();
        var committed = heap.Stats.NextGC;

        for (var sizeClass = 1; sizeClass <= 40; sizeClass++)
        {
            heap.Alloc(SizeClasses.ObjectSize(sizeClass), 0);
        }

        Assert.Equal(committed, heap.Stats.NextGC);
    }
}
