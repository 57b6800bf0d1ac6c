using HeapNotebook.Heap;
using HeapNotebook.Heap.Objects;

namespace HeapNotebook.Kernel.Display.Svg;

/// <summary>
/// Visits the objects reachable from a heap's globals (and any extra handles, such as the objects
/// named by #!heap alloc) breadth first, through the public API only (<see cref="SimulatedHeap.ReadSlots"/>).
/// The simulator does not expose its object table, so objects reachable only from stack frames, and
/// garbage not yet swept, are not visited.
/// </summary>
internal static class HeapWalk
{
    /// <summary>Calls <paramref name="visit"/> once per reachable object, in breadth-first order from the roots (globals in name order, then the extra handles); stops early when it returns false.</summary>
    public static int Reachable(SimulatedHeap heap, IEnumerable<ObjectHandle> extra, Func<ObjectHandle, bool> visit)
    {
        var seen = new HashSet<ObjectHandle>();
        var queue = new Queue<ObjectHandle>();
        void Offer(ObjectHandle handle)
        {
            if (!handle.IsNull && heap.IsLive(handle) && seen.Add(handle))
            {
                queue.Enqueue(handle);
            }
        }
        foreach (var root in heap.Roots.Entries)
        {
            Offer(root.Value);
        }
        foreach (var handle in extra)
        {
            Offer(handle);
        }
        var buffer = new ObjectHandle[16];
        var visited = 0;
        while (queue.TryDequeue(out var current))
        {
            visited++;
            if (!visit(current))
            {
                return visited;
            }
            var slots = heap.SlotCountOf(current);
            if (slots == 0)
            {
                continue;
            }
            if (buffer.Length < slots)
            {
                buffer = new ObjectHandle[Math.Max(slots, buffer.Length * 2)];
            }
            var count = heap.ReadSlots(current, buffer.AsSpan(0, slots));
            for (var slot = 0; slot < count; slot++)
            {
                Offer(buffer[slot]);
            }
        }
        return visited;
    }
}
