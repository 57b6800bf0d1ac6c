using HeapNotebook.Heap.Telemetry;

namespace HeapNotebook.Heap.Tests.Telemetry;

public class MinimumMutatorUtilizationTests
{
    private const long Ms = 1_000_000;

    // A 100 ms run with one 10 ms pause at 20 ms and one 5 ms pause at 60 ms.
    private static readonly (long, long)[] Pauses = [(20 * Ms, 30 * Ms), (60 * Ms, 65 * Ms)];

    [Theory]
    [InlineData(5, 0.0)]     // a window inside the 10 ms pause
    [InlineData(10, 0.0)]
    [InlineData(20, 0.5)]    // 10 ms of pause in the worst 20 ms
    [InlineData(50, 0.7)]    // from 20 to 70 ms: both pauses, 15 of 50
    [InlineData(100, 0.85)]  // the whole run
    public void Mmu_is_the_worst_windows_mutator_share(long windowMs, double expected)
    {
        Assert.Equal(expected, MinimumMutatorUtilization.Compute(Pauses, 100 * Ms, windowMs * Ms), 9);
    }

    [Fact]
    public void The_curve_rises_with_the_window_on_a_log_scale()
    {
        var curve = MinimumMutatorUtilization.Curve(Pauses, 100 * Ms, smallestNs: 1 * Ms, points: 10);

        Assert.Equal(10, curve.Count);
        Assert.Equal(1 * Ms, curve[0].WindowNs);
        Assert.Equal(100 * Ms, curve[^1].WindowNs);
        for (var i = 1; i < curve.Count; i++)
        {
            Assert.True(curve[i].Utilization >= curve[i - 1].Utilization - 1e-12);
        }
    }

    [Fact]
    public void The_pause_intervals_of_a_heap_are_its_stop_the_world_phases()
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = "go" });
        heap.Run(new HeapNotebook.Heap.Workloads.BinaryTrees(14));

        var pauses = MinimumMutatorUtilization.PauseIntervals(heap.Cycles);

        Assert.Equal(heap.Stats.PauseTotalNs, pauses.Sum(p => p.End - p.Start));
        Assert.True(MinimumMutatorUtilization.Compute(pauses, heap.Clock.Nanoseconds, 1_000_000) > 0);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Thousands_of_pauses_give_what_adding_up_every_window_gives(bool overlapping)
    {
        var random = new DeterministicRandom(42);
        var pauses = new List<(long Start, long End)>();
        long at = 0;
        for (var i = 0; i < 2_000; i++)
        {
            at += overlapping ? random.NextInt(0, 3_000) : random.NextInt(1, 3_000);
            var end = at + random.NextInt(1, 2_000);
            pauses.Add((at, end));
            at = overlapping ? at : end;
        }
        var total = pauses.Max(p => p.End) + 1_000;

        foreach (var window in new long[] { 1, 500, 2_000, 10_000, 100_000, total / 2 })
        {
            Assert.Equal(AddingUpEveryWindow(pauses, total, window), MinimumMutatorUtilization.Compute(pauses, total, window));
        }
    }

    // The same run where the 10 ms pause is followed by a 40 ms concurrent mark that takes a quarter of the machine.
    private static readonly CollectorInterval[] PauseThenMark = [new(20 * Ms, 30 * Ms, 1), new(30 * Ms, 70 * Ms, 0.25)];

    [Theory]
    [InlineData(5, 0.0)]      // inside the pause
    [InlineData(20, 0.375)]   // 20 to 40 ms: 10 ms of pause and 10 ms of marking at a quarter
    [InlineData(40, 0.5625)]  // 20 to 60 ms: 10 + 30 / 4 of 40
    [InlineData(100, 0.8)]    // the whole run: 10 + 40 / 4 of 100
    public void A_concurrent_mark_takes_its_share_of_every_window_it_overlaps(long windowMs, double expected)
    {
        Assert.Equal(expected, MinimumMutatorUtilization.Compute(PauseThenMark, 100 * Ms, windowMs * Ms), 9);
    }

    [Fact]
    public void Shared_intervals_give_what_sliding_the_window_one_step_at_a_time_gives()
    {
        var random = new DeterministicRandom(7);
        var intervals = new List<CollectorInterval>();
        long at = 0;
        for (var i = 0; i < 60; i++)
        {
            at += random.NextInt(0, 40);
            var end = at + random.NextInt(1, 60);
            intervals.Add(new(at, end, random.NextInt(0, 2) == 0 ? 1 : random.NextInt(1, 100) / 100.0));
            at = end;
        }
        var total = at + 50;

        foreach (var window in new long[] { 1, 7, 30, 100, 333, total / 2, total - 1 })
        {
            var slowly = 1.0;
            for (var from = 0L; from + window <= total; from++)
            {
                var taken = intervals.Sum(i => i.Share * Math.Max(0, Math.Min(i.End, from + window) - Math.Max(i.Start, from)));
                slowly = Math.Min(slowly, 1 - taken / window);
            }

            Assert.Equal(slowly, MinimumMutatorUtilization.Compute(intervals, total, window), 9);
        }
    }

    [Fact]
    public void A_go_heap_on_one_proc_loses_its_pauses_assists_and_background_marking_over_the_whole_run()
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = "go", Procs = 1 });
        heap.Run(new HeapNotebook.Heap.Workloads.BinaryTrees(14));

        var intervals = MinimumMutatorUtilization.CollectorIntervals(heap.Cycles);
        var marks = intervals.Where(i => i.Share < 1).ToArray();
        var collectorNs = heap.Stats.PauseTotalNs + heap.Cycles.Sum(c => c.AssistCpuNs + c.BackgroundCpuNs);

        Assert.NotEmpty(marks);
        Assert.All(marks, mark => Assert.InRange(mark.Share, 0.25, 1));
        Assert.Equal(1 - (double)collectorNs / heap.Clock.Nanoseconds, MinimumMutatorUtilization.Compute(intervals, heap.Clock.Nanoseconds, heap.Clock.Nanoseconds), 6);
        Assert.True(MinimumMutatorUtilization.Compute(intervals, heap.Clock.Nanoseconds, 1_000_000)
            < MinimumMutatorUtilization.Compute(MinimumMutatorUtilization.PauseIntervals(heap.Cycles), heap.Clock.Nanoseconds, 1_000_000));
    }

    /// <summary>The definition, slowly: every candidate window, the time inside it covered by some pause (overlapping pauses stop the program once).</summary>
    private static double AddingUpEveryWindow(IReadOnlyList<(long Start, long End)> pauses, long total, long window)
    {
        var worst = 1.0;
        foreach (var (start, end) in pauses)
        {
            foreach (var candidate in new[] { start, end - window })
            {
                var from = Math.Clamp(candidate, 0, total - window);
                long paused = 0, coveredTo = from;
                foreach (var (clippedStart, clippedEnd) in pauses.Select(p => (Math.Max(p.Start, from), Math.Min(p.End, from + window))).OrderBy(p => p.Item1))
                {
                    paused += Math.Max(0, clippedEnd - Math.Max(clippedStart, coveredTo));
                    coveredTo = Math.Max(coveredTo, clippedEnd);
                }
                worst = Math.Min(worst, 1 - (double)paused / window);
            }
        }
        return Math.Max(0, worst);
    }
}
