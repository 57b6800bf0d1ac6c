using HeapNotebook.Heap.Errors;
using HeapNotebook.Heap.Objects;
using HeapNotebook.Heap.Telemetry;

namespace HeapNotebook.Heap.Tests.Errors;

public sealed class OutOfMemoryTests
{
    [Fact]
    public void Allocating_past_the_heap_size_limit_throws_out_of_memory_without_collecting_when_the_roots_reach_it_all()
    {
        const long limit = 1 << 20; // 128 pages: 1024 objects of 1 KiB (class 32, 8 per page)
        var heap = new SimulatedHeap(new HeapOptions { Verify = true, HeapSizeLimitBytes = limit });
        var rooted = new List<ObjectHandle>();
        SimulatedOutOfMemoryException? error = null;
        (int Cycles, long HeapAlloc, long Mallocs) before = default;
        while (error is null && rooted.Count < 5000)
        {
            before = (heap.Cycles.Count, heap.Stats.HeapAlloc, (long)heap.Stats.Mallocs);
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
            "fatal error: out of memory allocating 1024 bytes: no 1 KiB fits within the heap size limit of 1 MiB, and no collection could make room: the objects the roots reach need it all, so none was run. " +
            "Heap: 1 MiB allocated in 1,024 objects, 1 MiB in use, 1 MiB obtained. Keep fewer objects reachable, or make the heap with a larger size limit.",
            error.Message);
        Assert.Equal(limit, error.HeapLimitBytes);
        Assert.Equal(1024, error.RequestedBytes);
        Assert.Equal(limit, error.HeapSysBytes);
        Assert.Equal(limit, error.HeapAllocBytes);
        Assert.Equal(before, (heap.Cycles.Count, heap.Stats.HeapAlloc, (long)heap.Stats.Mallocs)); // the failed allocation changed nothing
        Assert.Equal(GcTrigger.AllocationFailure, heap.Cycles[^1].Trigger); // earlier allocations collected the garbage to make room
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

        Assert.StartsWith("fatal error: out of memory allocating 16 bytes: the heap already holds its limit of 100 objects, and no collection could make room:", error.Message);
        Assert.All(rooted, h => Assert.True(heap.IsLive(h)));
        Assert.Equal(100, heap.ObjectCount);
        Assert.Empty(heap.Cycles);
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

    [Fact]
    public void A_failed_allocation_whose_room_only_garbage_holds_collects_and_says_the_collection_stays()
    {
        // Eight one-page spans each keep one live 1 KiB object among garbage: the collection frees the
        // garbage but no whole page, so a two-page object still finds no room.
        const long limit = 64 << 10;
        var heap = new SimulatedHeap(new HeapOptions { Verify = true, HeapSizeLimitBytes = limit });
        heap.PushFrame(8);
        for (var page = 0; page < 8; page++)
        {
            heap.SetLocal(page, heap.Alloc(1024)); // one live object per 8 KiB span
            for (var i = 0; i < 7; i++)
            {
                heap.Alloc(1024); // garbage beside it
            }
        }

        var error = Assert.Throws<SimulatedOutOfMemoryException>(() => heap.Alloc(16 << 10));

        Assert.Contains("even after a full collection (gc 1, which stays done)", error.Message);
        Assert.Equal(GcTrigger.AllocationFailure, Assert.Single(heap.Cycles).Trigger);
        Assert.True(heap.Verify().Passed);
    }
}
