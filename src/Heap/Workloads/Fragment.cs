using HeapNotebook.Heap.Objects;

namespace HeapNotebook.Heap.Workloads;

/// <summary>
/// Interleaved lifetimes that leave holes. Each round allocates <c>objects</c> small objects,
/// keeps them all in a table, then drops every other one: every span of the small class is left
/// half empty. The round then allocates <c>objects</c>/2 medium objects, which belong to another
/// size class and cannot use those holes. A non-moving heap keeps the holes as fragmentation
/// (HeapInuse − HeapAlloc) until the surviving neighbours die; a compacting one closes them.
/// </summary>
public sealed class Fragment(int objects, int smallSize, int mediumSize, int rounds) : Workload("fragment", objects, smallSize, mediumSize, rounds)
{
    /// <summary>Table slots one run needs: per round, every small object and half as many medium ones.</summary>
    public static long TableSlots(long objects, long rounds) => (objects + objects / 2) * rounds;



    protected override long Execute(SimulatedHeap heap)
    {
        heap.PushFrame("fragment", "table");
        var slots = (int)TableSlots(objects, rounds);
        var table = heap.Alloc(slots * 8, slots);
        heap.SetLocal(0, table);
        long checksum = 0;
        var perRound = objects + objects / 2;
        var checkEvery = Math.Max(1, objects / 20);
        for (var round = 0; round < rounds; round++)
        {
            var offset = round * perRound;
            for (var i = 0; i < objects; i++)
            {
                if (i % checkEvery == 0)
                {
                    Checkpoint((round + 0.5 * i / objects) / rounds);
                }

                heap.Write(table, offset + i, heap.Alloc(smallSize, 0));
                checksum += smallSize;
            }

            for (var i = 0; i < objects; i += 2)
            {
                heap.Write(table, offset + i, ObjectHandle.Null);
            }

            for (var i = 0; i < objects / 2; i++)
            {
                if (i % checkEvery == 0)
                {
                    Checkpoint((round + 0.5 + (double)i / objects) / rounds);
                }

                heap.Write(table, offset + objects + i, heap.Alloc(mediumSize, 0));
                checksum += mediumSize;
            }
        }

        heap.PopFrame();
        return checksum;
    }
}
