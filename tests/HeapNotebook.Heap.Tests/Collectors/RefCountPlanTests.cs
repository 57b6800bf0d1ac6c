using HeapNotebook.Heap.Errors;
using HeapNotebook.Heap.Objects;
using HeapNotebook.Heap.Workloads;

namespace HeapNotebook.Heap.Tests.Collectors;

public class RefCountPlanTests
{
    private static SimulatedHeap RefCounting(string? cycleCollector = null) =>
        new(new HeapOptions { Collector = "refcount", CycleCollector = cycleCollector, Verify = true });

    [Fact]
    public void Acyclic_garbage_is_freed_the_moment_its_last_reference_goes_with_no_collection()
    {
        var heap = RefCounting();
        var list = heap.Alloc(16, 1);
        heap.Roots["list"] = list;
        var previous = list;
        for (var i = 0; i < 1_000; i++)
        {
            var next = heap.Alloc(16, 1);
            heap.Write(previous, 0, next);
            previous = next;
        }

        Assert.Equal(1_001, heap.ObjectCount);

        heap.Roots.Remove("list");

        Assert.Equal(0, heap.ObjectCount);
        Assert.Empty(heap.Cycles);
        Assert.Equal(1_001, heap.Stats.Frees);
        Assert.False(heap.IsLive(list));
    }

    [Fact]
    public void A_ring_leaks_without_a_cycle_collector_and_trial_deletion_reclaims_it()
    {
        foreach (var (cycleCollector, expectedAfterCollect) in new[] { ((string?)null, 8), ("trial-deletion", 0) })
        {
            var heap = RefCounting(cycleCollector);
            var first = heap.Alloc(32, 1);
            heap.Roots["ring"] = first;
            var last = first;
            for (var i = 1; i < 8; i++)
            {
                var node = heap.Alloc(32, 1, [ObjectHandle.Null]);
                heap.Write(last, 0, node);
                last = node;
            }

            heap.Write(last, 0, first);
            heap.Roots.Remove("ring");
            Assert.Equal(8, heap.ObjectCount); // every member still has a count of one

            heap.Collect();

            Assert.Equal(expectedAfterCollect, heap.ObjectCount);
            Assert.True(heap.Verify().Passed);
        }
    }

    [Fact]
    public void Trial_deletion_keeps_a_ring_that_something_outside_still_holds()
    {
        var heap = RefCounting("trial-deletion");
        var a = heap.Alloc(32, 1);
        var b = heap.Alloc(32, 1);
        heap.Roots["a"] = a;
        heap.Write(a, 0, b);
        heap.Write(b, 0, a);
        heap.Roots["b"] = b;
        heap.Roots.Remove("a"); // a is decremented to one: a candidate, but b's root still reaches it

        heap.Collect();

        Assert.True(heap.IsLive(a));
        Assert.True(heap.IsLive(b));
        Assert.Equal(a, heap.Read(b, 0));
    }

    [Fact]
    public void Cycles_workload_leaks_rings_under_plain_counting_and_not_under_trial_deletion()
    {
        long LiveAfter(string? cycleCollector)
        {
            var heap = new SimulatedHeap(new HeapOptions { Collector = "refcount", CycleCollector = cycleCollector, MinimumHeapBytes = 64 << 10 });
            heap.Run(WorkloadCatalog.Create("cycles", new Dictionary<string, string> { ["rings"] = "2000", ["live"] = "10", ["ring-size"] = "8" }));
            heap.Collect();
            return heap.ObjectCount;
        }

        Assert.Equal(2_000 * 8, LiveAfter(null)); // the table itself is freed when its frame pops; every ring leaks
        Assert.Equal(0, LiveAfter("trial-deletion"));
    }

    [Fact]
    public void New_objects_nothing_came_to_hold_wait_for_the_next_collection()
    {
        var heap = RefCounting();
        heap.Alloc(64);
        heap.Alloc(64);

        Assert.Equal(2, heap.ObjectCount);
        heap.Collect();
        Assert.Equal(0, heap.ObjectCount);
    }

    [Fact]
    public void Options_that_make_no_sense_are_refused()
    {
        Assert.Contains("Choose one of: none, trial-deletion", Assert.Throws<InvalidHeapOptionException>(() => RefCounting("mark-sweep")).Message);
        Assert.Contains("no tri-colour barrier", Assert.Throws<InvalidHeapOptionException>(() => new SimulatedHeap(new HeapOptions { Collector = "refcount", Barrier = "hybrid" })).Message);
        Assert.Contains("cycle collector", Assert.Throws<InvalidHeapOptionException>(() => new SimulatedHeap(new HeapOptions { Collector = "go", CycleCollector = "trial-deletion" })).Message);
    }
}
