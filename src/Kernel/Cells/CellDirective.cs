namespace HeapNotebook.Kernel.Cells;

/// <summary>One leading "#!name arguments" line of a cell (Line is 1-based).</summary>
public sealed record CellDirective(string Name, string Arguments, int Line);
