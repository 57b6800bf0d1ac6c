namespace HeapNotebook.Heap.Telemetry;

/// <summary>Why a cycle started.</summary>
public enum GcTrigger
{
    /// <summary>The live heap reached the trigger the pacer set (Go's gcTriggerHeap).</summary>
    HeapGoal,

    /// <summary>The program asked for it: runtime.GC().</summary>
    Forced,

    /// <summary>An allocation found no room; the collector ran before giving up.</summary>
    AllocationFailure,

    /// <summary>The notebook started it by stepping the collector (<c>Step</c>, <c>#!heap step</c>); Go has no such trigger, and it is not counted as forced.</summary>
    Stepped,
}
