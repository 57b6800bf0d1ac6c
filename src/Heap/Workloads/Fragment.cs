namespace HeapNotebook.Heap.Workloads;

/// <summary>
/// Interleaved lifetimes that leave holes. Each round allocates <c>objects</c> objects whose
/// sizes alternate between small and medium, keeps them all in a table, then drops every
/// small one: every span of the small class is left half empty. The next round's medium objects
/// cannot use those holes, so a non-moving heap keeps them as fragmentation (HeapInuse − HeapAlloc)
/// while a compacting one closes them.
/// </summary>
public sealed class Fragment(int objects, int smallSize, int mediumSize, int rounds) : Workload
{
    public override string Name => "fragment";

    protected override long Execute(SimulatedHeap heap)
    {
        heap.PushFrame("fragment", "table", "fresh");
        var table = heap.Alloc(objects * rounds * 8, objects * rounds);
        heap.SetLocal(0, table);
        long checksum = 0;
        for (var round = 0; round < rounds; round++)
        {
            var offset = round * objects;
            for (var i = 0; i < objects; i++)
            {
                if (i % Math.Max(1, objects / 20) == 0)
                {
                    Checkpoint((round + 0.5 * i / objects) / rounds);
                }

                var size = i % 2 == 0 ? smallSize : mediumSize;
                var fresh = heap.Alloc(size, 0);
                heap.Write(table, offset + i, fresh);
                checksum += size;
            }

            for (var i = 0; i < objects; i += 2)
            {
                heap.Write(table, offset + i, Objects.ObjectHandle.Null);
            }
        }

        heap.PopFrame();
        return checksum;
    }
}
