namespace HeapNotebook.Heap.Telemetry;

/// <summary>
/// Minimum mutator utilisation (Cheng and Blelloch 2001): for a window length w, the smallest
/// fraction of any window of that length during which the program ran. The worst window starts
/// at the start of a collector interval or ends at the end of one, so only those windows are
/// examined. The collector's intervals are the stop-the-world phases of each cycle.
/// </summary>
public static class MinimumMutatorUtilization
{
    /// <summary>The collector's stop-the-world intervals of a heap's cycles, as (start, end) in virtual ns, in time order.</summary>
    public static IReadOnlyList<(long Start, long End)> PauseIntervals(IEnumerable<GcCycle> cycles) =>
        cycles.SelectMany(c => c.Phases).Where(p => p.StopTheWorld && p.DurationNs > 0)
            .Select(p => (p.StartNs, p.StartNs + p.DurationNs)).OrderBy(i => i.Item1).ToArray();

    /// <summary>MMU for one window length over a run of <paramref name="totalNs"/>; 1 when the window is longer than the run and nothing paused.</summary>
    public static double Compute(IReadOnlyList<(long Start, long End)> pauses, long totalNs, long windowNs)
    {
        if (windowNs <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(windowNs), windowNs, "The window must be longer than zero.");
        }

        if (windowNs >= totalNs)
        {
            var paused = pauses.Sum(p => p.End - p.Start);
            return totalNs <= 0 ? 1 : Math.Max(0, 1 - (double)paused / totalNs);
        }

        var worst = 1.0;
        foreach (var (start, end) in pauses)
        {
            foreach (var windowStart in new[] { start, end - windowNs })
            {
                var from = Math.Clamp(windowStart, 0, totalNs - windowNs);
                var to = from + windowNs;
                long paused = 0;
                foreach (var (s, e) in pauses)
                {
                    if (e <= from)
                    {
                        continue;
                    }

                    if (s >= to)
                    {
                        break;
                    }

                    paused += Math.Min(e, to) - Math.Max(s, from);
                }

                worst = Math.Min(worst, 1 - (double)paused / windowNs);
            }
        }

        return Math.Max(0, worst);
    }

    /// <summary>The MMU curve at windows spaced evenly on a log scale from <paramref name="smallestNs"/> to the whole run.</summary>
    public static IReadOnlyList<(long WindowNs, double Utilization)> Curve(IReadOnlyList<(long Start, long End)> pauses, long totalNs, long smallestNs = 10_000, int points = 40)
    {
        var curve = new List<(long, double)>();
        if (totalNs <= smallestNs)
        {
            return curve;
        }

        var ratio = Math.Pow((double)totalNs / smallestNs, 1.0 / (points - 1));
        var window = (double)smallestNs;
        for (var i = 0; i < points; i++, window *= ratio)
        {
            var w = (long)Math.Round(window);
            curve.Add((w, Compute(pauses, totalNs, w)));
        }

        return curve;
    }
}
