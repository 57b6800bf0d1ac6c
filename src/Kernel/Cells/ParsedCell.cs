namespace HeapNotebook.Kernel.Cells;

/// <summary>
/// A cell split into its leading directives and its code. <see cref="Code"/> keeps the
/// directive lines as blank lines, so line numbers in the code are the cell's line numbers.
/// </summary>
public sealed record ParsedCell(IReadOnlyList<CellDirective> Directives, string Code)
{
    public static ParsedCell Parse(string cell)
    {
        var directives = new List<CellDirective>();
        var lines = cell.Split('\n');
        var index = 0;
        for (; index < lines.Length; index++)
        {
            var line = lines[index].TrimEnd('\r');
            var trimmed = line.TrimStart();
            if (trimmed.Length == 0)
            {
                continue;
            }
            if (!trimmed.StartsWith("#!", StringComparison.Ordinal))
            {
                break;
            }
            var body = trimmed[2..];
            var nameEnd = body.IndexOfAny([' ', '\t']);
            var name = nameEnd < 0 ? body : body[..nameEnd];
            var arguments = nameEnd < 0 ? "" : body[(nameEnd + 1)..].Trim();
            directives.Add(new CellDirective(name, arguments, index + 1));
            lines[index] = "";
        }
        var code = directives.Count == 0 ? cell : string.Join('\n', lines);
        return new ParsedCell(directives, code);
    }

    public bool HasCode => !string.IsNullOrWhiteSpace(Code);
}
