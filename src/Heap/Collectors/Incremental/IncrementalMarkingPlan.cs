using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using HeapNotebook.Heap.Barriers;
using HeapNotebook.Heap.Objects;
using HeapNotebook.Heap.Telemetry;

namespace HeapNotebook.Heap.Collectors.Incremental;

/// <summary>
/// The machinery every incremental tri-colour plan shares, and the one place that switches
/// phases and barriers.
///
///   1. Start (sweep termination, world stopped): finish any sweep left from the last cycle and
///      whatever else the plan must do first (a generational plan empties its young generation);
///      turn the write barrier on and allocate black; shade every root grey.
///   2. Mark (the world runs): grey objects are scanned in bounded increments interleaved with
///      the mutator — paid by allocations (assists: <see cref="HeapOptions.IncrementalWork"/> grey
///      objects per allocation, Baker's ratio, unless the plan paces otherwise), by explicit
///      steps, or by background workers.
///      The barrier keeps the invariant it promises so no live object is left white.
///   3. Mark termination (world stopped): with an insertion barrier, rescan the stacks and drain
///      what that shades; turn the barrier off; new objects are white again.
///   4. Sweep: free every white object; black ones turn white for the next cycle. Objects that
///      died during marking were already black or were allocated black: floating garbage, freed
///      by the next cycle.
///
/// Invariant: during marking, the one the barrier promises (strong or weak tri-colour); when
/// marking ends no grey object remains, so every object reachable from a root is black.
/// </summary>
internal abstract class IncrementalMarkingPlan : CollectorPlan
{
    protected readonly Tracer Tracer;
    protected readonly Sweeper Sweeper;
    private readonly List<WriteRecord> _writeLog = [];
    private readonly bool _logWrites;
    private GcPhase? _phase;
    private CycleInProgress? _cycle;
    private long _markStartNs;
    private long _markStartPs;
    private long _assistPs;
    private long _backgroundPs;
    private long _idlePs;
    private long _accountedMarkPs;
    private long _operation;
    // Mallocs and TotalAlloc when the cycle began: every object allocated since, while marking, was allocated black.
    private long _mallocsAtCycleStart;
    private long _bytesAllocatedAtCycleStart;
    private HashSet<ObjectHandle>? _unreachableAtStart;
    private long _heapScanAtMarkStart;

    protected IncrementalMarkingPlan(SimulatedHeap heap, string barrierName)
        : base(heap)
    {
        Tracer = new Tracer(heap);
        Sweeper = new Sweeper(heap);
        Barrier = WriteBarriers.Create(barrierName);
        _logWrites = heap.Options.Verify || Barrier.Promise == TriColorInvariant.None;
    }

    public WriteBarrier Barrier { get; }

    public override GcPhase? Phase => _phase;

    /// <summary>True while the mark runs (a field read, for the plan's hot paths).</summary>
    protected bool MarkInProgress => _phase == GcPhase.Mark;

    /// <summary>Set by plans whose barrier has work outside marking too (card marking): the barrier then stays on between cycles.</summary>
    protected bool BarrierOutsideMarking { get; init; }

    /// <summary>What the cycle records say the plan's cycles collect.</summary>
    protected virtual GcKind CycleKind => GcKind.Full;

    internal override IEnumerable<int> GreyWorklist => _phase == GcPhase.Mark ? Tracer.GreyObjects : [];

    /// <summary>Barrier executions in the cycle in progress (or the last one).</summary>
    public long BarrierHits { get; private set; }

    /// <summary>Objects the barrier shaded in the cycle in progress (or the last one).</summary>
    public long BarrierShades { get; private set; }

    internal override void Collect(GcTrigger trigger)
    {
        if (_phase == GcPhase.Mark)
        {
            FinishMark(blocking: true);
        }

        StartCycle(trigger);
        FinishMark(blocking: true);
    }

    /// <summary>True for a plan whose <see cref="OnTrigger"/> acts while a mark runs (a generational nursery fills); the others' does nothing then.</summary>
    protected virtual bool TriggersWhileMarking => false;

    internal override void OnTrigger()
    {
        if (_phase != GcPhase.Mark)
        {
            StartCycle(GcTrigger.HeapGoal);
        }
    }

    internal override void Step(long work)
    {
        if (_phase != GcPhase.Mark)
        {
            StartCycle(GcTrigger.Stepped);
        }

        if (work > 0)
        {
            DoMarkWork(work, assist: true);
        }
    }

    internal override void StepToNextPhase()
    {
        if (_phase != GcPhase.Mark)
        {
            StartCycle(GcTrigger.Stepped);
            return;
        }

        // The program waits for the mark, as for runtime.GC's, but a lazy sweep stays pending, as after any mark.
        FinishMark(blocking: true, sweepNow: false);
    }

    internal override void WriteBarrier(int source, int slot, int oldTarget, int newTarget)
    {
        if (_phase != GcPhase.Mark)
        {
            return;
        }

        BarrierHits++;
        var shaded = Barrier.Apply(Tracer, oldTarget, newTarget);
        BarrierShades += shaded;
        if (shaded > 0)
        {
            Heap.Clock.Advance(Heap.Costs.Barrier * shaded);
        }
    }

    /// <summary>Records a store for explanations; called by the heap for heap slots and globals while the barrier is on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void RecordWrite(ObjectHandle source, string? rootName, int slot, int oldTarget, int newTarget)
    {
        if (_logWrites && _phase == GcPhase.Mark)
        {
            LogWrite(source, rootName, slot, oldTarget, newTarget);
        }
    }

    private void LogWrite(ObjectHandle source, string? rootName, int slot, int oldTarget, int newTarget)
    {
        var objects = Heap.Objects;
        var sourceColor = source.IsNull ? ObjectColor.Black : objects.Records[source.Index].Color;
        _writeLog.Add(new WriteRecord(++_operation, source, rootName, slot, objects.HandleOf(oldTarget), objects.HandleOf(newTarget), sourceColor));
    }

    protected void StartCycle(GcTrigger trigger)
    {
        var heap = Heap;
        // Go's gcStart sweeps what the last cycle left unswept before it stops the world, on the
        // goroutine that starts the cycle: the program's time, not the pause's.
        FinishSweep();
        _cycle = heap.BeginCycle(trigger, CycleKind);
        var startWorkPs = PrepareForMark();
        Tracer.Reset();
        Sweeper.Reset();
        BarrierHits = BarrierShades = 0;
        _assistPs = _backgroundPs = _idlePs = _accountedMarkPs = 0;
        _mallocsAtCycleStart = heap.Counters.Mallocs;
        _bytesAllocatedAtCycleStart = heap.Counters.TotalAlloc;
        _writeLog.Clear();
        _operation = 0;
        _unreachableAtStart = heap.Model is { } model
            ? model.Objects.Keys.Where(h => heap.IsLive(h)).Except(model.Reachable().Keys).ToHashSet()
            : null;
        heap.Model?.ForgetPresented();

        long snapshotPs = 0;
        if (Barrier.SnapshotsStacksAtStart)
        {
            // The stacks' snapshot is taken inside the pause; the globals can wait for the workers.
            Tracer.ShadeRoots();
            snapshotPs = Tracer.StackScanBytes / 8 * heap.Costs.RootScan;
            _accountedMarkPs = snapshotPs;
        }

        var procs = heap.Options.Procs;
        var pausePs = startWorkPs + snapshotPs;
        var pauseStartPs = heap.Clock.Picoseconds;
        _cycle.StopTheWorldPhase(GcPhase.SweepTermination, heap.Costs.SweepTermination + pausePs / procs, heap.Costs.SweepTermination * procs + pausePs);
        OnMarkTransition(markingOn: true, pauseStartPs, heap.Clock.Picoseconds);
        BarrierActive = true;
        AllocationHookAt = 0;
        AllocationColor = ObjectColor.Black;
        _phase = GcPhase.Mark;
        if (!TriggersWhileMarking)
        {
            // Reaching the trigger again starts nothing until this cycle ends, which sets the next
            // one; without this every allocation of the mark phase would take the trigger's path.
            heap.HoldTriggerUntilCycleEnds();
        }

        _markStartNs = heap.Clock.Nanoseconds;
        _markStartPs = heap.Clock.Picoseconds;
        _heapScanAtMarkStart = heap.Counters.HeapScan;
        if (!Barrier.SnapshotsStacksAtStart)
        {
            Tracer.ShadeRoots();
        }

        OnMarkStarted();
    }

    /// <summary>Who did a piece of marking: the mutator (an assist, which stalls it), a background worker, or an idle worker.</summary>
    protected enum MarkWorker
    {
        Assist,
        Background,
        Idle,
    }

    /// <summary>Charges the marking done since the last call to <paramref name="worker"/>; returns its picoseconds.</summary>
    protected long AccountMarkWork(MarkWorker worker)
    {
        var work = Tracer.WorkPicoseconds() - _accountedMarkPs;
        _accountedMarkPs += work;
        switch (worker)
        {
            case MarkWorker.Assist:
                _assistPs += work;
                Heap.Clock.Advance(work);
                break;
            case MarkWorker.Background:
                _backgroundPs += work;
                break;
            default:
                _idlePs += work;
                break;
        }

        return work;
    }

    /// <summary>Ends marking if no grey object is left.</summary>
    protected void FinishMarkIfDone()
    {
        if (_phase == GcPhase.Mark && Tracer.GreyCount == 0)
        {
            FinishMark(blocking: false);
        }
    }

    /// <summary>Baker's incremental ratio: each allocation while marking runs scans <see cref="HeapOptions.IncrementalWork"/> grey objects, stalling the mutator for them.</summary>
    internal override void AfterAllocation(int index, long bytes)
    {
        var work = Heap.Options.IncrementalWork;
        if (_phase == GcPhase.Mark && work > 0)
        {
            DoMarkWork(work, assist: true);
        }
    }

    protected long MarkStartPicoseconds => _markStartPs;

    protected long AssistPicoseconds => _assistPs;

    protected long IdlePicoseconds => _idlePs;

    /// <summary>Scans up to <paramref name="objectBudget"/> grey objects; an assist stalls the mutator for the work, background work does not.</summary>
    protected void DoMarkWork(long objectBudget, bool assist)
    {
        Tracer.Drain(objectBudget);
        AccountMarkWork(assist ? MarkWorker.Assist : MarkWorker.Background);
        FinishMarkIfDone();
    }

    /// <summary>Ends marking; a blocked program (runtime.GC) also waits for the sweep.</summary>
    protected void FinishMark(bool blocking) => FinishMark(blocking, sweepNow: blocking);

    /// <summary>
    /// Ends marking: drains what is left (with every proc when <paramref name="blocking"/>: the program waits for it),
    /// rescans stacks if the barrier needs it, then sweeps: at once when <paramref name="sweepNow"/> (runtime.GC
    /// returns with everything swept), else as the plan sweeps after a mark (lazily, for go).
    /// </summary>
    protected void FinishMark(bool blocking, bool sweepNow)
    {
        var heap = Heap;
        var cycle = _cycle!;
        var procs = heap.Options.Procs;
        Tracer.Drain();
        var remaining = AccountMarkWork(MarkWorker.Background);
        if (blocking)
        {
            heap.Clock.Advance(remaining / procs);
        }

        var markEndNs = heap.Clock.Nanoseconds;
        cycle.ConcurrentPhase(GcPhase.Mark, _markStartNs, markEndNs - _markStartNs, _assistPs + _backgroundPs + _idlePs, _idlePs);
        var heapAtMarkEnd = heap.Counters.HeapLive;

        long rescanPs = 0;
        if (Barrier.RescansStacksAtTermination)
        {
            var before = Tracer.WorkPicoseconds();
            Tracer.RescanStacks();
            Tracer.Drain();
            rescanPs = Tracer.WorkPicoseconds() - before;
            _accountedMarkPs += rescanPs;
        }

        var terminationStartPs = heap.Clock.Picoseconds;
        cycle.StopTheWorldPhase(GcPhase.MarkTermination, heap.Costs.MarkTermination + rescanPs / procs, (heap.Costs.MarkTermination * procs) + rescanPs);
        OnMarkTransition(markingOn: false, terminationStartPs, heap.Clock.Picoseconds);
        BarrierActive = BarrierOutsideMarking;
        AllocationHookAt = NoAllocationHook; // until a plan's sweep sets its own threshold (SweepAfterMark)
        AllocationColor = ObjectColor.White;
        _phase = null;
        CheckGarbageAtStartIsWhite();

        // Objects born black while marking ran are marked for this cycle, as Go's gcmarknewobject counts them.
        var allocatedBlackObjects = heap.Counters.Mallocs - _mallocsAtCycleStart;
        var marked = Tracer.BytesMarked + (heap.Counters.TotalAlloc - _bytesAllocatedAtCycleStart);
        var objectsToFree = heap.Objects.LiveCount - Tracer.ObjectsMarked - allocatedBlackObjects;
        var bytesToFree = heap.Counters.HeapAlloc - marked;
        var scanMarked = Tracer.HeapScanBytes + (heap.Counters.HeapScan - _heapScanAtMarkStart);
        var nextGoal = CommittedGoal(marked, Tracer.StackScanBytes, Tracer.GlobalsScanBytes);
        var nextTrigger = NextTrigger(nextGoal, marked, heapAtMarkEnd);
        SweepAfterMark(cycle, nextTrigger, marked);
        heap.EndCycle(cycle, FinalOutcome(new CycleOutcome(
            HeapMarkEndBytes: heapAtMarkEnd,
            HeapMarkedBytes: marked,
            NextGoalBytes: nextGoal,
            NextTriggerBytes: nextTrigger,
            ObjectsMarked: Tracer.ObjectsMarked + allocatedBlackObjects,
            PointersScanned: Tracer.PointersScanned,
            ObjectsFreed: objectsToFree,
            BytesFreed: bytesToFree,
            StackScanBytes: Tracer.StackScanBytes,
            GlobalsScanBytes: Tracer.GlobalsScanBytes,
            AssistCpuPs: _assistPs,
            BackgroundCpuPs: _backgroundPs,
            IdleCpuPs: _idlePs,
            Complete: false,
            BarrierHits: BarrierHits,
            BarrierShades: BarrierShades,
            HeapScanMarkedBytes: scanMarked)));
        _cycle = null;
        if (sweepNow)
        {
            // runtime.GC() sweeps everything before it returns; the caller pays for it.
            FinishSweep();
        }
    }

    /// <summary>With the verifier on: every object nothing reached when the cycle began (and the program did not name since) must still be white, so the sweep frees it.</summary>
    private void CheckGarbageAtStartIsWhite()
    {
        if (_unreachableAtStart is null)
        {
            return;
        }

        // Objects the program named during the cycle (and what they reach) may have been shaded
        // rightly: a handle held outside the roots can bring an unreachable object back.
        var resurrected = Heap.Model!.ReachableFrom(Heap.Model.Presented);
        var problems = _unreachableAtStart
            .Where(h => Heap.IsLive(h) && Heap.Objects.Records[h.Index].Color != ObjectColor.White && !resurrected.Contains(h))
            .Take(5)
            .Select(h => $"Object {h} was unreachable when the cycle began, yet marking left it {Heap.Objects.Records[h.Index].Color.ToString().ToLowerInvariant()}: it would survive a complete collection.")
            .ToList();
        _unreachableAtStart = null;
        if (problems.Count > 0)
        {
            throw new Errors.HeapVerificationException(new Verification.VerificationReport(true, Heap.Objects.LiveCount, 0, problems));
        }
    }

    /// <summary>Sweeps after marking: here at once, with the world stopped; a lazy plan starts its sweep phase instead. <paramref name="heapLiveAfterMark"/> is the pacer's live heap from now on (the marked bytes).</summary>
    protected virtual void SweepAfterMark(CycleInProgress cycle, long nextTrigger, long heapLiveAfterMark)
    {
        Sweeper.SweepAll();
        var work = Sweeper.WorkPicoseconds();
        cycle.StopTheWorldPhase(GcPhase.Sweep, work / Heap.Options.Procs, work);
    }

    /// <summary>What the cycle record says, given what marking and the sweep found; a plan that did more (a generational one copies at the start) adds it here.</summary>
    protected virtual CycleOutcome FinalOutcome(CycleOutcome marking) => marking;

    /// <summary>Work the plan does with the world stopped at the start of a cycle, before the roots are shaded; returns its picoseconds, which go into the sweep-termination pause.</summary>
    protected virtual long PrepareForMark() => 0;

    /// <summary>Completes a lazy sweep left from the last cycle (nothing for an eager plan), on the caller's clock.</summary>
    protected virtual void FinishSweep()
    {
    }

    /// <summary>Called after each stop-the-world pause that turns marking on (sweep termination) or off (mark termination), with the pause's start and end.</summary>
    protected virtual void OnMarkTransition(bool markingOn, long pauseStartPs, long pauseEndPs)
    {
    }

    protected virtual void OnMarkStarted()
    {
    }

    protected virtual long NextTrigger(long goal, long marked, long heapAtMarkEnd) => goal;

    /// <summary>The goal committed at mark termination for the next cycle: GOGC's, lowered by the memory limit.</summary>
    protected virtual long CommittedGoal(long marked, long stackScan, long globalsScan) => GoalFor(marked, stackScan, globalsScan);

    /// <summary>Heap scan bytes when this cycle's mark began (Go's heapScan, fixed for the cycle).</summary>
    protected long HeapScanAtMarkStart => _heapScanAtMarkStart;

    internal override string? CheckInvariant()
    {
        if (_phase != GcPhase.Mark)
        {
            return null;
        }

        return Barrier.Promise switch
        {
            TriColorInvariant.Strong => FindStrongViolation(),
            TriColorInvariant.Weak => FindWeakViolation(),
            _ => null,
        };
    }

    private string? FindStrongViolation()
    {
        var objects = Heap.Objects;
        for (var index = 1; index < objects.HighWater; index++)
        {
            // Stack objects are stack memory: not barriered, rescanned at termination.
            if (!objects.IsLive(index) || objects.Records[index].Color != ObjectColor.Black || Heap.Stack.IsStackObject(index))
            {
                continue;
            }

            var slots = objects.SlotsOf(index);
            for (var s = 0; s < slots.Length; s++)
            {
                var target = slots[s];
                if (target != 0 && objects.Records[target].Color == ObjectColor.White)
                {
                    return $"The strong tri-colour invariant is broken: black object {objects.HandleOf(index)} points (slot {s}) to white object {objects.HandleOf(target)}, though the {Barrier.Name} barrier promises no black-to-white pointer.";
                }
            }
        }

        foreach (var (name, handle) in Heap.Roots.Entries)
        {
            if (objects.Records[handle.Index].Color == ObjectColor.White)
            {
                return $"The strong tri-colour invariant is broken: root '{name}', scanned at the start of marking, points to white object {handle}.";
            }
        }

        return null;
    }

    private string? FindWeakViolation()
    {
        var objects = Heap.Objects;
        var protectedWhite = new HashSet<int>();
        var queue = new Queue<int>();
        for (var index = 1; index < objects.HighWater; index++)
        {
            if (objects.IsLive(index) && objects.Records[index].Color == ObjectColor.Grey)
            {
                queue.Enqueue(index);
            }
        }

        while (queue.Count > 0)
        {
            var current = queue.Dequeue();
            var slots = objects.SlotsOf(current);
            for (var s = 0; s < slots.Length; s++)
            {
                var target = slots[s];
                if (target != 0 && objects.Records[target].Color == ObjectColor.White && protectedWhite.Add(target))
                {
                    queue.Enqueue(target);
                }
            }
        }

        string? Check(int target, string holder) =>
            target != 0 && objects.Records[target].Color == ObjectColor.White && !protectedWhite.Contains(target)
                ? $"The weak tri-colour invariant is broken: {holder} points to white object {objects.HandleOf(target)}, and no grey object reaches it through white objects, though the {Barrier.Name} barrier promises it."
                : null;

        for (var index = 1; index < objects.HighWater; index++)
        {
            if (!objects.IsLive(index) || objects.Records[index].Color != ObjectColor.Black)
            {
                continue;
            }

            var slots = objects.SlotsOf(index);
            for (var s = 0; s < slots.Length; s++)
            {
                if (Check(slots[s], $"black object {objects.HandleOf(index)} (slot {s})") is { } problem)
                {
                    return problem;
                }
            }
        }

        foreach (var (name, handle) in Heap.Roots.Entries)
        {
            if (Check(handle.Index, $"root '{name}'") is { } problem)
            {
                return problem;
            }
        }

        for (var i = 0; i < Heap.Stack.Top; i++)
        {
            if (Check(Heap.Stack.Locals[i], $"stack slot {i}") is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    internal override string? ExplainLoss(ObjectHandle lost)
    {
        WriteRecord? storedIntoBlack = null;
        WriteRecord? cut = null;
        foreach (var record in _writeLog)
        {
            if (record.NewTarget == lost && record.SourceColor == ObjectColor.Black)
            {
                storedIntoBlack = record;
            }

            if (record.OldTarget == lost && record.NewTarget != lost)
            {
                cut = record;
            }
        }

        if (storedIntoBlack is null && cut is null)
        {
            return null;
        }

        var sb = new StringBuilder();
        if (storedIntoBlack is { } store)
        {
            sb.Append(CultureInfo.InvariantCulture, $"write #{store.Operation} stored it into {Describe(store)}, which was already black (scanned), so the marker never looked at that slot again");
        }

        if (cut is { } deletion)
        {
            sb.Append(sb.Length > 0 ? "; " : string.Empty);
            sb.Append(CultureInfo.InvariantCulture, $"write #{deletion.Operation} removed it from {Describe(deletion)}, which was {deletion.SourceColor.ToString().ToLowerInvariant()}, cutting its last path from a grey object");
        }

        sb.Append(CultureInfo.InvariantCulture, $". With the {Barrier.Name} barrier nothing shaded it, so it stayed white and was freed though still reachable.");
        return sb.ToString();
    }

    private static string Describe(WriteRecord record) =>
        record.RootName is { } name ? $"root '{name}'" : $"slot {record.Slot} of object {record.Source}";
}
