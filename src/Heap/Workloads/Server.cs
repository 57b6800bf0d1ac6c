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
public sealed class Server : Workload
{
    private const string WorkloadName = "server";

    private readonly int _requests;
    private readonly int _garbagePerRequest;
    private readonly int _cacheSize;
    private readonly int _sessionSize;
    private readonly bool _pooled;
    private readonly int _escapePercent;

    /// <summary>Arguments are the catalog's options requests, garbage, cache-size, session-size, pool and escape-percent, with the same ranges.</summary>
    /// <exception cref="Errors.WorkloadException">A value is out of range.</exception>
    public Server(int requests, int garbagePerRequest, int cacheSize, int sessionSize, bool pooled = false, int escapePercent = 100)
    {
        WorkloadCatalog.Check(WorkloadName, ("requests", requests), ("garbage", garbagePerRequest), ("cache-size", cacheSize),
            ("session-size", sessionSize), ("pool", pooled ? 1 : 0), ("escape-percent", escapePercent));
        _requests = requests;
        _garbagePerRequest = garbagePerRequest;
        _cacheSize = cacheSize;
        _sessionSize = sessionSize;
        _pooled = pooled;
        _escapePercent = escapePercent;
    }

    public override string Name => WorkloadName;

    internal override WorkloadRecipe Recipe => new(Name, [_requests, _garbagePerRequest, _cacheSize, _sessionSize, _pooled ? 1 : 0, _escapePercent]);

    protected override long Execute(SimulatedHeap heap)
    {
        var random = heap.Random;
        heap.PushFrame("server", "cache", "request", "temp");
        var pool = _pooled ? heap.Pools.FirstOrDefault(p => p.Name == "requests") ?? heap.NewPool("requests", 64, 2) : null;
        var cache = heap.Alloc(_cacheSize * 8, _cacheSize);
        heap.SetLocal(0, cache);
        long checksum = 0;
        var checkEvery = Math.Max(1, _requests / 100);
        for (var r = 0; r < _requests; r++)
        {
            if (r % checkEvery == 0)
            {
                Checkpoint((double)r / _requests);
            }

            var request = pool?.Get() ?? heap.Alloc(64, 2);
            heap.SetLocal(1, request);
            heap.PushFrame(0);
            var previous = request;
            for (var g = 0; g < _garbagePerRequest; g++)
            {
                var size = 16 << random.NextInt(6);
                if (random.NextInt(100) < _escapePercent)
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
                var session = heap.Alloc(_sessionSize, 1);
                heap.SetLocal(2, session);
                heap.Write(session, 0, ObjectHandle.Null);
                heap.Write(cache, random.NextInt(_cacheSize), session);
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
