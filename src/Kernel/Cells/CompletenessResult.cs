namespace HeapNotebook.Kernel.Cells;

/// <summary>Status is complete, incomplete or invalid; Indent is given for incomplete code.</summary>
public sealed record CompletenessResult(string Status, string? Indent);
