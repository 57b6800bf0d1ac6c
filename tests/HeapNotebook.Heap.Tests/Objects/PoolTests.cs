using HeapNotebook.Heap.Errors;
using HeapNotebook.Heap.Objects;
using HeapNotebook.Heap.Workloads;

namespace HeapNotebook.Heap.Tests.Objects;

public class PoolTests
{
    public static TheoryData<string> Plans => new() { "marksweep", "tricolor", "go", "refcount", "semispace", "markcompact", "generational" };

    [Theory]
    [MemberData(nameof(Plans))]
    public void A_pooled_object_survives_one_collection_as_a_victim_and_is_dropped_at_the_next(string collector)
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = collector, Verify = true });
        var pool = heap.NewPool("buffers", 256, 1);
        var buffer = pool.Get();
        Assert.Equal(1, pool.Misses);
        pool.Put(buffer);

        heap.Collect();
        Assert.True(heap.IsLive(buffer));
        Assert.Equal((0, 1), (pool.PrimaryCount, pool.VictimCount));

        heap.Collect();
        Assert.Equal((0, 0), (pool.PrimaryCount, pool.VictimCount));
        heap.Collect();
        Assert.False(heap.IsLive(buffer));
    }

    [Fact]
    public void Get_prefers_the_most_recent_put_then_the_victim_cache_then_allocates()
    {
        var heap = new SimulatedHeap(new HeapOptions { Verify = true });
        var pool = heap.NewPool("p", 32, 0);
        var a = pool.Get();
        var b = pool.Get();
        heap.Roots["b"] = b; // b is held by the program across the collection
        pool.Put(a);
        heap.Collect(); // a becomes a victim
        pool.Put(b);

        Assert.Equal(b, pool.Get());
        Assert.Equal(a, pool.Get());
        var fresh = pool.Get();
        Assert.NotEqual(a, fresh);
        Assert.NotEqual(b, fresh);
        Assert.Equal((2, 3), (pool.Hits, pool.Misses));
    }

    [Fact]
    public void Putting_a_wrong_or_dead_or_duplicate_object_is_refused_and_changes_nothing()
    {
        var heap = new SimulatedHeap();
        var pool = heap.NewPool("p", 32, 0);
        var wrongSize = heap.Alloc(64);
        heap.Roots["wrong"] = wrongSize;
        var dead = heap.Alloc(32);
        heap.Collect();
        var good = pool.Get();
        pool.Put(good);

        Assert.Contains("holds 32-byte objects", Assert.Throws<InvalidAllocationException>(() => pool.Put(wrongSize)).Message);
        Assert.Throws<StaleHandleException>(() => pool.Put(dead));
        Assert.Contains("already in pool", Assert.Throws<InvalidAllocationException>(() => pool.Put(good)).Message);
        Assert.Equal((1, 1), (pool.PrimaryCount, pool.Puts));
        Assert.Throws<InvalidRootOperationException>(() => heap.NewPool("p", 32));
    }

    [Theory]
    [MemberData(nameof(Plans))]
    public void Pooling_request_objects_cuts_allocations_and_the_verifier_agrees(string collector)
    {
        (long Mallocs, int Cycles) Run(string pool)
        {
            var heap = new SimulatedHeap(new HeapOptions { Collector = collector, Verify = true, MinimumHeapBytes = 64 << 10 });
            var result = heap.Run(WorkloadCatalog.Create("server", new Dictionary<string, string>
            {
                ["requests"] = "3000", ["garbage"] = "0", ["cache-size"] = "50", ["pool"] = pool,
            }));
            Assert.True(result.Completed);
            heap.Collect();
            Assert.True(heap.Verify().Passed);
            return (heap.Stats.Mallocs, heap.Stats.NumGC);
        }

        var plain = Run("0");
        var pooled = Run("1");

        Assert.True(pooled.Mallocs < plain.Mallocs / 2, $"pooled {pooled.Mallocs} vs plain {plain.Mallocs} allocations");
        Assert.True(pooled.Cycles <= plain.Cycles);
    }
}
