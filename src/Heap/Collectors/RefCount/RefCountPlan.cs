using HeapNotebook.Heap.Errors;
using HeapNotebook.Heap.Objects;
using HeapNotebook.Heap.Telemetry;

namespace HeapNotebook.Heap.Collectors.RefCount;

/// <summary>
/// Reference counting (Collins 1960), with Deutsch and Bobrow's zero-count table for new objects
/// and, as an option, Bacon and Rajan's synchronous trial-deletion cycle collector (2001).
///
///   1. Every pointer store, global root change and stack-local change adjusts two counts: the
///      new target's up, the old target's down. The write barrier is on for the whole run.
///   2. When a count falls to zero the object is freed at once, and its referents are decremented
///      in turn (an explicit work list, never recursion). Freeing costs the mutator, no pause.
///   3. A new object starts at zero and waits in the zero-count table; if nothing has come to
///      point to it by the next collection (the heap goal, or runtime.GC()), it is freed then.
///   4. A decrement that leaves a count above zero makes the object a possible root of a garbage
///      cycle (purple). Without a cycle collector, a ring that loses its last outside reference
///      keeps every count at one and leaks. With trial deletion, a collection (a stop-the-world
///      pause) greys the subgraph below each candidate subtracting internal references, restores
///      the counts of whatever is still reachable from outside (black), and frees the rest (white).
///
/// Invariant: an object's count is the number of slots, globals and stack locals that hold it;
/// an object is freed only when nothing holds it (count zero and not on the stack), or, in the
/// cycle collector, when every reference to it comes from the garbage cycle itself.
/// </summary>
internal sealed class RefCountPlan : CollectorPlan
{
    public static readonly PlanConstraints Description = new(
        "Reference counting: objects are freed the moment nothing points to them; cycles leak unless the trial-deletion cycle collector runs.",
        MovesObjects: false,
        Generational: false,
        Incremental: false,
        Spaces: ["size-class", "large-object"]);

    private const byte Black = 0;
    private const byte Gray = 1;
    private const byte White = 2;
    private const byte Purple = 3;

    private readonly bool _collectsCycles;
    private readonly Stack<int> _toFree = new();
    private readonly Stack<int> _work = new();
    private readonly List<ObjectHandle> _zeroCount = [];
    private readonly List<ObjectHandle> _candidates = [];
    private int[] _counts = new int[1024];
    private byte[] _colors = new byte[1024];
    private bool[] _buffered = new bool[1024];
    private long _refCountOps;
    private long _freedNow;
    private HashSet<int>? _heldByStack;

    public RefCountPlan(SimulatedHeap heap)
        : base(heap)
    {
        RefuseBarrier(heap, "counts references on every store and has no tri-colour barrier to choose");

        _collectsCycles = heap.Options.CycleCollector switch
        {
            null or "none" => false,
            "trial-deletion" => true,
            var other => throw new InvalidHeapOptionException($"There is no cycle collector named '{other}'. Choose one of: none, trial-deletion."),
        };
        BarrierActive = true;
        CountsRoots = true;
        AllocationHookAt = 0;
    }

    public override string Name => "refcount";

    public override PlanConstraints Constraints => Description;

    /// <summary>How many objects hold this one (slots, globals and stack locals).</summary>
    internal int CountOf(int index) => index < _counts.Length ? _counts[index] : 0;

    internal override void AfterAllocation(int index, long bytes)
    {
        EnsureCapacity(index);
        _counts[index] = 0;
        _colors[index] = Black;
        _buffered[index] = false;
        _zeroCount.Add(Heap.Objects.HandleOf(index));
    }

    internal override void WriteBarrier(int source, int slot, int oldTarget, int newTarget)
    {
        Increment(newTarget);
        Decrement(oldTarget);
        FreePending();
    }

    /// <summary>A pool handed an object out: its count drops, but like a new object it waits in the zero-count table rather than dying in the caller's hands.</summary>
    internal override void OnPoolTake(int index)
    {
        _refCountOps++;
        Heap.Clock.Advance(Heap.Costs.RefCount);
        if (--_counts[index] == 0)
        {
            _zeroCount.Add(Heap.Objects.HandleOf(index));
        }
    }

    internal override void OnRootChange(int oldTarget, int newTarget)
    {
        Increment(newTarget);
        Decrement(oldTarget);
        FreePending();
    }

    internal override void Collect(GcTrigger trigger)
    {
        var heap = Heap;
        var procs = heap.Options.Procs;
        var cycle = heap.BeginCycle(trigger);
        var heapAtStart = heap.Counters.HeapLive;
        var freedBefore = heap.Counters.Frees;
        var bytesBefore = heap.Counters.HeapAlloc;
        _refCountOps = 0;
        _freedNow = 0;

        // Zero-count table: new objects nothing came to hold, and not on the stack, are garbage.
        // (The stack may hold uncounted references while a collection runs: an allocation's
        // initial values, held for it as Go's mallocgc arguments are.)
        var onStack = StackReferences();
        _heldByStack = onStack;
        foreach (var handle in _zeroCount)
        {
            if (heap.IsLive(handle) && _counts[handle.Index] == 0 && !onStack.Contains(handle.Index))
            {
                _toFree.Push(handle.Index);
                FreePending();
            }
        }

        _zeroCount.RemoveAll(h => !heap.IsLive(h) || _counts[h.Index] > 0);
        var zeroCountWork = _refCountOps * heap.Costs.RefCount + _freedNow * heap.Costs.FreeObject;
        cycle.StopTheWorldPhase(GcPhase.SweepTermination, heap.Costs.SweepTermination + zeroCountWork / procs, heap.Costs.SweepTermination * procs + zeroCountWork);

        long visited = 0;
        long whiteFreed = 0;
        if (_collectsCycles)
        {
            (visited, whiteFreed) = CollectCycles(onStack);
        }

        var markWork = visited * heap.Costs.MarkObject;
        cycle.StopTheWorldPhase(GcPhase.Mark, markWork / procs, markWork);
        cycle.StopTheWorldPhase(GcPhase.MarkTermination, heap.Costs.MarkTermination);
        var sweepWork = whiteFreed * heap.Costs.FreeObject;
        cycle.StopTheWorldPhase(GcPhase.Sweep, sweepWork / procs, sweepWork);

        _heldByStack = null;
        var live = heap.Counters.HeapAlloc;
        heap.EndCycle(cycle, new CycleOutcome(
            HeapMarkEndBytes: heapAtStart,
            HeapMarkedBytes: live,
            NextGoalBytes: GoalFor(live, heap.Stack.Top * 8L, heap.Roots.Count * 8L),
            NextTriggerBytes: GoalFor(live, heap.Stack.Top * 8L, heap.Roots.Count * 8L),
            ObjectsMarked: visited,
            PointersScanned: 0,
            ObjectsFreed: heap.Counters.Frees - freedBefore,
            BytesFreed: bytesBefore - live,
            StackScanBytes: heap.Stack.Top * 8L,
            GlobalsScanBytes: heap.Roots.Count * 8L,
            BackgroundCpuPs: markWork,
            Complete: _collectsCycles,
            HeapScanMarkedBytes: heap.Counters.HeapScan));
    }

    /// <summary>Bacon and Rajan's synchronous cycle collection over the buffered candidates; returns (objects visited, objects freed).</summary>
    private (long Visited, long Freed) CollectCycles(HashSet<int> onStack)
    {
        var heap = Heap;
        long visited = 0;
        var roots = new List<int>();
        foreach (var handle in _candidates)
        {
            if (!heap.IsLive(handle))
            {
                continue;
            }

            var s = handle.Index;
            if (_colors[s] == Purple && _counts[s] > 0)
            {
                visited += MarkGray(s);
                roots.Add(s);
            }
            else
            {
                _buffered[s] = false;
                if (_colors[s] == Black && _counts[s] == 0 && !onStack.Contains(s))
                {
                    _toFree.Push(s);
                    FreePending();
                }
            }
        }

        _candidates.Clear();

        // A grey object the stack still holds (uncounted, as an allocation's initial value) is
        // referenced from outside the subgraph: restore it and everything below it.
        foreach (var s in onStack)
        {
            if (s != 0 && heap.Objects.IsLive(s) && _colors[s] == Gray)
            {
                visited += ScanBlack(s);
            }
        }

        foreach (var s in roots)
        {
            visited += Scan(s);
        }

        var white = new List<int>();
        foreach (var s in roots)
        {
            _buffered[s] = false;
            CollectWhite(s, white);
        }

        foreach (var index in white)
        {
            heap.FreeNow(index);
        }

        return (visited, white.Count);
    }

    private long MarkGray(int start)
    {
        if (_colors[start] == Gray)
        {
            return 0;
        }

        long visited = 0;
        _colors[start] = Gray;
        _work.Push(start);
        while (_work.Count > 0)
        {
            var current = _work.Pop();
            visited++;
            foreach (var child in Children(current))
            {
                _counts[child]--;
                if (_colors[child] != Gray)
                {
                    _colors[child] = Gray;
                    _work.Push(child);
                }
            }
        }

        return visited;
    }

    private long Scan(int start)
    {
        long visited = 0;
        _work.Push(start);
        while (_work.Count > 0)
        {
            var current = _work.Pop();
            if (_colors[current] != Gray)
            {
                continue;
            }

            visited++;
            if (_counts[current] > 0)
            {
                visited += ScanBlack(current);
                continue;
            }

            _colors[current] = White;
            foreach (var child in Children(current))
            {
                _work.Push(child);
            }
        }

        return visited;
    }

    private long ScanBlack(int start)
    {
        long visited = 0;
        var stack = new Stack<int>();
        _colors[start] = Black;
        stack.Push(start);
        while (stack.Count > 0)
        {
            var current = stack.Pop();
            visited++;
            foreach (var child in Children(current))
            {
                _counts[child]++;
                if (_colors[child] != Black)
                {
                    _colors[child] = Black;
                    stack.Push(child);
                }
            }
        }

        return visited;
    }

    private void CollectWhite(int start, List<int> white)
    {
        _work.Push(start);
        while (_work.Count > 0)
        {
            var current = _work.Pop();
            if (_colors[current] != White || _buffered[current])
            {
                continue;
            }

            _colors[current] = Black;
            white.Add(current);
            foreach (var child in Children(current))
            {
                _work.Push(child);
            }
        }
    }

    private IEnumerable<int> Children(int index)
    {
        var objects = Heap.Objects;
        for (var s = 0; s < objects.SlotCountOf(index); s++)
        {
            var target = objects.SlotsOf(index)[s];
            if (target != 0)
            {
                yield return target;
            }
        }
    }

    private HashSet<int> StackReferences()
    {
        var set = new HashSet<int>();
        for (var i = 0; i < Heap.Stack.Top; i++)
        {
            set.Add(Heap.Stack.Locals[i]);
        }

        return set;
    }

    private void Increment(int target)
    {
        // Objects on the stack are not counted: they die with their frame.
        if (target == 0 || (Heap.Stack.StackObjectCount > 0 && Heap.Stack.IsStackObject(target)))
        {
            return;
        }

        _counts[target]++;
        _colors[target] = Black;
        _refCountOps++;
        Heap.Clock.Advance(Heap.Costs.RefCount);
    }

    private void Decrement(int target)
    {
        if (target == 0 || (Heap.Stack.StackObjectCount > 0 && Heap.Stack.IsStackObject(target)))
        {
            return;
        }

        _refCountOps++;
        Heap.Clock.Advance(Heap.Costs.RefCount);
        if (--_counts[target] == 0)
        {
            _toFree.Push(target);
        }
        else if (_collectsCycles && _colors[target] != Purple)
        {
            _colors[target] = Purple;
            if (!_buffered[target])
            {
                _buffered[target] = true;
                _candidates.Add(Heap.Objects.HandleOf(target));
            }
        }
    }

    /// <summary>Frees every object whose count reached zero, decrementing what each one held (explicit work list).</summary>
    private void FreePending()
    {
        while (_toFree.Count > 0)
        {
            var index = _toFree.Pop();
            if (!Heap.Objects.IsLive(index) || _counts[index] != 0 || _heldByStack?.Contains(index) == true)
            {
                continue;
            }

            // Decrement only queues objects, so the freed object's slots stay put while this reads them.
            foreach (var child in Heap.Objects.SlotsOf(index))
            {
                Decrement(child);
            }

            _buffered[index] = false;
            Heap.FreeNow(index);
            _freedNow++;
            Heap.Clock.Advance(Heap.Costs.FreeObject);
        }
    }

    private void EnsureCapacity(int index)
    {
        if (index < _counts.Length)
        {
            return;
        }

        var size = Math.Max(index + 1, _counts.Length * 2);
        Array.Resize(ref _counts, size);
        Array.Resize(ref _colors, size);
        Array.Resize(ref _buffered, size);
    }
}
