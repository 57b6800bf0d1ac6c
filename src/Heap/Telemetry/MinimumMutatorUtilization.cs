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
    public static double Compute(IReadOnlyList<(long Start, long End)> pauses, long totalNs, long windowNs) =>
        Compute(new PausedTime(pauses), totalNs, windowNs);

    private static double Compute(PausedTime paused, long totalNs, long windowNs)
    {
        if (windowNs <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(windowNs), windowNs, "The window must be longer than zero.");
        }

        if (windowNs >= totalNs)
        {
            return totalNs <= 0 ? 1 : Math.Max(0, 1 - (double)paused.Total / totalNs);
        }

        // Both kinds of candidate window (starting at a pause's start, ending at a pause's end) move forward with i,
        // so four cursors find the time paused before each window edge in one pass.
        var worst = 1.0;
        var latest = totalNs - windowNs;
        var cursors = new int[4];
        for (var i = 0; i < paused.Count; i++)
        {
            var fromStart = Math.Clamp(paused.Starts[i], 0, latest);
            var fromEnd = Math.Clamp(paused.Ends[i] - windowNs, 0, latest);
            var pausedFromStart = paused.Before(fromStart + windowNs, ref cursors[0]) - paused.Before(fromStart, ref cursors[1]);
            var pausedFromEnd = paused.Before(fromEnd + windowNs, ref cursors[2]) - paused.Before(fromEnd, ref cursors[3]);
            worst = Math.Min(worst, 1 - (double)pausedFromStart / windowNs);
            worst = Math.Min(worst, 1 - (double)pausedFromEnd / windowNs);
        }

        return Math.Max(0, worst);
    }

    /// <summary>
    /// The pauses, ready to tell the time paused in [0, t): for pauses in time order that do not overlap (every
    /// heap's) from running totals, moving forward; otherwise by adding up every pause.
    /// </summary>
    private sealed class PausedTime
    {
        private readonly long[] _totals;
        private readonly bool _inOrder = true;

        public PausedTime(IReadOnlyList<(long Start, long End)> pauses)
        {
            Count = pauses.Count;
            Starts = new long[Count];
            Ends = new long[Count];
            _totals = new long[Count + 1];
            for (var i = 0; i < Count; i++)
            {
                (Starts[i], Ends[i]) = pauses[i];
                _totals[i + 1] = _totals[i] + (Ends[i] - Starts[i]);
                _inOrder &= Starts[i] <= Ends[i] && (i == 0 || Starts[i] >= Ends[i - 1]);
            }
        }

        public int Count { get; }

        public long[] Starts { get; }

        public long[] Ends { get; }

        public long Total => _totals[Count];

        /// <summary>The time paused in [0, t); <paramref name="cursor"/> remembers where the last, earlier or equal, t was found.</summary>
        public long Before(long t, ref int cursor)
        {
            if (!_inOrder)
            {
                long sum = 0;
                for (var i = 0; i < Count; i++)
                {
                    sum += Math.Max(0, Math.Min(Ends[i], t) - Starts[i]);
                }

                return sum;
            }

            // The pauses that start before t: all but the last of them ended before t.
            while (cursor < Count && Starts[cursor] < t)
            {
                cursor++;
            }

            return cursor == 0 ? 0 : _totals[cursor - 1] + (Math.Min(Ends[cursor - 1], t) - Starts[cursor - 1]);
        }
    }

    /// <summary>The MMU curve at windows spaced evenly on a log scale from <paramref name="smallestNs"/> to the whole run.</summary>
    public static IReadOnlyList<(long WindowNs, double Utilization)> Curve(IReadOnlyList<(long Start, long End)> pauses, long totalNs, long smallestNs = 10_000, int points = 40)
    {
        var curve = new List<(long, double)>();
        if (totalNs <= smallestNs)
        {
            return curve;
        }

        var paused = new PausedTime(pauses);
        var ratio = Math.Pow((double)totalNs / smallestNs, 1.0 / (points - 1));
        var window = (double)smallestNs;
        for (var i = 0; i < points; i++, window *= ratio)
        {
            var w = (long)Math.Round(window);
            curve.Add((w, Compute(paused, totalNs, w)));
        }

        return curve;
    }
}
