namespace HeapNotebook.Heap.Objects;

/// <summary>
/// The simulated goroutine stack: frames pushed and popped by the mutator, each with a fixed
/// number of local slots that hold object indices (0 = null). All locals live in one array and
/// frames in one array of small structs, so pushing a frame costs no allocation and touches one
/// entry, and scanning the stack is one loop.
/// </summary>
internal sealed class RootStack
{
    // Each frame's entry (FrameEntry's packing), and the innermost one's again in _current (0 with no
    // frame): besides FrameCount, a push writes its entry twice and a pop copies one entry back, and
    // a local's position reads one field.
    private long[] _frames = new long[64];
    private long _current;
    // Names of named frames only, by depth: anonymous frames (the hot case) store no references.
    private string?[] _frameName = new string?[64];
    private string[]?[] _localNames = new string[]?[64];

    public int[] Locals = new int[256];

    // Objects allocated on the stack, per frame, and the frame each one lives in.
    private readonly List<List<int>?> _frameObjects = [];
    private readonly Dictionary<int, int> _stackObjectDepth = [];

    public bool IsStackObject(int index) => _stackObjectDepth.ContainsKey(index);

    /// <summary>The frame depth a stack object lives in; -1 for a heap object.</summary>
    public int DepthOf(int index) => _stackObjectDepth.TryGetValue(index, out var depth) ? depth : -1;

    /// <summary>Every stack object, outermost frame first, in allocation order.</summary>
    public IEnumerable<int> StackObjects => StackObjectCount == 0 ? [] : _frameObjects.Take(FrameCount).Where(l => l is not null).SelectMany(l => l!);

    /// <summary>Stack objects alive; a field, not the dictionary's count, because every local and frame operation asks.</summary>
    public int StackObjectCount { get; private set; }

    public void AddStackObject(int index)
    {
        var depth = FrameCount - 1;
        while (_frameObjects.Count <= depth)
        {
            _frameObjects.Add(null);
        }

        (_frameObjects[depth] ??= []).Add(index);
        _stackObjectDepth[index] = depth;
        StackObjectCount = _stackObjectDepth.Count;
    }

    /// <summary>The stack objects of the innermost frame, which die with it (null when it has none).</summary>
    public List<int>? CurrentFrameObjects => FrameCount - 1 < _frameObjects.Count ? _frameObjects[FrameCount - 1] : null;

    /// <summary>Locals in use: frames are contiguous, so the innermost frame ends where the stack does.</summary>
    public int Top => CurrentBase + CurrentCount;

    public int FrameCount { get; private set; }

    /// <summary>The innermost frame's first local (0 with no frame).</summary>
    public int CurrentBase => FrameEntry.BaseOf(_current);

    /// <summary>The innermost frame's local count (0 with no frame).</summary>
    public int CurrentCount => FrameEntry.CountOf(_current);

    public FrameInfo Current => Frame(FrameCount - 1);

    public IEnumerable<FrameInfo> Frames => Enumerable.Range(0, FrameCount).Select(Frame);

    public FrameInfo Frame(int depth)
    {
        var frame = _frames[depth];
        return FrameEntry.IsNamed(frame)
            ? new(_frameName[depth] ?? "frame", FrameEntry.BaseOf(frame), FrameEntry.CountOf(frame), _localNames[depth])
            : new("frame", FrameEntry.BaseOf(frame), FrameEntry.CountOf(frame), null);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void Push(string? name, string[]? localNames, int localCount)
    {
        if (Top + localCount > Locals.Length || FrameCount == _frames.Length)
        {
            Grow(localCount);
        }

        var named = name is not null || localNames is not null;
        if (named)
        {
            _frameName[FrameCount] = name;
            _localNames[FrameCount] = localNames;
        }

        PlaceFrame(localCount, named);
    }

    /// <summary>
    /// Pushes an anonymous frame when the stack has room for it as it is; false, changing nothing,
    /// when it must grow first or <paramref name="localCount"/> is out of range (the locals never
    /// outgrow <see cref="SimulatedHeap.MaxStackLocals"/>, so room means the frame is allowed).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public bool TryPushAnonymous(int localCount)
    {
        var top = Top;
        var locals = Locals;
        if ((uint)localCount > (uint)(locals.Length - top) || FrameCount == _frames.Length)
        {
            return false;
        }

        PlaceFrame(localCount, named: false);
        return true;
    }

    /// <summary>Makes a frame of <paramref name="localCount"/> null locals on top of the stack, which has room for it.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private void PlaceFrame(int localCount, bool named)
    {
        var top = Top;
        Locals.AsSpan(top, localCount).Clear();
        var entry = FrameEntry.Pack(top, localCount, named);
        _frames[FrameCount] = entry;
        FrameCount++;
        _current = entry;
    }

    private void Grow(int localCount)
    {
        if (Top + localCount > Locals.Length)
        {
            Array.Resize(ref Locals, Math.Min(SimulatedHeap.MaxStackLocals, Math.Max(Top + localCount, Locals.Length * 2)));
        }

        if (FrameCount == _frames.Length)
        {
            var size = _frames.Length * 2;
            Array.Resize(ref _frames, size);
            Array.Resize(ref _frameName, size);
            Array.Resize(ref _localNames, size);
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void Pop()
    {
        RemoveInnermostFrame();
        if (StackObjectCount > 0)
        {
            ForgetFrameObjects();
        }
    }

    /// <summary><see cref="Pop"/> when no stack object lives (the caller knows), so there is none to forget.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void PopFrameWithoutStackObjects()
    {
        System.Diagnostics.Debug.Assert(StackObjectCount == 0, "a stack object lives");
        RemoveInnermostFrame();
    }

    /// <summary>Drops the innermost frame; the enclosing one (or none) becomes current.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private void RemoveInnermostFrame()
    {
        var count = FrameCount - 1;
        FrameCount = count;
        _current = count == 0 ? 0 : _frames[count - 1];
    }

    /// <summary>The popped frame's stack objects are gone with it.</summary>
    private void ForgetFrameObjects()
    {
        if (FrameCount < _frameObjects.Count && _frameObjects[FrameCount] is { Count: > 0 } objects)
        {
            foreach (var index in objects)
            {
                _stackObjectDepth.Remove(index);
            }

            StackObjectCount = _stackObjectDepth.Count;
            objects.Clear();
        }
    }

    /// <summary>A frame's first local, local count and whether it has names, packed in one word: base in the low 32 bits, count above it, the name flag in bit 62.</summary>
    private static class FrameEntry
    {
        private const long NamedBit = 1L << 62;

        public static long Pack(int @base, int count, bool named) => (uint)@base | (long)count << 32 | (named ? NamedBit : 0);

        public static int BaseOf(long entry) => (int)entry;

        public static int CountOf(long entry) => (int)((entry & ~NamedBit) >> 32);

        public static bool IsNamed(long entry) => (entry & NamedBit) != 0;
    }

    internal readonly record struct FrameInfo(string Name, int Base, int Count, string[]? LocalNames)
    {
        public int IndexOf(string local) => LocalNames is null ? -1 : Array.IndexOf(LocalNames, local);
    }
}
