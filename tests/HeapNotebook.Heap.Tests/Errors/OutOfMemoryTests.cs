using HeapNotebook.Heap.Errors;
using HeapNotebook.Heap.Objects;
using HeapNotebook.Heap.Telemetry;

namespace HeapNotebook.Heap.Tests.Errors;

public sealed class OutOfMemoryTests
{
    [Fact]
    public void Allocating_past_the_heap_size_limit_throws_out_of_memory_after_a_collection_and_keeps_every_rooted_object()
    {
        const long limit = 1 << 20; // 128 pages: 1024 objects of 1 KiB (class 32, 8 per page)
        var heap = new SimulatedHeap(new HeapOptions { Verify = true, HeapSizeLimitBytes = limit });
        var rooted = new List<ObjectHandle>();
        SimulatedOutOfMemoryException? error = null;
        while (error is null && rooted.Count < 5000)
        {
            try
            {
                heap.Alloc(1024); // garbage the collector can take back when the limit is reached
                var h = heap.Alloc(1000, 1);
                heap.Roots[$"r{rooted.Count}"] = h;
                rooted.Add(h);
            }
            catch (SimulatedOutOfMemoryException e)
            {
                error = e;
            }
        }

        Assert.NotNull(error);
        Assert.Equal(1024, rooted.Count);
        Assert.StartsWith("fatal error: out of memory", error.Message);
        Assert.Equal(
            "fatal error: out of memory allocating 1024 bytes: no 1 KiB fits within the heap size limit of 1 MiB, even after a full collection. " +
            "Heap: 1 MiB allocated in 1,024 objects, 1 MiB in use, 1 MiB obtained. Keep fewer objects reachable, or make the heap with a larger size limit.",
            error.Message);
        Assert.Equal(limit, error.HeapLimitBytes);
        Assert.Equal(1024, error.RequestedBytes);
        Assert.Equal(limit, error.HeapSysBytes);
        Assert.Equal(limit, error.HeapAllocBytes);
        Assert.Equal(GcTrigger.AllocationFailure, heap.Cycles[^1].Trigger);
        Assert.All(rooted, h => Assert.True(heap.IsLive(h)));
        Assert.Equal(1024, heap.ObjectCount);
        Assert.Equal(limit, heap.Stats.HeapSys);
        Assert.True(heap.Verify().Passed);

        // The heap is still usable: free some room and allocate again.
        heap.Roots.Remove("r0");
        var again = heap.Alloc(1000);
        Assert.True(heap.IsLive(again));
        Assert.False(heap.IsLive(rooted[0]));
    }

    [Fact]
    public void A_large_object_bigger_than_the_limit_is_out_of_memory_and_names_its_rounded_size()
    {
        var heap = new SimulatedHeap(new HeapOptions { Verify = true, HeapSizeLimitBytes = 1 << 20 });
        var kept = heap.Alloc(64);
        heap.Roots["kept"] = kept;

        var error = Assert.Throws<SimulatedOutOfMemoryException>(() => heap.Alloc((1 << 20) + 1));

        Assert.Contains("allocating 1048577 bytes: no 1.01 MiB fits within the heap size limit of 1 MiB", error.Message); // 129 pages
        Assert.True(heap.IsLive(kept));
        Assert.True(heap.Verify().Passed);
    }

    [Fact]
    public void Reaching_MaxObjects_throws_out_of_memory_naming_the_object_limit()
    {
        var heap = new SimulatedHeap(new HeapOptions { Verify = true, MaxObjects = 100 });
        heap.PushFrame(100);
        var rooted = new List<ObjectHandle>();
        for (var i = 0; i < 100; i++)
        {
            rooted.Add(heap.Alloc(16));
            heap.SetLocal(i, rooted[^1]);
        }

        var error = Assert.Throws<SimulatedOutOfMemoryException>(() => heap.Alloc(16));

        Assert.StartsWith("fatal error: out of memory allocating 16 bytes: the heap already holds its limit of 100 objects, even after a full collection.", error.Message);
        Assert.All(rooted, h => Assert.True(heap.IsLive(h)));
        Assert.Equal(100, heap.ObjectCount);
        Assert.Equal(GcTrigger.AllocationFailure, Assert.Single(heap.Cycles).Trigger);
        Assert.True(heap.Verify().Passed);
    }

    [Fact]
    public void At_MaxObjects_an_allocation_succeeds_when_the_collection_it_runs_frees_room()
    {
        var heap = new SimulatedHeap(new HeapOptions { Verify = true, MaxObjects = 10 });
        for (var i = 0; i < 10; i++)
        {
            heap.Alloc(16);
        }

        var h = heap.Alloc(16);

        Assert.True(heap.IsLive(h));
        Assert.Equal(1, heap.ObjectCount);
        Assert.Equal(GcTrigger.AllocationFailure, Assert.Single(heap.Cycles).Trigger);
        Assert.Equal(10, heap.Cycles[0].ObjectsFreed);
    }
}
