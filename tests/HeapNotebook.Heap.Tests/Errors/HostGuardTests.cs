using HeapNotebook.Heap.Errors;
using HeapNotebook.Heap.Objects;
using HeapNotebook.Heap.Tests.Support;
using HeapNotebook.Heap.Workloads;

namespace HeapNotebook.Heap.Tests.Errors;

/// <summary>The guard on the host's memory (MaxHeapBytes, MaxObjects): a clear refusal, never the host out of memory, and the heap left consistent.</summary>
public sealed class HostGuardTests
{
    [Fact]
    public void The_defaults_keep_a_heap_to_4_GiB_of_simulated_memory_and_one_object_per_128_bytes_of_it()
    {
        var options = new HeapOptions();

        Assert.Equal(4L << 30, options.MaxHeapBytes);
        Assert.Equal(33_554_432, options.MaxObjects);
        Assert.Equal(4L << 30, options.EffectiveHeapLimitBytes);
        Assert.Equal(1L << 20, (options with { HeapSizeLimitBytes = 1 << 20 }).EffectiveHeapLimitBytes);
    }

    [Theory]
    [InlineData(32 * 1024, "The cap on the heap's memory (MaxHeapBytes) cannot be 32 KiB: use 64 KiB to 32 GiB.")]
    [InlineData(64L << 30, "The cap on the heap's memory (MaxHeapBytes) cannot be 64 GiB: use 64 KiB to 32 GiB.")]
    public void A_cap_out_of_range_is_refused(long cap, string message)
    {
        var error = Assert.Throws<InvalidHeapOptionException>(() => new SimulatedHeap(new HeapOptions { MaxHeapBytes = cap }));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Past_the_cap_an_allocation_is_refused_naming_the_guard_and_the_heap_stays_consistent()
    {
        var heap = new SimulatedHeap(new HeapOptions { Verify = true, MaxHeapBytes = 1 << 20 });
        heap.PushFrame(64);
        var kept = new List<ObjectHandle>();
        var error = Assert.Throws<SimulatedOutOfMemoryException>(() =>
        {
            for (var i = 0; i < 64; i++)
            {
                kept.Add(heap.Alloc(64 << 10));
                heap.SetLocal(i, kept[^1]);
            }
        });

        Assert.StartsWith("fatal error: out of memory allocating 65536 bytes: no 64 KiB fits within the cap of 1 MiB on this heap's memory, and no collection could make room:", error.Message);
        Assert.EndsWith("That limit is the simulator's guard on the host's memory (MaxObjects, MaxHeapBytes), not part of the simulated program: keep fewer objects reachable, or raise it ('#!heap new --max-heap SIZE').", error.Message);
        Assert.True(heap.Stats.HeapSys <= 1 << 20);
        Assert.All(kept, handle => Assert.True(heap.IsLive(handle)));
        Assert.True(heap.Verify().Passed);
        HeapInvariants.AssertAccountingHolds(heap);
    }

    [Fact]
    public void Below_the_cap_the_simulated_heap_size_limit_gives_the_programs_own_out_of_memory()
    {
        var heap = new SimulatedHeap(new HeapOptions { HeapSizeLimitBytes = 1 << 20, MaxHeapBytes = 2 << 20 });
        heap.PushFrame(64);

        var error = Assert.Throws<SimulatedOutOfMemoryException>(() =>
        {
            for (var i = 0; i < 64; i++)
            {
                heap.SetLocal(i, heap.Alloc(64 << 10));
            }
        });

        Assert.Contains("fits within the heap size limit of 1 MiB", error.Message);
        Assert.EndsWith("Keep fewer objects reachable, or make the heap with a larger size limit.", error.Message);
    }

    [Fact]
    public void Pointer_slots_past_the_guard_are_refused_before_anything_changes()
    {
        var heap = new SimulatedHeap(new HeapOptions { MaxHeapBytes = 1 << 20 }); // 65,536 slots
        var first = heap.Alloc(40_000 * 8, 40_000);
        heap.Roots["first"] = first;
        var before = HeapState.Describe(heap, first);

        var error = Assert.Throws<SimulatedOutOfMemoryException>(() => heap.Alloc(30_000 * 8, 30_000));

        Assert.Equal(before, HeapState.Describe(heap, first));
        Assert.StartsWith("fatal error: out of memory allocating an object with 30,000 pointer slots: the heap's pointer slots would pass 65,536, the simulator's guard on the host's memory", error.Message);
        Assert.EndsWith("raise the guard: MaxHeapBytes, '#!heap new --max-heap SIZE'.", error.Message);
    }

    [Fact]
    public void At_the_slot_guard_a_freed_run_of_the_same_length_is_reused()
    {
        var heap = new SimulatedHeap(new HeapOptions { MaxHeapBytes = 1 << 20 });
        heap.Alloc(40_000 * 8, 40_000);
        heap.Collect();

        var second = heap.Alloc(40_000 * 8, 40_000);

        Assert.True(heap.IsLive(second));
    }

    [Fact]
    public void Reaching_max_objects_names_the_guard()
    {
        var heap = new SimulatedHeap(new HeapOptions { MaxObjects = 10 });
        heap.PushFrame(10);
        for (var i = 0; i < 10; i++)
        {
            heap.SetLocal(i, heap.Alloc(16));
        }

        var error = Assert.Throws<SimulatedOutOfMemoryException>(() => heap.Alloc(16));

        Assert.Contains("the heap already holds its limit of 10 objects", error.Message);
        Assert.Contains("the simulator's guard on the host's memory", error.Message);
    }

    [Theory]
    [InlineData("binary-trees", "depth=24", "Workload 'binary-trees' (depth 24) keeps about 67,108,863 objects and 1024 MiB reachable at its peak, more than the heap's guard on the host's memory allows (33,554,432 objects, 4 GiB).")]
    [InlineData("churn", "max-size=1048576", "Workload 'churn' (allocs 200000, live 5000, long-lived-percent 5, long-lived-slots 20000, min-size 16, max-size 1048576) keeps about 25,002 objects and 12500.38 MiB reachable at its peak")]
    [InlineData("fragment", "objects=1000000 small-size=32768 medium-size=32768 rounds=10", "Workload 'fragment' (objects 1000000, small-size 32768, medium-size 32768, rounds 10) keeps about 10,000,001 objects and 312614.44 MiB reachable at its peak")]
    [InlineData("cycles", "rings=1000000 ring-size=100000 live=1000000", "Workload 'cycles' (rings 1000000, ring-size 100000, live 1000000) keeps about 100,000,000,001 objects")]
    public void A_workload_past_the_guard_of_the_heap_is_refused_before_it_runs(string workload, string settings, string message)
    {
        var options = settings.Split(' ').Select(pair => pair.Split('=')).ToDictionary(pair => pair[0], pair => pair[1]);

        var error = Assert.Throws<WorkloadException>(() => WorkloadCatalog.Create(workload, options, new HeapOptions()));

        Assert.StartsWith(message, error.Message);
        Assert.EndsWith("Choose smaller options, or make the heap with a larger cap ('#!heap new --max-heap SIZE', HeapOptions.MaxHeapBytes and MaxObjects).", error.Message);
        Assert.NotNull(WorkloadCatalog.Create(workload, options));
    }

    [Fact]
    public void Every_workload_at_its_default_options_fits_the_default_guard()
    {
        foreach (var workload in WorkloadCatalog.Names)
        {
            Assert.NotNull(WorkloadCatalog.Create(workload, null, new HeapOptions()));
            Assert.NotNull(WorkloadCatalog.Footprint(workload, new Dictionary<string, long>()));
        }
    }

    [Fact]
    public void The_binary_trees_footprint_is_the_stretch_tree_which_a_smaller_object_cap_cannot_hold()
    {
        var footprint = BinaryTrees.PeakLive(8);
        var heap = new SimulatedHeap(new HeapOptions { MaxObjects = (int)footprint.Objects - 1 });

        Assert.Equal((1L << 10) - 1, footprint.Objects);
        Assert.Throws<SimulatedOutOfMemoryException>(() => heap.Run(new BinaryTrees(8)));
        Assert.Equal(0, heap.FrameDepth);
        Assert.True(heap.Verify().Passed);
    }
}
