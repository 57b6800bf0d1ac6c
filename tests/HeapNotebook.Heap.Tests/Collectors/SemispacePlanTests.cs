using HeapNotebook.Heap.Errors;
using HeapNotebook.Heap.Objects;
using HeapNotebook.Heap.Workloads;

namespace HeapNotebook.Heap.Tests.Collectors;

public class SemispacePlanTests
{
    [Fact]
    public void Cheney_copies_in_breadth_first_order()
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = "semispace", Verify = true });
        // Allocated depth first; reachable as root → (a, b), a → (c, d), b → (e).
        var e = heap.Alloc(16, 0);
        var d = heap.Alloc(16, 0);
        var c = heap.Alloc(16, 0);
        var b = heap.Alloc(16, 1, [e]);
        var a = heap.Alloc(16, 2, [c, d]);
        var root = heap.Alloc(16, 2, [a, b]);
        heap.Roots["root"] = root;
        heap.Alloc(16, 0); // garbage

        heap.Collect();

        var order = new[] { root, a, b, c, d, e }.Select(heap.AddressOf).ToArray();
        Assert.Equal(order.Order().ToArray(), order);
        Assert.Equal(16, order[1] - order[0]); // packed: no holes
        Assert.Equal(6, heap.ObjectCount);
        Assert.Equal(6 * 16, heap.Cycles[0].CopiedBytes);
    }

    [Fact]
    public void Objects_move_but_handles_and_pointers_follow_them()
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = "semispace", Verify = true });
        var kept = heap.Alloc(48, 1);
        heap.Roots["kept"] = kept;
        var child = heap.Alloc(24, 0);
        heap.Write(kept, 0, child);
        var before = heap.AddressOf(kept);

        heap.Collect();

        Assert.NotEqual(before, heap.AddressOf(kept));
        Assert.Equal(child, heap.Read(kept, 0));
        Assert.Equal(48, heap.SizeOf(kept));
    }

    [Fact]
    public void Live_data_over_half_the_heap_is_out_of_memory_where_marksweep_survives()
    {
        static void KeepAlive(SimulatedHeap heap, int objects)
        {
            heap.PushFrame("main", "list");
            var list = ObjectHandle.Null;
            for (var i = 0; i < objects; i++)
            {
                list = heap.Alloc(1024, 1, [list]);
                heap.SetLocal(0, list);
            }
        }

        // 600 KiB live in a 1 MiB heap: more than a semispace, well within the heap.
        var marksweep = new SimulatedHeap(new HeapOptions { Collector = "marksweep", HeapSizeLimitBytes = 1 << 20, MinimumHeapBytes = 64 << 10 });
        KeepAlive(marksweep, 600);
        marksweep.Collect();
        Assert.Equal(600, marksweep.ObjectCount);

        var semispace = new SimulatedHeap(new HeapOptions { Collector = "semispace", HeapSizeLimitBytes = 1 << 20, MinimumHeapBytes = 64 << 10 });
        var error = Assert.ThrowsAny<SimulatedOutOfMemoryException>(() => KeepAlive(semispace, 600));
        Assert.StartsWith("fatal error: out of memory", error.Message);
        Assert.True(semispace.Verify().Passed);
    }

    [Fact]
    public void Copying_leaves_no_fragmentation_after_the_fragment_workload()
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = "semispace", Verify = true, MinimumHeapBytes = 64 << 10 });
        heap.Run(WorkloadCatalog.Create("fragment", new Dictionary<string, string> { ["objects"] = "4000", ["rounds"] = "2" }));
        heap.Collect();

        Assert.True(heap.Verify().Passed);
        Assert.Equal(0, heap.ObjectCount);
    }

    [Fact]
    public void A_barrier_makes_no_sense_for_semispace()
    {
        Assert.Contains("needs no write barrier", Assert.Throws<InvalidHeapOptionException>(() => new SimulatedHeap(new HeapOptions { Collector = "semispace", Barrier = "hybrid" })).Message);
    }
}
