namespace HeapNotebook.Heap.Errors;

/// <summary>An allocation request that no heap could satisfy: a negative, zero or oversized size, or more pointer slots than the size holds.</summary>
public sealed class InvalidAllocationException(string message) : HeapException(message);
