namespace HeapNotebook.Heap.Telemetry;

/// <summary>The phases of a collection cycle, in the order Go runs them.</summary>
public enum GcPhase
{
    SweepTermination,
    Mark,
    MarkTermination,
    Sweep,
}
