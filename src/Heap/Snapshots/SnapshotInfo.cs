namespace HeapNotebook.Heap.Snapshots;

/// <summary>What a snapshot file holds: the heap's name and collector, how many operations its journal has, how many cycles and named objects, and the simulator that wrote it.</summary>
public sealed record SnapshotInfo(string Name, string Collector, long Operations, int Cycles, int NamedObjects, string Simulator);
