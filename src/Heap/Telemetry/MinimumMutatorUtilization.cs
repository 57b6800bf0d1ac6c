namespace HeapNotebook.Heap.Telemetry;

/// <summary>
/// An interval in which the collector takes <see cref="Share"/> of the program's processors: 1
/// for a stop-the-world pause; for a concurrent mark, the CPU its assists and background workers
/// used over the processors' time in the interval (an assist stalls the goroutine that pays it, a
/// worker takes a processor the program could have used).
/// </summary>
public readonly record struct CollectorInterval(long Start, long End, double Share);

/// <summary>
/// Minimum mutator utilisation (Cheng and Blelloch 2001): for a window length w, the smallest
/// share of any window of that length that the program had. The collector's use of the machine is
/// a step function of time (the sum of the shares of the intervals over a moment, at most 1), so
/// the time it takes from a window moves linearly with the window's start between the moments
/// where the window's start or end crosses a step; the worst window therefore starts or ends at
/// a step, and only those windows are examined. Go's trace tool counts the same things by default
/// (stop-the-world, background workers, assists); idle-priority workers are left out here, as
/// they only run on processors the program leaves idle.
/// </summary>
public static class MinimumMutatorUtilization
{
    /// <summary>The collector's stop-the-world intervals of a heap's cycles, as (start, end) in virtual ns, in time order.</summary>
    public static IReadOnlyList<(long Start, long End)> PauseIntervals(IEnumerable<GcCycle> cycles) =>
        cycles.SelectMany(c => c.Phases).Where(p => p.StopTheWorld && p.DurationNs > 0)
            .Select(p => (p.StartNs, p.StartNs + p.DurationNs)).OrderBy(i => i.Item1).ToArray();

    /// <summary>
    /// What the collector took of a heap's run: each stop-the-world phase whole, and each
    /// concurrent mark at the share its assists and background workers used of the cycle's procs.
    /// </summary>
    public static IReadOnlyList<CollectorInterval> CollectorIntervals(IEnumerable<GcCycle> cycles)
    {
        var intervals = new List<CollectorInterval>();
        foreach (var cycle in cycles)
        {
            foreach (var phase in cycle.Phases.Where(p => p.DurationNs > 0))
            {
                if (phase.StopTheWorld)
                {
                    intervals.Add(new(phase.StartNs, phase.StartNs + phase.DurationNs, 1));
                }
                else if (phase.Phase == GcPhase.Mark)
                {
                    var share = ConcurrentShare(cycle.AssistCpuNs + cycle.BackgroundCpuNs, phase.DurationNs, cycle.Procs);
                    if (share > 0)
                    {
                        intervals.Add(new(phase.StartNs, phase.StartNs + phase.DurationNs, share));
                    }
                }
            }
        }

        intervals.Sort((a, b) => a.Start.CompareTo(b.Start));
        return intervals;
    }

    /// <summary>The share of <paramref name="procs"/> processors that <paramref name="collectorCpuNs"/> of work fills over <paramref name="durationNs"/>, at most 1.</summary>
    public static double ConcurrentShare(double collectorCpuNs, double durationNs, int procs) =>
        durationNs <= 0 || collectorCpuNs <= 0 ? 0 : Math.Min(1, collectorCpuNs / (durationNs * Math.Max(1, procs)));

    public static double Compute(IReadOnlyList<(long Start, long End)> pauses, long totalNs, long windowNs) =>
        Compute(AsIntervals(pauses), totalNs, windowNs);

    public static double Compute(IReadOnlyList<CollectorInterval> intervals, long totalNs, long windowNs) =>
        Compute(new CollectorTime(intervals), totalNs, windowNs);

    private static CollectorInterval[] AsIntervals(IReadOnlyList<(long Start, long End)> pauses) =>
        pauses.Select(pause => new CollectorInterval(pause.Start, pause.End, 1)).ToArray();

    private static double Compute(CollectorTime collector, long totalNs, long windowNs)
    {
        if (windowNs <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(windowNs), windowNs, "The window must be longer than zero.");
        }

        if (windowNs >= totalNs)
        {
            return totalNs <= 0 ? 1 : Math.Max(0, 1 - collector.Before(totalNs) / totalNs);
        }

        var latest = totalNs - windowNs;
        var worst = Math.Min(Utilization(collector, 0, windowNs), Utilization(collector, latest, windowNs));
        foreach (var step in collector.Steps)
        {
            worst = Math.Min(worst, Utilization(collector, Math.Clamp(step, 0, latest), windowNs));
            worst = Math.Min(worst, Utilization(collector, Math.Clamp(step - windowNs, 0, latest), windowNs));
        }

        return Math.Max(0, worst);
    }

    private static double Utilization(CollectorTime collector, long from, long windowNs) =>
        1 - (collector.Before(from + windowNs) - collector.Before(from)) / windowNs;

    /// <summary>The collector's share of the machine as a step function, and its integral: the time taken before any moment.</summary>
    private sealed class CollectorTime
    {
        private readonly double[] _takenBefore;
        private readonly double[] _shares;

        public CollectorTime(IReadOnlyList<CollectorInterval> intervals)
        {
            // Where the share changes, and by how much: overlapping intervals add up, to at most the whole machine.
            var changes = new SortedDictionary<long, double>();
            foreach (var interval in intervals.Where(i => i.End > i.Start && i.Share > 0))
            {
                changes[interval.Start] = changes.GetValueOrDefault(interval.Start) + interval.Share;
                changes[interval.End] = changes.GetValueOrDefault(interval.End) - interval.Share;
            }

            Steps = changes.Keys.ToArray();
            _shares = new double[Steps.Length];
            _takenBefore = new double[Steps.Length];
            var level = 0.0;
            for (var i = 0; i < Steps.Length; i++)
            {
                _takenBefore[i] = i == 0 ? 0 : _takenBefore[i - 1] + _shares[i - 1] * (Steps[i] - Steps[i - 1]);
                level += changes[Steps[i]];
                _shares[i] = Math.Clamp(level, 0, 1);
            }
        }

        /// <summary>The moments where the collector's share changes, in order.</summary>
        public long[] Steps { get; }

        /// <summary>Collector time (share times duration) before <paramref name="t"/>.</summary>
        public double Before(long t)
        {
            var i = Array.BinarySearch(Steps, t);
            if (i < 0)
            {
                i = ~i - 1;
            }

            return i < 0 ? 0 : _takenBefore[i] + _shares[i] * (t - Steps[i]);
        }
    }

    public static IReadOnlyList<(long WindowNs, double Utilization)> Curve(IReadOnlyList<(long Start, long End)> pauses, long totalNs, long smallestNs = 10_000, int points = 40) =>
        Curve(AsIntervals(pauses), totalNs, smallestNs, points);

    public static IReadOnlyList<(long WindowNs, double Utilization)> Curve(IReadOnlyList<CollectorInterval> intervals, long totalNs, long smallestNs = 10_000, int points = 40)
    {
        var curve = new List<(long, double)>();
        if (totalNs <= smallestNs)
        {
            return curve;
        }

        var collector = new CollectorTime(intervals);
        var ratio = Math.Pow((double)totalNs / smallestNs, 1.0 / (points - 1));
        var window = (double)smallestNs;
        for (var i = 0; i < points; i++, window *= ratio)
        {
            var w = (long)Math.Round(window);
            curve.Add((w, Compute(collector, totalNs, w)));
        }

        return curve;
    }
}
