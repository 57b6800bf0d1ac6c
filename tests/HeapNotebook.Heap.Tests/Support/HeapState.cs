using System.Globalization;
using System.Text;
using HeapNotebook.Heap.Objects;

namespace HeapNotebook.Heap.Tests.Support;

/// <summary>
/// A text picture of everything a failed operation must leave alone: statistics, clock, cycles,
/// goal, roots, frames, and the slots of the objects a test names. Read through the internal
/// tables, not the public Read, because Read advances the virtual clock.
/// </summary>
internal static class HeapState
{
    public static string Describe(SimulatedHeap heap, params ObjectHandle[] handles)
    {
        var stats = heap.Stats;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture,
            $"alloc={stats.HeapAlloc} inuse={stats.HeapInuse} idle={stats.HeapIdle} released={stats.HeapReleased} sys={stats.HeapSys} ");
        sb.Append(CultureInfo.InvariantCulture,
            $"objects={stats.HeapObjects} total={stats.TotalAlloc} mallocs={stats.Mallocs} frees={stats.Frees} next={stats.NextGC} last={stats.LastGC} ");
        sb.Append(CultureInfo.InvariantCulture,
            $"pausetotal={stats.PauseTotalNs} numgc={stats.NumGC} forced={stats.NumForcedGC} cpu={stats.GCCPUFraction:R} pauses={string.Join(',', stats.PauseNs)}\n");
        sb.Append(CultureInfo.InvariantCulture,
            $"count={heap.ObjectCount} clock={heap.Clock.Picoseconds} cycles={heap.Cycles.Count} goal={heap.HeapGoalBytes}\n");
        sb.Append("roots=").AppendJoin(',', heap.Roots.Entries.Select(e => $"{e.Key}:{e.Value}")).Append('\n');
        sb.Append("frames=").AppendJoin(',', heap.FrameNames).Append('\n');
        foreach (var handle in handles)
        {
            sb.Append(handle).Append(": ");
            if (!heap.IsLive(handle))
            {
                sb.Append("freed\n");
                continue;
            }

            sb.Append(CultureInfo.InvariantCulture, $"size={heap.Objects.Extents[handle.Index].Size} slots=[");
            foreach (var target in heap.Objects.SlotsOf(handle.Index))
            {
                sb.Append(heap.Objects.HandleOf(target)).Append(' ');
            }

            sb.Append(CultureInfo.InvariantCulture, $"] at={heap.Objects.AddressOffset(handle.Index)}\n");
        }

        return sb.ToString();
    }
}

/// <summary>Reports progress on the calling thread (System.Progress posts to the thread pool, too late to cancel from).</summary>
internal sealed class SynchronousProgress(Action<double> report) : IProgress<double>
{
    public List<double> Reported { get; } = [];

    public void Report(double value)
    {
        Reported.Add(value);
        report(value);
    }
}
