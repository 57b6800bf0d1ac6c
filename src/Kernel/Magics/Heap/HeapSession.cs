using System.Globalization;
using HeapNotebook.Heap;
using HeapNotebook.Kernel.Cells;

namespace HeapNotebook.Kernel.Magics.Heap;

/// <summary>
/// The named heaps of one kernel session. The current heap is always the one C# cells see as
/// <see cref="ScriptGlobals.Heap"/>: a heap a cell assigns there joins the session under its own name, and as
/// '#!heap new --name' does, the session refuses a name another of its heaps has (<see cref="NameClash"/>) rather than
/// list the heap under another one. A heap given no name of its own is named heap1, heap2, ... when "heap" is taken.
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
            if (NameClash(heap) is { } clash)
            {
                // ScriptGlobals.Heap refuses such a heap when a cell assigns it; this is the same refusal, should one get past.
                throw new HeapCommandException(HeapErrorCode.NameInUse, clash, null, null);
            }
            var name = Find(heap.Name) is not null ? NextName() : heap.Name;
            entry = new HeapEntry(name, heap);
            heaps.Add(entry);
        }
        return entry;
    }

    /// <summary>
    /// Why <paramref name="heap"/> may not join the session: its own name (HeapOptions.Name, other than the default
    /// "heap") is not one '#!heap' commands can use, or belongs to another of the session's heaps. Null when it may
    /// join, or is in the session already.
    /// </summary>
    public string? NameClash(SimulatedHeap heap)
    {
        if (heap.Name != HeapOptions.DefaultName && !HeapVerbs.IsName(heap.Name) && !heaps.Any(candidate => ReferenceEquals(candidate.Heap, heap)))
        {
            return $"'{heap.Name}' is not a name '#!heap' commands can use: give the heap one of letters, digits and _, not starting "
                + $"with a digit, at most {HeapVerbs.MaxNameLength} characters (new HeapOptions {{ Name = \"...\" }}). Heap was not changed.";
        }
        if (heap.Name == HeapOptions.DefaultName
            || heaps.Any(candidate => ReferenceEquals(candidate.Heap, heap)) || Find(heap.Name) is not { } taken)
        {
            return null;
        }
        return $"there is already a heap named '{heap.Name}' ({taken.Heap.Plan.Name} collector); give this one another name "
            + $"(new HeapOptions {{ Name = \"...\" }}), or make that one current with '#!heap use {heap.Name}'. Heap was not changed.";
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
