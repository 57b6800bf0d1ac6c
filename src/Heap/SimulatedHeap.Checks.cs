using System.Globalization;
using System.Runtime.CompilerServices;
using HeapNotebook.Heap.Collectors;
using HeapNotebook.Heap.Errors;
using HeapNotebook.Heap.Memory;
using HeapNotebook.Heap.Objects;
using HeapNotebook.Heap.Snapshots;
using HeapNotebook.Heap.Time;
using HeapNotebook.Heap.Workloads;

namespace HeapNotebook.Heap;

// The journal, and the argument checks every public operation makes before it changes anything.
public sealed partial class SimulatedHeap
{
    /// <summary>The heap's journal as it stands, or null when its options did not ask for one.</summary>
    internal HeapJournal? OwnJournal => _ownJournal;

    /// <summary>Stops recording while an operation made of other operations runs (a built-in workload, a pool's Get); returns what to resume.</summary>
    internal HeapJournal? SuspendJournal()
    {
        var journal = _journal;
        _journal = null;
        _observed = Model is not null;
        RefreshPlainFrames();
        return journal;
    }

    internal void ResumeJournal(HeapJournal? journal)
    {
        _journal = journal;
        _observed = journal is not null || Model is not null;
        RefreshPlainFrames();
    }

    /// <summary>Recomputes <see cref="_plainFrames"/> after what it depends on changed.</summary>
    private void RefreshPlainFrames() => _plainFrames = !_observed && !_countsRoots && Stack.StackObjectCount == 0;

    internal void RecordPoolPut(SimulatedPool pool, ObjectHandle handle) => _journal?.PoolPut(pool.Name, handle);

    /// <summary>Resumes recording after a run of a built-in workload, and records the run as one entry.</summary>
    internal void ResumeJournal(HeapJournal? journal, WorkloadRecipe? recipe, RandomState randomBefore, long stoppedAtCheckpoint)
    {
        if (journal is null)
        {
            return;
        }

        ResumeJournal(journal);
        if (recipe is not null)
        {
            journal.Run(recipe, randomBefore, stoppedAtCheckpoint);
        }
    }

    /// <summary>What recorded reads did: advance the clock by that many pointer reads.</summary>
    internal void ReplayReads(long units)
    {
        _journal?.Reads(units);
        Clock.Advance(units * Costs.PointerRead);
    }

    // ---- checks ---------------------------------------------------------------------------

    /// <summary>
    /// Refuses an object whose pointer slots would take the slot pool past the guard on the host's
    /// memory, unless it reuses a run: one freed of the same length, or the run the table index it
    /// will take kept (see <see cref="ObjectTable.Commit"/>). Called before the object is placed, so
    /// a refusal changes nothing; an object that takes its index from a span slot
    /// (<paramref name="bySlot"/>) learns that index only when placed, so it counts on freed runs alone.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void CheckSlotRoom(int slots, bool bySlot = false)
    {
        if (Objects.NeedsNoNewRun(bySlot ? -1 : Objects.PeekReserve(), slots))
        {
            return;
        }

        var stats = Stats;
        throw new SimulatedOutOfMemoryException(
            FormattableString.Invariant(
                $"fatal error: out of memory allocating an object with {slots:N0} pointer slots: the heap's pointer slots would pass {_maxSlots:N0}, the simulator's guard on the host's memory (MaxHeapBytes / 16, at 4 real bytes a slot). Heap: {Format(stats.HeapAlloc)} allocated in {stats.HeapObjects:N0} objects. Give objects fewer pointer slots, or raise the guard: MaxHeapBytes, '#!heap new --max-heap SIZE'."),
            (long)slots * 8, stats.HeapSys, Options.EffectiveHeapLimitBytes, stats.HeapAlloc);
    }

    /// <summary>True when an object of the class takes its table index from the span slot it is placed in.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool PlacesBySlot(int sizeClass) => sizeClass != 0 && _smallObjectsIndexedBySlot;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int TryPlace(int size, int sizeClass, out long offset)
    {
        offset = -1;
        if (Objects.LiveCount >= _maxObjects)
        {
            return -1;
        }

        if (PlacesBySlot(sizeClass))
        {
            return SmallObjects.AllocateIndexed(sizeClass, out offset);
        }

        var index = Objects.Reserve();
        if (Plan.PlacesInBumpSpaces)
        {
            offset = Plan.PlaceInBumpSpace(size, index);
        }
        else if (sizeClass != 0)
        {
            offset = SmallObjects.Allocate(sizeClass, index);
        }
        else if (LargeObjects.Allocate(size, index) is { } span)
        {
            offset = span.BaseOffset;
        }

        if (offset < 0)
        {
            Objects.Unreserve(index);
            return -1;
        }

        return index;
    }

    private SimulatedOutOfMemoryException OutOfMemory(int size, bool collected)
    {
        var stats = Stats;
        var objectGuard = Objects.LiveCount >= Options.MaxObjects;
        var memoryGuard = !objectGuard && Options.MaxHeapBytes < Options.HeapSizeLimitBytes;
        var reason = objectGuard
            ? string.Create(CultureInfo.InvariantCulture, $"the heap already holds its limit of {Options.MaxObjects:N0} objects")
            : memoryGuard
                ? string.Create(CultureInfo.InvariantCulture, $"no {Format(SizeClasses.RoundedSize(size))} fits within the cap of {Format(Options.MaxHeapBytes)} on this heap's memory")
                : string.Create(CultureInfo.InvariantCulture, $"no {Format(SizeClasses.RoundedSize(size))} fits within the heap size limit of {Format(Options.HeapSizeLimitBytes)}");
        var advice = objectGuard || memoryGuard
            ? "That limit is the simulator's guard on the host's memory (MaxObjects, MaxHeapBytes), not part of the simulated program: keep fewer objects reachable, or raise it ('#!heap new --max-heap SIZE')."
            : "Keep fewer objects reachable, or make the heap with a larger size limit.";
        return new SimulatedOutOfMemoryException(
            FormattableString.Invariant(
                $"fatal error: out of memory allocating {size} bytes: {reason}, {(collected ? $"even after a full collection (gc {Cycles.Count}, which stays done)" : "and no collection could make room: the objects the roots reach need it all, so none was run")}. Heap: {Format(stats.HeapAlloc)} allocated in {stats.HeapObjects:N0} objects, {Format(stats.HeapInuse)} in use, {Format(stats.HeapSys)} obtained. {advice}"),
            size, stats.HeapSys, Options.EffectiveHeapLimitBytes, stats.HeapAlloc);
    }

    /// <summary>A size in the largest unit that divides it exactly, so a value just off a bound never reads as the bound.</summary>
    internal static string FormatExact(long bytes) => bytes switch
    {
        0 => "0 bytes",
        _ when bytes % (1L << 30) == 0 => string.Create(CultureInfo.InvariantCulture, $"{bytes >> 30} GiB"),
        _ when bytes % (1L << 20) == 0 => string.Create(CultureInfo.InvariantCulture, $"{bytes >> 20} MiB"),
        _ when bytes % (1L << 10) == 0 => string.Create(CultureInfo.InvariantCulture, $"{bytes >> 10} KiB"),
        1 => "1 byte",
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes:N0} bytes"),
    };

    internal static string Format(long bytes) => bytes switch
    {
        >= 1L << 30 when bytes % (1L << 30) == 0 => string.Create(CultureInfo.InvariantCulture, $"{bytes >> 30} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0.##} MiB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.##} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ValidateAllocation(int size, int slots)
    {
        if (size > 0 && size <= MaxObjectBytes && slots >= 0 && (long)slots * 8 <= size && slots <= MaxSlotsPerObject)
        {
            return;
        }

        ThrowInvalidAllocation(size, slots);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowInvalidAllocation(int size, int slots)
    {
        if (size <= 0 || size > MaxObjectBytes)
        {
            throw new InvalidAllocationException(string.Create(CultureInfo.InvariantCulture,
                $"Cannot allocate {size} bytes: an object's size must be between 1 byte and {MaxObjectBytes:N0} bytes (1 GiB)."));
        }

        if (slots > MaxSlotsPerObject)
        {
            throw new InvalidAllocationException(string.Create(CultureInfo.InvariantCulture,
                $"Cannot give an object {slots:N0} pointer slots: the simulator holds at most {MaxSlotsPerObject:N0} per object. Split it into smaller objects."));
        }

        if (slots < 0 || (long)slots * 8 > size)
        {
            throw new InvalidAllocationException(string.Create(CultureInfo.InvariantCulture,
                $"Cannot give a {size}-byte object {slots} pointer slots: each slot takes 8 bytes, so it can have between 0 and {size / 8}."));
        }
    }

    private int Checked(ObjectHandle handle)
    {
        CheckLive(handle, "use");
        return handle.Index;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CheckLive(ObjectHandle handle, string action) => LiveRecord(handle, action);

    /// <summary>
    /// The record of a handle's object once the handle is known live (as <see cref="ObjectTable.IsLive(ObjectHandle)"/>
    /// and <see cref="CollectorPlan.IsUnsweptGarbage(int)"/> ask, in one pass over the record), so the caller
    /// reads it without finding it again; throws when the handle is null, stale or another heap's.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref ObjectRecord LiveRecord(ObjectHandle handle, string action)
    {
        var objects = Objects;
        var records = objects.Records;
        var index = handle.Index;
        if ((handle.Version & 1) != 0 && (uint)index < (uint)records.Length)
        {
            ref var record = ref records[index];
            if (record.Version == handle.Version && handle.HeapId == objects.HeapId
                && (!objects.LazySweepPending || record.Epoch == objects.Epoch || !Plan.AwaitsSweep(index)))
            {
                return ref record;
            }
        }

        ThrowNotLive(handle, action);
        return ref records[0];
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowNotLive(ObjectHandle handle, string action)
    {
        if (handle.IsNull)
        {
            throw new StaleHandleException($"Cannot {action} a null reference: an object is needed here.");
        }

        if (handle.HeapId != 0 && handle.HeapId != Objects.HeapId)
        {
            throw new StaleHandleException($"Cannot {action} object {handle}: it belongs to another heap. A handle works only with the heap that allocated it.");
        }

        if (handle.Index <= 0 || handle.Index >= Objects.HighWater || handle.HeapId == 0)
        {
            throw new StaleHandleException($"Cannot {action} object {handle}: this heap never allocated it (is it from another heap?).");
        }

        // Dead stack objects are not remembered as such: on a heap that has had some, name both ways to die.
        throw new StaleHandleException(Counters.StackAllocs == 0
            ? $"Cannot {action} object {handle}: it was freed by the collector, so the handle is stale. " +
              "An object survives a collection only while a root, a stack local or a live object points to it."
            : $"Cannot {action} object {handle}: it was freed, so the handle is stale: by the collector, or, if it was allocated on the stack, when its frame was popped. " +
              "A heap object survives a collection only while a root, a stack local or a live object points to it; a stack object lives until its frame is popped.");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CheckSlot(ObjectHandle source, int slot, string action)
    {
        if ((uint)slot >= (uint)LiveRecord(source, action == "read" ? "read from" : "write to").SlotCount)
        {
            ThrowSlotOutOfRange(source, slot, action);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowSlotOutOfRange(ObjectHandle source, int slot, string action)
    {
        var count = Objects.Records[source.Index].SlotCount;
        {
            throw new SlotOutOfRangeException(count == 0
                ? $"Cannot {action} slot {slot} of object {source}: it has no pointer slots."
                : $"Cannot {action} slot {slot} of object {source}: it has {count} pointer slots, numbered 0 to {count - 1}.");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int LocalPosition(int local)
    {
        var stack = Stack;
        if ((uint)local < (uint)stack.CurrentCount)
        {
            return stack.CurrentBase + local;
        }

        return ThrowBadLocal(local);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private int ThrowBadLocal(int local)
    {
        if (Stack.FrameCount == 0)
        {
            throw new InvalidRootOperationException("There is no stack frame. Push one with PushFrame before using locals.");
        }

        var frame = Stack.Current;
        throw new InvalidRootOperationException(frame.Count == 0
            ? string.Create(CultureInfo.InvariantCulture, $"Frame '{frame.Name}' has no locals, so there is no local {local}. Push the frame with the locals it needs: PushFrame(name, local names...) or PushFrame(count).")
            : string.Create(CultureInfo.InvariantCulture, $"Frame '{frame.Name}' has {frame.Count} locals, numbered 0 to {frame.Count - 1}; there is no local {local}."));
    }

    private int LocalIndex(string local)
    {
        if (Stack.FrameCount == 0)
        {
            throw new InvalidRootOperationException("There is no stack frame. Push one with PushFrame before using locals.");
        }

        var frame = Stack.Current;
        var index = frame.IndexOf(local);
        return index >= 0
            ? index
            : throw new InvalidRootOperationException(
                frame.LocalNames is null
                    ? $"Frame '{frame.Name}' has no local named '{local}'. " + (frame.Count == 0
                        ? "It has no locals."
                        : FormattableString.Invariant($"Its {frame.Count} locals have no names; use their numbers, 0 to {frame.Count - 1}."))
                    : $"Frame '{frame.Name}' has no local named '{local}'. Its locals: {(frame.LocalNames.Length > 0 ? string.Join(", ", frame.LocalNames) : "none")}.");
    }

    private static IEnumerable<(string Name, double Value)> CostEntries(CostModel costs) =>
    [
        (nameof(costs.AllocationNs), costs.AllocationNs), (nameof(costs.ZeroingNsPerByte), costs.ZeroingNsPerByte),
        (nameof(costs.PointerWriteNs), costs.PointerWriteNs), (nameof(costs.PointerReadNs), costs.PointerReadNs),
        (nameof(costs.RootScanNs), costs.RootScanNs), (nameof(costs.MarkObjectNs), costs.MarkObjectNs),
        (nameof(costs.ScanPointerNs), costs.ScanPointerNs), (nameof(costs.SweepSpanNs), costs.SweepSpanNs),
        (nameof(costs.SweepObjectNs), costs.SweepObjectNs), (nameof(costs.BarrierNs), costs.BarrierNs),
        (nameof(costs.CopyNsPerByte), costs.CopyNsPerByte), (nameof(costs.RefCountNs), costs.RefCountNs), (nameof(costs.FreeObjectNs), costs.FreeObjectNs), (nameof(costs.SweepTerminationNs), costs.SweepTerminationNs),
        (nameof(costs.MarkTerminationNs), costs.MarkTerminationNs),
    ];

    private static void ValidateOptions(HeapOptions options)
    {
        if (options.Gogc is < 0)
        {
            throw new InvalidHeapOptionException($"GOGC cannot be {options.Gogc}: use a percentage of 0 or more, or off (null).");
        }

        if (options.Procs is < 1 or > 1024)
        {
            throw new InvalidHeapOptionException($"procs (GOMAXPROCS) cannot be {options.Procs}: use 1 to 1024.");
        }

        if (options.HeapSizeLimitBytes < SizeClasses.PageSize * 8L || options.HeapSizeLimitBytes > 32L << 30)
        {
            throw new InvalidHeapOptionException($"The heap size limit cannot be {FormatExact(options.HeapSizeLimitBytes)}: use 64 KiB to 32 GiB.");
        }

        if (options.MaxHeapBytes < SizeClasses.PageSize * 8L || options.MaxHeapBytes > 32L << 30)
        {
            throw new InvalidHeapOptionException($"The cap on the heap's memory (MaxHeapBytes) cannot be {FormatExact(options.MaxHeapBytes)}: use 64 KiB to 32 GiB.");
        }

        ArgumentNullException.ThrowIfNull(options.Collector);
        var plan = CollectorRegistry.Describe(options.Collector);
        if (options.EffectiveHeapLimitBytes < plan.MinimumHeapBytes)
        {
            var which = options.HeapSizeLimitBytes <= options.MaxHeapBytes ? "the heap size limit" : "the cap on the heap's memory (MaxHeapBytes)";
            throw new InvalidHeapOptionException(
                $"The {options.Collector} collector needs a heap of at least {FormatExact(plan.MinimumHeapBytes)}, a chunk of {FormatExact(PlanConstraints.ChunkBytes)} for each of its bump-allocated spaces ({string.Join(", ", plan.ChunkedSpaces!)}): {which} of {FormatExact(options.EffectiveHeapLimitBytes)} is too small.");
        }

        if (options.RuntimeOverheadBytes is < 0 or > HeapOptions.MaxRuntimeOverheadBytes)
        {
            throw new InvalidHeapOptionException(
                $"The runtime's overhead (RuntimeOverheadBytes) cannot be {FormatExact(options.RuntimeOverheadBytes)}: use 0 to {FormatExact(HeapOptions.MaxRuntimeOverheadBytes)} (Go 1.19 maps about 8 MiB besides its heap).");
        }

        if (options.MemoryLimitBytes is { } limit && limit < options.MinimumHeapBytes)
        {
            throw new InvalidHeapOptionException(
                $"A memory limit of {FormatExact(limit)} is below {FormatExact(options.MinimumHeapBytes)} (MinimumHeapBytes, Go's heap minimum at GOGC=100), which the simulator refuses: with so little memory the collector would run at nearly every allocation (Go would accept it and run the collector without end). Use a limit of at least {FormatExact(options.MinimumHeapBytes)}, or none.");
        }

        if (options.MemoryLimitBytes is { } tightLimit && tightLimit - options.RuntimeOverheadBytes < options.MinimumHeapBytes)
        {
            throw new InvalidHeapOptionException(
                $"A memory limit of {FormatExact(tightLimit)} leaves less than {FormatExact(options.MinimumHeapBytes)} (MinimumHeapBytes) beside the runtime's overhead of {FormatExact(options.RuntimeOverheadBytes)}, which the simulator refuses: the collector would run at nearly every allocation. Use a limit of at least {FormatExact(options.MinimumHeapBytes + options.RuntimeOverheadBytes)}, or less overhead.");
        }

        if (options.CycleCollector is { } cycleCollector && options.Collector != "refcount")
        {
            throw new InvalidHeapOptionException(
                $"A cycle collector ('{cycleCollector}') belongs to the refcount collector; the {options.Collector} collector traces from the roots and finds cycles anyway. Leave it unset, or use --collector refcount.");
        }

        if (options.IncrementalWork < 0)
        {
            throw new InvalidHeapOptionException($"The incremental work per allocation cannot be {options.IncrementalWork}; use 0 (step by hand) or more.");
        }

        if (options.MaxObjects < 1)
        {
            throw new InvalidHeapOptionException($"The object limit cannot be {options.MaxObjects}: use 1 or more.");
        }

        if (options.MinimumHeapBytes < 0)
        {
            throw new InvalidHeapOptionException($"The minimum heap cannot be negative ({options.MinimumHeapBytes}).");
        }

        if (options.InitialObjectCapacity < 0)
        {
            throw new InvalidHeapOptionException($"The initial object capacity cannot be negative ({options.InitialObjectCapacity}).");
        }

        ArgumentNullException.ThrowIfNull(options.Costs);
        foreach (var (name, value) in CostEntries(options.Costs))
        {
            if (!double.IsFinite(value) || value < 0)
            {
                throw new InvalidHeapOptionException(string.Create(CultureInfo.InvariantCulture,
                    $"The cost {name} cannot be {value}: every cost is a non-negative number of virtual nanoseconds, or the clock would run backwards."));
            }

            if (value > MaxCostNs)
            {
                throw new InvalidHeapOptionException(string.Create(CultureInfo.InvariantCulture,
                    $"The cost {name} cannot be {value} ns: at most {MaxCostNs:0} ns (one virtual second) per unit of work, or a long run would overflow the virtual clock. Use a smaller cost or scale factor."));
            }
        }
    }
}
