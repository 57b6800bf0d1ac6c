using System.Globalization;
using HeapNotebook.Heap;
using HeapNotebook.Kernel.Cells;

namespace HeapNotebook.Kernel.Magics.Heap;

/// <summary>
/// The named heaps of one kernel session. The current heap is always the one C# cells see as
/// <see cref="ScriptGlobals.Heap"/>: a heap a cell assigns there joins the session under its own name.
/// </summary>
internal sealed class HeapSession
{
    private readonly List<HeapEntry> heaps = [];
    private int displays;
    private int charts;

    public IReadOnlyList<HeapEntry> Heaps => heaps;

    /// <summary>The entry of the heap the globals hold now (adopting it when a C# cell made it), or null when a cell set Heap to null.</summary>
    public HeapEntry? Current(ScriptGlobals globals)
    {
        var heap = globals.Heap;
        if (heap is null)
        {
            return null;
        }
        var entry = heaps.FirstOrDefault(candidate => ReferenceEquals(candidate.Heap, heap));
        if (entry is null)
        {
            var name = string.IsNullOrWhiteSpace(heap.Name) || Find(heap.Name) is not null ? NextName() : heap.Name;
            entry = new HeapEntry(name, heap);
            heaps.Add(entry);
        }
        return entry;
    }

    public HeapEntry? Find(string name) => heaps.FirstOrDefault(entry => string.Equals(entry.Name, name, StringComparison.Ordinal));

    public string NextName()
    {
        for (var number = 1; ; number++)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"heap{number}");
            if (Find(name) is null)
            {
                return name;
            }
        }
    }

    /// <summary>A display id for an output updated in place; ids are transient (never saved in a notebook), the process id keeps them apart across kernel restarts.</summary>
    public string NextDisplayId(string purpose) =>
        string.Create(CultureInfo.InvariantCulture, $"heapnb-{purpose}-{Environment.ProcessId}-{++displays}");

    /// <summary>
    /// The div id of the next chart ("heapnb-chart-1", ...: the same on every run of a notebook, so outputs are
    /// byte for byte the same), and whether it is the session's first, which carries plotly.js for the ones after it.
    /// </summary>
    public (string Id, bool First) NextChart()
    {
        charts++;
        return (string.Create(CultureInfo.InvariantCulture, $"heapnb-chart-{charts}"), charts == 1);
    }

    public HeapEntry Add(string name, SimulatedHeap heap)
    {
        var entry = new HeapEntry(name, heap);
        heaps.Add(entry);
        return entry;
    }
}
