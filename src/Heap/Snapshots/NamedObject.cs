namespace HeapNotebook.Heap.Snapshots;

/// <summary>A name a notebook gave an object, and the object's table slot and version (the handle without its heap).</summary>
internal sealed record NamedObject(string Name, int Index, int Version);
