namespace HeapNotebook.Kernel.Cells;

/// <summary>A failed cell as the protocol's error message describes it.</summary>
public sealed record ExecutionError(string Name, string Value, IReadOnlyList<string> Traceback)
{
    public static ExecutionError Simple(string name, string value) => new(name, value, [$"{name}: {value}"]);
}
