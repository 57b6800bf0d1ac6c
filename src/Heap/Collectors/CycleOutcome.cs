namespace HeapNotebook.Heap.Collectors;

/// <summary>What a plan reports when a cycle ends; the heap turns it into a <see cref="Telemetry.GcCycle"/> and new pacing.</summary>
internal readonly record struct CycleOutcome(
    long HeapMarkEndBytes,
    long HeapMarkedBytes,
    long NextGoalBytes,
    long NextTriggerBytes,
    long ObjectsMarked,
    long PointersScanned,
    long ObjectsFreed,
    long BytesFreed,
    long StackScanBytes,
    long GlobalsScanBytes,
    long AssistCpuPs = 0,
    long BackgroundCpuPs = 0,
    long IdleCpuPs = 0,
    bool Complete = true,
    long BarrierHits = 0,
    long BarrierShades = 0,
    long HeapScanMarkedBytes = 0,
    long CopiedBytes = 0);
