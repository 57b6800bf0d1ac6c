using System.Globalization;
using System.Runtime.CompilerServices;
using HeapNotebook.Heap.Collectors;
using HeapNotebook.Heap.Errors;
using HeapNotebook.Heap.Memory;
using HeapNotebook.Heap.Objects;
using HeapNotebook.Heap.Snapshots;
using HeapNotebook.Heap.Telemetry;
using HeapNotebook.Heap.Verification;
using HeapNotebook.Heap.Workloads;

namespace HeapNotebook.Heap;

// The mutator: allocation, pointer reads and writes, frames and locals, collections and steps asked for by the program.
public sealed partial class SimulatedHeap
{
    /// <summary>Allocates an object of <paramref name="size"/> bytes with <paramref name="slots"/> pointer slots, all null.</summary>
    public ObjectHandle Alloc(int size, int slots = 0) => Alloc(size, slots, ReadOnlySpan<ObjectHandle>.Empty);

    /// <summary>
    /// Allocates an object and fills its first slots with <paramref name="initial"/>, as Go's
    /// <c>&amp;Node{left, right}</c> does. While the allocation may run a collection the initial
    /// values are held as roots, as the arguments of Go's mallocgc are; the stores go through the
    /// write barrier like any other.
    /// </summary>
    public ObjectHandle Alloc(int size, int slots, ReadOnlySpan<ObjectHandle> initial) =>
        _observed ? AllocObserved(size, slots, initial) : Alloc(size, slots, initial, observed: false);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ObjectHandle AllocObserved(int size, int slots, ReadOnlySpan<ObjectHandle> initial) => Alloc(size, slots, initial, observed: true);

    /// <summary>The allocation, compiled twice: with <paramref name="observed"/> false (a constant) the journal and the verifier's model drop out of the common path.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ObjectHandle Alloc(int size, int slots, ReadOnlySpan<ObjectHandle> initial, bool observed)
    {
        if (observed)
        {
            _journal?.Alloc(size, slots, initial);
        }

        ValidateAllocation(size, slots);
        if (initial.Length != 0)
        {
            CheckInitialValues(initial, slots);
        }

        var plan = Plan;
        var counters = Counters;
        var objects = Objects;
        var sizeClass = SizeClasses.ClassOf(size);

        // The common case, decided at once: a small object with its slots in its record, no cycle
        // due and no plan hook in reach, takes the free slot its class's current span has cached, or
        // the nursery's next bytes. While marking runs its initial values still go through the barrier.
        long rounded;
        if (!observed && slots <= ObjectRecord.InlineSlots && sizeClass != 0 && objects.LiveCount < _maxObjects)
        {
            if (_allocatesFromSpanCaches
                && counters.HeapLive + (rounded = SizeClasses.ObjectSize(sizeClass)) < _fastAllocationLimit
                && SmallObjects.TryAllocateFromCache(sizeClass, out var cachedIndex, out var cachedOffset))
            {
                return plan.BarrierActive && initial.Length != 0
                    ? PlaceThroughBarrier(cachedIndex, size, cachedOffset, slots, initial, rounded, spanSlot: true)
                    : PlacePlain(cachedIndex, size, cachedOffset, slots, initial, rounded, spanSlot: true);
            }

            if (_placesYoungFirst && counters.HeapLive + (rounded = BumpSpace.Align(size)) < _fastAllocationLimit
                && plan.TryPlaceYoung(size, out var youngIndex, out var youngOffset))
            {
                return PlacePlain(youngIndex, size, youngOffset, slots, initial, rounded, spanSlot: false);
            }
        }

        return AllocAnyWay(size, slots, initial, observed, sizeClass);
    }

    /// <summary>
    /// The allocation past the common case (checked and journalled already by <see cref="Alloc(int, int, ReadOnlySpan{ObjectHandle}, bool)"/>):
    /// a collection due first, a new span, a large or pooled-slot object, the barrier or the verifier's model to tell.
    /// Not inlined, so the callers of the common case stay small.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ObjectHandle AllocAnyWay(int size, int slots, ReadOnlySpan<ObjectHandle> initial, bool observed, int sizeClass)
    {
        var plan = Plan;
        var counters = Counters;
        var objects = Objects;
        long rounded;
        if ((counters.HeapLive >= TriggerBytes && !TriggerHeldByCpuLimiter()) || (plan.ChecksRoomBeforeAllocation && plan.NeedsCollectionBefore(size)))
        {
            CollectHolding(initial, GcTrigger.HeapGoal);
        }

        if (slots > ObjectRecord.InlineSlots && Slots.Top + (long)slots > _maxSlots)
        {
            CheckSlotRoom(slots, PlacesBySlot(sizeClass));
        }

        var index = TryPlace(size, sizeClass, out var offset);
        if (index < 0)
        {
            index = PlaceAfterCollecting(size, sizeClass, slots, initial, out offset);
        }

        // No barrier with work to do and no model to tell: the initial values go straight into the record's inline slots.
        var throughBarrier = initial.Length != 0
            && ((observed && Model is not null) || slots > ObjectRecord.InlineSlots || (plan.BarrierActive && plan.BarrierSeesInitialStores(index)));
        var version = objects.Commit(index, size, offset, slots, plan.AllocationColor, throughBarrier ? [] : initial);
        rounded = plan.PlacesInBumpSpaces ? plan.BumpAllocatedBytes(size)
            : sizeClass == 0 ? (long)SizeClasses.PagesFor(size) * SizeClasses.PageSize : SizeClasses.ObjectSize(sizeClass);
        CountAllocation(rounded, slots, initial.Length);
        var handle = new ObjectHandle(index, version) { HeapId = objects.HeapId };
        if (observed)
        {
            Model?.OnAlloc(handle, size, slots);
        }

        if (throughBarrier)
        {
            StoreInitialValues(handle, initial);
        }

        if (counters.HeapLive >= plan.AllocationHookAt)
        {
            plan.AfterAllocation(index, rounded);
        }

        if (observed)
        {
            AfterMutation();
        }

        return handle;
    }

    /// <summary>Commits an object placed by the common case, its initial values straight into its record, and counts it; <paramref name="spanSlot"/> says the index is its span slot's.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ObjectHandle PlacePlain(int index, int size, long offset, int slots, ReadOnlySpan<ObjectHandle> initial, long rounded, bool spanSlot)
    {
        var objects = Objects;
        // A span slot's index has only held objects of the span's class (a released span is reused
        // for its class), and an object has at most one slot per 8 bytes, so in a class of at most
        // 16 bytes no object there ever had a run in the slot store.
        var neverPooled = spanSlot && rounded <= ObjectRecord.InlineSlots * 8;
        var version = objects.Commit(index, size, offset, slots, Plan.AllocationColor, initial, neverPooled);
        CountAllocation(rounded, slots, initial.Length);
        return new ObjectHandle(index, version) { HeapId = objects.HeapId };
    }

    /// <summary>
    /// <see cref="PlacePlain"/> while the barrier is on: the initial values go straight into the
    /// record, then the barrier sees each store (old target null) as <see cref="StoreInitialValues"/>
    /// would have shown it; neither the barrier nor the write log reads the slot itself.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ObjectHandle PlaceThroughBarrier(int index, int size, long offset, int slots, ReadOnlySpan<ObjectHandle> initial, long rounded, bool spanSlot)
    {
        var handle = PlacePlain(index, size, offset, slots, initial, rounded, spanSlot);
        var plan = Plan;
        if (plan.BarrierSeesInitialStores(index))
        {
            for (var i = 0; i < initial.Length; i++)
            {
                _recorder?.RecordWrite(handle, null, i, 0, initial[i].Index);
                plan.WriteBarrier(index, i, 0, initial[i].Index);
            }
        }

        return handle;
    }

    /// <summary>Counts a placed object in MemStats and charges the virtual clock for allocating and zeroing it and storing its initial values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CountAllocation(long rounded, int slots, int initialValues)
    {
        // The cost is read before the counters are written, which the JIT cannot tell apart from the cost model's fields.
        var costs = Costs;
        var picoseconds = costs.Allocation + rounded * costs.ZeroingPerByte + initialValues * costs.PointerWrite;
        var counters = Counters;
        counters.TotalAlloc += rounded; // and so HeapAlloc and HeapLive
        counters.HeapScan += slots * 8L;
        counters.Mallocs++;
        Clock.Advance(picoseconds);
    }

    /// <summary>Refuses initial values that do not fit, are stale, or would let a stack object escape.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CheckInitialValues(ReadOnlySpan<ObjectHandle> initial, int slots)
    {
        if (initial.Length > slots)
        {
            ThrowTooManyInitialValues(initial.Length, slots);
        }

        var stackObjects = Stack.StackObjectCount > 0;
        if (initial.Length == 2)
        {
            // A node's two children, the usual case: checked without a loop.
            CheckInitialValue(initial[0], stackObjects);
            CheckInitialValue(initial[1], stackObjects);
            return;
        }

        foreach (var value in initial)
        {
            CheckInitialValue(value, stackObjects);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CheckInitialValue(ObjectHandle value, bool stackObjects)
    {
        if (!value.IsNull)
        {
            CheckLive(value, "store");
            if (stackObjects)
            {
                CheckNoEscapeSlow(value, -1, "a new heap object");
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowTooManyInitialValues(int given, int slots) =>
        throw new InvalidAllocationException(string.Create(CultureInfo.InvariantCulture,
            $"Cannot fill {given} slots of an object with {slots} pointer slots: give at most {slots} initial values."));

    /// <summary>No room was found: collect (holding the initial values) and try once more, or fail with a simulated out-of-memory.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int PlaceAfterCollecting(int size, int sizeClass, int slots, ReadOnlySpan<ObjectHandle> initial, out long offset)
    {
        // A collection cannot free what the roots (and the initial values) reach: when that alone leaves
        // no room, fail now, before collecting, so the failed allocation changes nothing.
        var (reachableBytes, reachableObjects) = ReachableFootprint(initial);
        var placedSize = Plan.PlacesInBumpSpaces ? BumpSpace.Align(size) : SizeClasses.RoundedSize(size);
        if (reachableObjects + 1 > Options.MaxObjects || reachableBytes + placedSize > Plan.LiveBytesCapacity)
        {
            throw OutOfMemory(size, collected: false);
        }

        CollectHolding(initial, GcTrigger.AllocationFailure);
        if (slots > ObjectRecord.InlineSlots && Slots.Top + (long)slots > _maxSlots)
        {
            CheckSlotRoom(slots, PlacesBySlot(sizeClass));
        }

        var index = TryPlace(size, sizeClass, out offset);
        return index >= 0 ? index : throw OutOfMemory(size, collected: true);
    }

    /// <summary>
    /// Bytes (as the plan places them: 8-byte aligned in bump spaces, else rounded to the size class
    /// or whole pages) and objects reachable from the roots and
    /// <paramref name="held"/>, found without changing anything: what any complete collection keeps.
    /// </summary>
    private (long Bytes, long Objects) ReachableFootprint(ReadOnlySpan<ObjectHandle> held)
    {
        var seen = new ulong[(Objects.HighWater + 63) >> 6];
        var pending = new Stack<int>();
        void Reach(int index)
        {
            if (index != 0 && (seen[index >> 6] & (1UL << index)) == 0 && !(Stack.StackObjectCount > 0 && Stack.IsStackObject(index)))
            {
                seen[index >> 6] |= 1UL << index;
                pending.Push(index);
            }
        }

        Tracer.ForEachRoot(this, Reach);
        foreach (var value in held)
        {
            Reach(value.Index);
        }

        long bytes = 0, objects = 0;
        var placedAligned = Plan.PlacesInBumpSpaces;
        while (pending.TryPop(out var index))
        {
            objects++;
            var size = Objects.Extents[index].Size;
            bytes += placedAligned ? BumpSpace.Align(size) : SizeClasses.RoundedSize(size);
            foreach (var target in Objects.SlotsOf(index))
            {
                Reach(target);
            }
        }

        return (bytes, objects);
    }

    /// <summary>The initialising stores of a new object: through the write barrier, like any other store.</summary>
    private void StoreInitialValues(ObjectHandle handle, ReadOnlySpan<ObjectHandle> initial)
    {
        var plan = Plan;
        var slots = Objects.SlotsOf(handle.Index);
        for (var i = 0; i < initial.Length; i++)
        {
            if (plan.BarrierActive)
            {
                _recorder?.RecordWrite(handle, null, i, 0, initial[i].Index);
                plan.WriteBarrier(handle.Index, i, 0, initial[i].Index);
            }

            slots[i] = initial[i].Index;
            Model?.OnWrite(handle, i, initial[i]);
        }
    }

    /// <summary>
    /// Allocates an object in the current stack frame, as Go does for a value escape analysis
    /// proves does not outlive its function: it costs no collector work and dies when the frame
    /// is popped. Its slots may point to heap objects (they are roots while it lives), but no
    /// heap object, global or pool may point to it: that would be an escape.
    /// </summary>
    public ObjectHandle AllocOnStack(int size, int slots = 0)
    {
        _journal?.AllocOnStack(size, slots);
        ValidateAllocation(size, slots);
        if (slots > ObjectRecord.InlineSlots && Slots.Top + (long)slots > _maxSlots)
        {
            CheckSlotRoom(slots);
        }

        if (Stack.FrameCount == 0)
        {
            throw new InvalidRootOperationException("An object on the stack needs a stack frame to live in. Push one with PushFrame first.");
        }

        var index = Objects.Reserve();
        // Stack objects die in the reverse order of their frames, so the bytes on the stack are a bump pointer: this one's offset in the stack region.
        Objects.Commit(index, size, Counters.StackBytes, slots, ObjectColor.Black);
        Stack.AddStackObject(index);
        RefreshPlainFrames();
        Counters.StackAllocs++;
        Counters.StackBytes += BumpSpace.Align(size);
        Clock.Advance(Costs.Allocation + BumpSpace.Align(size) * Costs.ZeroingPerByte);
        var handle = Objects.HandleOf(index);
        Model?.OnStackAlloc(handle, size, slots);
        return handle;
    }

    /// <summary>True when the object lives in a stack frame rather than the heap.</summary>
    public bool IsOnStack(ObjectHandle handle) => Stack.IsStackObject(Checked(handle));

    /// <summary>Refuses a store that would let a stack object outlive its frame.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CheckNoEscape(ObjectHandle target, int holderDepth, string holder)
    {
        if (Stack.StackObjectCount > 0)
        {
            CheckNoEscapeSlow(target, holderDepth, holder);
        }
    }

    private void CheckNoEscapeSlow(ObjectHandle target, int holderDepth, string holder)
    {
        var depth = Stack.DepthOf(target.Index);
        if (depth > holderDepth)
        {
            throw new InvalidRootOperationException(
                $"Object {target} lives on the stack (frame {depth}) and cannot be stored in {holder}, which outlives that frame: that is an escape. Allocate it with Alloc to keep it on the heap.");
        }
    }

    private void CollectHolding(ReadOnlySpan<ObjectHandle> held, GcTrigger trigger)
    {
        if (held.Length > 0)
        {
            Stack.Push("mallocgc", null, held.Length);
            Model?.OnPushFrame(held.Length);
            for (var i = 0; i < held.Length; i++)
            {
                Stack.Locals[Stack.CurrentBase + i] = held[i].Index;
                Model?.OnSetLocal(i, held[i]);
            }
        }

        try
        {
            if (trigger == GcTrigger.HeapGoal)
            {
                Plan.OnTrigger();
            }
            else
            {
                Plan.Collect(trigger);
            }
        }
        finally
        {
            if (held.Length > 0)
            {
                Stack.Pop();
                Model?.OnPopFrame();
            }
        }
    }

    /// <summary>The object a pointer slot refers to, or <see cref="ObjectHandle.Null"/>.</summary>
    public ObjectHandle Read(ObjectHandle source, int slot)
    {
        CheckSlot(source, slot, "read");
        if (_journal is not null)
        {
            _journal.Reads(1);
        }

        Clock.Advance(Costs.PointerRead);
        return Objects.HandleOf(Objects.SlotsOf(source.Index)[slot]);
    }

    /// <summary>Copies the object's pointer slots into <paramref name="destination"/> (as many as fit); returns how many the object has.</summary>
    public int ReadSlots(ObjectHandle source, Span<ObjectHandle> destination)
    {
        ref var record = ref LiveRecord(source, "read from");
        var objects = Objects;
        var records = objects.Records;
        int count, copied;
        if (record.SlotMode == ObjectRecord.InlineSlots && destination.Length >= ObjectRecord.InlineSlots)
        {
            // The usual node (two slots in its record, both wanted): no slot view to make or loop to
            // run, and both handles made before either is stored, so the table is read once.
            count = copied = 2;
            var first = ObjectTable.HandleOf(records, objects.HeapId, record.SlotA);
            var second = ObjectTable.HandleOf(records, objects.HeapId, record.SlotB);
            destination[0] = first;
            destination[1] = second;
        }
        else
        {
            count = record.SlotCount;
            copied = Math.Min(count, destination.Length);
            var slots = ObjectRecord.SlotsOf(ref record, Slots.Data)[..copied];
            for (var i = 0; i < slots.Length; i++)
            {
                destination[i] = objects.HandleOf(slots[i]);
            }
        }

        if (_journal is not null)
        {
            _journal.Reads(copied);
        }

        Clock.Advance(copied * Costs.PointerRead);
        return count;
    }

    /// <summary>Stores <paramref name="target"/> (or null) in a pointer slot, through the plan's write barrier.</summary>
    public void Write(ObjectHandle source, int slot, ObjectHandle target)
    {
        if (_journal is not null)
        {
            _journal.Write(source, slot, target);
        }

        CheckSlot(source, slot, "write");
        if (!target.IsNull)
        {
            CheckLive(target, "store");
        }

        ref var cell = ref Objects.SlotsOf(source.Index)[slot];
        var sourceDepth = Stack.StackObjectCount == 0 ? -1 : Stack.DepthOf(source.Index);
        if (!target.IsNull && Stack.StackObjectCount > 0)
        {
            CheckNoEscape(target, sourceDepth, sourceDepth < 0 ? $"heap object {source}" : $"a stack object of frame {sourceDepth}");
        }

        if (sourceDepth >= 0)
        {
            // A stack object's slots are stack memory: no barrier; counted like locals.
            if (Plan.CountsRoots)
            {
                Plan.OnRootChange(cell, target.Index);
            }
        }
        else if (Plan.BarrierActive)
        {
            _recorder?.RecordWrite(source, null, slot, cell, target.Index);
            Plan.WriteBarrier(source.Index, slot, cell, target.Index);
        }

        cell = target.Index;
        Clock.Advance(Costs.PointerWrite);
        Model?.OnWrite(source, slot, target);
        AfterMutation();
    }

    /// <summary>Pushes a stack frame with named locals, all null.</summary>
    public void PushFrame(string name, params string[] locals)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(locals);
        _journal?.PushFrame(name, locals);
        if (locals.Distinct(StringComparer.Ordinal).Count() != locals.Length)
        {
            throw new InvalidRootOperationException($"Frame '{name}' names a local twice: {string.Join(", ", locals)}. Give each local its own name.");
        }

        CheckFrameSize(locals.Length);
        Stack.Push(name, locals, locals.Length);
        Model?.OnPushFrame(locals.Length);
    }

    /// <summary>The dearest a unit of work may be (one virtual second), so the picosecond clock cannot overflow in any run the host can do.</summary>
    public const double MaxCostNs = 1e9;

    /// <summary>The most locals one frame may have, and the most the whole stack may hold.</summary>
    public const int MaxStackLocals = 1 << 22;

    /// <summary>Pushes an anonymous frame with <paramref name="localCount"/> locals, all null.</summary>
    public void PushFrame(int localCount)
    {
        if (_observed || !Stack.TryPushAnonymous(localCount))
        {
            PushFrameObserved(localCount);
        }
    }

    /// <summary>A push that something watches, or one the stack must grow for (or refuse).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void PushFrameObserved(int localCount)
    {
        _journal?.PushFrame(localCount);
        CheckFrameSize(localCount);
        Stack.Push(null, null, localCount);
        Model?.OnPushFrame(localCount);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CheckFrameSize(int localCount)
    {
        if ((uint)localCount > (uint)(MaxStackLocals - Stack.Top))
        {
            ThrowBadFrameSize(localCount);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowBadFrameSize(int localCount) =>
        throw new InvalidRootOperationException(string.Create(CultureInfo.InvariantCulture,
            $"A frame cannot have {localCount} locals: the stack holds at most {MaxStackLocals:N0} locals in all and has {Stack.Top:N0} already. Use 0 or more, and fewer."));

    public void PopFrame()
    {
        if (!_plainFrames || Stack.FrameCount == 0)
        {
            PopFrameObserved();
            return;
        }

        Stack.PopFrameWithoutStackObjects();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNoFrameToPop() =>
        throw new InvalidRootOperationException("There is no stack frame to pop. Push one with PushFrame first.");

    /// <summary>A pop that something watches (the journal, the verifier's model), counts (reference counting) or frees stack objects in, or one with no frame to pop (refused).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void PopFrameObserved()
    {
        _journal?.PopFrame();
        if (Stack.FrameCount == 0)
        {
            ThrowNoFrameToPop();
        }

        if (Plan.CountsRoots)
        {
            var frame = Stack.Current;
            for (var i = frame.Base; i < frame.Base + frame.Count; i++)
            {
                Plan.OnRootChange(Stack.Locals[i], 0);
            }
        }

        if (Stack.StackObjectCount > 0 && Stack.CurrentFrameObjects is { Count: > 0 } frameObjects)
        {
            FreeFrameObjects(frameObjects);
        }

        Stack.Pop();
        RefreshPlainFrames();
        Model?.OnPopFrame();
        AfterMutation();
    }

    private void FreeFrameObjects(List<int> frameObjects)
    {
        foreach (var index in frameObjects)
        {
            if (Plan.CountsRoots)
            {
                foreach (var target in Objects.SlotsOf(index))
                {
                    Plan.OnRootChange(target, 0);
                }
            }

            Counters.StackBytes -= BumpSpace.Align(Objects.Extents[index].Size);
            Objects.Free(index);
        }
    }

    public void SetLocal(int local, ObjectHandle value)
    {
        if (!_plainFrames)
        {
            SetLocalObserved(local, value);
            return;
        }

        var position = LocalPosition(local);
        if (!value.IsNull)
        {
            CheckLive(value, "keep in a local");
        }

        Stack.Locals[position] = value.Index;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void SetLocalObserved(int local, ObjectHandle value)
    {
        _journal?.SetLocal(local, value);

        var position = LocalPosition(local);
        if (!value.IsNull)
        {
            CheckLive(value, "keep in a local");
            if (Stack.StackObjectCount > 0)
            {
                CheckNoEscape(value, Stack.FrameCount - 1, $"a local of frame {Stack.FrameCount - 1}");
            }
        }

        if (Plan.CountsRoots)
        {
            Plan.OnRootChange(Stack.Locals[position], value.Index);
        }

        Stack.Locals[position] = value.Index;
        Model?.OnSetLocal(local, value);
        AfterMutation();
    }

    public void SetLocal(string local, ObjectHandle value) => SetLocal(LocalIndex(local), value);

    public ObjectHandle GetLocal(int local) => Objects.HandleOf(Stack.Locals[LocalPosition(local)]);

    public ObjectHandle GetLocal(string local) => GetLocal(LocalIndex(local));

    /// <summary>A forced, complete collection: runtime.GC(). A cycle already running is finished first.</summary>
    public void Collect()
    {
        _journal?.Collect();
        Plan.Collect(GcTrigger.Forced);
        AfterMutation();
    }

    /// <summary>A forced collection of the young generation only (generational heaps); other plans refuse, changing nothing.</summary>
    public void CollectMinor()
    {
        _journal?.CollectMinor();
        Plan.CollectMinor();
        AfterMutation();
    }

    /// <summary>The phase of the cycle in progress, or null when none is running.</summary>
    public GcPhase? Phase => Plan.Phase;

    /// <summary>The grey objects waiting to be scanned, next first; empty when no incremental mark is running.</summary>
    public IReadOnlyList<ObjectHandle> GreyWorklist => Plan.GreyWorklist.Select(Objects.HandleOf).ToArray();

    /// <summary>Advances incremental marking by about <paramref name="work"/> grey objects, starting a cycle when none is running; 0 scans nothing (with no cycle running, it only starts one: the roots turn grey).</summary>
    public void Step(long work = 1)
    {
        _journal?.Step(work);
        if (work < 0)
        {
            throw new InvalidHeapOptionException($"Cannot step by {work} units of work; use 0 or more (0 scans nothing: it only starts a cycle when none is running).");
        }

        Plan.Step(work);
        AfterMutation();
    }

    /// <summary>Runs the cycle to the end of its current phase (starting one when none is running).</summary>
    public void StepToNextPhase()
    {
        _journal?.StepToNextPhase();
        Plan.StepToNextPhase();
        AfterMutation();
    }

    /// <summary>Runs a workload to completion (or until cancelled) on this heap.</summary>
    public WorkloadResult Run(IWorkload workload, CancellationToken cancellation = default, IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(workload);
        return workload.Run(this, new WorkloadContext(cancellation, progress));
    }
}
