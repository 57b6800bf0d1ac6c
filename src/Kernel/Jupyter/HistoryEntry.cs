namespace HeapNotebook.Kernel.Jupyter;

public sealed record HistoryEntry(int Session, int Line, string Input, string? Output);
