using HeapNotebook.Heap.Objects;

namespace HeapNotebook.Heap.Workloads;

/// <summary>
/// Allocation with a chosen lifetime distribution. Each new object (two pointer slots, a random
/// size in [minSize, maxSize]) replaces a random entry of a table of <c>live</c> slots, so most
/// objects live a geometric number of allocations with mean <c>live</c>; a percentage goes
/// instead to a long-lived table, where lifetimes are far longer. A quarter of new objects
/// point to an object already in the table, so the heap is a graph, not a bag.
/// </summary>
public sealed class Churn : Workload
{
    private const string WorkloadName = "churn";

    private readonly long _allocations;
    private readonly int _live;
    private readonly int _longLivedPercent;
    private readonly int _longLivedSlots;
    private readonly int _minSize;
    private readonly int _maxSize;

    /// <summary>Arguments are the catalog's options allocs, live, long-lived-percent, long-lived-slots, min-size and max-size, with the same ranges.</summary>
    /// <exception cref="Errors.WorkloadException">A value is out of range, or maxSize is below minSize.</exception>
    public Churn(long allocations, int live, int longLivedPercent, int longLivedSlots, int minSize, int maxSize)
    {
        WorkloadCatalog.Check(WorkloadName, ("allocs", allocations), ("live", live), ("long-lived-percent", longLivedPercent),
            ("long-lived-slots", longLivedSlots), ("min-size", minSize), ("max-size", maxSize));
        _allocations = allocations;
        _live = live;
        _longLivedPercent = longLivedPercent;
        _longLivedSlots = longLivedSlots;
        _minSize = minSize;
        _maxSize = maxSize;
    }

    public override string Name => WorkloadName;

    internal override WorkloadRecipe Recipe => new(Name, [_allocations, _live, _longLivedPercent, _longLivedSlots, _minSize, _maxSize]);

    protected override long Execute(SimulatedHeap heap)
    {
        var random = heap.Random;
        heap.PushFrame("churn", "young", "old", "fresh");
        var young = heap.Alloc(_live * 8, _live);
        heap.SetLocal(0, young);
        var old = heap.Alloc(Math.Max(8, _longLivedSlots * 8), Math.Max(1, _longLivedSlots));
        heap.SetLocal(1, old);
        long checksum = 0;
        var checkEvery = Math.Max(1, _allocations / 100);
        for (long i = 0; i < _allocations; i++)
        {
            if (i % checkEvery == 0)
            {
                Checkpoint((double)i / _allocations);
            }

            var size = random.NextInt(_minSize, _maxSize);
            var fresh = heap.Alloc(size, 2);
            heap.SetLocal(2, fresh);
            if (random.NextInt(4) == 0)
            {
                heap.Write(fresh, 0, heap.Read(young, random.NextInt(_live)));
            }

            if (random.NextInt(100) < _longLivedPercent)
            {
                heap.Write(old, random.NextInt(heap.SlotCountOf(old)), fresh);
            }
            else
            {
                heap.Write(young, random.NextInt(_live), fresh);
            }

            checksum += size;
        }

        heap.SetLocal(2, ObjectHandle.Null);
        heap.PopFrame();
        return checksum;
    }
}
