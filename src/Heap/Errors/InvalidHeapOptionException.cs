namespace HeapNotebook.Heap.Errors;

/// <summary>A heap option out of range or meaningless for the chosen collector.</summary>
public sealed class InvalidHeapOptionException(string message) : HeapException(message);
