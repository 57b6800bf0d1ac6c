using CsCheck;
using HeapNotebook.Heap.Collectors.Generational;
using HeapNotebook.Heap.Errors;
using HeapNotebook.Heap.Objects;
using HeapNotebook.Heap.Telemetry;
using HeapNotebook.Heap.Tests.Support;

namespace HeapNotebook.Heap.Tests.Collectors;

/// <summary>
/// Major cycles of the generational plan: the old generation is marked incrementally, tri-colour,
/// with the barrier of the heap's choice, while the program (and minor collections) go on.
/// </summary>
public class GenerationalMajorTests
{
    private const long Nursery = 64 << 10;

    private static SimulatedHeap Generational(string? barrier = null, int threshold = 2) =>
        new(new HeapOptions
        {
            Collector = "generational",
            Barrier = barrier,
            NurseryBytes = Nursery,
            TenuringThreshold = threshold,
            IncrementalWork = 0,
            Verify = true,
        });

    private static GenerationalPlan PlanOf(SimulatedHeap heap) => (GenerationalPlan)heap.Plan;

    /// <summary>A heap with one rooted object (root "kept") whose first major mark has just started.</summary>
    private static SimulatedHeap WithMajorMarkStarted()
    {
        var heap = Generational();
        heap.Roots["kept"] = heap.Alloc(16, 1);
        heap.Step(0);
        return heap;
    }

    [Fact]
    public void The_barrier_is_hybrid_unless_another_is_chosen_and_an_unknown_one_is_refused()
    {
        Assert.Equal("hybrid", PlanOf(Generational()).Barrier.Name);
        Assert.Equal("yuasa", PlanOf(Generational("yuasa")).Barrier.Name);
        Assert.True(PlanOf(Generational()).Constraints.Incremental);

        var error = Assert.Throws<InvalidHeapOptionException>(() => Generational("steele"));
        Assert.Contains("Choose one of: none, dijkstra, yuasa, hybrid", error.Message);
    }

    [Fact]
    public void A_major_cycle_starts_by_promoting_every_young_survivor_and_freeing_the_young_garbage()
    {
        var heap = Generational();
        var root = heap.Alloc(16, 1);
        heap.Roots["root"] = root;
        var child = heap.Alloc(16, 0);
        heap.Write(root, 0, child);
        heap.Alloc(16, 0); // garbage
        Assert.True(PlanOf(heap).IsYoung(root.Index));

        heap.Step(0);

        Assert.Equal(GcPhase.Mark, heap.Phase);
        Assert.All([root, child], o => Assert.False(PlanOf(heap).IsYoung(o.Index)));
        Assert.Equal(2, heap.ObjectCount);
        Assert.Equal(ObjectColor.Grey, heap.ColorOf(root));
        Assert.Equal(ObjectColor.White, heap.ColorOf(child));

        heap.StepToNextPhase();

        var major = Assert.Single(heap.Cycles);
        Assert.Equal(GcKind.Major, major.Kind);
        Assert.Equal(1, major.ObjectsFreed);
        Assert.Equal(2 * 16, major.CopiedBytes);
    }

    [Fact]
    public void The_phases_of_a_major_cycle_are_two_short_pauses_around_a_concurrent_mark_then_the_sweep()
    {
        var heap = WithMajorMarkStarted();
        heap.Alloc(16, 0);
        heap.StepToNextPhase();

        var phases = heap.Cycles[^1].Phases;
        Assert.Equal([GcPhase.SweepTermination, GcPhase.Mark, GcPhase.MarkTermination, GcPhase.Sweep], phases.Select(p => p.Phase));
        Assert.Equal([true, false, true, true], phases.Select(p => p.StopTheWorld));
    }

    [Fact]
    public void Objects_allocated_during_a_major_mark_are_young_and_black_until_it_ends_and_large_ones_are_old_and_black()
    {
        var heap = WithMajorMarkStarted();

        var born = heap.Alloc(16, 0);
        var large = heap.Alloc(40_000, 0);

        Assert.True(PlanOf(heap).IsYoung(born.Index));
        Assert.Equal(ObjectColor.Black, heap.ColorOf(born));
        Assert.False(PlanOf(heap).IsYoung(large.Index));
        Assert.Equal(ObjectColor.Black, heap.ColorOf(large));
        heap.StepToNextPhase();

        Assert.Equal(ObjectColor.White, heap.ColorOf(born)); // ready for the next minor collection, which frees it
        heap.CollectMinor();
        Assert.False(heap.IsLive(born));
        Assert.True(heap.IsLive(large)); // floating garbage in the old generation, until the next major cycle
        heap.Collect();
        Assert.False(heap.IsLive(large));
    }

    [Theory]
    [InlineData("dijkstra")]
    [InlineData("yuasa")]
    [InlineData("hybrid")]
    public void A_minor_collection_in_the_middle_of_a_major_mark_moves_young_objects_but_changes_no_colour(string barrier)
    {
        var heap = Generational(barrier, threshold: 1);
        var table = heap.Alloc(64, 4);
        heap.Roots["table"] = table;
        var oldChild = heap.Alloc(16, 0);
        heap.Write(table, 0, oldChild);
        heap.Step(0);
        heap.Step(1); // table is black, oldChild grey
        Assert.Equal(ObjectColor.Black, heap.ColorOf(table));

        var young = heap.Alloc(16, 1);
        heap.Write(table, 1, young);     // old black -> young: the card is dirtied
        heap.Write(young, 0, oldChild);  // young black -> old grey
        var doomed = heap.Alloc(16, 0);  // young garbage
        var addressBefore = heap.AddressOf(young);

        heap.CollectMinor();

        Assert.Equal(GcPhase.Mark, heap.Phase); // the major mark goes on
        var minor = Assert.Single(heap.Cycles);
        Assert.Equal(GcKind.Minor, minor.Kind);
        Assert.True(heap.IsLive(young));
        Assert.NotEqual(addressBefore, heap.AddressOf(young)); // copied to a survivor space
        Assert.Equal(ObjectColor.Black, heap.ColorOf(young));
        Assert.Equal(ObjectColor.Grey, heap.ColorOf(oldChild));
        Assert.False(heap.IsLive(doomed));

        heap.CollectMinor(); // age 2 > threshold 1: promoted into the old generation, black, during the mark
        Assert.False(PlanOf(heap).IsYoung(young.Index));
        Assert.Equal(ObjectColor.Black, heap.ColorOf(young));

        heap.StepToNextPhase();

        Assert.Null(heap.Phase);
        Assert.Equal([GcKind.Minor, GcKind.Minor, GcKind.Major], heap.Cycles.Select(c => c.Kind));
        Assert.Equal([1, 2, 3], heap.Cycles.Select(c => c.Number)); // numbered as they end
        Assert.True(heap.Cycles[2].StartNs < heap.Cycles[0].StartNs); // the major began first
        Assert.All([table, oldChild, young], o => Assert.True(heap.IsLive(o)));
        Assert.True(heap.Verify().Passed);
    }

    [Fact]
    public void The_old_generation_reaching_its_goal_starts_a_major_cycle_that_allocations_pay_for()
    {
        var heap = new SimulatedHeap(new HeapOptions
        {
            Collector = "generational",
            NurseryBytes = Nursery,
            TenuringThreshold = 0,
            MinimumHeapBytes = 64 << 10,
            Verify = true,
        });
        heap.PushFrame("main", "list");
        for (var i = 0; i < 20_000 && heap.Cycles.All(c => c.Kind != GcKind.Major); i++)
        {
            var node = heap.Alloc(32, 1, [heap.GetLocal("list")]);
            heap.SetLocal("list", i % 4 == 0 ? node : heap.GetLocal("list")); // a quarter of the nodes stay reachable
        }

        var major = heap.Cycles.First(c => c.Kind == GcKind.Major);
        Assert.Equal(GcTrigger.HeapGoal, major.Trigger);
        Assert.False(major.PhaseOf(GcPhase.Mark)!.StopTheWorld);
        Assert.True(major.AssistCpuNs > 0); // marked by the allocations made while it ran
        Assert.True(major.BarrierHits > 0);
        Assert.True(PlanOf(heap).OldBytes < PlanOf(heap).OldGoal);
        Assert.True(heap.Verify().Passed);
    }

    [Fact]
    public void Collect_finishes_a_running_major_mark_then_runs_a_whole_major_cycle()
    {
        var heap = WithMajorMarkStarted();
        var floating = heap.Alloc(16, 0);

        heap.Collect();

        Assert.Null(heap.Phase);
        Assert.Equal([GcKind.Major, GcKind.Major], heap.Cycles.Select(c => c.Kind));
        Assert.Equal([GcTrigger.Stepped, GcTrigger.Forced], heap.Cycles.Select(c => c.Trigger)); // the first was started by a step
        Assert.False(heap.IsLive(floating)); // floated through the first cycle; the second one's start freed it with the young garbage
        Assert.Equal(1, heap.ObjectCount);
    }

    [Fact]
    public void Minor_and_major_pauses_are_separate_cycle_records_each_with_its_own_phases()
    {
        var heap = WithMajorMarkStarted();
        heap.CollectMinor();
        heap.StepToNextPhase();

        var minor = heap.Cycles.Single(c => c.Kind == GcKind.Minor);
        var major = heap.Cycles.Single(c => c.Kind == GcKind.Major);
        Assert.All(minor.Phases, p => Assert.True(p.StopTheWorld));
        Assert.Equal(minor.Phases.Sum(p => p.DurationNs), minor.PauseNs);
        Assert.Equal(major.Phases.Where(p => p.StopTheWorld).Sum(p => p.DurationNs), major.PauseNs);
        Assert.Equal(minor.PauseNs + major.PauseNs, heap.Stats.PauseTotalNs);
        Assert.Equal([minor.PauseNs, major.PauseNs], heap.Stats.PauseNs.Take(2));
    }

    /// <summary>
    /// Random mutator programs on a tiny old-generation goal and the smallest nursery, with objects
    /// large enough that the nursery fills every few dozen allocations: minor collections run
    /// before, between and inside major marks, which are stepped and paid for by allocations. The
    /// verifier checks the barrier's invariant after every operation during a mark and the heap
    /// after every cycle.
    /// </summary>
    [Theory]
    [InlineData("dijkstra")]
    [InlineData("yuasa")]
    [InlineData("hybrid")]
    public void Random_programs_with_minors_inside_major_marks_lose_nothing(string barrier)
    {
        long operations = 0, minorsInsideMajors = 0, majors = 0;
        Gen.Int[0, 1 << 20].Array[4000].Select(Gen.Int[0, 6], Gen.ULong)
            .Sample((program, incrementalWork, seed) =>
            {
                var heap = new SimulatedHeap(new HeapOptions
                {
                    Collector = "generational",
                    Barrier = barrier,
                    NurseryBytes = Nursery,
                    TenuringThreshold = (int)(seed % 3),
                    MinimumHeapBytes = 4096,
                    IncrementalWork = incrementalWork,
                    Procs = 1 + (int)(seed % 4),
                    Seed = seed,
                    Verify = true,
                });
                var mutator = new RandomMutator(heap, stepsMarking: true, sizeScale: 200);
                mutator.Run(program);
                heap.Collect();
                Assert.True(heap.Verify().Passed);
                var majorCycles = heap.Cycles.Where(c => c.Kind == GcKind.Major).ToList();
                Interlocked.Add(ref operations, mutator.Operations);
                Interlocked.Add(ref majors, majorCycles.Count);
                Interlocked.Add(ref minorsInsideMajors, heap.Cycles.Count(minor =>
                    minor.Kind == GcKind.Minor && majorCycles.Any(major => major.StartNs < minor.StartNs && minor.EndNs < major.EndNs)));
            }, iter: 110, threads: 1);

        Assert.True(operations >= 100_000 && majors >= 2_000, $"only {operations} operations and {majors} major cycles ran ({minorsInsideMajors} minors inside them)");
        Assert.True(minorsInsideMajors >= 100, $"only {minorsInsideMajors} minor collections ran inside a major mark ({majors} majors, {operations} operations)");
    }

    /// <summary>The same programs without a barrier: the harness above can see a loss, and sooner or later one happens.</summary>
    [Fact]
    public void Without_a_barrier_random_programs_do_lose_objects_and_the_verifier_explains_how()
    {
        HeapVerificationException? loss = null;
        ulong seed = 0;
        while (loss is null && ++seed <= 2_000)
        {
            var random = new DeterministicRandom(seed);
            var program = Enumerable.Range(0, 1700).Select(_ => random.NextInt(1 << 20)).ToArray();
            var heap = new SimulatedHeap(new HeapOptions
            {
                Collector = "generational",
                Barrier = "none",
                NurseryBytes = Nursery,
                TenuringThreshold = (int)(seed % 3),
                MinimumHeapBytes = 4096,
                IncrementalWork = (int)(seed % 7),
                Seed = seed,
                Verify = true,
            });
            try
            {
                new RandomMutator(heap, stepsMarking: true, sizeScale: 24).Run(program);
                heap.Collect();
            }
            catch (HeapVerificationException error)
            {
                loss = error;
            }
        }

        Assert.NotNull(loss);
        Assert.Contains("which was already black (scanned)", loss.Message);
        Assert.Contains("With the none barrier nothing shaded it", loss.Message);
    }
}
