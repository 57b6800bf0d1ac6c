namespace HeapNotebook.Heap.Objects;

/// <summary>
/// One object as a reader sees it, from <see cref="SimulatedHeap.DescribeObjects"/>: the span that
/// holds it, its address, requested size, mark colour and age (collections survived).
/// <see cref="AwaitingSweep"/> marks garbage a lazy sweep has not freed yet: it still occupies its
/// slot, but its handle is no longer live for the program.
/// </summary>
public readonly record struct ObjectInfo(ObjectHandle Handle, int SpanId, long Address, int Size, ObjectColor Color, int Age, bool AwaitingSweep);
