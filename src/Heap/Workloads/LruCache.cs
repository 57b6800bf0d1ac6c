using HeapNotebook.Heap.Objects;

namespace HeapNotebook.Heap.Workloads;

/// <summary>
/// A least-recently-used cache of <c>capacity</c> entries under a skewed stream of requests
/// (80 % of requests go to 20 % of the keys). Entries are 48-byte objects with three slots
/// (previous, next, value) on a doubly linked list between two rooted sentinels; a miss
/// allocates a value and an entry and evicts the least recently used one, which becomes
/// garbage. The key index lives outside the simulated heap, as a hash map's buckets would in a
/// language with value-typed maps. An entry being moved or evicted is held in the local
/// <c>moving</c> while it is off the list, as the function's variable would hold it: without it
/// a reference-counting heap frees the entry the moment it is unlinked.
/// </summary>
public sealed class LruCache(int capacity, long requests, int keys, int valueSize) : Workload("lru-cache", capacity, requests, keys, valueSize)
{
    private const int Previous = 0;
    private const int Next = 1;
    private const int Value = 2;
    private const int MovingLocal = 4;

    protected override long Execute(SimulatedHeap heap)
    {
        var random = heap.Random;
        var index = new Dictionary<int, ObjectHandle>();
        var keyOf = new Dictionary<ObjectHandle, int>();
        heap.PushFrame("lru", "head", "tail", "value", "entry", "moving");
        var head = heap.Alloc(48, 3);
        heap.SetLocal(0, head);
        var tail = heap.Alloc(48, 3);
        heap.SetLocal(1, tail);
        heap.Write(head, Next, tail);
        heap.Write(tail, Previous, head);
        long hits = 0;
        var hotKeys = Math.Max(1, keys / 5);
        var checkEvery = Math.Max(1, requests / 100);
        for (long r = 0; r < requests; r++)
        {
            if (r % checkEvery == 0)
            {
                Checkpoint((double)r / requests);
            }

            var key = random.NextInt(10) < 8 ? random.NextInt(hotKeys) : random.NextInt(keys);
            if (index.TryGetValue(key, out var entry))
            {
                hits++;
                heap.SetLocal(MovingLocal, entry);
                Unlink(heap, entry);
                LinkAfter(heap, head, entry);
                heap.SetLocal(MovingLocal, ObjectHandle.Null);
                continue;
            }

            var value = heap.Alloc(valueSize, 0);
            heap.SetLocal(2, value);
            entry = heap.Alloc(48, 3);
            heap.SetLocal(3, entry);
            heap.Write(entry, Value, value);
            LinkAfter(heap, head, entry);
            index[key] = entry;
            keyOf[entry] = key;
            if (index.Count > capacity)
            {
                var victim = heap.Read(tail, Previous);
                heap.SetLocal(MovingLocal, victim);
                Unlink(heap, victim);
                index.Remove(keyOf[victim]);
                keyOf.Remove(victim);
                heap.SetLocal(MovingLocal, ObjectHandle.Null);
            }
        }

        heap.PopFrame();
        return hits;
    }

    private static void Unlink(SimulatedHeap heap, ObjectHandle entry)
    {
        var previous = heap.Read(entry, Previous);
        var next = heap.Read(entry, Next);
        heap.Write(previous, Next, next);
        heap.Write(next, Previous, previous);
        heap.Write(entry, Previous, ObjectHandle.Null);
        heap.Write(entry, Next, ObjectHandle.Null);
    }

    private static void LinkAfter(SimulatedHeap heap, ObjectHandle anchor, ObjectHandle entry)
    {
        var next = heap.Read(anchor, Next);
        heap.Write(entry, Previous, anchor);
        heap.Write(entry, Next, next);
        heap.Write(next, Previous, entry);
        heap.Write(anchor, Next, entry);
    }
}
