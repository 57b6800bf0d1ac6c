namespace HeapNotebook.Heap.Telemetry;

/// <summary>One phase of one cycle: when it started and how long it took in virtual time, whether the world was stopped, and the CPU it used.</summary>
public sealed record PhaseRecord(GcPhase Phase, bool StopTheWorld, long StartNs, long DurationNs, long CpuNs);
