namespace HeapNotebook.Heap.Snapshots;

/// <summary>What a snapshot file holds: the heap's options, how many operations its journal has, how many cycles and named objects, and the simulator that wrote it.</summary>
public sealed record SnapshotInfo(HeapOptions Options, long Operations, int Cycles, int NamedObjects, string Simulator)
{
    public string Name => Options.Name;

    public string Collector => Options.Collector;
}
