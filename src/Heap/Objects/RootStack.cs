namespace HeapNotebook.Heap.Objects;

/// <summary>
/// The simulated goroutine stack: frames pushed and popped by the mutator, each with a fixed
/// number of local slots that hold object indices (0 = null). All locals live in one array so
/// pushing a frame costs no allocation and scanning the stack is one loop.
/// </summary>
internal sealed class RootStack
{
    private readonly List<FrameInfo> _frames = [];

    public int[] Locals = new int[256];

    public int Top { get; private set; }

    public int FrameCount => _frames.Count;

    public IReadOnlyList<FrameInfo> Frames => _frames;

    public int Push(string name, string[]? localNames, int localCount)
    {
        if (Top + localCount > Locals.Length)
        {
            Array.Resize(ref Locals, Math.Max(Top + localCount, Locals.Length * 2));
        }

        Array.Clear(Locals, Top, localCount);
        _frames.Add(new FrameInfo(name, Top, localCount, localNames));
        Top += localCount;
        return _frames.Count - 1;
    }

    public FrameInfo Pop()
    {
        var frame = _frames[^1];
        _frames.RemoveAt(_frames.Count - 1);
        Top = frame.Base;
        return frame;
    }

    public FrameInfo Current => _frames[^1];

    internal readonly record struct FrameInfo(string Name, int Base, int Count, string[]? LocalNames)
    {
        public int IndexOf(string local) => LocalNames is null ? -1 : Array.IndexOf(LocalNames, local);
    }
}
