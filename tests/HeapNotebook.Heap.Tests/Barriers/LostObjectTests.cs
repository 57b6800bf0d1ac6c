using HeapNotebook.Heap.Collectors.Generational;
using HeapNotebook.Heap.Errors;
using HeapNotebook.Heap.Objects;
using HeapNotebook.Heap.Telemetry;

namespace HeapNotebook.Heap.Tests.Barriers;

/// <summary>
/// The textbook lost object: while marking runs, a pointer to white object C is stored into
/// black object A, then the last pointer to C from grey object B is deleted. The same on the
/// tricolor plan and in the old generation of the generational plan, whose major marks use the
/// same barriers.
/// </summary>
public class LostObjectTests
{
    private sealed record Scenario(SimulatedHeap Heap, ObjectHandle A, ObjectHandle B, ObjectHandle C);

    /// <summary>Builds A (root "scanned"), B (root "pending") → C, all old on a generational heap, starts a (major) cycle and scans A only.</summary>
    private static Scenario MarkUntilAIsBlack(string collector, string barrier, bool verify)
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = collector, Barrier = barrier, Verify = verify, IncrementalWork = 0, TenuringThreshold = 0 });
        var a = heap.Alloc(16, 1);
        heap.Roots["scanned"] = a;
        var b = heap.Alloc(16, 1);
        heap.Roots["pending"] = b;
        var c = heap.Alloc(16, 0);
        heap.Write(b, 0, c);
        if (heap.Plan is GenerationalPlan generational)
        {
            heap.CollectMinor(); // tenuring 0: promoted at once
            Assert.All([a, b, c], o => Assert.False(generational.IsYoung(o.Index)));
        }

        heap.Step(0);
        heap.Step(1);

        Assert.Equal(GcPhase.Mark, heap.Phase);
        Assert.Equal(ObjectColor.Black, heap.ColorOf(a));
        Assert.Equal(ObjectColor.Grey, heap.ColorOf(b));
        Assert.Equal(ObjectColor.White, heap.ColorOf(c));
        Assert.Equal([b], heap.GreyWorklist);
        return new Scenario(heap, a, b, c);
    }

    private static void HideC(Scenario s)
    {
        s.Heap.Write(s.A, 0, s.C);
        s.Heap.Write(s.B, 0, ObjectHandle.Null);
    }

    public static TheoryData<string> Collectors => new() { "tricolor", "generational" };

    [Theory]
    [MemberData(nameof(Collectors))]
    public void Without_a_barrier_the_object_is_lost_and_the_verifier_says_how(string collector)
    {
        var s = MarkUntilAIsBlack(collector, "none", verify: true);
        HideC(s);

        var error = Assert.Throws<HeapVerificationException>(() => s.Heap.StepToNextPhase());

        var message = error.Message;
        Assert.Contains($"Object {s.C} (16 B) is still reachable through root 'scanned' → slot 0 of {s.A}, but the heap freed it", message);
        Assert.Contains($"write #1 stored it into slot 0 of object {s.A}, which was already black", message);
        Assert.Contains($"write #2 removed it from slot 0 of object {s.B}, which was grey, cutting its last path from a grey object", message);
        Assert.False(s.Heap.IsLive(s.C));
    }

    [Theory]
    [MemberData(nameof(Collectors))]
    public void Without_the_verifier_the_loss_shows_as_a_dangling_pointer_with_the_same_explanation(string collector)
    {
        var s = MarkUntilAIsBlack(collector, "none", verify: false);
        HideC(s);
        s.Heap.StepToNextPhase();

        var report = s.Heap.Verify();

        Assert.False(report.Passed);
        var problem = Assert.Single(report.Problems);
        Assert.Contains($"Slot 0 of object {s.A} dangles", problem);
        Assert.Contains($"The object there was {s.C}, and it was lost", problem);
        Assert.Contains("which was already black", problem);
    }

    [Theory]
    [InlineData("tricolor", "dijkstra", ObjectColor.Grey)]
    [InlineData("tricolor", "yuasa", ObjectColor.White)]
    [InlineData("tricolor", "hybrid", ObjectColor.Grey)]
    [InlineData("generational", "dijkstra", ObjectColor.Grey)]
    [InlineData("generational", "yuasa", ObjectColor.White)]
    [InlineData("generational", "hybrid", ObjectColor.Grey)]
    public void Each_barrier_keeps_the_object_alive(string collector, string barrier, ObjectColor afterStore)
    {
        var s = MarkUntilAIsBlack(collector, barrier, verify: true);

        s.Heap.Write(s.A, 0, s.C);
        Assert.Equal(afterStore, s.Heap.ColorOf(s.C));
        s.Heap.Write(s.B, 0, ObjectHandle.Null);
        Assert.Equal(ObjectColor.Grey, s.Heap.ColorOf(s.C));

        s.Heap.StepToNextPhase();

        Assert.Null(s.Heap.Phase);
        Assert.True(s.Heap.IsLive(s.C));
        Assert.Equal(s.C, s.Heap.Read(s.A, 0));
        Assert.True(s.Heap.Verify().Passed);
        Assert.Equal(collector == "generational" ? GcKind.Major : GcKind.Full, s.Heap.Cycles[^1].Kind);
        Assert.Equal(2, s.Heap.Cycles[^1].BarrierHits);
        Assert.Equal(1, s.Heap.Cycles[^1].BarrierShades);
    }

    [Theory]
    [MemberData(nameof(Collectors))]
    public void Dijkstra_rescans_the_stacks_at_mark_termination_and_the_rescan_is_in_the_pause(string collector)
    {
        long TerminationPause(string barrier)
        {
            var heap = new SimulatedHeap(new HeapOptions { Collector = collector, Barrier = barrier, IncrementalWork = 0, Procs = 1 });
            heap.PushFrame("main", "x");
            var chain = heap.Alloc(16, 1);
            heap.SetLocal("x", chain);
            for (var i = 0; i < 100; i++)
            {
                var next = heap.Alloc(16, 1, [chain]);
                heap.SetLocal("x", next);
                chain = next;
            }

            heap.Step(0);
            heap.Step(1_000);
            var hidden = heap.Alloc(16, 0);
            heap.SetLocal("x", hidden);
            heap.StepToNextPhase();
            return heap.Cycles[^1].PhaseOf(GcPhase.MarkTermination)!.DurationNs;
        }

        var fixedCost = (long)HeapNotebook.Heap.Time.CostModel.Default.MarkTerminationNs;
        Assert.Equal(fixedCost, TerminationPause("hybrid"));
        Assert.True(TerminationPause("dijkstra") > fixedCost);
    }

    [Theory]
    [MemberData(nameof(Collectors))]
    public void Yuasa_snapshots_the_stacks_with_the_world_stopped_and_the_snapshot_is_in_the_first_pause(string collector)
    {
        const int locals = 10_000;
        (long SweepTermination, long Mark) Pauses(string barrier)
        {
            var heap = new SimulatedHeap(new HeapOptions { Collector = collector, Barrier = barrier, IncrementalWork = 0, Procs = 1 });
            heap.PushFrame(locals);
            for (var i = 0; i < locals; i++)
            {
                heap.SetLocal(i, heap.Alloc(32, 1));
            }

            heap.Collect();
            var cycle = heap.Cycles[^1];
            return (cycle.PhaseOf(GcPhase.SweepTermination)!.DurationNs, cycle.PhaseOf(GcPhase.Mark)!.DurationNs);
        }

        var costs = HeapNotebook.Heap.Time.CostModel.Default;
        var stackScanNs = (long)(locals * costs.RootScanNs);
        var hybrid = Pauses("hybrid");
        var yuasa = Pauses("yuasa");
        Assert.Equal(hybrid, Pauses("dijkstra"));
        Assert.Equal(hybrid.SweepTermination + stackScanNs, yuasa.SweepTermination);
        Assert.Equal(hybrid.Mark - stackScanNs, yuasa.Mark);
    }
}
