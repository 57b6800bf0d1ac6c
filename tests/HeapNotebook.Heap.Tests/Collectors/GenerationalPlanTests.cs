using CsCheck;
using HeapNotebook.Heap.Collectors.Generational;
using HeapNotebook.Heap.Tests.Support;
using HeapNotebook.Heap.Errors;
using HeapNotebook.Heap.Objects;
using HeapNotebook.Heap.Telemetry;
using HeapNotebook.Heap.Workloads;

namespace HeapNotebook.Heap.Tests.Collectors;

public class GenerationalPlanTests
{
    private const long Nursery = 64 << 10;

    private static SimulatedHeap Generational(int threshold = 2, bool cardMarking = true, bool verify = true) =>
        new(new HeapOptions
        {
            Collector = "generational",
            NurseryBytes = Nursery,
            TenuringThreshold = threshold,
            DisableCardMarking = !cardMarking,
            Verify = verify,
        });

    private static GenerationalPlan PlanOf(SimulatedHeap heap) => (GenerationalPlan)heap.Plan;

    /// <summary>Allocates short-lived garbage until the nursery fills and one more minor collection runs.</summary>
    private static void FillNursery(SimulatedHeap heap)
    {
        var minors = heap.Cycles.Count(c => c.Kind == GcKind.Minor);
        while (heap.Cycles.Count(c => c.Kind == GcKind.Minor) == minors)
        {
            heap.Alloc(64);
        }
    }

    [Fact]
    public void Survivors_age_in_the_survivor_space_and_are_promoted_at_the_tenuring_threshold()
    {
        var heap = Generational(threshold: 2);
        var kept = heap.Alloc(32);
        heap.Roots["kept"] = kept;
        Assert.True(PlanOf(heap).IsYoung(kept.Index));

        FillNursery(heap);
        Assert.Equal(1, heap.AgeOf(kept));
        Assert.True(PlanOf(heap).IsYoung(kept.Index)); // in a survivor space

        FillNursery(heap);
        Assert.Equal(2, heap.AgeOf(kept));
        Assert.False(PlanOf(heap).IsYoung(kept.Index)); // promoted
        Assert.All(heap.Cycles, c => Assert.Equal(GcKind.Minor, c.Kind));
    }

    [Fact]
    public void A_threshold_of_zero_promotes_every_survivor_at_once()
    {
        var heap = Generational(threshold: 0);
        var kept = heap.Alloc(32);
        heap.Roots["kept"] = kept;

        FillNursery(heap);

        Assert.False(PlanOf(heap).IsYoung(kept.Index));
    }

    [Fact]
    public void The_card_table_keeps_an_old_to_young_referent_alive_across_a_minor_collection()
    {
        var heap = Generational(threshold: 0);
        var old = heap.Alloc(32, 1);
        heap.Roots["old"] = old;
        FillNursery(heap); // old is promoted
        Assert.False(PlanOf(heap).IsYoung(old.Index));

        var young = heap.Alloc(16);
        heap.Write(old, 0, young); // only the old object points to it: the barrier dirties old's card
        Assert.NotEmpty(PlanOf(heap).DirtyCards);

        FillNursery(heap);

        Assert.True(heap.IsLive(young));
        Assert.Equal(young, heap.Read(old, 0));
    }

    [Fact]
    public void Without_card_marking_the_old_to_young_referent_is_lost_and_the_verifier_says_so()
    {
        var heap = Generational(threshold: 0, cardMarking: false);
        var old = heap.Alloc(32, 1);
        heap.Roots["old"] = old;
        FillNursery(heap);
        var young = heap.Alloc(16);
        heap.Write(old, 0, young);

        var error = Assert.Throws<HeapVerificationException>(() => FillNursery(heap));

        Assert.Contains($"Object {young} (16 B) is still reachable through root 'old' → slot 0 of {old}, but the heap freed it", error.Message);
    }

    [Fact]
    public void Nepotism_a_dead_old_object_keeps_its_young_referent_until_the_next_major_collection()
    {
        var heap = Generational(threshold: 0);
        var old = heap.Alloc(32, 1);
        heap.Roots["old"] = old;
        FillNursery(heap);
        var young = heap.Alloc(16);
        heap.Write(old, 0, young);
        heap.Roots.Remove("old"); // old is dead now, but its card is dirty

        FillNursery(heap);
        Assert.True(heap.IsLive(young)); // kept alive by a dead object: nepotism
        Assert.True(heap.IsLive(old));

        heap.Collect(); // major
        Assert.Equal(GcKind.Major, heap.Cycles[^1].Kind);
        Assert.False(heap.IsLive(young));
        Assert.False(heap.IsLive(old));
    }

    [Fact]
    public void Large_objects_go_straight_to_the_old_generation()
    {
        var heap = Generational();
        var large = heap.Alloc(40_000);

        Assert.False(PlanOf(heap).IsYoung(large.Index));
        Assert.Equal(5 * 8192, PlanOf(heap).OldBytes);
    }

    [Fact]
    public void Minor_and_major_pauses_are_recorded_separately()
    {
        // Marking 100 objects an allocation keeps major marks short: the verifier checks the barrier's invariant over the whole heap after every operation of a mark.
        var heap = new SimulatedHeap(new HeapOptions { Collector = "generational", NurseryBytes = Nursery, MinimumHeapBytes = 256 << 10, IncrementalWork = 100, Verify = true });
        heap.Run(WorkloadCatalog.Create("churn", new Dictionary<string, string> { ["allocs"] = "60000", ["live"] = "2000", ["long-lived-slots"] = "3000", ["long-lived-percent"] = "20" }));
        heap.Collect();

        var minor = heap.Cycles.Where(c => c.Kind == GcKind.Minor).ToList();
        var major = heap.Cycles.Where(c => c.Kind == GcKind.Major).ToList();
        Assert.True(minor.Count > 5);
        Assert.True(major.Count >= 1);
        Assert.True(heap.Verify().Passed);
        Assert.True(minor.Average(c => c.PauseNs) < major.Average(c => c.PauseNs));
    }

    [Fact]
    public void On_churn_generational_does_less_GC_work_than_marksweep()
    {
        long GcWork(string collector)
        {
            var heap = new SimulatedHeap(new HeapOptions { Collector = collector, Seed = 7 });
            heap.Run(WorkloadCatalog.Create("churn", new Dictionary<string, string> { ["allocs"] = "300000", ["live"] = "5000" }));
            return heap.Cycles.Sum(c => c.CpuNs);
        }

        Assert.True(GcWork("generational") < GcWork("marksweep"));
    }

    [Fact]
    public void Random_programs_long_enough_to_fill_the_nursery_many_times_lose_nothing()
    {
        long minors = 0;
        Gen.Int[0, 1 << 20].Array[48_000].Select(Gen.Int[0, 3])
            .Sample((program, threshold) =>
            {
                var heap = new SimulatedHeap(new HeapOptions
                {
                    Collector = "generational",
                    NurseryBytes = Nursery,
                    TenuringThreshold = threshold,
                    MinimumHeapBytes = 16 << 10,
                    Verify = true,
                });
                new RandomMutator(heap, stepsMarking: false, forcesCollections: false).Run(program);
                heap.Collect();
                Assert.True(heap.Verify().Passed);
                Interlocked.Add(ref minors, heap.Cycles.Count(c => c.Kind == GcKind.Minor));
            }, iter: 20, threads: 1);

        Assert.True(minors >= 20, $"only {minors} minor collections ran");
    }

    [Theory]
    [InlineData(1024L, 2, "does not fit")]
    [InlineData(64L << 10, 16, "tenuring threshold of 16 is out of range")]
    [InlineData(64L << 10, -1, "out of range")]
    public void Bad_generational_options_are_refused_naming_the_range(long nursery, int threshold, string expected)
    {
        var error = Assert.Throws<InvalidHeapOptionException>(() => new SimulatedHeap(new HeapOptions { Collector = "generational", NurseryBytes = nursery, TenuringThreshold = threshold }));
        Assert.Contains(expected, error.Message);
    }
}
