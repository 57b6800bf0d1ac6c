using HeapNotebook.Heap.Errors;
using HeapNotebook.Heap.Objects;

namespace HeapNotebook.Heap.Tests.Collectors;

public class MarkCompactPlanTests
{
    [Fact]
    public void After_a_collection_the_live_objects_are_packed_with_no_holes_in_allocation_order()
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = "markcompact", Verify = true });
        heap.PushFrame("main", "kept");
        var kept = new List<ObjectHandle>();
        var table = heap.Alloc(8 * 500, 500);
        heap.SetLocal(0, table);
        for (var i = 0; i < 1_000; i++)
        {
            var size = 16 + 8 * (i % 5);
            var o = heap.Alloc(size, 0);
            if (i % 2 == 1)
            {
                heap.Write(table, kept.Count, o);
                kept.Add(o);
            }
        }

        heap.Collect();

        var addresses = kept.Select(heap.AddressOf).ToArray();
        Assert.Equal(addresses.Order().ToArray(), addresses); // order kept
        Assert.Equal(heap.AddressOf(table) + 8 * 500, addresses[0]); // right after the table
        for (var i = 1; i < kept.Count; i++)
        {
            Assert.Equal(addresses[i - 1] + heap.SizeOf(kept[i - 1]), addresses[i]); // no holes
        }

        Assert.Equal(501, heap.ObjectCount);
        Assert.True(heap.Cycles[0].CopiedBytes > 0);
    }

    [Fact]
    public void Allocation_resumes_right_after_the_last_live_object()
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = "markcompact", Verify = true });
        var first = heap.Alloc(32);
        heap.Alloc(64); // garbage
        var third = heap.Alloc(32);
        heap.Roots["first"] = first;
        heap.Roots["third"] = third;

        heap.Collect();
        var next = heap.Alloc(16);

        Assert.Equal(heap.AddressOf(first) + 32, heap.AddressOf(third));
        Assert.Equal(heap.AddressOf(third) + 32, heap.AddressOf(next));
    }

    [Fact]
    public void A_barrier_makes_no_sense_for_markcompact()
    {
        Assert.Contains("needs no write barrier", Assert.Throws<InvalidHeapOptionException>(() => new SimulatedHeap(new HeapOptions { Collector = "markcompact", Barrier = "yuasa" })).Message);
    }
}
