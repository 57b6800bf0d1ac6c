namespace HeapNotebook.Heap.Snapshots;

/// <summary>A replay reached a state the recorded heap never was in: the simulator that wrote the journal behaves differently from this one.</summary>
internal sealed class JournalDivergedException(string problem) : Exception(problem);
