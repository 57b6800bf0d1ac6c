using HeapNotebook.Heap.Objects;
using HeapNotebook.Heap.Telemetry;

namespace HeapNotebook.Heap.Collectors;

/// <summary>
/// A collector algorithm composed over the heap's spaces. The heap calls the plan when the live
/// heap reaches the trigger, when the program forces a collection, when an allocation finds no
/// room, and on every pointer write while <see cref="BarrierActive"/> is set.
/// </summary>
public abstract class CollectorPlan
{
    protected CollectorPlan(SimulatedHeap heap) => Heap = heap;

    internal SimulatedHeap Heap { get; }

    public abstract string Name { get; }

    public abstract PlanConstraints Constraints { get; }

    /// <summary>True while pointer writes must go through <see cref="WriteBarrier"/>.</summary>
    internal bool BarrierActive { get; private protected set; }

    /// <summary>The colour a new object is born with (black while an incremental mark is running).</summary>
    internal ObjectColor AllocationColor { get; private protected set; } = ObjectColor.White;

    /// <summary>Runs a complete cycle; returns when it is over (runtime.GC() blocks the same way).</summary>
    internal abstract void Collect(GcTrigger trigger);

    /// <summary>The live heap reached the trigger.</summary>
    internal virtual void OnTrigger() => Collect(GcTrigger.HeapGoal);

    /// <summary>Called before a pointer slot changes from <paramref name="oldTarget"/> to <paramref name="newTarget"/> (object indices, 0 = null).</summary>
    internal virtual void WriteBarrier(int source, int slot, int oldTarget, int newTarget)
    {
    }
}
