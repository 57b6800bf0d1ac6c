using System.Runtime.CompilerServices;
using HeapNotebook.Heap.Collectors;
using HeapNotebook.Heap.Errors;
using HeapNotebook.Heap.Objects;
using HeapNotebook.Heap.Pacing;
using HeapNotebook.Heap.Telemetry;
using HeapNotebook.Heap.Verification;

namespace HeapNotebook.Heap;

// What the collector plans call: cycle bookkeeping, the trigger, the CPU limiter, pools, roots.
public sealed partial class SimulatedHeap
{
    internal CycleInProgress BeginCycle(GcTrigger trigger, GcKind kind = GcKind.Full)
    {
        if (!Plan.Constraints.Incremental)
        {
            CpuLimiter.Update(Clock.Picoseconds);
            if (_triggerHeldSincePs >= 0)
            {
                _triggerWaits.Add((_triggerHeldSincePs, Clock.Picoseconds));
                _triggerHeldSincePs = -1;
            }
        }

        CleanUpPools();
        return new(this, trigger, kind);
    }

    /// <summary>Go's poolCleanup, at the start of each cycle: victims are dropped, pooled objects become victims.</summary>
    private void CleanUpPools()
    {
        foreach (var pool in _pools)
        {
            foreach (var dropped in pool.Cleanup())
            {
                if (Plan.BarrierActive && IsLive(dropped))
                {
                    Plan.WriteBarrier(0, 0, dropped.Index, 0);
                }
            }
        }

        Model?.OnPoolCleanup();
    }

    /// <summary>A pool of reusable objects of one size and shape (Go's sync.Pool); what it holds stays alive.</summary>
    public SimulatedPool NewPool(string name, int objectSize, int slots = 0)
    {
        ArgumentNullException.ThrowIfNull(name);
        _journal?.NewPool(name, objectSize, slots);
        ValidateAllocation(objectSize, slots);
        if (_pools.Any(p => p.Name == name))
        {
            throw new InvalidRootOperationException($"There is already a pool named '{name}'. Give the new one another name.");
        }

        var pool = new SimulatedPool(this, name, objectSize, slots);
        _pools.Add(pool);
        Model?.OnNewPool(name);
        return pool;
    }

    public IReadOnlyList<SimulatedPool> Pools => _pools;

    internal void OnPoolPut(SimulatedPool pool, ObjectHandle handle)
    {
        if (Plan.BarrierActive)
        {
            Plan.WriteBarrier(0, 0, 0, handle.Index);
        }

        Clock.Advance(Costs.PointerWrite);
        Model?.OnPoolPut(pool.Name, handle);
        AfterMutation();
    }

    internal void OnPoolTake(SimulatedPool pool, ObjectHandle handle)
    {
        Plan.OnPoolTake(handle.Index);
        Clock.Advance(Costs.PointerRead);
        Model?.OnPoolTake(pool.Name, handle);
        AfterMutation();
    }

    /// <summary>For a stop-the-world plan: true while the CPU limiter's bucket has no room for another cycle as long as the last one (or is not empty, when the last one was longer than the bucket).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool TriggerHeldByCpuLimiter()
    {
        if (Plan.Constraints.Incremental || _lastStopTheWorldCyclePs == 0)
        {
            return false;
        }

        // A cycle dearer than the whole bucket waits for it to empty, not forever.
        CpuLimiter.Update(Clock.Picoseconds);
        var held = CpuLimiter.FillPs > Math.Max(0, CpuLimiter.CapacityPs - _lastStopTheWorldCyclePs);
        if (held && _triggerHeldSincePs < 0)
        {
            _triggerHeldSincePs = Clock.Picoseconds;
        }

        return held;
    }

    /// <summary>No allocation takes the trigger's path until <see cref="EndCycle"/> sets the next trigger.</summary>
    internal void HoldTriggerUntilCycleEnds() => TriggerBytes = long.MaxValue;

    /// <summary>A phase that ends after its cycle's record was made (go's lazy sweep) joins that record.</summary>
    internal void AddPhaseToLastCycle(PhaseRecord phase) => _cycles[^1] = _cycles[^1] with { Phases = [.. _cycles[^1].Phases, phase] };

    /// <summary>A plan whose goal moves with the heap's memory (Go's memory limit) sets the goal in force, and the trigger when no cycle runs.</summary>
    internal void Repace(long goal, long? trigger)
    {
        HeapGoalBytes = goal;
        if (trigger is { } next)
        {
            TriggerBytes = next;
        }
    }

    internal void EndCycle(CycleInProgress cycle, CycleOutcome outcome)
    {
        var counters = Counters;
        counters.NumGC++;
        if (cycle.Trigger == GcTrigger.Forced)
        {
            counters.NumForcedGC++;
        }

        counters.GcCpuPicoseconds += cycle.GcCpuPicoseconds;
        if (!Plan.Constraints.Incremental)
        {
            // The whole cycle stopped the world: every proc's time in it was the GC's.
            _lastStopTheWorldCyclePs = (Clock.Picoseconds - cycle.StartNs * 1000) * Options.Procs;
            CpuLimiter.FinishGcTransition(Clock.Picoseconds);
        }
        var pause = cycle.Phases.Where(p => p.StopTheWorld).Sum(p => p.DurationNs);
        counters.PauseTotalNs += pause;
        counters.PauseRing[(counters.NumGC + HeapCounters.PauseRingSize - 1) % HeapCounters.PauseRingSize] = pause;
        counters.LastGcNs = Clock.Nanoseconds;

        HeapGoalBytes = outcome.NextGoalBytes;
        TriggerBytes = outcome.NextTriggerBytes;
        counters.HeapLive = outcome.HeapMarkedBytes;
        counters.HeapScan = outcome.HeapScanMarkedBytes;
        Pages.Scavenge(outcome.NextGoalBytes == HeapGoal.NoGoal ? long.MaxValue : outcome.NextGoalBytes + outcome.NextGoalBytes / 10);

        _cycles.Add(new GcCycle
        {
            Number = counters.NumGC, // in the order cycles end: a minor collection may run inside a major mark
            Kind = cycle.Kind,
            Trigger = cycle.Trigger,
            StartNs = cycle.StartNs,
            EndNs = Clock.Nanoseconds,
            Phases = cycle.Phases.ToArray(),
            HeapStartBytes = cycle.HeapStartBytes,
            HeapMarkEndBytes = outcome.HeapMarkEndBytes,
            HeapMarkedBytes = outcome.HeapMarkedBytes,
            HeapGoalBytes = cycle.HeapGoalBytes,
            NextGoalBytes = outcome.NextGoalBytes,
            HeapAfterBytes = counters.HeapAlloc,
            ObjectsMarked = outcome.ObjectsMarked,
            PointersScanned = outcome.PointersScanned,
            ObjectsFreed = outcome.ObjectsFreed,
            BytesFreed = outcome.BytesFreed,
            StackScanBytes = outcome.StackScanBytes,
            GlobalsScanBytes = outcome.GlobalsScanBytes,
            Procs = Options.Procs,
            AssistCpuNs = outcome.AssistCpuPs / 1000,
            BackgroundCpuNs = outcome.BackgroundCpuPs / 1000,
            IdleCpuNs = outcome.IdleCpuPs / 1000,
            BarrierHits = outcome.BarrierHits,
            CopiedBytes = outcome.CopiedBytes,
            BarrierShades = outcome.BarrierShades,
            CpuFractionSinceStart = counters.GcCpuPicoseconds / ((double)Math.Max(1, Clock.Picoseconds) * Options.Procs),
        });

        if (Model is not null)
        {
            var report = Verifier.Check(this, outcome.Complete);
            if (!report.Passed)
            {
                throw new HeapVerificationException(report);
            }

            Model.Prune(this);
        }
    }

    /// <summary>
    /// Frees one object outside a sweep (reference counting frees as it goes): its span slot, its
    /// table entry, and its bytes. Its slots are left as they were; the caller reads them first.
    /// </summary>
    internal void FreeNow(int index)
    {
        var offset = Objects.AddressOffset(index);
        var span = Spans.SpanOfOffset(offset)!;
        span.FreeSlot(span.SlotOf(offset));
        if (span.IndexBase >= 0)
        {
            Objects.FreeBlockIndex(index);
        }
        else
        {
            Objects.Free(index);
        }

        Counters.HeapAlloc -= span.ElementSize;
        Counters.HeapLive -= span.ElementSize;
        Counters.HeapScan -= Objects.Records[index].SlotCount * 8L;
        Counters.Frees++;
        if (span.SizeClass == 0)
        {
            Spans.Release(span);
        }
        else
        {
            SmallObjects.AfterSweep(span);
        }
    }

    /// <summary>Turns every object white again (used by the benchmark after timing a mark on its own).</summary>
    internal void ResetColorsForBenchmark()
    {
        foreach (ref var record in Objects.Records.AsSpan(0, Objects.HighWater))
        {
            record.Color = ObjectColor.White;
        }
    }

    internal void SetGlobalRoot(string name, ObjectHandle value)
    {
        ArgumentNullException.ThrowIfNull(name);
        _journal?.SetRoot(name, value);
        if (name.Length == 0)
        {
            throw new InvalidRootOperationException("A root needs a name; an empty name cannot be looked up again.");
        }

        if (!value.IsNull)
        {
            CheckLive(value, "root");
            CheckNoEscape(value, -1, $"the global root '{name}'");
        }

        if (Plan.BarrierActive)
        {
            var old = Roots.TryGet(name, out var previous) ? previous.Index : 0;
            _recorder?.RecordWrite(ObjectHandle.Null, name, 0, old, value.Index);
            Plan.WriteBarrier(0, 0, old, value.Index);
        }

        Roots.SetRaw(name, value);
        Clock.Advance(Costs.PointerWrite);
        Model?.OnSetGlobal(name, value);
        AfterMutation();
    }
}
