using System.Text.Json.Nodes;

namespace HeapNotebook.Kernel.Documents;

/// <summary>A notebook read from .ipynb or .dib: notebook metadata and cells in order.</summary>
public sealed class NotebookDocument
{
    public JsonObject Metadata { get; init; } = new();
    public int FormatMinor { get; init; } = 5;
    public List<NotebookCell> Cells { get; init; } = [];

    /// <summary>Reads by extension: .dib as a .NET Interactive script, anything else as .ipynb.</summary>
    public static NotebookDocument Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new NotebookFormatException($"cannot read '{path}': {exception.Message}");
        }
        return IsDib(path) ? DibFormat.Read(text) : IpynbFormat.Read(text, path);
    }

    public void Save(string path) =>
        AtomicFile.WriteAllText(path, IsDib(path) ? DibFormat.Write(this) : IpynbFormat.Write(this));

    public static bool IsDib(string path) => string.Equals(Path.GetExtension(path), ".dib", StringComparison.OrdinalIgnoreCase);
}
