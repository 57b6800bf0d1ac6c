namespace HeapNotebook.Heap.Errors;

/// <summary>A handle used after its object was freed, a null handle where an object is needed, or a handle from another heap.</summary>
public sealed class StaleHandleException(string message) : HeapException(message);
