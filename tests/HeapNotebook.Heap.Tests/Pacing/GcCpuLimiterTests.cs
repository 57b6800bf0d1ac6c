using HeapNotebook.Heap.Pacing;
using HeapNotebook.Heap.Telemetry;
using HeapNotebook.Heap.Time;

namespace HeapNotebook.Heap.Tests.Pacing;

public class GcCpuLimiterTests
{
    private const long Ms = 1_000_000_000; // picoseconds
    private const long Second = 1000 * Ms;

    [Fact]
    public void The_bucket_holds_one_cpu_second_per_proc()
    {
        Assert.Equal(4 * Second, new GcCpuLimiter(4).CapacityPs);
    }

    [Fact]
    public void The_bucket_fills_with_gc_time_over_mutator_time_and_limits_only_when_full()
    {
        var limiter = new GcCpuLimiter(1);

        limiter.Accumulate(mutatorPs: 200 * Ms, gcPs: 700 * Ms, nowPs: 900 * Ms);
        Assert.Equal(500 * Ms, limiter.FillPs);
        Assert.False(limiter.Limiting);

        limiter.Accumulate(mutatorPs: 100 * Ms, gcPs: 800 * Ms, nowPs: 1800 * Ms);
        Assert.Equal(Second, limiter.FillPs);
        Assert.True(limiter.Limiting);
        Assert.Equal(200 * Ms, limiter.OverflowPs); // 700 ms arrived with 500 ms of room
        Assert.Equal(1, limiter.TimesEnabled);
        Assert.Equal([(1800 * Ms, -1L)], limiter.OnSpells);

        // More GC time while full extends the spell; any time the mutator gains turns it off; the bucket never goes below empty.
        limiter.Accumulate(mutatorPs: 0, gcPs: 5 * Ms, nowPs: 1805 * Ms);
        Assert.Equal(1, limiter.TimesEnabled);
        limiter.Accumulate(mutatorPs: 1 * Ms, gcPs: 0, nowPs: 1806 * Ms);
        Assert.False(limiter.Limiting);
        Assert.Equal(999 * Ms, limiter.FillPs);
        Assert.Equal([(1800 * Ms, 1806 * Ms)], limiter.OnSpells);
        limiter.Accumulate(mutatorPs: 5 * Second, gcPs: 0, nowPs: 6806 * Ms);
        Assert.Equal(0, limiter.FillPs);

        limiter.Accumulate(mutatorPs: 0, gcPs: 2 * Second, nowPs: 8806 * Ms);
        Assert.Equal([(1800 * Ms, 1806 * Ms), (8806 * Ms, -1L)], limiter.OnSpells);
    }

    [Fact]
    public void While_marking_the_background_workers_count_a_quarter_of_every_procs_time_and_idle_mark_time_comes_out_of_the_total()
    {
        var limiter = new GcCpuLimiter(4);
        limiter.Accumulate(0, 3 * Second, nowPs: 0); // start near full: 1 s of room

        limiter.StartGcTransition(enableGc: true, nowPs: 0);
        limiter.FinishGcTransition(nowPs: 0);
        limiter.AddAssistTime(150 * Ms);
        limiter.AddIdleMarkTime(200 * Ms);
        limiter.Update(nowPs: 100 * Ms);

        // CPU time 4 × 100 ms = 400 ms, less 200 ms of idle marking = 200 ms; GC: 100 ms (25 % of the
        // real 400 ms) + 150 ms of assists = 250 ms; mutator 200 - 250 = -50 ms: the bucket takes 300 ms.
        Assert.Equal(3 * Second + 300 * Ms, limiter.FillPs);
    }

    [Fact]
    public void A_stop_the_world_pause_counts_every_procs_time_as_gc_time()
    {
        var limiter = new GcCpuLimiter(2);

        limiter.StartGcTransition(enableGc: false, nowPs: 10 * Ms); // 10 ms of mutator time on two procs: the empty bucket stays empty
        limiter.FinishGcTransition(nowPs: 13 * Ms);

        Assert.Equal(6 * Ms, limiter.FillPs);
    }

    /// <summary>A live heap over a tiny memory limit, so the goal is the marked heap and every cycle starts as the last ends.</summary>
    private static SimulatedHeap DeathSpiral(string collector, int garbageObjects, int liveObjects = 400, long memoryLimit = 256 << 10, double markObjectNs = 20_000)
    {
        var heap = new SimulatedHeap(new HeapOptions
        {
            Collector = collector,
            Procs = 1,
            MinimumHeapBytes = 16 << 10,
            MemoryLimitBytes = memoryLimit,
            Costs = new CostModel { AllocationNs = 5_000, MarkObjectNs = markObjectNs },
        });
        heap.PushFrame("main", "table", "garbage");
        var table = heap.Alloc(8 * liveObjects, liveObjects);
        heap.SetLocal(0, table);
        for (var i = 0; i < liveObjects; i++)
        {
            heap.Write(table, i, heap.Alloc(1024));
        }

        for (var i = 0; i < garbageObjects; i++)
        {
            heap.SetLocal(1, heap.Alloc(64, 1));
        }

        return heap;
    }

    [Fact]
    public void Under_a_memory_limit_the_live_heap_cannot_fit_the_go_limiter_turns_assists_off_and_holds_the_gc_near_half_the_cpu()
    {
        var heap = DeathSpiral("go", 400_000);

        // Without the limiter the assists take three quarters of the CPU (0.75 measured, with 5.4 s of assists).
        Assert.True(heap.CpuLimiter.TimesEnabled > 0);
        Assert.True(heap.CpuLimiter.OverflowPs > 0);
        Assert.InRange(heap.Stats.GCCPUFraction, 0.45, 0.62);
        Assert.Empty(heap.CpuLimiterActivity.CycleWaits); // go skips assists; its cycles never wait
        Assert.True(heap.Verify().Passed);
    }

    [Theory]
    [InlineData("marksweep")]
    [InlineData("semispace")]
    [InlineData("markcompact")]
    public void Under_a_memory_limit_below_the_live_heap_a_stop_the_world_plan_waits_for_room_in_the_bucket_instead_of_collecting_at_every_allocation(string collector)
    {
        // 1.6 MiB live under a 1 MiB limit: the goal is the marked heap, so every allocation reaches the trigger.
        var heap = DeathSpiral(collector, 400_000, liveObjects: 1600, memoryLimit: 1 << 20);

        Assert.True(heap.CpuLimiter.TimesEnabled > 0);
        Assert.True(heap.Cycles.Count < 1000, $"{heap.Cycles.Count} cycles");

        // The spells it was on, in order, one per turn-on; no cycle the trigger called for started inside one.
        var limiter = heap.CpuLimiterActivity;
        Assert.NotEmpty(limiter.Spells);
        Assert.Equal(heap.CpuLimiter.Limiting, limiter.On); // a spell is open exactly while the bucket is full
        for (var i = 0; i < limiter.Spells.Count; i++)
        {
            var spell = limiter.Spells[i];
            Assert.True(spell.EndNs is null ? i == limiter.Spells.Count - 1 : spell.EndNs > spell.StartNs, $"spell {i}: {spell}");
            Assert.True(i == 0 || spell.StartNs >= limiter.Spells[i - 1].EndNs, $"spell {i} overlaps the one before");
            var end = spell.EndNs ?? long.MaxValue;
            Assert.DoesNotContain(heap.Cycles, c => c.Trigger == GcTrigger.HeapGoal && c.StartNs > spell.StartNs && c.StartNs < end);
        }

        // Each wait of a triggered cycle ends as a cycle starts, and no cycle starts inside one.
        Assert.NotEmpty(limiter.CycleWaits);
        foreach (var wait in limiter.CycleWaits.Where(w => w.EndNs is not null))
        {
            Assert.Contains(heap.Cycles, c => c.StartNs == wait.EndNs);
            Assert.DoesNotContain(heap.Cycles, c => c.StartNs > wait.StartNs && c.StartNs < wait.EndNs);
        }
        Assert.InRange(heap.Stats.GCCPUFraction, 0.45, 0.65); // 0.86 without: 32 ms of marking per 5 us allocation
        Assert.True(heap.Verify().Passed);
    }

    [Fact]
    public void A_stop_the_world_cycle_longer_than_the_whole_bucket_waits_for_it_to_empty_and_then_runs()
    {
        // Each cycle marks 1600 objects at 1 ms each: 1.6 s, more than the bucket's one CPU-second.
        var heap = DeathSpiral("marksweep", 400_000, liveObjects: 1600, memoryLimit: 1 << 20, markObjectNs: 1_000_000);

        var longCycles = heap.Cycles.Where(c => c.EndNs - c.StartNs > 1_000_000_000).ToList();
        Assert.True(longCycles.Count >= 2, $"{longCycles.Count} cycles over a second");
        // The next one waits for the bucket to empty: a CPU-second of the program's time on one proc.
        Assert.True(longCycles[1].StartNs - longCycles[0].EndNs >= 1_000_000_000);
        var wait = Assert.Single(heap.CpuLimiterActivity.CycleWaits, w => w.EndNs == longCycles[1].StartNs);
        // It began at the first allocation past the trigger, a few hundred ns after the long cycle ended.
        Assert.InRange(wait.StartNs - longCycles[0].EndNs, 0, 1_000_000);
        Assert.True(wait.EndNs - wait.StartNs >= 999_000_000, $"waited {wait}");
        Assert.True(heap.Stats.GCCPUFraction < 0.75, $"GC CPU {heap.Stats.GCCPUFraction}");
    }
}
