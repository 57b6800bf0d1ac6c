namespace HeapNotebook.Heap.Workloads;

/// <summary>
/// Rings that die together: each step builds a ring of <c>ringSize</c> 32-byte objects, each
/// pointing to the next and the last back to the first, and parks it in one of <c>live</c>
/// table slots, dropping the ring that was there. A dropped ring is garbage to a tracing
/// collector and a leak to plain reference counting, since every member still has a count of one.
/// </summary>
public sealed class Cycles : Workload
{
    private const string WorkloadName = "cycles";

    private readonly int _rings;
    private readonly int _ringSize;
    private readonly int _live;

    /// <summary>Arguments are the catalog's options rings, ring-size and live, with the same ranges.</summary>
    /// <exception cref="Errors.WorkloadException">A value is out of range.</exception>
    public Cycles(int rings, int ringSize, int live)
    {
        WorkloadCatalog.Check(WorkloadName, ("rings", rings), ("ring-size", ringSize), ("live", live));
        _rings = rings;
        _ringSize = ringSize;
        _live = live;
    }

    public override string Name => WorkloadName;

    internal override WorkloadRecipe Recipe => new(Name, [_rings, _ringSize, _live]);

    protected override long Execute(SimulatedHeap heap)
    {
        var random = heap.Random;
        heap.PushFrame("cycles", "table", "first", "last");
        var table = heap.Alloc(_live * 8, _live);
        heap.SetLocal(0, table);
        long checksum = 0;
        var checkEvery = Math.Max(1, _rings / 100);
        for (var r = 0; r < _rings; r++)
        {
            if (r % checkEvery == 0)
            {
                Checkpoint((double)r / _rings);
            }

            var first = heap.Alloc(32, 1);
            heap.SetLocal(1, first);
            var last = first;
            for (var i = 1; i < _ringSize; i++)
            {
                var node = heap.Alloc(32, 1);
                heap.Write(last, 0, node);
                last = node;
                heap.SetLocal(2, last);
            }

            heap.Write(last, 0, first);
            heap.Write(table, random.NextInt(_live), first);
            checksum += _ringSize;
        }

        heap.PopFrame();
        return checksum;
    }
}
