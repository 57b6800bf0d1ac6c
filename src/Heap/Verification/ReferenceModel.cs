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

    /// <summary>
    /// Every object the program has named in an operation since <see cref="ForgetPresented"/>:
    /// stored, overwritten, written into, rooted or pooled. A program holding handles outside the
    /// roots (as a notebook's named objects are) can bring an object the roots no longer reach
    /// back into the graph; a barrier may rightly shade such an object.
    /// </summary>
    public HashSet<ObjectHandle> Presented { get; } = [];

    public void ForgetPresented() => Presented.Clear();

    private void Present(ObjectHandle handle)
    {
        if (!handle.IsNull)
        {
            Presented.Add(handle);
        }
    }

    public void OnPoolPut(string name, ObjectHandle handle)
    {
        _pools[name].Primary.Add(handle);
        Present(handle);
    }

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

    public void OnWrite(ObjectHandle source, int slot, ObjectHandle target)
    {
        var slots = _objects[source].Slots;
        Present(source);
        Present(slots[slot]);
        Present(target);
        slots[slot] = target;
    }

    public void OnSetGlobal(string name, ObjectHandle value)
    {
        Present(value);
        if (_globals.TryGetValue(name, out var previous))
        {
            Present(previous);
        }

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

    public void OnSetLocal(int local, ObjectHandle value)
    {
        Present(value);
        Present(_frames[^1][local]);
        _frames[^1][local] = value;
    }

    /// <summary>Every object reachable from <paramref name="starts"/> in the graph as it is now.</summary>
    public HashSet<ObjectHandle> ReachableFrom(IEnumerable<ObjectHandle> starts)
    {
        var reached = new HashSet<ObjectHandle>();
        var queue = new Queue<ObjectHandle>();
        foreach (var start in starts)
        {
            if (_objects.ContainsKey(start) && reached.Add(start))
            {
                queue.Enqueue(start);
            }
        }

        while (queue.Count > 0)
        {
            foreach (var child in _objects[queue.Dequeue()].Slots)
            {
                if (!child.IsNull && _objects.ContainsKey(child) && reached.Add(child))
                {
                    queue.Enqueue(child);
                }
            }
        }

        return reached;
    }

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
        var freed = _objects.Keys.Where(h => !heap.Objects.IsLive(h)).ToList();
        foreach (var handle in freed)
        {
            _objects.Remove(handle);
        }
    }

    internal sealed record ModelObject(int Size, ObjectHandle[] Slots);
}
