using HeapNotebook.Heap.Objects;

namespace HeapNotebook.Heap.Snapshots;

/// <summary>A heap made again from a snapshot, the object names saved with it (handles of the new heap), and how many recorded operations were replayed.</summary>
public sealed record LoadedSnapshot(SimulatedHeap Heap, IReadOnlyList<KeyValuePair<string, ObjectHandle>> Names, long Operations);
