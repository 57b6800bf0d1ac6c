using System.Text.Json.Nodes;
using HeapNotebook.Kernel.Cells;
using HeapNotebook.Kernel.Display;

namespace HeapNotebook.Kernel.Documents;

/// <summary>Records a cell's outputs in nbformat 4 shapes (streams merged, texts as lists of lines).</summary>
public sealed class NotebookOutputCollector(int executionCount, Dictionary<string, JsonObject> displaysById) : ICellPublisher
{
    private bool clearOnNextOutput;

    public JsonArray Outputs { get; } = new();

    public void WriteStream(string name, string text)
    {
        if (text.Length == 0)
        {
            return;
        }
        ClearIfWaiting();
        if (Outputs.Count > 0 && Outputs[^1] is JsonObject last && last["output_type"]?.GetValue<string>() == "stream"
            && last["name"]?.GetValue<string>() == name)
        {
            last["text"] = IpynbFormat.SplitLines(IpynbFormat.JoinSource(last["text"]) + text);
            return;
        }
        Outputs.Add(new JsonObject { ["output_type"] = "stream", ["name"] = name, ["text"] = IpynbFormat.SplitLines(text) });
    }

    public void PublishDisplay(MimeBundle bundle, string? displayId, bool isUpdate)
    {
        if (isUpdate)
        {
            if (displayId is not null && displaysById.TryGetValue(displayId, out var shown))
            {
                shown["data"] = DataOf(bundle);
                shown["metadata"] = bundle.Metadata.DeepClone();
            }
            return;
        }
        ClearIfWaiting();
        var output = new JsonObject { ["output_type"] = "display_data", ["data"] = DataOf(bundle), ["metadata"] = bundle.Metadata.DeepClone() };
        Outputs.Add(output);
        if (displayId is not null)
        {
            displaysById[displayId] = output;
        }
    }

    public void PublishResult(MimeBundle bundle)
    {
        ClearIfWaiting();
        Outputs.Add(new JsonObject
        {
            ["output_type"] = "execute_result",
            ["execution_count"] = executionCount,
            ["data"] = DataOf(bundle),
            ["metadata"] = bundle.Metadata.DeepClone(),
        });
    }

    public void PublishError(ExecutionError error)
    {
        ClearIfWaiting();
        Outputs.Add(new JsonObject
        {
            ["output_type"] = "error",
            ["ename"] = error.Name,
            ["evalue"] = error.Value,
            ["traceback"] = new JsonArray(error.Traceback.Select(line => (JsonNode?)JsonValue.Create(line)).ToArray()),
        });
    }

    public void ClearOutput(bool wait)
    {
        if (wait)
        {
            clearOnNextOutput = true;
        }
        else
        {
            Outputs.Clear();
        }
    }

    public string ReadInput(string prompt, bool password) =>
        throw new InputNotAllowedException("a headless run cannot answer input requests");

    private void ClearIfWaiting()
    {
        if (clearOnNextOutput)
        {
            clearOnNextOutput = false;
            Outputs.Clear();
        }
    }

    /// <summary>Text mime types are stored as lists of lines; JSON ones as JSON.</summary>
    private static JsonObject DataOf(MimeBundle bundle)
    {
        var data = new JsonObject();
        foreach (var (mimeType, value) in bundle.Data)
        {
            data[mimeType] = value is JsonValue text && text.TryGetValue<string>(out var content) && !IsJsonMimeType(mimeType)
                ? IpynbFormat.SplitLines(content)
                : value?.DeepClone();
        }
        return data;
    }

    private static bool IsJsonMimeType(string mimeType) =>
        mimeType == "application/json" || mimeType.EndsWith("+json", StringComparison.Ordinal);
}
