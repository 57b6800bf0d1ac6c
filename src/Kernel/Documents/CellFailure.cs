using HeapNotebook.Kernel.Cells;

namespace HeapNotebook.Kernel.Documents;

/// <summary>A cell that failed: its 1-based position among all the notebook's cells, and the error.</summary>
public sealed record CellFailure(int CellNumber, ExecutionError Error);
