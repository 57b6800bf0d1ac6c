namespace HeapNotebook.Heap.Errors;

/// <summary>A root or stack-frame operation that does not fit the current roots: popping with no frame, an unknown local name.</summary>
public sealed class InvalidRootOperationException(string message) : HeapException(message);
