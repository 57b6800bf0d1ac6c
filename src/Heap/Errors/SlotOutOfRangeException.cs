namespace HeapNotebook.Heap.Errors;

/// <summary>A read or write of a pointer slot the object does not have.</summary>
public sealed class SlotOutOfRangeException(string message) : HeapException(message);
