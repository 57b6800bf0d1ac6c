namespace HeapNotebook.Heap.Telemetry;

/// <summary>What a cycle collected: the whole heap, or only the young generation.</summary>
public enum GcKind
{
    Full,
    Minor,
    Major,
}
