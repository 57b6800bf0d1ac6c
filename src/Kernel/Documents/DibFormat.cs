using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HeapNotebook.Kernel.Documents;

/// <summary>
/// .NET Interactive's .dib text format: cells start at a line holding only "#!kernel-name"
/// (#!csharp, #!markdown, #!html, ...); an optional first "#!meta" cell holds one JSON line. No outputs are stored.
/// </summary>
public static class DibFormat
{
    private static readonly HashSet<string> KnownKernelNames = new(StringComparer.Ordinal)
    {
        "csharp", "c#", "C#", "fsharp", "f#", "F#", "pwsh", "powershell", "javascript", "js", "html", "markdown", "md",
        "sql", "kql", "mermaid", "value", "http", "python", "r",
    };

    public static NotebookDocument Read(string text)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        var kernelNames = new HashSet<string>(KnownKernelNames, StringComparer.Ordinal);
        var metadata = new JsonObject();
        var cells = new List<(string Kernel, List<string> Lines)>();
        (string Kernel, List<string> Lines)? current = null;
        foreach (var line in lines)
        {
            var trimmed = line.TrimEnd();
            if (trimmed.StartsWith("#!", StringComparison.Ordinal) && !trimmed.Contains(' ')
                && (trimmed == "#!meta" || kernelNames.Contains(trimmed[2..])))
            {
                current = (trimmed[2..], new List<string>());
                cells.Add(current.Value);
                continue;
            }
            if (current is null)
            {
                if (trimmed.Length == 0)
                {
                    continue;
                }
                current = ("csharp", new List<string>());
                cells.Add(current.Value);
            }
            current.Value.Lines.Add(line);
        }
        var document = new NotebookDocument
        {
            Metadata = new JsonObject
            {
                ["kernelspec"] = new JsonObject { ["display_name"] = Jupyter.KernelIdentity.DisplayName, ["language"] = "csharp", ["name"] = Jupyter.KernelIdentity.KernelSpecName },
                ["language_info"] = new JsonObject { ["file_extension"] = ".cs", ["mimetype"] = "text/x-csharp", ["name"] = "csharp", ["pygments_lexer"] = "csharp" },
            },
        };
        foreach (var (kernel, cellLines) in cells)
        {
            var body = string.Join('\n', cellLines).Trim('\n');
            if (kernel == "meta")
            {
                try
                {
                    if (JsonNode.Parse(body) is JsonObject meta)
                    {
                        document.Metadata["polyglot_notebook"] = meta;
                    }
                }
                catch (JsonException exception)
                {
                    throw new NotebookFormatException($"the #!meta line of the .dib is not valid JSON: {exception.Message}");
                }
                continue;
            }
            if (body.Length == 0 && kernel != "markdown")
            {
                continue;
            }
            var language = kernel switch
            {
                "c#" or "C#" => "csharp",
                "md" => "markdown",
                _ => kernel,
            };
            document.Cells.Add(new NotebookCell
            {
                // nbformat 4.5 wants cell ids; these are stable so runs stay byte-identical.
                Extra = new JsonObject { ["id"] = $"cell-{(document.Cells.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)}" },
                CellType = language == "markdown" ? "markdown" : "code",
                Source = body,
                Language = language,
                Metadata = language == "markdown"
                    ? new JsonObject()
                    : new JsonObject
                    {
                        ["dotnet_interactive"] = new JsonObject { ["language"] = language },
                        ["polyglot_notebook"] = new JsonObject { ["kernelName"] = language },
                    },
            });
        }
        return document;
    }

    public static string Write(NotebookDocument document)
    {
        var text = new StringBuilder();
        if (document.Metadata["polyglot_notebook"] is JsonObject meta)
        {
            text.Append("#!meta\n\n").Append(meta.ToJsonString(new JsonSerializerOptions { WriteIndented = false })).Append("\n\n");
        }
        foreach (var cell in document.Cells)
        {
            var kernel = cell.CellType == "markdown" ? "markdown" : cell.Language;
            text.Append("#!").Append(kernel).Append("\n\n").Append(cell.Source.TrimEnd('\n')).Append("\n\n");
        }
        return text.ToString().TrimEnd('\n') + "\n";
    }
}
