using HeapNotebook.Heap.Collectors.Incremental;
using HeapNotebook.Heap.Errors;
using HeapNotebook.Heap.Memory;
using HeapNotebook.Heap.Pacing;
using HeapNotebook.Heap.Telemetry;

namespace HeapNotebook.Heap.Collectors.Go;

/// <summary>
/// Go's collector (runtime/mgc.go, Go 1.18 and later): concurrent, non-generational and
/// non-moving tri-colour mark-sweep, paced by GOGC and the memory limit.
///
///   1. Sweep termination (world stopped): turn on the hybrid write barrier; new objects are
///      allocated black. Roots are shaded. What the previous cycle left unswept is swept just
///      before, by the goroutine that starts the cycle, with the world running (gcStart).
///   2. Concurrent mark: background workers take 25 % of GOMAXPROCS (on a single proc, a
///      fractional worker, which gets the proc only when the scheduler preempts the program,
///      every 10 ms), idle procs run idle workers, and every allocating goroutine pays an assist:
///      scan work in proportion to the bytes it allocates, at the pacer's ratio (scan work left /
///      heap runway left), less the credit the background workers have banked. While Go's GC CPU
///      limiter is on (the collector has taken more than half the CPU for a CPU-second per proc,
///      see GcCpuLimiter), allocations skip their assists and carry the debt until it is off.
///   3. Mark termination (world stopped): the barrier goes off; the pacer sets the next goal
///      and trigger from the marked heap and this cycle's cons/mark ratio.
///   4. Concurrent sweep: lazy. A span is swept before it is allocated from, and every
///      allocation sweeps pages in proportion to the bytes it allocates, so the sweep is done
///      by the time the next trigger is reached; HeapAlloc falls as the sweep goes. When the
///      last span is swept, the cycle's record gets this phase (gctrace does not show it).
///
/// Invariant: the hybrid barrier's weak tri-colour invariant, with stacks scanned once (black).
/// runtime.GC() finishes any cycle in progress, runs a whole new one and sweeps it completely.
/// </summary>
internal sealed class GoPlan : IncrementalMarkingPlan
{
    public static readonly PlanConstraints Description = new(
        "Go's collector: concurrent tri-colour mark with the hybrid barrier, background workers at 25 % of GOMAXPROCS, assists, GOGC and memory-limit pacing, lazy sweep.",
        MovesObjects: false,
        Generational: false,
        Incremental: true,
        Spaces: ["size-class", "large-object"]);

    private readonly GoPacer _pacer = new();
    private readonly GcCpuLimiter _limiter;
    private long _assistDebtBytes;
    private readonly double _backgroundProcs;
    private readonly double _idleProcs;
    private readonly double _fractionalShare;
    private long _lastHookPs;
    private long _nextPreemptionPs = ForcePreemptPs;
    private long _fractionalPs;
    private long _heapLiveAtTrigger;
    private double _assistWorkPerByte;
    private double _scanCredit;
    private double _backgroundCreditPs;
    private double _idleCreditPs;
    private double _sweepPagesPerByte;
    private long _sweepHeapLiveBasis;
    private long _nextSweepAt;
    /// <summary>The live heap when the mutator's allocation was last settled (<see cref="AssistQuantumBytes"/>).</summary>
    private long _liveAtLastSettle;

    public GoPlan(SimulatedHeap heap)
        : base(heap, heap.Options.Barrier ?? "hybrid")
    {
        if (Barrier.Name != "hybrid")
        {
            throw new InvalidHeapOptionException(
                $"The go collector uses Go's hybrid barrier; '{Barrier.Name}' is not one it can use. Leave the barrier unset, or use the tricolor collector to try other barriers.");
        }

        var procs = heap.Options.Procs;
        _backgroundProcs = GoPacer.BackgroundUtilization * procs;
        _idleProcs = Math.Max(0, procs - 1 - _backgroundProcs);
        _fractionalShare = Math.Max(0, _backgroundProcs - (procs - 1));
        _limiter = heap.CpuLimiter;
        heap.SmallObjects.SweepBeforeUse = SweepForAllocation;
        if (heap.Options.MemoryLimitBytes is not null)
        {
            heap.SmallObjects.AfterRefill = RevisitMemoryLimitGoal;
            heap.LargeObjects.AfterAllocation = RevisitMemoryLimitGoal;
        }
    }

    public override string Name => "go";

    public override PlanConstraints Constraints => Description;

    public override GcPhase? Phase => base.Phase ?? (Sweeper.LazySweepPending ? GcPhase.Sweep : null);

    /// <summary>Scan bytes an allocation owes per byte while marking runs.</summary>
    public double AssistWorkPerByte => _assistWorkPerByte;

    public GoPacer Pacer => _pacer;

    protected override void OnMarkTransition(bool markingOn, long pauseStartPs, long pauseEndPs)
    {
        _limiter.StartGcTransition(markingOn, pauseStartPs);
        _limiter.FinishGcTransition(pauseEndPs);
    }

    protected override void OnMarkStarted()
    {
        _lastHookPs = Heap.Clock.Picoseconds;
        _heapLiveAtTrigger = Heap.Counters.HeapLive;
        _scanCredit = 0;
        _liveAtLastSettle = Heap.Counters.HeapLive;
        AllocationHookAt = _liveAtLastSettle + AssistQuantumBytes;
        _assistDebtBytes = 0; // gcResetMarkState: every goroutine starts the cycle owing nothing
        _backgroundCreditPs = _idleCreditPs = 0;
        _fractionalPs = 0;
        ReviseAssistRatio();
    }

    /// <summary>
    /// Allocation during marking is settled in quanta, as Go's goroutines settle assist debt in
    /// units of gcOverAssistWork rather than per object: the workers' progress and the assist
    /// owed are brought up to date once per <see cref="AssistQuantumBytes"/> allocated. The
    /// allocation hook fires when the live heap (which only allocation moves while marking runs)
    /// has grown by that much.
    /// </summary>
    public const long AssistQuantumBytes = 16 << 10;

    internal override void AfterAllocation(int index, long bytes)
    {
        if (base.Phase == GcPhase.Mark)
        {
            var heapLive = Heap.Counters.HeapLive;
            var owed = heapLive - _liveAtLastSettle + _assistDebtBytes;
            _liveAtLastSettle = heapLive;
            RunBackgroundWorkers();
            if (base.Phase == GcPhase.Mark)
            {
                // Go revises the assist ratio whenever the live heap moves (each span refill).
                ReviseAssistRatio();
                var now = Heap.Clock.Picoseconds;
                if (_limiter.NeedsUpdate(now))
                {
                    _limiter.Update(now);
                }

                // While the CPU limiter is on the goroutine skips its assist, and owes the bytes until it is off.
                if (_limiter.Limiting)
                {
                    _assistDebtBytes = owed;
                }
                else
                {
                    _assistDebtBytes = 0;
                    Assist(owed);
                }
            }
        }
        else if (Sweeper.LazySweepPending && Heap.Counters.HeapLive >= _nextSweepAt)
        {
            ProportionalSweep();
        }

        // Between cycles only the proportional sweep needs the hook, when the next page falls due.
        AllocationHookAt = base.Phase == GcPhase.Mark ? _liveAtLastSettle + AssistQuantumBytes
            : Sweeper.LazySweepPending ? _nextSweepAt : NoAllocationHook;
    }

    /// <summary>
    /// The workers run beside the mutator: as virtual time passes they bank scan work. On a single
    /// proc the only worker is the fractional one, which the program's goroutine lets run only when
    /// it is preempted (<see cref="RunFractionalWorkerIfPreempted"/>).
    /// </summary>
    private void RunBackgroundWorkers()
    {
        var heap = Heap;
        if (_fractionalShare > 0)
        {
            RunFractionalWorkerIfPreempted();
        }
        else
        {
            var elapsed = heap.Clock.Picoseconds - _lastHookPs;
            _lastHookPs = heap.Clock.Picoseconds;
            _backgroundCreditPs = RunWorker(_backgroundCreditPs + elapsed * _backgroundProcs, MarkWorker.Background);
            _idleCreditPs = RunWorker(_idleCreditPs + elapsed * _idleProcs, MarkWorker.Idle);
            if (Tracer.GreyCount == 0)
            {
                _backgroundCreditPs = _idleCreditPs = 0;
            }
        }

        FinishMarkIfDone();
    }

    /// <summary>Go's forcePreemptNS: sysmon preempts a goroutine that has run this long since it was scheduled (10 ms).</summary>
    public const long ForcePreemptPs = 10_000_000_000;

    /// <summary>Go's pollFractionalWorkerExit: a fractional worker stops once its share of the mark so far passes this many times its goal.</summary>
    private const double FractionalExitFactor = 1.2;

    /// <summary>
    /// One proc, and one goroutine that never blocks (the simulated program): Go's scheduler runs only
    /// when sysmon preempts it, <see cref="ForcePreemptPs"/> after it was last scheduled. If marking
    /// is on, findRunnableGCWorker then gives the proc to the fractional worker when its share of the
    /// mark so far is under its goal (a quarter), and the worker runs until pollFractionalWorkerExit
    /// finds that share above 1.2 times the goal; the program waits meanwhile. Between preemptions the
    /// assists do all the marking, which is why a real Go program on GOMAXPROCS=1 shows its mark work
    /// as assist time in gctrace.
    /// </summary>
    private void RunFractionalWorkerIfPreempted()
    {
        var heap = Heap;
        var now = heap.Clock.Picoseconds;
        if (now < _nextPreemptionPs)
        {
            return;
        }

        // The last preemption due by now (the program is checked at its allocations, so a little late).
        var preemption = _nextPreemptionPs + (now - _nextPreemptionPs) / ForcePreemptPs * ForcePreemptPs;
        var markPs = now - MarkStartPicoseconds;
        var goal = _fractionalShare;
        if (preemption >= MarkStartPicoseconds && markPs > 0 && _fractionalPs < goal * markPs)
        {
            var runPs = (FractionalExitFactor * goal * markPs - _fractionalPs) / (1 - FractionalExitFactor * goal);
            var workedPs = (long)(runPs - RunWorker(runPs, MarkWorker.Background));
            _fractionalPs += workedPs;
            heap.Clock.Advance(workedPs);
            _nextPreemptionPs = heap.Clock.Picoseconds + ForcePreemptPs; // the program is scheduled again when the worker stops
        }
        else
        {
            _nextPreemptionPs = preemption + ForcePreemptPs; // rescheduled at once: the next preemption is 10 ms after that one
        }
    }

    /// <summary>Spends <paramref name="creditPs"/> of a worker's time on marking; returns what is left (all of it once no grey object is left).</summary>
    private double RunWorker(double creditPs, MarkWorker worker)
    {
        var costs = Heap.Costs;
        var perObject = Math.Max(1, costs.MarkObject + 2 * costs.ScanPointer);
        while (creditPs >= perObject && Tracer.GreyCount > 0)
        {
            var before = Tracer.HeapScanBytes;
            Tracer.Drain(Math.Max(1, (long)(creditPs / perObject)));
            var workPs = AccountMarkWork(worker);
            creditPs -= workPs;
            if (worker == MarkWorker.Idle)
            {
                _limiter.AddIdleMarkTime(workPs);
            }

            _scanCredit += Tracer.HeapScanBytes - before;
        }

        return creditPs;
    }

    /// <summary>An allocating goroutine pays for its bytes in scan work, first from the workers' banked credit.</summary>
    private void Assist(long bytes)
    {
        var debt = bytes * _assistWorkPerByte;
        if (_scanCredit >= debt)
        {
            _scanCredit -= debt;
            return;
        }

        debt -= _scanCredit;
        _scanCredit = 0;
        var before = Tracer.HeapScanBytes;
        Tracer.DrainScanWork((long)Math.Ceiling(debt));
        _limiter.AddAssistTime(AccountMarkWork(MarkWorker.Assist));
        _scanCredit = Math.Max(0, Tracer.HeapScanBytes - before - debt);
        ReviseAssistRatio();
        FinishMarkIfDone();
    }

    /// <summary>Go's gcControllerState.revise: the assist ratio for the scan work still expected over the heap still allowed.</summary>
    private void ReviseAssistRatio()
    {
        var heap = Heap;
        var counters = heap.Counters;
        var stackAndGlobals = Tracer.StackScanBytes + Tracer.GlobalsScanBytes;
        var expected = _pacer.LastHeapScan + stackAndGlobals;
        var goal = heap.HeapGoalBytes == HeapGoal.NoGoal ? counters.HeapLive * 2 : heap.HeapGoalBytes;
        if (!_goalFromMemoryLimit)
        {
            // heapGoalInternal: assists are proportional to the runway, so keep at least 64 KiB of it past the trigger.
            goal = Math.Max(goal, _heapLiveAtTrigger + MinRunwayBytes);
        }

        var done = Tracer.ScanWorkBytes;
        var maxScanWork = HeapScanAtMarkStart + stackAndGlobals;
        if (done > expected)
        {
            // The heap is growing: stretch the runway to the worst-case scan work, at most to the hard goal.
            var extended = (long)((double)(goal - _heapLiveAtTrigger) / Math.Max(1, expected) * maxScanWork) + _heapLiveAtTrigger;
            var hardGoal = (long)((1.0 + (heap.Options.Gogc ?? GogcOffForHardGoal) / 100.0) * goal);
            goal = Math.Min(extended, hardGoal);
            expected = maxScanWork;
        }

        if (counters.HeapLive > goal)
        {
            // Already past even that goal: leave 10 % more runway, and expect the worst-case scan work.
            goal = (long)(goal * MaxOvershoot);
            expected = maxScanWork;
        }

        _assistWorkPerByte = GoPacer.AssistWorkPerByte(expected, done, goal, counters.HeapLive);
    }

    /// <summary>Go's revise: the least runway past the trigger (heapGoalInternal's minRunway), the overshoot allowed once the heap passes its goal, and the GOGC its hard goal assumes when GOGC is off.</summary>
    private const long MinRunwayBytes = 64 << 10;
    private const double MaxOvershoot = 1.1;
    private const int GogcOffForHardGoal = 100_000;

    /// <summary>
    /// Go's sweepMinHeapDistance: a quarter of the heap minimum, so 1 MiB at Go's 4 MiB default. A
    /// heap made with a smaller MinimumHeapBytes (tiny heaps for tests and small experiments) gets a
    /// proportionally smaller distance, so its goals are not all set by a constant meant for real heaps.
    /// </summary>
    private long SweepDistanceBytes => GoPacer.SweepMinHeapDistanceBytes * Heap.Options.MinimumHeapBytes / HeapOptions.DefaultMinimumHeapBytes;

    /// <summary>True while the goal in force is the memory limit's (below GOGC's): Go then moves it for neither the sweep distance nor the minimum runway.</summary>
    private bool _goalFromMemoryLimit;

    // What the last mark termination committed (Go's commit): the goal and trigger are computed from
    // these again whenever the memory limit's share of them may have moved.
    private long _committedMarked, _committedStackScan, _committedGlobalsScan, _committedRunway;
    private bool _committedByCycle;

    // The first cycle starts with no sweep distance to keep (Go's init commits with the sweep done).
    internal override long InitialTrigger(long goal)
    {
        _goalFromMemoryLimit = goal < HeapGoal.Compute(0, 0, 0, Heap.Options.Gogc, Heap.Options.MinimumHeapBytes);
        return GoPacer.Trigger(goal, 0, 0, 0);
    }

    /// <summary>Go's heapGoalInternal at mark termination: outside the memory-limit regime, the goal keeps the sweep distance (1 MiB) above the marked heap.</summary>
    protected override long CommittedGoal(long marked, long stackScan, long globalsScan)
    {
        var goal = GoalFor(marked, stackScan, globalsScan);
        _goalFromMemoryLimit = goal < HeapGoal.Compute(marked, stackScan, globalsScan, Heap.Options.Gogc, Heap.Options.MinimumHeapBytes);
        return _goalFromMemoryLimit ? goal : Math.Max(goal, marked + SweepDistanceBytes);
    }

    /// <summary>
    /// Go computes the memory limit's goal afresh each time it tests the trigger (after a span
    /// refill or a large allocation), from the memory mapped at that moment, and its pacer reads
    /// the goal the same way while marking. So the goal (and, between cycles, the trigger) follow
    /// the heap's memory, not only the state at the last mark termination.
    /// </summary>
    private void RevisitMemoryLimitGoal()
    {
        var heap = Heap;
        if (!_committedByCycle)
        {
            var first = InitialGoal();
            heap.Repace(first, base.Phase == GcPhase.Mark ? null : InitialTrigger(first));
            return;
        }

        var goal = CommittedGoal(_committedMarked, _committedStackScan, _committedGlobalsScan);
        heap.Repace(goal, base.Phase == GcPhase.Mark ? null
            : GoPacer.Trigger(goal, _committedMarked, _committedRunway, _goalFromMemoryLimit ? 0 : _committedMarked + SweepDistanceBytes));
    }

    protected override long NextTrigger(long goal, long marked, long heapAtMarkEnd)
    {
        var heap = Heap;
        _pacer.EndCycle(
            heapLiveAtMarkEnd: heapAtMarkEnd,
            heapLiveAtTrigger: _heapLiveAtTrigger,
            scanWork: Tracer.ScanWorkBytes,
            heapScanWork: Tracer.HeapScanBytes,
            assistTimePs: AssistPicoseconds,
            markDurationPs: heap.Clock.Picoseconds - MarkStartPicoseconds,
            procs: heap.Options.Procs,
            idleTimePs: IdlePicoseconds);
        var runway = _pacer.Runway(Tracer.StackScanBytes, Tracer.GlobalsScanBytes);
        (_committedMarked, _committedStackScan, _committedGlobalsScan, _committedRunway, _committedByCycle) =
            (marked, Tracer.StackScanBytes, Tracer.GlobalsScanBytes, runway, true);
        // The live heap restarts from the marked bytes at mark termination (Go's resetLive), so the sweep distance counts from there.
        return GoPacer.Trigger(goal, marked, runway, _goalFromMemoryLimit ? 0 : marked + SweepDistanceBytes);
    }

    protected override void SweepAfterMark(CycleInProgress cycle, long nextTrigger, long heapLiveAfterMark)
    {
        Sweeper.BeginLazySweep();
        var pagesInUse = Heap.Spans.InUseBytes / SizeClasses.PageSize;
        _sweepHeapLiveBasis = heapLiveAfterMark;
        var distance = Math.Max(SizeClasses.PageSize, nextTrigger == HeapGoal.NoGoal ? long.MaxValue / 4 : nextTrigger - _sweepHeapLiveBasis - SweepDistanceBytes);
        _sweepPagesPerByte = (double)pagesInUse / distance;
        _nextSweepAt = heapLiveAfterMark;
        AllocationHookAt = _nextSweepAt;
        (_sweepStartNs, _sweepStartWorkPs, _sweepPhaseOpen) = (Heap.Clock.Nanoseconds, Sweeper.WorkPicoseconds(), true);

        // Objects placed from now on are told apart from the marked heap by their epoch (see CollectorPlan.LazySweepPending).
        Heap.Objects.Epoch++;
    }

    private void ProportionalSweep()
    {
        var target = (Heap.Counters.HeapLive - _sweepHeapLiveBasis) * _sweepPagesPerByte;
        var before = Sweeper.WorkPicoseconds();
        while (Sweeper.PagesSwept < target && Sweeper.SweepNext())
        {
        }

        Heap.Clock.Advance(Sweeper.WorkPicoseconds() - before);
        RecordSweepPhaseIfDone();

        // The live heap at which the next page falls due.
        _nextSweepAt = _sweepHeapLiveBasis + (long)Math.Ceiling((Sweeper.PagesSwept + 1) / _sweepPagesPerByte);
    }

    internal override bool AwaitsSweep(int index)
    {
        var heap = Heap;
        if (base.Phase == GcPhase.Mark || heap.Objects.Records[index].Color != Objects.ObjectColor.White)
        {
            return false;
        }

        var span = heap.Spans.SpanOfOffset(heap.Objects.AddressOffset(index));
        // Dead already; its span is swept in its turn (reporting it changes nothing).
        return span is not null && span.SweptGeneration != heap.Spans.SweepGeneration;
    }

    private void SweepForAllocation(Span span)
    {
        var before = Sweeper.WorkPicoseconds();
        Sweeper.SweepSpan(span);
        Heap.Clock.Advance(Sweeper.WorkPicoseconds() - before);
    }

    protected override void FinishSweep()
    {
        if (Sweeper.LazySweepPending)
        {
            var before = Sweeper.WorkPicoseconds();
            Sweeper.FinishLazySweep();
            Heap.Clock.Advance(Sweeper.WorkPicoseconds() - before);
        }

        RecordSweepPhaseIfDone();
    }

    // The lazy sweep of the last cycle: when it began (at mark termination's end) and the sweep work done by then.
    private long _sweepStartNs, _sweepStartWorkPs;
    private bool _sweepPhaseOpen;

    /// <summary>
    /// Once the last span is swept, the cycle that marked them gets its fourth phase: the concurrent
    /// sweep, from mark termination to now, with the CPU of every span swept (by allocations, the
    /// proportional sweep, or a forced finish). Go's gctrace leaves it out; the record keeps it.
    /// </summary>
    private void RecordSweepPhaseIfDone()
    {
        if (_sweepPhaseOpen && !Sweeper.LazySweepPending)
        {
            var now = Heap.Clock.Nanoseconds;
            Heap.AddPhaseToLastCycle(new PhaseRecord(GcPhase.Sweep, false, _sweepStartNs, now - _sweepStartNs, (Sweeper.WorkPicoseconds() - _sweepStartWorkPs) / 1000));
            _sweepPhaseOpen = false;
        }
    }
}
