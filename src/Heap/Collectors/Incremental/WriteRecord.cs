using HeapNotebook.Heap.Objects;

namespace HeapNotebook.Heap.Collectors.Incremental;

/// <summary>One pointer store made while marking ran, with the colours the objects had just before it.</summary>
internal readonly record struct WriteRecord(
    long Operation,
    ObjectHandle Source,
    string? RootName,
    int Slot,
    ObjectHandle OldTarget,
    ObjectHandle NewTarget,
    ObjectColor SourceColor);
