namespace HeapNotebook.Heap.Errors;

/// <summary>
/// The simulated heap could not satisfy an allocation even after a full collection, as Go's
/// "fatal error: out of memory". The simulated program is over, but the kernel is not: the heap
/// keeps every object it had, and the message gives its state.
/// </summary>
public sealed class SimulatedOutOfMemoryException(string message, long requestedBytes, long heapSysBytes, long heapLimitBytes, long heapAllocBytes)
    : HeapException(message)
{
    public long RequestedBytes { get; } = requestedBytes;

    public long HeapSysBytes { get; } = heapSysBytes;

    public long HeapLimitBytes { get; } = heapLimitBytes;

    public long HeapAllocBytes { get; } = heapAllocBytes;
}
