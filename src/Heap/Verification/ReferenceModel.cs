using HeapNotebook.Heap.Objects;

namespace HeapNotebook.Heap.Verification;

/// <summary>
/// The program as it would be with no collector at all: every object ever allocated, with its
/// slots, and the roots, kept in plain dictionaries and updated by every mutator operation.
/// What the model can reach from its roots is, by definition, what the heap must still hold.
/// </summary>
internal sealed class ReferenceModel
{
    private readonly Dictionary<ObjectHandle, ModelObject> _objects = [];
    private readonly SortedDictionary<string, ObjectHandle> _globals = new(StringComparer.Ordinal);
    private readonly List<ObjectHandle[]> _frames = [];
    private readonly List<List<ObjectHandle>> _frameObjects = [];
    private readonly SortedDictionary<string, (List<ObjectHandle> Primary, List<ObjectHandle> Victim)> _pools = new(StringComparer.Ordinal);

    public void OnNewPool(string name) => _pools[name] = ([], []);

    public void OnPoolPut(string name, ObjectHandle handle) => _pools[name].Primary.Add(handle);

    public void OnPoolTake(string name, ObjectHandle handle)
    {
        var (primary, victim) = _pools[name];
        if (!primary.Remove(handle))
        {
            victim.Remove(handle);
        }
    }

    public void OnPoolCleanup()
    {
        foreach (var (_, (primary, victim)) in _pools)
        {
            victim.Clear();
            victim.AddRange(primary);
            primary.Clear();
        }
    }

    public IReadOnlyDictionary<ObjectHandle, ModelObject> Objects => _objects;

    public void OnAlloc(ObjectHandle handle, int size, int slots) => _objects[handle] = new ModelObject(size, new ObjectHandle[slots]);

    public void OnWrite(ObjectHandle source, int slot, ObjectHandle target) => _objects[source].Slots[slot] = target;

    public void OnSetGlobal(string name, ObjectHandle value)
    {
        if (value.IsNull)
        {
            _globals.Remove(name);
        }
        else
        {
            _globals[name] = value;
        }
    }

    public void OnPushFrame(int locals)
    {
        _frames.Add(new ObjectHandle[locals]);
        _frameObjects.Add([]);
    }

    /// <summary>An object allocated on the stack: an object, and a root of the frame it lives in.</summary>
    public void OnStackAlloc(ObjectHandle handle, int size, int slots)
    {
        OnAlloc(handle, size, slots);
        _frameObjects[^1].Add(handle);
    }

    public void OnPopFrame()
    {
        _frames.RemoveAt(_frames.Count - 1);
        _frameObjects.RemoveAt(_frameObjects.Count - 1);
    }

    public void OnSetLocal(int local, ObjectHandle value) => _frames[^1][local] = value;

    /// <summary>Every object reachable from the roots, each with how it was first reached (for explanations).</summary>
    public Dictionary<ObjectHandle, string> Reachable()
    {
        var reached = new Dictionary<ObjectHandle, string>();
        var queue = new Queue<ObjectHandle>();

        void Visit(ObjectHandle handle, string path)
        {
            if (!handle.IsNull && reached.TryAdd(handle, path))
            {
                queue.Enqueue(handle);
            }
        }

        foreach (var (name, handle) in _globals)
        {
            Visit(handle, $"root '{name}'");
        }

        foreach (var (name, (primary, victim)) in _pools)
        {
            foreach (var handle in primary.Concat(victim))
            {
                Visit(handle, $"pool '{name}'");
            }
        }

        for (var f = 0; f < _frameObjects.Count; f++)
        {
            foreach (var handle in _frameObjects[f])
            {
                Visit(handle, $"an object on stack frame {f}");
            }
        }

        for (var f = 0; f < _frames.Count; f++)
        {
            for (var l = 0; l < _frames[f].Length; l++)
            {
                Visit(_frames[f][l], $"local {l} of stack frame {f}");
            }
        }

        while (queue.Count > 0)
        {
            var current = queue.Dequeue();
            var slots = _objects[current].Slots;
            for (var s = 0; s < slots.Length; s++)
            {
                Visit(slots[s], $"{reached[current]} → slot {s} of {current}");
            }
        }

        return reached;
    }

    /// <summary>Forgets the objects the heap has freed (the verifier has already checked they were unreachable).</summary>
    public void Prune(SimulatedHeap heap)
    {
        var freed = _objects.Keys.Where(h => !heap.IsLive(h)).ToList();
        foreach (var handle in freed)
        {
            _objects.Remove(handle);
        }
    }

    internal sealed record ModelObject(int Size, ObjectHandle[] Slots);
}
