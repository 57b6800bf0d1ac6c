namespace HeapNotebook.Heap.Errors;

/// <summary>
/// The simulated heap could not satisfy an allocation, as Go's "fatal error: out of memory". The
/// simulated program is over, but the kernel is not: the heap keeps every object it had, and the
/// message gives its state. When the objects the roots reach leave no room, that is found before
/// collecting and nothing changed; otherwise the full collection that still left none stays done.
/// </summary>
public sealed class SimulatedOutOfMemoryException(string message, long requestedBytes, long heapSysBytes, long heapLimitBytes, long heapAllocBytes)
    : HeapException(message)
{
    public long RequestedBytes { get; } = requestedBytes;

    public long HeapSysBytes { get; } = heapSysBytes;

    public long HeapLimitBytes { get; } = heapLimitBytes;

    public long HeapAllocBytes { get; } = heapAllocBytes;
}
