using System.Globalization;
using System.Runtime.CompilerServices;
using HeapNotebook.Heap.Collectors;
using HeapNotebook.Heap.Errors;
using HeapNotebook.Heap.Memory;
using HeapNotebook.Heap.Objects;
using HeapNotebook.Heap.Pacing;
using HeapNotebook.Heap.Snapshots;
using HeapNotebook.Heap.Telemetry;
using HeapNotebook.Heap.Time;
using HeapNotebook.Heap.Verification;
using HeapNotebook.Heap.Workloads;

namespace HeapNotebook.Heap;

/// <summary>
/// A simulated garbage-collected heap and the mutator's view of it: allocate objects with
/// pointer slots, read and write those slots, hold objects through named globals and stack
/// frames, and let the chosen collector plan reclaim the rest. Every operation either completes
/// or throws a <see cref="HeapException"/> before changing anything.
/// </summary>
public sealed class SimulatedHeap
{
    /// <summary>The largest object one allocation may ask for.</summary>
    public const int MaxObjectBytes = 1 << 30;

    /// <summary>The most pointer slots one object may have (each is real memory in the simulator: 4 bytes).</summary>
    public const int MaxSlotsPerObject = 1 << 25;

    private readonly List<GcCycle> _cycles = [];
    private readonly List<SimulatedPool> _pools = [];
    private long _triggerBytes;
    private readonly int _maxObjects;
    private readonly long _maxSlots;

    /// <summary>The journal of this heap (when its options ask for one), even while a workload run has it suspended.</summary>
    private readonly HeapJournal? _ownJournal;

    /// <summary>Where mutator operations are recorded now: the journal, or null when there is none or a recorded run is under way.</summary>
    private HeapJournal? _journal;

    public SimulatedHeap(HeapOptions? options = null)
    {
        Options = options ?? new HeapOptions();
        ValidateOptions(Options);
        Costs = new WorkCosts(Options.Costs);
        _maxObjects = Options.MaxObjects;
        _maxSlots = Math.Min(Array.MaxLength, Options.MaxHeapBytes / 16);
        Random = new DeterministicRandom(Options.Seed);
        Slots = new SlotStore(Options.InitialObjectCapacity);
        Objects = new ObjectTable(Options.InitialObjectCapacity, Slots);
        Pages = new PageHeap(Options.EffectiveHeapLimitBytes);
        Spans = new SpanRegistry(Pages);
        SmallObjects = new SizeClassSpace(Spans, Objects);
        LargeObjects = new LargeObjectSpace(Spans);
        Stack = new RootStack();
        Roots = new RootSet(this);
        Model = Options.Verify ? new ReferenceModel() : null;
        CpuLimiter = new GcCpuLimiter(Options.Procs);
        Plan = CollectorRegistry.Create(Options.Collector, this);
        _recorder = Plan as Collectors.Incremental.IncrementalMarkingPlan;
        HeapGoalBytes = Plan.InitialGoal();
        _triggerBytes = Plan.InitialTrigger(HeapGoalBytes);
        _ownJournal = Options.Journal ? new HeapJournal(Objects.HeapId, Options.JournalMaxBytesForTests ?? HeapJournal.MaxBytes) : null;
        _journal = _ownJournal;
    }

    public HeapOptions Options { get; }

    /// <summary>
    /// Go's GC CPU limiter. The go plan turns assists off while it is on. A stop-the-world plan has
    /// no assists to turn off, so a cycle its trigger calls for waits until the bucket has room for
    /// as much GC time as the last stop-the-world cycle took; a collection an allocation cannot do
    /// without never waits.
    /// </summary>
    internal GcCpuLimiter CpuLimiter { get; }

    /// <summary>Go's GC CPU limiter so far: on or off, how many times it turned on, the GC time its full bucket overflowed with, when it was on, and (stop-the-world plans) when a triggered cycle waited for it.</summary>
    public CpuLimiterReport CpuLimiterActivity => new(CpuLimiter.Limiting, CpuLimiter.TimesEnabled, CpuLimiter.OverflowPs / 1000,
        CpuLimiter.OnSpells.Select(spell => new CpuLimiterSpell(spell.StartPs / 1000, spell.EndPs < 0 ? null : spell.EndPs / 1000)).ToArray())
    {
        CycleWaits = _triggerWaits.Select(wait => new CpuLimiterSpell(wait.StartPs / 1000, wait.EndPs / 1000))
            .Concat(_triggerHeldSincePs >= 0 ? [new CpuLimiterSpell(_triggerHeldSincePs / 1000, null)] : [])
            .ToArray(),
    };

    /// <summary>CPU time (every proc) of the last stop-the-world cycle: the room the limiter must have before a triggered one starts.</summary>
    private long _lastStopTheWorldCyclePs;

    public string Name => Options.Name;

    public CollectorPlan Plan { get; }

    public VirtualClock Clock { get; } = new();

    /// <summary>The heap's one seeded generator; workloads draw from it.</summary>
    public DeterministicRandom Random { get; }

    public RootSet Roots { get; }

    public IReadOnlyList<GcCycle> Cycles => _cycles;

    /// <summary>The goal of the next cycle, in bytes of live heap.</summary>
    public long HeapGoalBytes { get; private set; }

    /// <summary>Objects alive now: on the heap (reachable, or garbage not yet swept) and on the stack. <see cref="Stats"/>' HeapObjects counts the heap's alone, as Go's does.</summary>
    public int ObjectCount => Objects.LiveCount;

    /// <summary>Stack frames, innermost last.</summary>
    public IReadOnlyList<string> FrameNames => Stack.Frames.Select(f => f.Name).ToArray();

    /// <summary>How many stack frames are pushed.</summary>
    public int FrameDepth => Stack.FrameCount;

    internal WorkCosts Costs { get; }

    internal ObjectTable Objects { get; }

    internal SlotStore Slots { get; }

    internal PageHeap Pages { get; }

    internal SpanRegistry Spans { get; }

    internal SizeClassSpace SmallObjects { get; }

    internal LargeObjectSpace LargeObjects { get; }

    internal RootStack Stack { get; }

    internal HeapCounters Counters { get; } = new();

    internal ReferenceModel? Model { get; }

    /// <summary>The plan as an incremental one, which logs writes during marking to explain a lost object (null for other plans).</summary>
    private readonly Collectors.Incremental.IncrementalMarkingPlan? _recorder;

    /// <summary>With the verifier on, checks the barrier's invariant after every mutator operation during marking.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AfterMutation()
    {
        if (Model is not null)
        {
            CheckInvariantWhileMarking();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void CheckInvariantWhileMarking()
    {
        if (Plan.IsMarking && Plan.CheckInvariant() is { } problem)
        {
            throw new HeapVerificationException(new VerificationReport(true, Objects.LiveCount, 0, [problem]));
        }
    }

    // ---- the mutator -------------------------------------------------------------------

    /// <summary>Allocates an object of <paramref name="size"/> bytes with <paramref name="slots"/> pointer slots, all null.</summary>
    public ObjectHandle Alloc(int size, int slots = 0) => Alloc(size, slots, ReadOnlySpan<ObjectHandle>.Empty);

    /// <summary>
    /// Allocates an object and fills its first slots with <paramref name="initial"/>, as Go's
    /// <c>&amp;Node{left, right}</c> does. While the allocation may run a collection the initial
    /// values are held as roots, as the arguments of Go's mallocgc are; the stores go through the
    /// write barrier like any other.
    /// </summary>
    public ObjectHandle Alloc(int size, int slots, ReadOnlySpan<ObjectHandle> initial)
    {
        if (_journal is not null)
        {
            _journal.Alloc(size, slots, initial);
        }

        ValidateAllocation(size, slots);
        if (initial.Length != 0)
        {
            CheckInitialValues(initial, slots);
        }

        var plan = Plan;
        var counters = Counters;
        if ((counters.HeapLive >= _triggerBytes && !TriggerHeldByCpuLimiter()) || (plan.ChecksRoomBeforeAllocation && plan.NeedsCollectionBefore(size)))
        {
            CollectHolding(initial, GcTrigger.HeapGoal);
        }

        var sizeClass = SizeClasses.ClassOf(size);
        if (slots > ObjectRecord.InlineSlots && Slots.Top + (long)slots > _maxSlots)
        {
            CheckSlotRoom(slots, PlacesBySlot(sizeClass));
        }

        var index = TryPlace(size, sizeClass, out var offset);
        if (index < 0)
        {
            index = PlaceAfterCollecting(size, sizeClass, slots, initial, out offset);
        }

        var objects = Objects;
        objects.Commit(index, size, offset, slots, plan.AllocationColor);
        var rounded = plan.PlacesInBumpSpaces ? plan.BumpAllocatedBytes(size)
            : sizeClass == 0 ? (long)SizeClasses.PagesFor(size) * SizeClasses.PageSize : SizeClasses.ObjectSize(sizeClass);
        counters.HeapAlloc += rounded;
        counters.HeapLive += rounded;
        counters.HeapScan += slots * 8L;
        counters.TotalAlloc += rounded;
        counters.Mallocs++;
        var handle = objects.HandleOf(index);
        Model?.OnAlloc(handle, size, slots);
        if (initial.Length != 0)
        {
            if (Model is not null || slots > ObjectRecord.InlineSlots || (plan.BarrierActive && plan.BarrierSeesInitialStores(index)))
            {
                StoreInitialValues(handle, initial);
            }
            else
            {
                // No barrier with work to do and no model to tell: the values go straight into the record's inline slots.
                ref var record = ref objects.Records[index];
                record.SlotA = initial[0].Index;
                if (initial.Length > 1)
                {
                    record.SlotB = initial[1].Index;
                }
            }
        }

        Clock.Advance(Costs.Allocation + rounded * Costs.ZeroingPerByte + initial.Length * Costs.PointerWrite);
        if (counters.HeapLive >= plan.AllocationHookAt)
        {
            RunAllocationHooks(index, rounded);
        }

        AfterMutation();
        return handle;
    }

    /// <summary>Refuses initial values that do not fit, are stale, or would let a stack object escape.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CheckInitialValues(ReadOnlySpan<ObjectHandle> initial, int slots)
    {
        if (initial.Length > slots)
        {
            ThrowTooManyInitialValues(initial.Length, slots);
        }

        foreach (var value in initial)
        {
            if (!value.IsNull)
            {
                CheckLive(value, "store");
                CheckNoEscape(value, -1, "a new heap object");
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
            var size = Objects.Records[index].Size;
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

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RunAllocationHooks(int index, long rounded)
    {
        if (Plan.IsMarking)
        {
            Plan.AfterAllocationDuringMark(rounded);
        }

        Plan.AfterAllocation(index, rounded);
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
        CheckLive(source, "read from");
        var objects = Objects;
        ref var record = ref objects.Records[source.Index];
        var count = record.SlotCount;
        var copied = Math.Min(count, destination.Length);
        var slots = ObjectRecord.SlotsOf(ref record, Slots.Data)[..copied];
        for (var i = 0; i < slots.Length; i++)
        {
            destination[i] = objects.HandleOf(slots[i]);
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
        if (_journal is not null)
        {
            _journal.PushFrame(localCount);
        }

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
        if (_journal is not null)
        {
            _journal.PopFrame();
        }

        if (Stack.FrameCount == 0)
        {
            throw new InvalidRootOperationException("There is no stack frame to pop. Push one with PushFrame first.");
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

            Counters.StackBytes -= BumpSpace.Align(Objects.Records[index].Size);
            Objects.Free(index);
        }
    }

    public void SetLocal(int local, ObjectHandle value)
    {
        if (_journal is not null)
        {
            _journal.SetLocal(local, value);
        }

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

    // ---- questions about objects ---------------------------------------------------------

    /// <summary>True while the object exists for the program: allocated, not freed, and not garbage awaiting a lazy sweep.</summary>
    public bool IsLive(ObjectHandle handle) => Objects.IsLive(handle) && !Plan.IsUnsweptGarbage(handle.Index);

    public int SizeOf(ObjectHandle handle) => Objects.Records[Checked(handle)].Size;

    public int SlotCountOf(ObjectHandle handle) => Objects.Records[Checked(handle)].SlotCount;

    public ObjectColor ColorOf(ObjectHandle handle) => Objects.Records[Checked(handle)].Color;

    public int AgeOf(ObjectHandle handle) => Objects.Records[Checked(handle)].Age;

    /// <summary>
    /// The object's simulated address: in the heap arena (Go's arenas start at 0xc000000000 on
    /// 64-bit Linux), or for an object on the stack in the stack region past it.
    /// </summary>
    public long AddressOf(ObjectHandle handle)
    {
        var index = Checked(handle);
        return (Stack.StackObjectCount > 0 && Stack.IsStackObject(index) ? StackRegionBase : ArenaBase) + Objects.AddressOffset(index);
    }

    public const long ArenaBase = 0xc000000000;

    /// <summary>Where stack objects' addresses start: past the arena's 32 GiB of offsets, so no stack object shares an address with a heap object.</summary>
    public const long StackRegionBase = ArenaBase + (32L << 30);

    // ---- statistics ------------------------------------------------------------------------

    public MemStats Stats
    {
        get
        {
            var counters = Counters;
            var sys = Pages.SysBytes;
            var inUse = Spans.InUseBytes;
            return new MemStats
            {
                HeapAlloc = counters.HeapAlloc,
                HeapInuse = inUse,
                HeapIdle = sys - inUse,
                HeapReleased = (long)Pages.ReleasedPages * SizeClasses.PageSize,
                HeapSys = sys,
                HeapObjects = Objects.LiveCount - Stack.StackObjectCount, // stack objects are not heap objects (Go: Mallocs - Frees)
                TotalAlloc = counters.TotalAlloc,
                Mallocs = counters.Mallocs,
                Frees = counters.Frees,
                NextGC = HeapGoalBytes,
                LastGC = counters.LastGcNs,
                PauseNs = counters.PauseRing.ToArray(),
                PauseTotalNs = counters.PauseTotalNs,
                NumGC = counters.NumGC,
                NumForcedGC = counters.NumForcedGC,
                // As Go's, set at each mark termination (idle-priority marking left out), not recomputed when read.
                GCCPUFraction = Cycles.Count == 0 ? 0 : Cycles[^1].CpuFractionSinceStart,
                StackInuse = counters.StackBytes,
                StackAllocs = counters.StackAllocs,
            };
        }
    }

    /// <summary>Every span in use, by id: its address, class, occupancy, and the space it belongs to.</summary>
    public IReadOnlyList<SpanInfo> DescribeSpans()
    {
        var bumpSpaceNames = Plan.BumpSpaceNames();
        return Spans.InUse.Select(s => new SpanInfo(s.Id, ArenaBase + s.BaseOffset, s.Pages, s.SizeClass, s.ElementSize, s.Capacity, s.AllocatedCount)
        {
            Space = Plan.SpaceOf(s, bumpSpaceNames),
            IsYoung = Plan.IsYoungSpan(s),
        }).ToArray();
    }

    /// <summary>
    /// The space that holds the object, as <see cref="SpanInfo.Space"/> names it ("nursery",
    /// "survivor (from)", "size-class (old)", …); "stack" for an object on the stack. On a
    /// generational heap it moves from the nursery to a survivor space to the old generation.
    /// </summary>
    public string SpaceOf(ObjectHandle handle)
    {
        var index = Checked(handle);
        if (Stack.IsStackObject(index))
        {
            return "stack";
        }

        var span = Spans.SpanOfOffset(Objects.AddressOffset(index))!;
        return Plan.SpaceOf(span, span.IsBumpChunk ? Plan.BumpSpaceNames() : EmptyBumpSpaceNames);
    }

    private static readonly Dictionary<Span, string> EmptyBumpSpaceNames = [];

    /// <summary>
    /// Every object the heap's spans hold, span by span in the order of <see cref="DescribeSpans"/>
    /// and by address within a span, including garbage a lazy sweep has not freed yet (flagged
    /// <see cref="ObjectInfo.AwaitingSweep"/>); stack objects are not in spans and are left out.
    /// Reading costs no virtual time. Enumerate it before changing the heap again.
    /// </summary>
    public IEnumerable<ObjectInfo> DescribeObjects()
    {
        // The objects of each bump chunk, as a range of its space's object list (which is in chunk order, then address order).
        var chunkRanges = new Dictionary<Span, (IReadOnlyList<int> Objects, int Start, int End)>();
        foreach (var space in Plan.BumpSpaces)
        {
            var list = space.Objects;
            var start = 0;
            while (start < list.Count)
            {
                var chunk = Spans.SpanOfOffset(Objects.AddressOffset(list[start]))!;
                var end = start + 1;
                while (end < list.Count && Spans.SpanOfOffset(Objects.AddressOffset(list[end])) == chunk)
                {
                    end++;
                }

                chunkRanges[chunk] = (list, start, end);
                start = end;
            }
        }

        return DescribeObjects(chunkRanges);
    }

    private IEnumerable<ObjectInfo> DescribeObjects(Dictionary<Span, (IReadOnlyList<int> Objects, int Start, int End)> chunkRanges)
    {
        var objects = Objects;
        foreach (var span in Spans.InUse)
        {
            if (span.IsBumpChunk)
            {
                if (chunkRanges.TryGetValue(span, out var range))
                {
                    for (var i = range.Start; i < range.End; i++)
                    {
                        yield return Describe(range.Objects[i], span.Id);
                    }
                }

                continue;
            }

            for (var slot = 0; slot < span.Capacity; slot++)
            {
                if (span.IsAllocated(slot))
                {
                    yield return Describe(span.ObjectAt(slot), span.Id);
                }
            }
        }

        ObjectInfo Describe(int index, int spanId) => new(objects.HandleOf(index), spanId, ArenaBase + objects.AddressOffset(index), objects.Records[index].Size,
            objects.Records[index].Color, objects.Records[index].Age, Plan.IsUnsweptGarbage(index));
    }

    /// <summary>Internal and external fragmentation now, with a histogram of free page runs by length in pages.</summary>
    public FragmentationReport Fragmentation()
    {
        var histogram = new SortedDictionary<int, int>();
        long freePages = 0;
        var largest = 0;
        foreach (var (_, length) in Pages.FreeRuns())
        {
            histogram[length] = histogram.GetValueOrDefault(length) + 1;
            freePages += length;
            largest = Math.Max(largest, length);
        }

        var stats = Stats;
        return new FragmentationReport(
            stats.HeapInuse - stats.HeapAlloc,
            freePages * SizeClasses.PageSize,
            (long)largest * SizeClasses.PageSize,
            freePages == 0 ? 0 : 1.0 - (double)largest / freePages,
            histogram);
    }

    /// <summary>The gctrace lines of every cycle so far.</summary>
    public IEnumerable<string> GcTraceLines() => _cycles.Select(c => GcTrace.Format(c));

    /// <summary>Checks the heap now: structure always; against the reference model when the heap was made with Verify on.</summary>
    public VerificationReport Verify() => Verifier.Check(this, completeCollection: false);

    // ---- plan support ---------------------------------------------------------------------

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

    // Since when a triggered stop-the-world cycle has waited for the CPU limiter (-1: none waits), and the waits that ended.
    private long _triggerHeldSincePs = -1;
    private readonly List<(long StartPs, long EndPs)> _triggerWaits = [];

    /// <summary>No allocation takes the trigger's path until <see cref="EndCycle"/> sets the next trigger.</summary>
    internal void HoldTriggerUntilCycleEnds() => _triggerBytes = long.MaxValue;

    /// <summary>A phase that ends after its cycle's record was made (go's lazy sweep) joins that record.</summary>
    internal void AddPhaseToLastCycle(PhaseRecord phase) => _cycles[^1] = _cycles[^1] with { Phases = [.. _cycles[^1].Phases, phase] };

    /// <summary>A plan whose goal moves with the heap's memory (Go's memory limit) sets the goal in force, and the trigger when no cycle runs.</summary>
    internal void Repace(long goal, long? trigger)
    {
        HeapGoalBytes = goal;
        if (trigger is { } next)
        {
            _triggerBytes = next;
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
        _triggerBytes = outcome.NextTriggerBytes;
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

    // ---- the journal -----------------------------------------------------------------------

    /// <summary>The heap's journal as it stands, or null when its options did not ask for one.</summary>
    internal HeapJournal? OwnJournal => _ownJournal;

    /// <summary>Stops recording while an operation made of other operations runs (a built-in workload, a pool's Get); returns what to resume.</summary>
    internal HeapJournal? SuspendJournal()
    {
        var journal = _journal;
        _journal = null;
        return journal;
    }

    internal void ResumeJournal(HeapJournal? journal) => _journal = journal;

    internal void RecordPoolPut(SimulatedPool pool, ObjectHandle handle) => _journal?.PoolPut(pool.Name, handle);

    /// <summary>Resumes recording after a run of a built-in workload, and records the run as one entry.</summary>
    internal void ResumeJournal(HeapJournal? journal, WorkloadRecipe? recipe, RandomState randomBefore, long stoppedAtCheckpoint)
    {
        if (journal is null)
        {
            return;
        }

        _journal = journal;
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
    private bool PlacesBySlot(int sizeClass) => sizeClass != 0 && !Plan.PlacesInBumpSpaces && SmallObjects.IndexesBySlot;

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
    private void CheckLive(ObjectHandle handle, string action)
    {
        if (!Objects.IsLive(handle) || Plan.IsUnsweptGarbage(handle.Index))
        {
            ThrowNotLive(handle, action);
        }
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
        CheckLive(source, action == "read" ? "read from" : "write to");
        if ((uint)slot >= (uint)Objects.Records[source.Index].SlotCount)
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
        if (stack.FrameCount > 0 && (uint)local < (uint)stack.CurrentCount)
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

        if (options.MemoryLimitBytes is { } limit && limit < options.MinimumHeapBytes)
        {
            throw new InvalidHeapOptionException(
                $"A memory limit of {FormatExact(limit)} is below {FormatExact(options.MinimumHeapBytes)} (MinimumHeapBytes, Go's heap minimum at GOGC=100), which the simulator refuses: with so little memory the collector would run at nearly every allocation (Go would accept it and run the collector without end). Use a limit of at least {FormatExact(options.MinimumHeapBytes)}, or none.");
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
