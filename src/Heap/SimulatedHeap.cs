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

namespace HeapNotebook.Heap;

/// <summary>
/// A simulated garbage-collected heap and the mutator's view of it: allocate objects with
/// pointer slots, read and write those slots, hold objects through named globals and stack
/// frames, and let the chosen collector plan reclaim the rest. Every operation either completes
/// or throws a <see cref="HeapException"/> before changing anything.
/// </summary>
public sealed partial class SimulatedHeap
{
    /// <summary>The largest object one allocation may ask for.</summary>
    public const int MaxObjectBytes = 1 << 30;

    /// <summary>The most pointer slots one object may have (each is real memory in the simulator: 4 bytes).</summary>
    public const int MaxSlotsPerObject = 1 << 25;

    private readonly List<GcCycle> _cycles = [];
    private readonly List<SimulatedPool> _pools = [];
    /// <summary>The live heap at which an allocation starts a cycle (Go's trigger).</summary>
    private long TriggerBytes
    {
        get;
        set
        {
            field = value;
            RefreshFastAllocationLimit();
        }
    }

    // The live heap an allocation must stay under to take the fast path: the trigger's and the plan's
    // allocation hook's, whichever is lower, kept as one number so the fast path pays one comparison.
    private long _fastAllocationLimit;

    /// <summary>Recomputes the fast path's limit after the trigger or the plan's allocation hook moved (0, no fast path, while the plan is being made).</summary>
    internal void RefreshFastAllocationLimit() => _fastAllocationLimit = Plan is null ? 0 : Math.Min(TriggerBytes, Plan.AllocationHookAt);
    private readonly int _maxObjects;
    private readonly long _maxSlots;

    /// <summary>The journal of this heap (when its options ask for one), even while a workload run has it suspended.</summary>
    private readonly HeapJournal? _ownJournal;

    /// <summary>Where mutator operations are recorded now: the journal, or null when there is none or a recorded run is under way.</summary>
    private HeapJournal? _journal;

    /// <summary>True while the journal records or the verifier's model follows mutator operations: frame and local operations take their full path only then (or when stack objects or counted roots need it).</summary>
    private bool _observed;

    /// <summary>The plan counts references from locals (reference counting), so every local's change goes to it.</summary>
    private readonly bool _countsRoots;

    /// <summary>
    /// True while locals and pops need nothing but the stack: nothing observes them (<see cref="_observed"/>),
    /// the plan counts no roots and no stack object lives; kept by <see cref="RefreshPlainFrames"/>, so
    /// SetLocal and PopFrame test one flag.
    /// </summary>
    private bool _plainFrames;

    /// <summary>Small objects take their table index from their span slot: every plan that places objects in spans and does not promote into them (fixed once the plan is made).</summary>
    private readonly bool _smallObjectsIndexedBySlot;

    /// <summary>Small objects take their span's cached slot (the fast path) unless the plan must first check for room (a nursery).</summary>
    private readonly bool _allocatesFromSpanCaches;

    /// <summary>New objects are born in a nursery (<see cref="CollectorPlan.TryPlaceYoung"/>).</summary>
    private readonly bool _placesYoungFirst;

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
        TriggerBytes = Plan.InitialTrigger(HeapGoalBytes);
        _ownJournal = Options.Journal ? new HeapJournal(Objects.HeapId, Options.JournalMaxBytesForTests ?? HeapJournal.MaxBytes) : null;
        ResumeJournal(_ownJournal);
        _countsRoots = Plan.CountsRoots;
        RefreshPlainFrames();
        _smallObjectsIndexedBySlot = !Plan.PlacesInBumpSpaces && SmallObjects.IndexesBySlot;
        _allocatesFromSpanCaches = _smallObjectsIndexedBySlot && !Plan.ChecksRoomBeforeAllocation;
        _placesYoungFirst = Plan.Constraints.Generational;
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
    public CpuLimiterReport CpuLimiterActivity => new(CpuLimiter.OverflowPs / 1000,
        CpuLimiter.OnSpells.Select(spell => new CpuLimiterSpell(spell.StartPs / 1000, spell.EndPs < 0 ? null : spell.EndPs / 1000)).ToArray())
    {
        CycleWaits = _triggerWaits.Select(wait => new CpuLimiterSpell(wait.StartPs / 1000, wait.EndPs / 1000))
            .Concat(_triggerHeldSincePs >= 0 ? [new CpuLimiterSpell(_triggerHeldSincePs / 1000, null)] : [])
            .ToArray(),
    };

    /// <summary>CPU time (every proc) of the last stop-the-world cycle: the room the limiter must have before a triggered one starts.</summary>
    private long _lastStopTheWorldCyclePs;

    // Since when a triggered stop-the-world cycle has waited for the CPU limiter (-1: none waits), and the waits that ended.
    private long _triggerHeldSincePs = -1;
    private readonly List<(long StartPs, long EndPs)> _triggerWaits = [];

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
}
