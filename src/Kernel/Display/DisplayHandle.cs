using HeapNotebook.Kernel.Cells;

namespace HeapNotebook.Kernel.Display;

/// <summary>A displayed output that can be replaced in place (update_display_data).</summary>
public sealed class DisplayHandle
{
    private readonly CellOutputContext outputs;
    private readonly string[] mimeTypes;

    internal DisplayHandle(CellOutputContext outputs, string displayId, string[] mimeTypes)
    {
        this.outputs = outputs;
        DisplayId = displayId;
        this.mimeTypes = mimeTypes;
    }

    public string DisplayId { get; }

    public void Update(object? value) => outputs.PublishDisplay(DisplayFormatter.Format(value, mimeTypes), DisplayId, isUpdate: true);

    internal void Show(object? value) => outputs.PublishDisplay(DisplayFormatter.Format(value, mimeTypes), DisplayId, isUpdate: false);
}
