using HeapNotebook.Heap.Objects;
using HeapNotebook.Heap.Pacing;
using HeapNotebook.Heap.Telemetry;

namespace HeapNotebook.Heap.Tests.Collectors.MarkSweep;

public sealed class MarkSweepPlanTests
{
    private const long KiB = 1024;
    private const long MiB = 1024 * 1024;

    [Fact]
    public void Collect_frees_an_object_no_root_reaches_and_keeps_the_ones_a_root_reaches()
    {
        var heap = new SimulatedHeap(new HeapOptions { Verify = true });
        var kept = heap.Alloc(16, 1);
        heap.Roots["kept"] = kept;
        var child = heap.Alloc(16);
        heap.Write(kept, 0, child);
        var garbage = heap.Alloc(16, 1);
        heap.Write(garbage, 0, kept); // pointing into the live graph does not make it live

        heap.Collect();

        Assert.True(heap.IsLive(kept));
        Assert.True(heap.IsLive(child));
        Assert.False(heap.IsLive(garbage));
        Assert.Equal(1, heap.Cycles[0].ObjectsFreed);
        Assert.Equal(2, heap.Cycles[0].ObjectsMarked);
    }

    [Fact]
    public void Collect_frees_a_cycle_of_garbage_and_a_self_loop()
    {
        var heap = new SimulatedHeap(new HeapOptions { Verify = true });
        var a = heap.Alloc(32, 1);
        var b = heap.Alloc(32, 1);
        var c = heap.Alloc(32, 1);
        heap.Write(a, 0, b);
        heap.Write(b, 0, c);
        heap.Write(c, 0, a);
        var self = heap.Alloc(8, 1);
        heap.Write(self, 0, self);

        heap.Collect();

        Assert.False(heap.IsLive(a));
        Assert.False(heap.IsLive(b));
        Assert.False(heap.IsLive(c));
        Assert.False(heap.IsLive(self));
        Assert.Equal(4, heap.Cycles[0].ObjectsFreed);
        Assert.Equal(0, heap.Cycles[0].ObjectsMarked);
        Assert.Equal(0, heap.Stats.HeapAlloc);
        Assert.Equal(0, heap.Stats.HeapInuse);
    }

    [Fact]
    public void A_million_node_linked_list_is_marked_without_recursion_and_freed_when_unrooted()
    {
        const int nodes = 1_000_000;
        var heap = new SimulatedHeap(new HeapOptions { Gogc = null, InitialObjectCapacity = nodes + 16 });
        var head = heap.Alloc(16, 1);
        heap.Roots["head"] = head;
        var tail = head;
        for (var i = 1; i < nodes; i++)
        {
            var node = heap.Alloc(16, 1);
            heap.Write(tail, 0, node);
            tail = node;
        }

        heap.Collect();

        var marked = heap.Cycles[0];
        Assert.Equal(nodes, marked.ObjectsMarked);
        Assert.Equal(nodes, marked.PointersScanned);
        Assert.Equal(nodes * 16L, marked.HeapMarkedBytes);
        Assert.Equal(0, marked.ObjectsFreed);
        Assert.True(heap.IsLive(tail));

        heap.Roots.Remove("head");
        heap.Collect();

        var freed = heap.Cycles[1];
        Assert.Equal(0, freed.ObjectsMarked);
        Assert.Equal(nodes, freed.ObjectsFreed);
        Assert.Equal(nodes * 16L, freed.BytesFreed);
        Assert.Equal(0, heap.ObjectCount);
        Assert.Equal(0, heap.Stats.HeapInuse);
        Assert.False(heap.IsLive(tail));
    }

    /// <summary>
    /// One forced cycle over a hand-built heap, with every figure worked out from the default cost model:
    /// a (32 B, 2 slots, rooted) → b (16 B), c (100 B, class 112 B); garbage d (16 B) and e (48 B, pointing to a).
    /// </summary>
    [Fact]
    public void A_forced_cycle_records_the_figures_worked_out_by_hand()
    {
        var heap = new SimulatedHeap(new HeapOptions { Verify = true }); // GOGC 100, 4 procs, 4 MiB minimum
        var a = heap.Alloc(32, 2);   // 10 ns + 32 × 0.05 ns = 11 600 ps
        heap.Roots["a"] = a;         // 1 000 ps
        var b = heap.Alloc(16);      // 10 800 ps
        var c = heap.Alloc(100);     // rounded to 112: 15 600 ps
        heap.Write(a, 0, b);         // 1 000 ps
        heap.Write(a, 1, c);         // 1 000 ps
        var d = heap.Alloc(16);      // 10 800 ps
        var e = heap.Alloc(48, 1);   // 12 400 ps
        heap.Write(e, 0, a);         // 1 000 ps
        Assert.Equal(65_200, heap.Clock.Picoseconds);
        Assert.Equal(SimulatedHeap.ArenaBase, heap.AddressOf(a));
        Assert.Equal(SimulatedHeap.ArenaBase + 8192, heap.AddressOf(b));
        Assert.Equal(SimulatedHeap.ArenaBase + 2 * 8192, heap.AddressOf(c));
        Assert.Equal(SimulatedHeap.ArenaBase + 8192 + 16, heap.AddressOf(d));
        Assert.Equal(SimulatedHeap.ArenaBase + 3 * 8192, heap.AddressOf(e));

        heap.Collect();

        // Mark: 3 objects × 5 ns + 2 pointers × 1.5 ns + 1 root × 2 ns = 20 ns of work, over 4 procs = 5 ns.
        // Sweep: 4 spans × 40 ns + 5 objects × 1 ns = 165 ns of work, over 4 procs = 41.25 ns (41 ns recorded).
        var cycle = Assert.Single(heap.Cycles);
        Assert.Equal(1, cycle.Number);
        Assert.Equal(GcKind.Full, cycle.Kind);
        Assert.Equal(GcTrigger.Forced, cycle.Trigger);
        Assert.True(cycle.Forced);
        Assert.Equal(65, cycle.StartNs);
        Assert.Equal(45_111, cycle.EndNs); // (65 200 + 15 000 000 + 5 000 + 30 000 000 + 41 250) ps = 45 111 450 ps
        Assert.Equal(
            [
                new PhaseRecord(GcPhase.SweepTermination, true, 65, 15_000, 60_000),
                new PhaseRecord(GcPhase.Mark, true, 15_065, 5, 20),
                new PhaseRecord(GcPhase.MarkTermination, true, 15_070, 30_000, 120_000),
                new PhaseRecord(GcPhase.Sweep, true, 45_070, 41, 165),
            ],
            cycle.Phases);
        Assert.All(cycle.Phases, p => Assert.True(p.StopTheWorld));
        Assert.Equal(45_046, cycle.PauseNs);
        Assert.Equal(224, cycle.HeapStartBytes);   // 32 + 16 + 112 + 16 + 48
        Assert.Equal(224, cycle.HeapMarkEndBytes);
        Assert.Equal(160, cycle.HeapMarkedBytes);  // 32 + 16 + 112
        Assert.Equal(160, cycle.HeapAfterBytes);
        Assert.Equal(4 * MiB, cycle.HeapGoalBytes);
        Assert.Equal(4 * MiB, cycle.NextGoalBytes); // 160 + 168 is below the 4 MiB floor
        Assert.Equal(3, cycle.ObjectsMarked);
        Assert.Equal(2, cycle.PointersScanned);
        Assert.Equal(2, cycle.ObjectsFreed);
        Assert.Equal(64, cycle.BytesFreed);         // 16 + 48
        Assert.Equal(8, cycle.GlobalsScanBytes);
        Assert.Equal(0, cycle.StackScanBytes);
        Assert.Equal(4, cycle.Procs);
        Assert.Equal(20, cycle.BackgroundCpuNs);
        Assert.Equal(0, cycle.AssistCpuNs);
        Assert.Equal(0, cycle.IdleCpuNs);
        Assert.Equal(180_185_000.0 / (45_111_450.0 * 4), cycle.CpuFractionSinceStart, 12);
        Assert.Equal(
            "gc 1 @0.000s 99%: 0.015+0+0.030 ms clock, 0.060+0/0/0+0.12 ms cpu, 0->0->0 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 4 P (forced)",
            Assert.Single(heap.GcTraceLines()));

        var stats = heap.Stats;
        Assert.Equal(160, stats.HeapAlloc);
        Assert.Equal(3 * 8192, stats.HeapInuse); // the 48-byte class span was emptied and returned
        Assert.Equal(4 * MiB, stats.HeapSys);
        Assert.Equal(4 * MiB - 3 * 8192, stats.HeapIdle);
        Assert.Equal(0, stats.HeapReleased);      // the scavenger keeps goal + 10 %, more than 4 MiB
        Assert.Equal(3, stats.HeapObjects);
        Assert.Equal(224, stats.TotalAlloc);
        Assert.Equal(5, stats.Mallocs);
        Assert.Equal(2, stats.Frees);
        Assert.Equal(4 * MiB, stats.NextGC);
        Assert.Equal(45_111, stats.LastGC);
        Assert.Equal(45_046, stats.PauseNs[0]);
        Assert.Equal(45_046, stats.PauseTotalNs);
        Assert.Equal(1, stats.NumGC);
        Assert.Equal(1, stats.NumForcedGC);
        Assert.Equal(cycle.CpuFractionSinceStart, stats.GCCPUFraction, 12);
        Assert.False(heap.IsLive(d));
        Assert.False(heap.IsLive(e));
    }

    [Fact]
    public void Survivors_are_white_again_after_a_cycle_and_age_by_one_per_cycle()
    {
        var heap = new SimulatedHeap();
        var a = heap.Alloc(16);
        heap.Roots["a"] = a;

        heap.Collect();
        heap.Collect();

        Assert.Equal(ObjectColor.White, heap.ColorOf(a));
        Assert.Equal(2, heap.AgeOf(a));
        Assert.Equal(0, heap.AgeOf(heap.Alloc(16)));
    }

    [Fact]
    public void The_pause_ring_puts_the_latest_pause_at_NumGC_plus_255_mod_256()
    {
        var heap = new SimulatedHeap();
        heap.Roots["a"] = heap.Alloc(16);

        var pauses = new List<long>();
        for (var i = 1; i <= 258; i++)
        {
            if (i == 200)
            {
                heap.Roots["b"] = heap.Alloc(48, 6); // changes the mark work, so cycle 200 onwards pause longer
            }

            heap.Collect();
            pauses.Add(heap.Cycles[^1].PauseNs);
            var stats = heap.Stats;
            Assert.Equal(i, stats.NumGC);
            Assert.Equal(pauses[^1], stats.PauseNs[(stats.NumGC + 255) % 256]);
        }

        var final = heap.Stats;
        Assert.Equal(256, final.PauseNs.Count);
        Assert.Equal(pauses[256], final.PauseNs[0]);   // cycle 257 overwrote cycle 1
        Assert.Equal(pauses[257], final.PauseNs[1]);   // cycle 258 overwrote cycle 2
        Assert.Equal(pauses[2], final.PauseNs[2]);     // cycle 3 is still there
        Assert.NotEqual(pauses[0], pauses[257]);
        Assert.Equal(pauses.Sum(), final.PauseTotalNs);
        Assert.Equal(258, final.NumForcedGC);
    }

    [Fact]
    public void With_GOGC_100_and_a_64_KiB_minimum_the_first_cycle_starts_when_HeapAlloc_reaches_64_KiB()
    {
        var heap = new SimulatedHeap(new HeapOptions { Verify = true, Gogc = 100, MinimumHeapBytes = 64 * KiB });
        Assert.Equal(64 * KiB, heap.Stats.NextGC);

        for (var i = 0; i < 4096; i++)
        {
            heap.Alloc(16); // garbage at once
        }

        Assert.Equal(64 * KiB, heap.Stats.HeapAlloc);
        Assert.Equal(0, heap.Stats.NumGC);

        heap.Alloc(16); // the heap is at the goal: this allocation starts a cycle first

        var cycle = Assert.Single(heap.Cycles);
        Assert.Equal(GcTrigger.HeapGoal, cycle.Trigger);
        Assert.False(cycle.Forced);
        Assert.Equal(64 * KiB, cycle.HeapStartBytes);
        Assert.Equal(64 * KiB, cycle.HeapGoalBytes);
        Assert.Equal(4096, cycle.ObjectsFreed);
        Assert.Equal(16, heap.Stats.HeapAlloc);
        Assert.Equal(0, heap.Stats.NumForcedGC);
        Assert.DoesNotContain("(forced)", heap.GcTraceLines().Single());
    }

    [Fact]
    public void The_next_goal_is_marked_plus_marked_stacks_and_globals_times_GOGC()
    {
        var heap = new SimulatedHeap(new HeapOptions { Gogc = 100, MinimumHeapBytes = 64 * KiB });
        heap.Roots["big"] = heap.Alloc(100_000); // 13 pages = 106 496 bytes
        heap.PushFrame(3);

        heap.Collect();

        // 106 496 + (106 496 + 3 × 8 stack + 1 × 8 globals) × 100 % = 213 024
        Assert.Equal(213_024, heap.Cycles[0].NextGoalBytes);
        Assert.Equal(213_024, heap.Stats.NextGC);
        Assert.Equal(213_024, heap.HeapGoalBytes);
    }

    [Fact]
    public void Allocation_keeps_triggering_cycles_at_each_new_goal()
    {
        var heap = new SimulatedHeap(new HeapOptions { Verify = true, Gogc = 100, MinimumHeapBytes = 16 * KiB });
        heap.PushFrame(1);

        for (var i = 0; i < 10_000; i++)
        {
            heap.SetLocal(0, heap.Alloc(64)); // one live object at a time
        }

        // Each cycle finds 64 B live, so the goal stays at the 16 KiB floor: a cycle every 256 allocations.
        Assert.Equal(10_000 / 256, heap.Stats.NumGC);
        Assert.All(heap.Cycles, c => Assert.Equal(GcTrigger.HeapGoal, c.Trigger));
        Assert.All(heap.Cycles, c => Assert.Equal(16 * KiB, c.HeapStartBytes));
        Assert.All(heap.Cycles, c => Assert.Equal(64, c.HeapMarkedBytes));
        Assert.Equal(Enumerable.Range(1, 39), heap.Cycles.Select(c => c.Number));
    }

    [Fact]
    public void GOGC_off_means_no_automatic_collection_and_no_goal()
    {
        var heap = new SimulatedHeap(new HeapOptions { Gogc = null, MinimumHeapBytes = 64 * KiB });

        for (var i = 0; i < 20_000; i++)
        {
            heap.Alloc(64);
        }

        Assert.Equal(0, heap.Stats.NumGC);
        Assert.Equal(20_000 * 64L, heap.Stats.HeapAlloc);
        Assert.Equal(HeapGoal.NoGoal, heap.Stats.NextGC);

        heap.Collect();
        Assert.Equal(1, heap.Stats.NumGC);
        Assert.Equal(HeapGoal.NoGoal, heap.Cycles[0].NextGoalBytes);
    }

    [Fact]
    public void Dropping_every_other_small_object_leaves_fragmentation_equal_to_the_freed_slots()
    {
        const int count = 2048; // four full 16-byte spans of 512 objects
        var heap = new SimulatedHeap(new HeapOptions { Verify = true, Gogc = null });
        var table = heap.Alloc(count * 8, count); // 16 KiB: class 59, one object per 2-page span
        heap.Roots["table"] = table;
        for (var i = 0; i < count; i++)
        {
            heap.Write(table, i, heap.Alloc(16));
        }

        Assert.Equal(4 * 8192 + 16384, heap.Stats.HeapInuse);
        Assert.Equal(0, heap.Stats.Fragmentation);

        for (var i = 0; i < count; i += 2)
        {
            heap.Write(table, i, ObjectHandle.Null);
        }

        heap.Collect();

        var stats = heap.Stats;
        Assert.Equal(4 * 8192 + 16384, stats.HeapInuse); // every span keeps a survivor, so none is returned
        Assert.Equal(1024 * 16 + 16384, stats.HeapAlloc);
        Assert.Equal(1024 * 16, stats.HeapInuse - stats.HeapAlloc);
        Assert.Equal(1024 * 16, stats.Fragmentation);
        Assert.Equal(1024, heap.Cycles[0].ObjectsFreed);
    }

    [Fact]
    public void Stats_count_mallocs_frees_and_bytes_across_cycles()
    {
        var heap = new SimulatedHeap(new HeapOptions { Verify = true });
        heap.PushFrame(1);
        var kept = heap.Alloc(200, 1); // class 208
        heap.SetLocal(0, kept);
        for (var i = 0; i < 10; i++)
        {
            heap.Alloc(24);
        }

        heap.Collect();
        heap.Write(kept, 0, heap.Alloc(40_000)); // 5 pages
        heap.Alloc(8);
        heap.Collect();

        var stats = heap.Stats;
        Assert.Equal(13, stats.Mallocs);
        Assert.Equal(11, stats.Frees);
        Assert.Equal(2, stats.HeapObjects);
        Assert.Equal(208 + 40960, stats.HeapAlloc);
        Assert.Equal(208 + 10 * 24 + 40960 + 8, stats.TotalAlloc);
        Assert.Equal(2, stats.NumGC);
        Assert.Equal(2, stats.NumForcedGC);
        Assert.Equal(heap.Cycles.Sum(c => c.PauseNs), stats.PauseTotalNs);
        Assert.Equal(heap.Cycles[1].EndNs, stats.LastGC);
        Assert.Equal(stats.HeapAlloc, heap.Cycles[1].HeapMarkedBytes);
    }
}
