namespace HeapNotebook.Heap.Memory;

/// <summary>
/// How broken up the heap is. Internal: bytes of free slots inside spans in use (HeapInuse −
/// HeapAlloc). External: free pages between spans, and how much of that free memory the
/// largest contiguous run holds (1 − largest/total; 0 means all free pages form one run).
/// </summary>
public sealed record FragmentationReport(
    long FreeSlotBytes,
    long FreePageBytes,
    long LargestFreeRunBytes,
    double ExternalFragmentation,
    IReadOnlyDictionary<int, int> FreeRunHistogram);
