using System.Text.Json.Nodes;

namespace HeapNotebook.Kernel.Documents;

/// <summary>
/// One cell of a notebook. <see cref="Extra"/> keeps every other key the cell had, so a notebook
/// written back loses nothing it did not change.
/// </summary>
public sealed class NotebookCell
{
    public required string CellType { get; init; }
    public required string Source { get; set; }

    /// <summary>The cell's language for code cells (csharp unless the cell says otherwise).</summary>
    public string Language { get; init; } = Cells.CellLanguage.CSharp;
    public JsonObject Metadata { get; init; } = new();
    public JsonArray Outputs { get; set; } = new();
    public int? ExecutionCount { get; set; }
    public JsonObject Extra { get; init; } = new();

    public bool IsCode => CellType == "code";

    /// <summary>Tagged "raises-exception" (Jupyter's convention, honoured by nbclient): the cell is meant to fail, and its error does not stop the run.</summary>
    public bool ExpectsError => Metadata["tags"] is JsonArray tags
        && tags.Any(tag => tag is JsonValue value && value.TryGetValue<string>(out var text) && text == "raises-exception");
}
