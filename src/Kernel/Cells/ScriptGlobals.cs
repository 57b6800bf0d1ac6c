using HeapNotebook.Kernel.Display;

namespace HeapNotebook.Kernel.Cells;

/// <summary>What every C# cell sees as globals: the current heap and display helpers (names follow Jupyter's).</summary>
#pragma warning disable IDE1006 // display and clear_output are the names notebook users know.
public sealed class ScriptGlobals
{
    private readonly CellOutputContext outputs;

    internal ScriptGlobals(CellOutputContext outputs)
    {
        this.outputs = outputs;
    }

    /// <summary>
    /// The current simulated heap. A session starts with Go's collector at GOGC=100 and seed 1,
    /// keeping a journal so that '#!heap save' can save it;
    /// a cell can replace it (<c>Heap = new SimulatedHeap(new HeapOptions { ... })</c>).
    /// </summary>
    /// <exception cref="HeapNameRefusedException">The heap's own name (HeapOptions.Name) belongs to another heap of the session, or is not one '#!heap' commands can use; Heap is left as it was.</exception>
    public HeapNotebook.Heap.SimulatedHeap Heap
    {
        get => heap;
        set
        {
            if (value is not null && CheckHeap?.Invoke(value) is { } refusal)
            {
                throw new HeapNameRefusedException(refusal);
            }
            heap = value!;
        }
    }

    private HeapNotebook.Heap.SimulatedHeap heap = new(new HeapNotebook.Heap.HeapOptions { Collector = "go", Name = "default", Journal = true });

    /// <summary>Set by the session's #!heap heaps: why a heap may not become the current one (its name is another heap's, or unusable), or null when it may.</summary>
    internal Func<HeapNotebook.Heap.SimulatedHeap, string?>? CheckHeap { get; set; }

    /// <summary>Shows a value as a display_data output; the handle updates it in place.</summary>
    public DisplayHandle display(object? value, params string[] mimeTypes)
    {
        var handle = new DisplayHandle(outputs, Guid.NewGuid().ToString("N"), mimeTypes);
        handle.Show(value);
        return handle;
    }

    /// <summary>Clears this cell's outputs; with wait, only when the next output arrives.</summary>
    public void clear_output(bool wait = false) => outputs.ClearOutput(wait);

    /// <summary>Marks a string as HTML so it is displayed rendered rather than as text.</summary>
    public static Microsoft.AspNetCore.Html.HtmlString HTML(string html) => new(html);
}
#pragma warning restore IDE1006
