namespace HeapNotebook.Heap.Snapshots;

/// <summary>Whose handle a journal entry holds: the journal's own heap's, one made by hand (no heap), or another heap's (refused on replay as it was).</summary>
internal enum HandleOrigin
{
    ThisHeap = 1,
    Unattached = 2,
    AnotherHeap = 3,
}
