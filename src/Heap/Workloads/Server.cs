using HeapNotebook.Heap.Objects;

namespace HeapNotebook.Heap.Workloads;

/// <summary>
/// A request loop: each request allocates a 64-byte request object and a chain of temporary
/// objects (16 to 512 bytes) hanging from it, all garbage when the request ends; one request in
/// ten also stores a session object in a long-lived cache table, replacing a random older
/// session. Per-request garbage with a slowly changing long-lived set is the classic server shape.
/// With <c>pooled</c>, request objects come from a pool (Go's sync.Pool) and go back to it when
/// the request ends, so the effect of pooling on allocation and collections can be measured.
/// With <c>escapePercent</c> below 100, that share of the temporaries escape to the heap and
/// the rest live on the request's stack frame (pointing at the request, dying with the frame),
/// so what escape analysis saves can be measured.
/// </summary>
public sealed class Server(int requests, int garbagePerRequest, int cacheSize, int sessionSize, bool pooled = false, int escapePercent = 100)
    : Workload("server", requests, garbagePerRequest, cacheSize, sessionSize, pooled ? 1 : 0, escapePercent)
{
    protected override long Execute(SimulatedHeap heap)
    {
        var random = heap.Random;
        heap.PushFrame("server", "cache", "request", "temp");
        var pool = pooled ? heap.Pools.FirstOrDefault(p => p.Name == "requests") ?? heap.NewPool("requests", 64, 2) : null;
        var cache = heap.Alloc(cacheSize * 8, cacheSize);
        heap.SetLocal(0, cache);
        long checksum = 0;
        var checkEvery = Math.Max(1, requests / 100);
        for (var r = 0; r < requests; r++)
        {
            if (r % checkEvery == 0)
            {
                Checkpoint((double)r / requests);
            }

            var request = pool?.Get() ?? heap.Alloc(64, 2);
            heap.SetLocal(1, request);
            heap.PushFrame(0);
            var previous = request;
            for (var g = 0; g < garbagePerRequest; g++)
            {
                var size = 16 << random.NextInt(6);
                if (random.NextInt(100) < escapePercent)
                {
                    var temp = heap.Alloc(size, 1);
                    heap.Write(previous, 0, temp);
                    previous = temp;
                }
                else
                {
                    var onStack = heap.AllocOnStack(size, 1);
                    heap.Write(onStack, 0, request);
                }

                checksum += size;
            }

            heap.PopFrame();

            if (random.NextInt(10) == 0)
            {
                var session = heap.Alloc(sessionSize, 1);
                heap.SetLocal(2, session);
                heap.Write(session, 0, ObjectHandle.Null);
                heap.Write(cache, random.NextInt(cacheSize), session);
            }

            if (pool is not null)
            {
                heap.Write(request, 0, ObjectHandle.Null);
                pool.Put(request);
            }

            heap.SetLocal(1, ObjectHandle.Null);
            heap.SetLocal(2, ObjectHandle.Null);
        }

        heap.PopFrame();
        return checksum;
    }
}
