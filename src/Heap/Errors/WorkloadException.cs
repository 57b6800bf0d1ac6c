namespace HeapNotebook.Heap.Errors;

/// <summary>An unknown workload, an unknown workload option, or an option value out of range.</summary>
public sealed class WorkloadException(string message) : HeapException(message);
