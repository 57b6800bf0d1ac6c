using HeapNotebook.Heap;
using HeapNotebook.Heap.Objects;

namespace HeapNotebook.Kernel.Magics.Heap;

/// <summary>A heap of the session with its name and the objects named by #!heap alloc.</summary>
internal sealed class HeapEntry(string name, SimulatedHeap heap)
{
    public string Name { get; } = name;

    public SimulatedHeap Heap { get; } = heap;

    /// <summary>Object names to handles, in the order they were given.</summary>
    public Dictionary<string, ObjectHandle> Objects { get; } = new(StringComparer.Ordinal);

    public List<string> ObjectOrder { get; } = [];

    public void Remember(string objectName, ObjectHandle handle)
    {
        if (!Objects.ContainsKey(objectName))
        {
            ObjectOrder.Add(objectName);
        }
        Objects[objectName] = handle;
    }

    /// <summary>The name given to a handle, or the handle itself when it has none.</summary>
    public string Describe(ObjectHandle handle)
    {
        foreach (var objectName in ObjectOrder)
        {
            if (Objects[objectName] == handle)
            {
                return objectName;
            }
        }
        return handle.ToString();
    }
}
