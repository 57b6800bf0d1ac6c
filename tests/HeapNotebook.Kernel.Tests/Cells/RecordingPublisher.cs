using HeapNotebook.Kernel.Cells;
using HeapNotebook.Kernel.Display;

namespace HeapNotebook.Kernel.Tests.Cells;

/// <summary>Records a cell's outputs in order, as (kind, text) pairs; text is text/plain for bundles.</summary>
public sealed class RecordingPublisher : ICellPublisher
{
    public List<(string Kind, string Text)> Outputs { get; } = [];
    public List<MimeBundle> Bundles { get; } = [];
    public Queue<string> Answers { get; } = new();

    public void WriteStream(string name, string text) => Outputs.Add((name, text));

    public void PublishDisplay(MimeBundle bundle, string? displayId, bool isUpdate)
    {
        Bundles.Add(bundle);
        Outputs.Add((isUpdate ? "update" : "display", bundle.Data["text/plain"]!.GetValue<string>()));
    }

    public void PublishResult(MimeBundle bundle)
    {
        Bundles.Add(bundle);
        Outputs.Add(("result", bundle.Data["text/plain"]!.GetValue<string>()));
    }

    public void ClearOutput(bool wait) => Outputs.Add(("clear", wait ? "wait" : ""));

    public string ReadInput(string prompt, bool password) =>
        Answers.Count > 0 ? Answers.Dequeue() : throw new InputNotAllowedException("no answers queued");

    public string Text(string kind) => string.Concat(Outputs.Where(output => output.Kind == kind).Select(output => output.Text));
}
