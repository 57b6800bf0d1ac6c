using HeapNotebook.Heap.Objects;

namespace HeapNotebook.Heap.Workloads;

/// <summary>
/// Interleaved lifetimes that leave holes. Each round allocates <c>objects</c> small objects,
/// keeps them all in a table, then drops every other one: every span of the small class is left
/// half empty. The round then allocates <c>objects</c>/2 medium objects, which belong to another
/// size class and cannot use those holes. A non-moving heap keeps the holes as fragmentation
/// (HeapInuse − HeapAlloc) until the surviving neighbours die; a compacting one closes them.
/// </summary>
public sealed class Fragment : Workload
{
    private const string WorkloadName = "fragment";

    private readonly int _objects;
    private readonly int _smallSize;
    private readonly int _mediumSize;
    private readonly int _rounds;

    /// <summary>Arguments are the catalog's options objects, small-size, medium-size and rounds, with the same ranges.</summary>
    /// <exception cref="Errors.WorkloadException">A value is out of range, or objects × rounds needs too large a table.</exception>
    public Fragment(int objects, int smallSize, int mediumSize, int rounds)
    {
        WorkloadCatalog.Check(WorkloadName, ("objects", objects), ("small-size", smallSize), ("medium-size", mediumSize), ("rounds", rounds));
        _objects = objects;
        _smallSize = smallSize;
        _mediumSize = mediumSize;
        _rounds = rounds;
    }

    /// <summary>Table slots one run needs: per round, every small object and half as many medium ones.</summary>
    public static long TableSlots(long objects, long rounds) => (objects + objects / 2) * rounds;

    public override string Name => WorkloadName;

    internal override WorkloadRecipe Recipe => new(Name, [_objects, _smallSize, _mediumSize, _rounds]);

    protected override long Execute(SimulatedHeap heap)
    {
        heap.PushFrame("fragment", "table");
        var slots = (int)TableSlots(_objects, _rounds);
        var table = heap.Alloc(slots * 8, slots);
        heap.SetLocal(0, table);
        long checksum = 0;
        var perRound = _objects + _objects / 2;
        var checkEvery = Math.Max(1, _objects / 20);
        for (var round = 0; round < _rounds; round++)
        {
            var offset = round * perRound;
            for (var i = 0; i < _objects; i++)
            {
                if (i % checkEvery == 0)
                {
                    Checkpoint((round + 0.5 * i / _objects) / _rounds);
                }

                heap.Write(table, offset + i, heap.Alloc(_smallSize, 0));
                checksum += _smallSize;
            }

            for (var i = 0; i < _objects; i += 2)
            {
                heap.Write(table, offset + i, ObjectHandle.Null);
            }

            for (var i = 0; i < _objects / 2; i++)
            {
                if (i % checkEvery == 0)
                {
                    Checkpoint((round + 0.5 + (double)i / _objects) / _rounds);
                }

                heap.Write(table, offset + _objects + i, heap.Alloc(_mediumSize, 0));
                checksum += _mediumSize;
            }
        }

        heap.PopFrame();
        return checksum;
    }
}
