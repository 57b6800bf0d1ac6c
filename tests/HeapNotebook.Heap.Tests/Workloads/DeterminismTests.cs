using HeapNotebook.Heap.Telemetry;
using HeapNotebook.Heap.Workloads;

namespace HeapNotebook.Heap.Tests.Workloads;

public sealed class DeterminismTests
{
    private static SimulatedHeap RunChurnThenBinaryTrees(ulong seed, bool verify = false)
    {
        var heap = new SimulatedHeap(new HeapOptions { Seed = seed, MinimumHeapBytes = 32 * 1024, Verify = verify });
        heap.Run(new Churn(allocations: 20_000, live: 200, longLivedPercent: 5, longLivedSlots: 500, minSize: 16, maxSize: 256));
        heap.Run(new BinaryTrees(8));
        return heap;
    }

    private static void AssertSameHistory(SimulatedHeap first, SimulatedHeap second)
    {
        Assert.Equal(first.GcTraceLines(), second.GcTraceLines());
        Assert.Equal(first.Cycles.Count, second.Cycles.Count);
        for (var i = 0; i < first.Cycles.Count; i++)
        {
            // GcCycle's Phases is a list, compared by reference in the record's Equals: compare it apart.
            Assert.Equal(first.Cycles[i].Phases, second.Cycles[i].Phases);
            Assert.Equal(first.Cycles[i] with { Phases = Array.Empty<PhaseRecord>() }, second.Cycles[i] with { Phases = Array.Empty<PhaseRecord>() });
        }

        var a = first.Stats;
        var b = second.Stats;
        Assert.Equal(a.PauseNs, b.PauseNs);
        Assert.Equal(a with { PauseNs = Array.Empty<long>() }, b with { PauseNs = Array.Empty<long>() });
        Assert.Equal(first.Clock.Picoseconds, second.Clock.Picoseconds);
        Assert.Equal(first.Random.Draws, second.Random.Draws);
    }

    [Fact]
    public void The_same_seed_and_workloads_give_identical_cycles_stats_and_clock()
    {
        var first = RunChurnThenBinaryTrees(seed: 11);
        var second = RunChurnThenBinaryTrees(seed: 11);

        Assert.True(first.Cycles.Count >= 20, $"only {first.Cycles.Count} cycles to compare");
        Assert.True(first.Random.Draws > 20_000);
        AssertSameHistory(first, second);
    }

    [Fact]
    public void Running_the_verifier_does_not_change_what_the_heap_does()
    {
        var plain = RunChurnThenBinaryTrees(seed: 5);
        var verified = RunChurnThenBinaryTrees(seed: 5, verify: true);

        Assert.True(plain.Cycles.Count >= 20, $"only {plain.Cycles.Count} cycles to compare");

        AssertSameHistory(plain, verified);
    }

    [Fact]
    public void A_different_seed_gives_a_different_churn_trace()
    {
        var first = new SimulatedHeap(new HeapOptions { Seed = 1, MinimumHeapBytes = 32 * 1024 });
        var second = new SimulatedHeap(new HeapOptions { Seed = 2, MinimumHeapBytes = 32 * 1024 });
        var churn = new Churn(allocations: 20_000, live: 200, longLivedPercent: 5, longLivedSlots: 500, minSize: 16, maxSize: 256);

        var resultA = first.Run(churn);
        var resultB = second.Run(churn);

        Assert.NotEqual(first.GcTraceLines(), second.GcTraceLines());
        Assert.NotEqual(resultA.Checksum, resultB.Checksum); // the sum of the random sizes
        Assert.NotEqual(first.Stats.TotalAlloc, second.Stats.TotalAlloc);
        Assert.Equal(resultA.Allocations, resultB.Allocations);
    }
}
