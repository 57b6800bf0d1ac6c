namespace HeapNotebook.Heap.Snapshots;

/// <summary>The bytes of a journal are not a journal this simulator can read (the message says where they go wrong).</summary>
internal sealed class JournalFormatException(string problem) : Exception($"its journal is malformed: {problem}");
