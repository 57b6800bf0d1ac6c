namespace HeapNotebook.Kernel.Cells;

/// <summary>Matches that replace the text between <see cref="CursorStart"/> and <see cref="CursorEnd"/> (UTF-16 indices).</summary>
public sealed record CompletionResult(IReadOnlyList<string> Matches, int CursorStart, int CursorEnd);
