namespace HeapNotebook.Kernel.Cells;

public sealed record InspectionResult(bool Found, string PlainText);
