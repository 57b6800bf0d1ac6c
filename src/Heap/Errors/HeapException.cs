namespace HeapNotebook.Heap.Errors;

/// <summary>
/// The base of every error the simulator reports to its user. Each one is raised before the
/// operation changes anything, so the heap is as it was; the message says what was wrong and
/// how to put it right.
/// </summary>
public abstract class HeapException(string message) : Exception(message);
