using HeapNotebook.Heap.Memory;

namespace HeapNotebook.Heap.Tests.Support;

/// <summary>Accounting that must hold on any heap at any time, recomputed from the object table and the cycle records.</summary>
internal static class HeapInvariants
{
    public static void AssertAccountingHolds(SimulatedHeap heap)
    {
        var stats = heap.Stats;
        long liveBytes = 0;
        var liveObjects = 0;
        for (var index = 1; index < heap.Objects.HighWater; index++)
        {
            if (heap.Objects.IsLive(index))
            {
                liveObjects++;
                liveBytes += SizeClasses.RoundedSize(heap.Objects.Extents[index].Size);
            }
        }

        Assert.Equal(liveObjects, stats.HeapObjects);
        Assert.Equal(liveObjects, heap.ObjectCount);
        Assert.Equal(liveBytes, stats.HeapAlloc);
        Assert.Equal(stats.Mallocs - stats.Frees, stats.HeapObjects);
        Assert.Equal(heap.Cycles.Sum(c => c.ObjectsFreed), stats.Frees);
        Assert.Equal(heap.Cycles.Sum(c => c.BytesFreed), stats.TotalAlloc - stats.HeapAlloc);
        Assert.Equal(heap.Spans.InUse.Sum(s => s.SpanBytes), stats.HeapInuse);
        Assert.True(stats.HeapInuse >= stats.HeapAlloc, $"HeapInuse {stats.HeapInuse} < HeapAlloc {stats.HeapAlloc}");
        Assert.Equal(stats.HeapSys, stats.HeapInuse + stats.HeapIdle);
        Assert.InRange(stats.HeapReleased, 0, stats.HeapIdle);
        Assert.Equal(0, stats.HeapSys % SizeClasses.PageSize);
        Assert.True(stats.HeapSys <= heap.Options.EffectiveHeapLimitBytes);
        if (stats.HeapSys + (4L << 20) <= heap.Options.EffectiveHeapLimitBytes)
        {
            Assert.Equal(0, stats.HeapSys % (4L << 20)); // far from the limit, memory comes in whole 4 MiB steps
        }
        Assert.Equal(heap.Cycles.Count, stats.NumGC);
        Assert.Equal(heap.Cycles.Sum(c => c.PauseNs), stats.PauseTotalNs);
        Assert.Equal(heap.Cycles.Count(c => c.Forced), stats.NumForcedGC);
    }
}
