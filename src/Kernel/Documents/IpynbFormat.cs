using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HeapNotebook.Kernel.Documents;

/// <summary>nbformat 4 JSON: read any 4.x notebook, write it back as Jupyter does (sorted keys, one-space indent, sources as lines).</summary>
public static class IpynbFormat
{
    private static readonly JsonSerializerOptions WriteOptions = new()
    {
        WriteIndented = true,
        IndentSize = 1,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static NotebookDocument Read(string json, string source = "notebook")
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException exception)
        {
            throw new NotebookFormatException($"{source} is not valid JSON: {exception.Message}");
        }
        if (root is not JsonObject notebook)
        {
            throw new NotebookFormatException($"{source} is not a notebook: the top level is not a JSON object");
        }
        var major = notebook["nbformat"] is JsonValue majorValue && majorValue.TryGetValue<int>(out var number) ? number : (int?)null;
        if (major != 4)
        {
            throw new NotebookFormatException($"{source} is not nbformat 4 (nbformat is {notebook["nbformat"]?.ToJsonString() ?? "missing"})");
        }
        if (notebook["cells"] is not JsonArray cells)
        {
            throw new NotebookFormatException($"{source} has no 'cells' list");
        }
        var minor = notebook["nbformat_minor"] is JsonValue minorValue && minorValue.TryGetValue<int>(out var minorNumber) ? minorNumber : 5;
        var document = new NotebookDocument
        {
            Metadata = notebook["metadata"] as JsonObject is { } metadata ? (JsonObject)metadata.DeepClone() : new JsonObject(),
            FormatMinor = minor,
        };
        var index = 0;
        foreach (var node in cells)
        {
            index++;
            if (node is not JsonObject cell || cell["cell_type"] is not JsonValue typeValue || !typeValue.TryGetValue<string>(out var cellType))
            {
                throw new NotebookFormatException($"{source}: cell {index} has no cell_type");
            }
            var extra = (JsonObject)cell.DeepClone();
            foreach (var key in new[] { "cell_type", "source", "metadata", "outputs", "execution_count" })
            {
                extra.Remove(key);
            }
            var cellMetadata = cell["metadata"] as JsonObject is { } meta ? (JsonObject)meta.DeepClone() : new JsonObject();
            document.Cells.Add(new NotebookCell
            {
                CellType = cellType,
                Source = JoinSource(cell["source"]),
                Language = CellLanguageOf(cellMetadata),
                Metadata = cellMetadata,
                Outputs = cell["outputs"] as JsonArray is { } outputs ? (JsonArray)outputs.DeepClone() : new JsonArray(),
                ExecutionCount = cell["execution_count"] is JsonValue count && count.TryGetValue<int>(out var executionCount) ? executionCount : null,
                Extra = extra,
            });
        }
        return document;
    }

    public static string Write(NotebookDocument document)
    {
        var cells = new JsonArray();
        foreach (var cell in document.Cells)
        {
            var node = (JsonObject)cell.Extra.DeepClone();
            node["cell_type"] = cell.CellType;
            node["metadata"] = cell.Metadata.DeepClone();
            node["source"] = SplitLines(cell.Source);
            if (cell.IsCode)
            {
                node["outputs"] = cell.Outputs.DeepClone();
                node["execution_count"] = cell.ExecutionCount;
            }
            cells.Add(node);
        }
        var notebook = new JsonObject
        {
            ["cells"] = cells,
            ["metadata"] = document.Metadata.DeepClone(),
            ["nbformat"] = 4,
            ["nbformat_minor"] = document.FormatMinor,
        };
        return Sorted(notebook)!.ToJsonString(WriteOptions) + "\n";
    }

    /// <summary>Text as nbformat stores it: a list of lines, each but the last ending in a newline.</summary>
    public static JsonArray SplitLines(string text)
    {
        var lines = new JsonArray();
        var start = 0;
        while (start < text.Length)
        {
            var newline = text.IndexOf('\n', start);
            var end = newline < 0 ? text.Length : newline + 1;
            lines.Add(text[start..end]);
            start = end;
        }
        return lines;
    }

    public static string JoinSource(JsonNode? source) => source switch
    {
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        JsonArray lines => string.Concat(lines.Select(line => line is JsonValue part && part.TryGetValue<string>(out var text) ? text : "")),
        _ => "",
    };

    private static string CellLanguageOf(JsonObject metadata)
    {
        var language = metadata["polyglot_notebook"]?["kernelName"] ?? metadata["dotnet_interactive"]?["language"];
        return language is JsonValue value && value.TryGetValue<string>(out var name) ? name : Cells.CellLanguage.CSharp;
    }

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => KeyValuePair.Create(pair.Key, Sorted(pair.Value)))),
        JsonArray array => new JsonArray(array.Select(Sorted).ToArray()),
        null => null,
        _ => node.DeepClone(),
    };
}
