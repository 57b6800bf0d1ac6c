using System.Text.Json.Nodes;

namespace HeapNotebook.Kernel.Display;

/// <summary>A value rendered in several mime types ("text/plain" always among them) with per-type metadata.</summary>
public sealed class MimeBundle
{
    public JsonObject Data { get; } = new();
    public JsonObject Metadata { get; } = new();

    public static MimeBundle PlainText(string text)
    {
        var bundle = new MimeBundle();
        bundle.Data["text/plain"] = text;
        return bundle;
    }

    public MimeBundle With(string mimeType, string content)
    {
        Data[mimeType] = content;
        return this;
    }
}
