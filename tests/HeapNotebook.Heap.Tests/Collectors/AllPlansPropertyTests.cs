using CsCheck;
using HeapNotebook.Heap.Tests.Support;

namespace HeapNotebook.Heap.Tests.Collectors;

/// <summary>
/// The shared behaviour every plan must have, as one theory over the plan list: random mutator
/// programs on tiny heaps under the lockstep verifier, with forced collections (and, for the
/// incremental plans, mark steps) in the middle, and a final forced collection that must leave
/// exactly the reachable objects (for plans whose collection is complete).
/// </summary>
public class AllPlansPropertyTests
{
    public static TheoryData<string, string?> Plans => new()
    {
        { "marksweep", null },
        { "tricolor", null },
        { "go", null },
        { "refcount", null },
        { "refcount", "trial-deletion" },
        { "semispace", null },
        { "markcompact", null },
        { "generational", null },
    };

    /// <summary>A heap so small that a random program collects every few dozen operations.</summary>
    private static SimulatedHeap TinyHeap(string collector, string? cycleCollector, ulong seed, bool verify) => new(new HeapOptions
    {
        Collector = collector,
        CycleCollector = cycleCollector,
        Verify = verify,
        MinimumHeapBytes = 2048,
        NurseryBytes = 64 << 10,
        TenuringThreshold = (int)(seed % 3),
        Seed = seed,
    });

    [Theory]
    [MemberData(nameof(Plans))]
    public void Random_programs_keep_every_reachable_object_under_every_plan(string collector, string? cycleCollector)
    {
        long operations = 0;
        Gen.Int[0, 1 << 20].Array[1200].Select(Gen.ULong)
            .Sample((program, seed) =>
            {
                var heap = TinyHeap(collector, cycleCollector, seed, verify: true);
                var mutator = new RandomMutator(heap, stepsMarking: heap.Plan.Constraints.Incremental);
                mutator.Run(program);
                heap.Collect();
                Assert.True(heap.Verify().Passed);
                Interlocked.Add(ref operations, mutator.Operations);
            }, iter: 120, threads: 1);

        Assert.True(operations >= 30_000, $"only {operations} operations ran");
    }

    /// <summary>
    /// Without the verifier the heap takes shortcuts (an allocation with nothing due takes its
    /// span's cached free slot and stores its initial values straight into its record; frames and
    /// locals skip the model): the same program must leave the same heap, object for object and
    /// slot for slot, and the same clock and statistics.
    /// </summary>
    [Theory]
    [MemberData(nameof(Plans))]
    public void Random_programs_leave_the_same_heap_with_the_verifier_on_and_off(string collector, string? cycleCollector)
    {
        Gen.Int[0, 1 << 20].Array[600].Select(Gen.ULong)
            .Sample((program, seed) =>
            {
                string Run(bool verify)
                {
                    var heap = TinyHeap(collector, cycleCollector, seed, verify);
                    new RandomMutator(heap, stepsMarking: heap.Plan.Constraints.Incremental).Run(program);
                    var objects = heap.DescribeObjects().Select(info => info.Handle).ToArray();
                    return HeapState.Describe(heap, objects);
                }

                Assert.Equal(Run(verify: true), Run(verify: false));
            }, iter: 40, threads: 1);
    }
}
