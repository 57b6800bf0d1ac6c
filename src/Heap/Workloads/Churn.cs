using HeapNotebook.Heap.Objects;

namespace HeapNotebook.Heap.Workloads;

/// <summary>
/// Allocation with a chosen lifetime distribution. Each new object (two pointer slots, a random
/// size in [minSize, maxSize]) replaces a random entry of a table of <c>live</c> slots, so most
/// objects live a geometric number of allocations with mean <c>live</c>; a percentage goes
/// instead to a long-lived table, where lifetimes are far longer. A quarter of new objects
/// point to an object already in the table, so the heap is a graph, not a bag.
/// </summary>
public sealed class Churn(long allocations, int live, int longLivedPercent, int longLivedSlots, int minSize, int maxSize)
    : Workload("churn", allocations, live, longLivedPercent, longLivedSlots, minSize, maxSize)
{
    protected override long Execute(SimulatedHeap heap)
    {
        var random = heap.Random;
        heap.PushFrame("churn", "young", "old", "fresh");
        var young = heap.Alloc(live * 8, live);
        heap.SetLocal(0, young);
        var old = heap.Alloc(Math.Max(8, longLivedSlots * 8), Math.Max(1, longLivedSlots));
        heap.SetLocal(1, old);
        long checksum = 0;
        var checkEvery = Math.Max(1, allocations / 100);
        for (long i = 0; i < allocations; i++)
        {
            if (i % checkEvery == 0)
            {
                Checkpoint((double)i / allocations);
            }

            var size = random.NextInt(minSize, maxSize);
            var fresh = heap.Alloc(size, 2);
            heap.SetLocal(2, fresh);
            if (random.NextInt(4) == 0)
            {
                heap.Write(fresh, 0, heap.Read(young, random.NextInt(live)));
            }

            if (random.NextInt(100) < longLivedPercent)
            {
                heap.Write(old, random.NextInt(heap.SlotCountOf(old)), fresh);
            }
            else
            {
                heap.Write(young, random.NextInt(live), fresh);
            }

            checksum += size;
        }

        heap.SetLocal(2, ObjectHandle.Null);
        heap.PopFrame();
        return checksum;
    }
}
