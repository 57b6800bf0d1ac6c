using System.Text;
using HeapNotebook.Kernel.Display;

namespace HeapNotebook.Kernel.Cells;

/// <summary>
/// Where the running cell's outputs go. Console text is buffered per stream and sent a line
/// at a time; any other output first flushes the streams so outputs keep their order.
/// </summary>
public sealed class CellOutputContext
{
    private readonly Lock gate = new();
    private readonly StringBuilder stdout = new();
    private readonly StringBuilder stderr = new();
    private ICellPublisher? publisher;

    public ICellPublisher? Publisher
    {
        get => publisher;
        set
        {
            Flush();
            publisher = value;
        }
    }

    public void Write(string streamName, string text)
    {
        lock (gate)
        {
            var buffer = streamName == "stderr" ? stderr : stdout;
            buffer.Append(text);
            var lastNewLine = text.LastIndexOf('\n');
            if (lastNewLine < 0)
            {
                return;
            }
            var complete = buffer.Length - (text.Length - lastNewLine - 1);
            var chunk = buffer.ToString(0, complete);
            buffer.Remove(0, complete);
            publisher?.WriteStream(streamName, chunk);
        }
    }

    public void Flush()
    {
        lock (gate)
        {
            FlushStream("stdout", stdout);
            FlushStream("stderr", stderr);
        }
    }

    public void PublishDisplay(MimeBundle bundle, string? displayId, bool isUpdate)
    {
        Flush();
        publisher?.PublishDisplay(bundle, displayId, isUpdate);
    }

    public void PublishResult(MimeBundle bundle)
    {
        Flush();
        publisher?.PublishResult(bundle);
    }

    public void ClearOutput(bool wait)
    {
        Flush();
        publisher?.ClearOutput(wait);
    }

    public string ReadInput(string prompt, bool password)
    {
        Flush();
        return (publisher ?? throw new InputNotAllowedException("no cell is running")).ReadInput(prompt, password);
    }

    private void FlushStream(string name, StringBuilder buffer)
    {
        if (buffer.Length == 0)
        {
            return;
        }
        var text = buffer.ToString();
        buffer.Clear();
        publisher?.WriteStream(name, text);
    }
}
