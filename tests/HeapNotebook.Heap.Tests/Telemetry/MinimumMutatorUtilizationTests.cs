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
}
