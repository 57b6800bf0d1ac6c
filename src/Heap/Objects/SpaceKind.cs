namespace HeapNotebook.Heap.Objects;

/// <summary>Which space holds an object; <see cref="None"/> marks a free table slot.</summary>
public enum SpaceKind : byte
{
    None = 0,
    SizeClass = 1,
    Large = 2,
}
