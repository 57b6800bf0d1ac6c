namespace HeapNotebook.Heap.Barriers;

/// <summary>What a write barrier promises while marking runs.</summary>
public enum TriColorInvariant
{
    /// <summary>Nothing: a mutator can hide a white object from the marker and lose it.</summary>
    None,

    /// <summary>No black object points to a white one.</summary>
    Strong,

    /// <summary>Every white object a black object points to is still reachable from a grey object through white objects.</summary>
    Weak,
}
