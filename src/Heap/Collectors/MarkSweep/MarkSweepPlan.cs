using HeapNotebook.Heap.Telemetry;

namespace HeapNotebook.Heap.Collectors.MarkSweep;

/// <summary>
/// Stop-the-world mark-sweep over Go-style size-class spans and a large-object space.
///
/// The algorithm (McCarthy 1960, with the allocator of Go's runtime):
///   1. Sweep termination (stop the world): a fixed cost for stopping every processor.
///   2. Mark (world still stopped): shade every root grey; then take grey objects one by one,
///      shade their white referents grey and turn them black, until no grey object is left.
///      The grey set is an explicit stack, so depth costs memory, never recursion. The work is
///      shared by all procs, so the pause is the work divided by GOMAXPROCS.
///   3. Mark termination (stopped): a fixed cost.
///   4. Sweep (stopped, eager): every span's allocation bitmap is walked; white objects are
///      freed in place, black ones turn white for the next cycle. Empty spans return their
///      pages to the page heap; nothing moves, so a span with one survivor stays whole. That
///      is the fragmentation HeapInuse − HeapAlloc shows.
///
/// Invariant: when marking ends there is no grey object, so every object reachable from a root
/// is black (the mutator is stopped, so no write can hide one); sweeping frees only white
/// objects, hence only unreachable ones, and frees every one of them.
///
/// Pacing: the next cycle starts when the live heap reaches
///     goal = marked + (marked + stacks + globals) × GOGC/100, at least 4 MiB × GOGC/100
/// (the formula of Go's pacer; with no concurrent phase the trigger is the goal itself).
/// </summary>
internal sealed class MarkSweepPlan : CollectorPlan
{
    public static readonly PlanConstraints Description = new(
        "Stop-the-world mark-sweep: mark everything reachable, then free the rest in place. Nothing moves, so holes stay.",
        MovesObjects: false,
        Generational: false,
        Incremental: false,
        Spaces: ["size-class", "large-object"]);

    private readonly Tracer _tracer;
    private readonly Sweeper _sweeper;

    public MarkSweepPlan(SimulatedHeap heap)
        : base(heap)
    {
        if (heap.Options.Barrier != "none")
        {
            RefuseBarrier(heap, "stops the world for the whole cycle, so it needs no write barrier");
        }

        _tracer = new Tracer(heap);
        _sweeper = new Sweeper(heap);
    }

    public override string Name => "marksweep";

    public override PlanConstraints Constraints => Description;

    internal override void Collect(GcTrigger trigger)
    {
        var heap = Heap;
        var costs = heap.Costs;
        var procs = heap.Options.Procs;
        var cycle = heap.BeginCycle(trigger);

        cycle.StopTheWorldPhase(GcPhase.SweepTermination, costs.SweepTermination);

        _tracer.Reset();
        _tracer.ShadeRoots();
        _tracer.Drain();
        var markWork = _tracer.WorkPicoseconds();
        cycle.StopTheWorldPhase(GcPhase.Mark, markWork / procs, markWork);
        var heapAtMarkEnd = heap.Counters.HeapLive;

        cycle.StopTheWorldPhase(GcPhase.MarkTermination, costs.MarkTermination);

        _sweeper.Reset();
        _sweeper.SweepAll();
        var sweepWork = _sweeper.WorkPicoseconds();
        cycle.StopTheWorldPhase(GcPhase.Sweep, sweepWork / procs, sweepWork);

        var nextGoal = GoalFor(_tracer.BytesMarked, _tracer.StackScanBytes, _tracer.GlobalsScanBytes);
        heap.EndCycle(cycle, new CycleOutcome(
            HeapMarkEndBytes: heapAtMarkEnd,
            HeapMarkedBytes: _tracer.BytesMarked,
            NextGoalBytes: nextGoal,
            NextTriggerBytes: nextGoal,
            ObjectsMarked: _tracer.ObjectsMarked,
            PointersScanned: _tracer.PointersScanned,
            ObjectsFreed: _sweeper.ObjectsFreed,
            BytesFreed: _sweeper.BytesFreed,
            StackScanBytes: _tracer.StackScanBytes,
            GlobalsScanBytes: _tracer.GlobalsScanBytes,
            BackgroundCpuPs: markWork,
            Complete: true,
            HeapScanMarkedBytes: _tracer.HeapScanBytes));
    }
}
