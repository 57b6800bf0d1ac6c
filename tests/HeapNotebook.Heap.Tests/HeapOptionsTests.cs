using HeapNotebook.Heap.Collectors;
using HeapNotebook.Heap.Errors;
using HeapNotebook.Heap.Workloads;

namespace HeapNotebook.Heap.Tests;

public sealed class HeapOptionsTests
{
    public static TheoryData<HeapOptions, string> InvalidOptions => new()
    {
        { new HeapOptions { Gogc = -1 }, "GOGC cannot be -1: use a percentage of 0 or more, or off (null)." },
        { new HeapOptions { Procs = 0 }, "procs (GOMAXPROCS) cannot be 0: use 1 to 1024." },
        { new HeapOptions { Procs = 1025 }, "procs (GOMAXPROCS) cannot be 1025: use 1 to 1024." },
        { new HeapOptions { HeapSizeLimitBytes = 32 * 1024 }, "The heap size limit cannot be 32 KiB: use 64 KiB to 32 GiB." },
        { new HeapOptions { HeapSizeLimitBytes = 64L << 30 }, "The heap size limit cannot be 64 GiB: use 64 KiB to 32 GiB." },
        { new HeapOptions { MaxObjects = 0 }, "The object limit cannot be 0: use 1 or more." },
        { new HeapOptions { MinimumHeapBytes = -1 }, "The minimum heap cannot be negative (-1)." },
        { new HeapOptions { InitialObjectCapacity = -1 }, "The initial object capacity cannot be negative (-1)." },
        { new HeapOptions { Collector = "copying" }, "There is no collector named 'copying'. Choose one of: marksweep, tricolor, go, refcount, semispace, markcompact, generational." },
        {
            new HeapOptions { Collector = "markcompact", HeapSizeLimitBytes = 255 << 10 },
            "The markcompact collector needs a heap of at least 256 KiB, a chunk of 256 KiB for each of its bump-allocated spaces (compacting): the heap size limit of 255 KiB is too small."
        },
        {
            new HeapOptions { Collector = "semispace", HeapSizeLimitBytes = 300 << 10 },
            "The semispace collector needs a heap of at least 512 KiB, a chunk of 256 KiB for each of its bump-allocated spaces (from-space, to-space): the heap size limit of 300 KiB is too small."
        },
        {
            new HeapOptions { Collector = "generational", MaxHeapBytes = 64 << 10, NurseryBytes = 64 << 10 },
            "The generational collector needs a heap of at least 768 KiB, a chunk of 256 KiB for each of its bump-allocated spaces (nursery, survivor (from), survivor (to)): the cap on the heap's memory (MaxHeapBytes) of 64 KiB is too small."
        },
    };

    [Theory]
    [InlineData("markcompact", 256L << 10)]
    [InlineData("semispace", 512L << 10)]
    [InlineData("generational", 768L << 10)]
    public void A_moving_plan_at_its_minimum_heap_allocates_and_collects(string collector, long limit)
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = collector, HeapSizeLimitBytes = limit, NurseryBytes = 64 << 10, Verify = true });

        heap.Roots["a"] = heap.Alloc(16, 1);
        heap.Collect();
        heap.Run(new Churn(allocations: 5_000, live: 50, longLivedPercent: 5, longLivedSlots: 10, minSize: 16, maxSize: 64));

        Assert.True(heap.IsLive(heap.Roots["a"]));
        Assert.Equal(limit, CollectorRegistry.Describe(collector).MinimumHeapBytes);
    }

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void A_heap_cannot_be_made_with_an_option_out_of_range(HeapOptions options, string message)
    {
        var error = Assert.Throws<InvalidHeapOptionException>(() => new SimulatedHeap(options));

        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData(64 * 1024 - 1)]
    [InlineData((32L << 30) + 1)]
    public void A_limit_just_outside_the_range_is_not_reported_as_the_bound_itself(long limit)
    {
        var error = Assert.Throws<InvalidHeapOptionException>(() => new SimulatedHeap(new HeapOptions { HeapSizeLimitBytes = limit }));

        Assert.DoesNotContain("cannot be 64 KiB:", error.Message);
        Assert.DoesNotContain("cannot be 32 GiB:", error.Message);
        Assert.DoesNotContain("cannot be 32768 MiB:", error.Message);
    }

    [Fact]
    public void The_boundary_values_are_accepted()
    {
        var low = new SimulatedHeap(new HeapOptions { Gogc = 0, Procs = 1, HeapSizeLimitBytes = 64 * 1024, MaxObjects = 1, MinimumHeapBytes = 0, InitialObjectCapacity = 0 });
        var high = new SimulatedHeap(new HeapOptions { Procs = 1024, HeapSizeLimitBytes = 32L << 30 });

        Assert.Equal("marksweep", low.Plan.Name);
        Assert.Equal(1024, high.Options.Procs);
        Assert.True(low.IsLive(low.Alloc(8)));
    }

    [Fact]
    public void A_negative_cost_is_refused()
    {
        var options = new HeapOptions { Costs = HeapNotebook.Heap.Time.CostModel.Default with { AllocationNs = -10 } };

        Assert.Throws<InvalidHeapOptionException>(() => new SimulatedHeap(options));
    }

    [Fact]
    public void Scaled_costs_multiply_every_cost_and_stretch_virtual_time_by_the_factor_without_changing_the_program_or_its_shares()
    {
        var defaults = HeapNotebook.Heap.Time.CostModel.Default;
        var slow = defaults.Scaled(1000);
        foreach (var property in typeof(HeapNotebook.Heap.Time.CostModel).GetProperties().Where(p => p.PropertyType == typeof(double)))
        {
            Assert.Equal((double)property.GetValue(defaults)! * 1000, (double)property.GetValue(slow)!, 9);
        }

        SimulatedHeap Run(HeapNotebook.Heap.Time.CostModel costs)
        {
            var heap = new SimulatedHeap(new HeapOptions { Collector = "marksweep", MinimumHeapBytes = 256 << 10, Costs = costs });
            heap.Run(new BinaryTrees(12));
            return heap;
        }

        // The CPU limiter's bucket is a fixed CPU-second, so this holds while the collector takes under half the CPU.
        var (fast, slowHeap) = (Run(defaults), Run(slow));
        Assert.Equal(0, slowHeap.CpuLimiterActivity.TimesTurnedOn);
        Assert.True(fast.Cycles.Count > 5);
        Assert.Equal(fast.Cycles.Count, slowHeap.Cycles.Count);
        Assert.Equal(fast.Clock.Nanoseconds * 1000.0, slowHeap.Clock.Nanoseconds, fast.Clock.Nanoseconds * 1.0); // to rounding of picoseconds
        Assert.Equal(fast.Stats.GCCPUFraction, slowHeap.Stats.GCCPUFraction, 3);
        Assert.Throws<ArgumentOutOfRangeException>(() => defaults.Scaled(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => defaults.Scaled(double.NaN));
    }

    [Fact]
    public void A_cost_over_one_virtual_second_per_unit_is_refused_with_the_limit_named()
    {
        var options = new HeapOptions { Costs = HeapNotebook.Heap.Time.CostModel.Default.Scaled(100_000) };

        var error = Assert.Throws<InvalidHeapOptionException>(() => new SimulatedHeap(options));

        Assert.Equal("The cost SweepTerminationNs cannot be 1500000000 ns: at most 1000000000 ns (one virtual second) per unit of work, or a long run would overflow the virtual clock. Use a smaller cost or scale factor.", error.Message);
    }

    [Fact]
    public void The_defaults_are_Gos()
    {
        var options = new HeapOptions();

        Assert.Equal(100, options.Gogc);
        Assert.Equal(4L << 20, options.MinimumHeapBytes);
        Assert.Equal("marksweep", options.Collector);
        Assert.False(options.Verify);
        Assert.Equal(1UL, options.Seed);
    }

    [Fact]
    public void The_registry_describes_marksweep_as_a_non_moving_stop_the_world_plan()
    {
        Assert.Equal(["marksweep", "tricolor", "go", "refcount", "semispace", "markcompact", "generational"], CollectorRegistry.Names);
        var constraints = CollectorRegistry.Describe("marksweep");
        Assert.False(constraints.MovesObjects);
        Assert.False(constraints.Generational);
        Assert.False(constraints.Incremental);
        Assert.Equal(["size-class", "large-object"], constraints.Spaces);
        Assert.Throws<InvalidHeapOptionException>(() => CollectorRegistry.Describe("MarkSweep"));
    }

    [Fact]
    public void Two_heaps_in_one_process_do_not_share_state()
    {
        var first = new SimulatedHeap(new HeapOptions { MinimumHeapBytes = 8192, Name = "first" });
        var second = new SimulatedHeap(new HeapOptions { MinimumHeapBytes = 8192, Name = "second" });
        var alone = new SimulatedHeap(new HeapOptions { MinimumHeapBytes = 8192 });

        for (var i = 0; i < 2000; i++)
        {
            first.Alloc(32);
            if (i % 2 == 0)
            {
                second.Alloc(64);
            }

            alone.Alloc(32);
        }

        Assert.Equal(alone.GcTraceLines(), first.GcTraceLines());
        Assert.Equal(alone.Clock.Picoseconds, first.Clock.Picoseconds);
        Assert.Equal(1000, second.Stats.Mallocs);
        Assert.Equal("second", second.Name);
    }
}
