namespace HeapNotebook.Heap.Errors;

/// <summary>A heap cannot be saved (it keeps no journal), or bytes cannot be loaded as a snapshot: another format version, truncated, corrupt, or written by a simulator that behaves differently.</summary>
public sealed class SnapshotException(string message) : HeapException(message);
