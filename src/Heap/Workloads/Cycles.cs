namespace HeapNotebook.Heap.Workloads;

/// <summary>
/// Rings that die together: each step builds a ring of <c>ringSize</c> 32-byte objects, each
/// pointing to the next and the last back to the first, and parks it in one of <c>live</c>
/// table slots, dropping the ring that was there. A dropped ring is garbage to a tracing
/// collector and a leak to plain reference counting, since every member still has a count of one.
/// </summary>
public sealed class Cycles(int rings, int ringSize, int live) : Workload("cycles", rings, ringSize, live)
{
    protected override long Execute(SimulatedHeap heap)
    {
        var random = heap.Random;
        heap.PushFrame("cycles", "table", "first", "last");
        var table = heap.Alloc(live * 8, live);
        heap.SetLocal(0, table);
        long checksum = 0;
        var checkEvery = Math.Max(1, rings / 100);
        for (var r = 0; r < rings; r++)
        {
            if (r % checkEvery == 0)
            {
                Checkpoint((double)r / rings);
            }

            var first = heap.Alloc(32, 1);
            heap.SetLocal(1, first);
            var last = first;
            for (var i = 1; i < ringSize; i++)
            {
                var node = heap.Alloc(32, 1);
                heap.Write(last, 0, node);
                last = node;
                heap.SetLocal(2, last);
            }

            heap.Write(last, 0, first);
            heap.Write(table, random.NextInt(live), first);
            checksum += ringSize;
        }

        heap.PopFrame();
        return checksum;
    }
}
