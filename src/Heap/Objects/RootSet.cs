namespace HeapNotebook.Heap.Objects;

/// <summary>
/// The named global roots of a heap (package-level variables, in Go's terms). Setting one goes
/// through the heap, so the verifier sees it and a plan that must (reference counting) counts it;
/// assigning <see cref="ObjectHandle.Null"/> removes the root. Names are kept in ordinal order,
/// so scanning and listing are deterministic.
/// </summary>
public sealed class RootSet
{
    private readonly SimulatedHeap _heap;
    private readonly SortedDictionary<string, ObjectHandle> _roots = new(StringComparer.Ordinal);

    internal RootSet(SimulatedHeap heap) => _heap = heap;

    public ObjectHandle this[string name]
    {
        get => _roots.TryGetValue(name, out var handle)
            ? handle
            : throw new Errors.InvalidRootOperationException($"There is no root named '{name}'. Roots: {DescribeNames()}.");
        set => _heap.SetGlobalRoot(name, value);
    }

    public int Count => _roots.Count;

    public IEnumerable<string> Names => _roots.Keys;

    public IEnumerable<KeyValuePair<string, ObjectHandle>> Entries => _roots;

    public bool Contains(string name) => _roots.ContainsKey(name);

    public bool TryGet(string name, out ObjectHandle handle) => _roots.TryGetValue(name, out handle);

    /// <summary>Removes a root; returns false when there was none of that name.</summary>
    public bool Remove(string name)
    {
        if (!_roots.ContainsKey(name))
        {
            return false;
        }

        _heap.SetGlobalRoot(name, ObjectHandle.Null);
        return true;
    }

    internal void SetRaw(string name, ObjectHandle handle)
    {
        if (handle.IsNull)
        {
            _roots.Remove(name);
        }
        else
        {
            _roots[name] = handle;
        }
    }

    internal string DescribeNames() => _roots.Count == 0 ? "none" : string.Join(", ", _roots.Keys);
}
