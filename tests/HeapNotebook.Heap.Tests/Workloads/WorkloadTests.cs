using HeapNotebook.Heap.Errors;
using HeapNotebook.Heap.Tests.Support;
using HeapNotebook.Heap.Workloads;

namespace HeapNotebook.Heap.Tests.Workloads;

public sealed class WorkloadTests
{
    private static SimulatedHeap SmallVerifiedHeap(long minimum = 16 * 1024) =>
        new(new HeapOptions { Verify = true, MinimumHeapBytes = minimum, Gogc = 100 });

    private static WorkloadResult Run(SimulatedHeap heap, string name, params (string Key, string Value)[] options) =>
        heap.Run(WorkloadCatalog.Create(name, options.ToDictionary(o => o.Key, o => o.Value)));

    private static void AssertFinishedClean(SimulatedHeap heap, WorkloadResult result, string name, int minimumCycles)
    {
        Assert.Equal(name, result.Workload);
        Assert.True(result.Completed);
        Assert.Equal(1.0, result.FractionDone);
        Assert.Empty(heap.FrameNames);
        Assert.True(heap.Stats.NumGC >= minimumCycles, $"{name}: only {heap.Stats.NumGC} collections");
        Assert.True(heap.Verify().Passed);
        heap.Collect(); // nothing the workload made is reachable any more (it verifies itself: Verify is on)
        Assert.Equal(0, heap.ObjectCount);
        Assert.Equal(0, heap.Stats.HeapAlloc);
    }

    [Fact]
    public void Binary_trees_depth_6_allocates_every_node_and_its_checksum_is_the_games_check_values_summed()
    {
        var heap = SmallVerifiedHeap();

        var result = Run(heap, "binary-trees", ("depth", "6"));

        // stretch tree of depth 7: 255; 64 trees of depth 4: 64 × 31; 16 trees of depth 6: 16 × 127; long-lived tree of depth 6: 127.
        const long games = 255 + 64 * 31 + 16 * 127 + 127;
        Assert.Equal(4398, games);
        Assert.Equal(games, BinaryTrees.AllocationCount(6));
        Assert.Equal(games, result.Allocations);
        Assert.Equal(games, result.Checksum);
        Assert.Equal(games * 16, heap.Stats.TotalAlloc);
        AssertFinishedClean(heap, result, "binary-trees", minimumCycles: 3);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void Given_binary_trees_asked_for_depth_4_or_5_then_its_result_shows_depth_6_and_says_it_was_raised(int asked)
    {
        var heap = SmallVerifiedHeap();

        var result = heap.Run(new BinaryTrees(asked));

        Assert.Equal(BinaryTrees.AllocationCount(6), result.Allocations);
        Assert.Equal("depth=6", result.Settings);
        Assert.Equal($"depth raised from {asked} to 6, as the game raises n below 6 to 6", result.Adjustment);
    }

    [Fact]
    public void Given_a_workload_run_as_asked_then_its_result_shows_its_settings_and_no_adjustment()
    {
        var heap = SmallVerifiedHeap();

        var trees = heap.Run(new BinaryTrees(7));
        var churn = Run(heap, "churn", ("allocs", "500"), ("live", "20"));

        Assert.Equal("depth=7", trees.Settings);
        Assert.Null(trees.Adjustment);
        Assert.Equal("allocs=500, live=20, long-lived-percent=5, long-lived-slots=20000, min-size=16, max-size=256", churn.Settings);
        Assert.Null(churn.Adjustment);
    }

    [Theory]
    [InlineData(4, 4398)]     // the game raises max depth to at least min depth + 2 = 6
    [InlineData(8, 25_774)]   // 1023 + 511 + 256×31 + 64×127 + 16×511
    [InlineData(10, 135_854)] // 4095 + 2047 + 1024×31 + 256×127 + 64×511 + 16×2047
    public void AllocationCount_counts_every_node_of_every_tree(int depth, long expected)
    {
        Assert.Equal(expected, BinaryTrees.AllocationCount(depth));
    }

    [Fact]
    public void Churn_runs_verified_and_allocates_the_objects_asked_for_plus_its_two_tables()
    {
        var heap = SmallVerifiedHeap();

        var result = Run(heap, "churn", ("allocs", "5000"), ("live", "100"), ("long-lived-slots", "300"), ("max-size", "128"));

        Assert.Equal(5000 + 2, result.Allocations);
        Assert.InRange(result.Checksum, 5000 * 16, 5000 * 128); // the sum of the random sizes
        AssertFinishedClean(heap, result, "churn", minimumCycles: 5);
    }

    [Fact]
    public void Lru_cache_runs_verified_and_allocates_a_value_and_an_entry_per_miss()
    {
        var heap = SmallVerifiedHeap();

        var result = Run(heap, "lru-cache", ("capacity", "50"), ("requests", "3000"), ("keys", "400"), ("value-size", "64"));

        var hits = result.Checksum;
        Assert.InRange(hits, 1, 2999);
        Assert.Equal(2 + 2 * (3000 - hits), result.Allocations);
        AssertFinishedClean(heap, result, "lru-cache", minimumCycles: 5);
    }

    [Fact]
    public void Cycles_runs_verified_and_every_dropped_ring_is_collected()
    {
        var heap = SmallVerifiedHeap();

        var result = Run(heap, "cycles", ("rings", "500"), ("ring-size", "6"), ("live", "10"));

        Assert.Equal(500 * 6, result.Checksum);
        Assert.Equal(500 * 6 + 1, result.Allocations);
        AssertFinishedClean(heap, result, "cycles", minimumCycles: 5);
    }

    [Fact]
    public void Fragment_runs_verified_and_allocates_one_and_a_half_objects_per_object_and_round_plus_its_table()
    {
        var heap = SmallVerifiedHeap();

        var result = Run(heap, "fragment", ("objects", "1000"), ("rounds", "2"), ("small-size", "32"), ("medium-size", "96"));

        Assert.Equal(2 * (1000 + 500) + 1, result.Allocations);
        Assert.Equal(2 * (1000 * 32 + 500 * 96), result.Checksum);
        AssertFinishedClean(heap, result, "fragment", minimumCycles: 2);
    }

    [Fact]
    public void Server_runs_verified_with_a_request_and_its_garbage_per_request()
    {
        var heap = SmallVerifiedHeap();

        var result = Run(heap, "server", ("requests", "300"), ("garbage", "5"), ("cache-size", "20"), ("session-size", "64"));

        Assert.InRange(result.Allocations, 1 + 300 * 6, 1 + 300 * 7); // plus one session for about one request in ten
        Assert.InRange(result.Checksum, 300 * 5 * 16, 300 * 5 * 512);
        AssertFinishedClean(heap, result, "server", minimumCycles: 5);
    }

    [Fact]
    public void Cancelling_from_the_progress_callback_stops_binary_trees_part_way_and_leaves_a_consistent_heap()
    {
        var heap = SmallVerifiedHeap();
        using var cancellation = new CancellationTokenSource();
        var progress = new SynchronousProgress(fraction =>
        {
            if (fraction >= 0.5)
            {
                cancellation.Cancel();
            }
        });

        var result = heap.Run(new BinaryTrees(8), cancellation.Token, progress);

        Assert.False(result.Completed);
        Assert.Equal(0, result.Checksum);
        Assert.InRange(result.FractionDone, 0.5, 0.99);
        Assert.Equal(progress.Reported[^1], result.FractionDone);
        Assert.InRange(result.Allocations, 1, BinaryTrees.AllocationCount(8) - 1);
        Assert.Equal(result.Allocations, heap.Stats.Mallocs);
        Assert.Empty(heap.FrameNames);
        Assert.True(heap.Verify().Passed);
        heap.Collect();
        Assert.Equal(0, heap.ObjectCount);
    }

    [Fact]
    public void Cancelling_a_workload_unwinds_only_its_own_frames_and_keeps_the_callers()
    {
        var heap = SmallVerifiedHeap();
        heap.PushFrame("notebook", "kept");
        var kept = heap.Alloc(16);
        heap.SetLocal("kept", kept);
        using var cancellation = new CancellationTokenSource();
        var progress = new SynchronousProgress(fraction =>
        {
            if (fraction >= 0.3)
            {
                cancellation.Cancel();
            }
        });

        var result = heap.Run(WorkloadCatalog.Create("churn", new Dictionary<string, string> { ["allocs"] = "5000", ["live"] = "100" }), cancellation.Token, progress);

        Assert.False(result.Completed);
        Assert.Equal(["notebook"], heap.FrameNames);
        Assert.Equal(kept, heap.GetLocal("kept"));
        heap.Collect();
        Assert.Equal(1, heap.ObjectCount);
        Assert.True(heap.IsLive(kept));
    }

    [Fact]
    public void Progress_rises_from_near_0_to_exactly_1_and_never_goes_back()
    {
        var heap = new SimulatedHeap(new HeapOptions { MinimumHeapBytes = 64 * 1024 });
        var progress = new SynchronousProgress(_ => { });

        heap.Run(new BinaryTrees(8), CancellationToken.None, progress);

        Assert.True(progress.Reported.Count >= 10, $"only {progress.Reported.Count} reports");
        Assert.Equal(1.0, progress.Reported[^1]);
        Assert.True(progress.Reported[0] < 0.1);
        for (var i = 1; i < progress.Reported.Count; i++)
        {
            Assert.True(progress.Reported[i] > progress.Reported[i - 1], $"report {i} went from {progress.Reported[i - 1]} to {progress.Reported[i]}");
        }
    }

    [Fact]
    public void A_workload_that_runs_out_of_memory_leaves_no_frames_pushed()
    {
        var heap = new SimulatedHeap(new HeapOptions { HeapSizeLimitBytes = 64 * 1024 });

        Assert.Throws<SimulatedOutOfMemoryException>(() => heap.Run(new BinaryTrees(12))); // the stretch tree alone is 8191 × 16 B = 128 KiB

        Assert.Empty(heap.FrameNames);
        heap.Collect();
        Assert.Equal(0, heap.ObjectCount);
    }

    [Fact]
    public void Fragment_leaves_the_small_class_spans_half_empty_after_a_round()
    {
        var heap = new SimulatedHeap(new HeapOptions { MinimumHeapBytes = 16 * 1024 });
        var inspected = false;
        long fragmentation = 0;
        var progress = new SynchronousProgress(fraction =>
        {
            if (fraction >= 0.5 && !inspected)
            {
                // Round 1 of 2 is over: its small objects are dropped, its medium ones still in the table.
                inspected = true;
                heap.Collect();
                fragmentation = heap.Stats.Fragmentation;
            }
        });

        heap.Run(WorkloadCatalog.Create("fragment", new Dictionary<string, string> { ["objects"] = "2000", ["rounds"] = "2" }), CancellationToken.None, progress);

        // 1000 dropped 32-byte objects: if their spans were left half empty, at least 1000 × 32 / 2 bytes would be holes.
        Assert.True(inspected);
        Assert.True(fragmentation >= 16_000, $"fragmentation is only {fragmentation} bytes");
    }

    public static TheoryData<string, string> EveryPlanAndWorkload()
    {
        var data = new TheoryData<string, string>();
        foreach (var plan in HeapNotebook.Heap.Collectors.CollectorRegistry.Names)
        {
            foreach (var workload in WorkloadCatalog.Names)
            {
                data.Add(plan, workload);
            }
        }

        return data;
    }

    private static readonly Dictionary<string, (string Key, string Value)[]> SmallOptions = new()
    {
        ["binary-trees"] = [("depth", "6")],
        ["churn"] = [("allocs", "2000"), ("live", "50")],
        ["lru-cache"] = [("capacity", "50"), ("requests", "2000"), ("keys", "400"), ("value-size", "64")],
        ["cycles"] = [("rings", "200"), ("ring-size", "6"), ("live", "10")],
        ["fragment"] = [("objects", "500"), ("rounds", "2")],
        ["server"] = [("requests", "200"), ("garbage", "5"), ("cache-size", "20")],
    };

    // Every object a workload still uses is held by a root, as a program's variables hold it: a
    // reference-counting heap frees an object the moment nothing holds it, so it is the plan that
    // catches a workload using an object it no longer holds (lru-cache did, unlinking an entry).
    [Theory]
    [MemberData(nameof(EveryPlanAndWorkload))]
    public void Every_workload_runs_verified_on_every_plan(string plan, string workload)
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = plan, Verify = true, MinimumHeapBytes = 16 * 1024, Gogc = 100 });

        var result = Run(heap, workload, SmallOptions[workload]);

        Assert.True(result.Completed);
        Assert.Empty(heap.FrameNames);
        Assert.True(heap.Verify().Passed);
    }
}
