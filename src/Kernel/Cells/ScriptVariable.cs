namespace HeapNotebook.Kernel.Cells;

/// <summary>A C# variable declared by a cell (the latest of equal names).</summary>
public sealed record ScriptVariable(string Name, Type Type, object? Value);
