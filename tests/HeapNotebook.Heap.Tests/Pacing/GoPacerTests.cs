using HeapNotebook.Heap.Pacing;

namespace HeapNotebook.Heap.Tests.Pacing;

public class GoPacerTests
{
    private const long MiB = 1 << 20;

    [Fact]
    public void Goal_counts_stacks_and_globals_as_go_1_18_does()
    {
        Assert.Equal(22 * MiB, GoPacer.Goal(10 * MiB, 1 * MiB, 1 * MiB, 100, null, 0, 0));
        Assert.Equal(16 * MiB, GoPacer.Goal(10 * MiB, 1 * MiB, 1 * MiB, 50, null, 0, 0));
    }

    [Theory]
    [InlineData(100, 4)]
    [InlineData(200, 8)]
    [InlineData(50, 2)]
    public void Goal_never_falls_below_four_MiB_times_GOGC_over_100(int gogc, long expectedMiB)
    {
        Assert.Equal(expectedMiB * MiB, GoPacer.Goal(1 * MiB, 0, 0, gogc, null, 0, 0));
    }

    [Fact]
    public void GOGC_off_means_no_goal_unless_a_memory_limit_sets_one()
    {
        Assert.Equal(HeapGoal.NoGoal, GoPacer.Goal(10 * MiB, 0, 0, null, null, 0, 0));
        Assert.Equal(63_061_361, GoPacer.Goal(10 * MiB, 0, 0, null, 64 * MiB, 2 * MiB, 40 * MiB));
    }

    [Fact]
    public void Memory_limit_goal_subtracts_non_heap_memory_and_three_percent_headroom()
    {
        // 64 MiB − 2 MiB non-heap = 65,011,712; headroom 65,011,712 / 100 × 3 = 1,950,351.
        Assert.Equal(63_061_361, GoPacer.MemoryLimitGoal(64 * MiB, 2 * MiB, 40 * MiB, 10 * MiB));
    }

    [Fact]
    public void Memory_limit_goal_subtracts_the_overage_when_mapped_memory_is_over_the_limit()
    {
        // Overage 70 − 64 = 6 MiB: 64 − 8 = 56 MiB = 58,720,256; headroom 587,202 × 3 = 1,761,606.
        Assert.Equal(56_958_650, GoPacer.MemoryLimitGoal(64 * MiB, 2 * MiB, 70 * MiB, 10 * MiB));
    }

    [Fact]
    public void Memory_limit_goal_uses_at_least_one_MiB_of_headroom_and_never_goes_below_the_marked_heap()
    {
        Assert.Equal(10 * MiB - 1 * MiB, GoPacer.MemoryLimitGoal(10 * MiB, 0, 0, 0));
        Assert.Equal(30 * MiB, GoPacer.MemoryLimitGoal(10 * MiB, 0, 0, 30 * MiB));
    }

    [Fact]
    public void Memory_limit_takes_over_from_GOGC_when_it_is_lower()
    {
        // GOGC 100 with 40 MiB marked wants 80 MiB; the 64 MiB limit allows 63,061,361.
        Assert.Equal(63_061_361, GoPacer.Goal(40 * MiB, 0, 0, 100, 64 * MiB, 2 * MiB, 40 * MiB));
        Assert.Equal(22 * MiB, GoPacer.Goal(10 * MiB, 1 * MiB, 1 * MiB, 100, 64 * MiB, 2 * MiB, 40 * MiB));
    }

    [Fact]
    public void Trigger_with_no_runway_is_clamped_to_95_percent_of_the_way_to_the_goal()
    {
        // marked 50 MiB, goal 100 MiB: 52,428,800 / 64 × 61 + 52,428,800 = 102,400,000.
        Assert.Equal(102_400_000, GoPacer.Trigger(100 * MiB, 50 * MiB, 0, 0));
    }

    [Fact]
    public void Trigger_with_a_long_runway_is_clamped_to_70_percent_of_the_way_to_the_goal()
    {
        // 52,428,800 / 64 × 45 + 52,428,800 = 89,292,800.
        Assert.Equal(89_292_800, GoPacer.Trigger(100 * MiB, 50 * MiB, 200 * MiB, 0));
        Assert.Equal(100 * MiB - 5 * MiB, GoPacer.Trigger(100 * MiB, 50 * MiB, 5 * MiB, 0));
    }

    [Fact]
    public void Trigger_for_a_large_goal_may_start_four_MiB_before_it()
    {
        // goal 400 MiB, marked 300 MiB: 95 % is 414,515,200 but goal − 4 MiB = 415,236,096 is allowed.
        Assert.Equal(415_236_096, GoPacer.Trigger(400 * MiB, 300 * MiB, 0, 0));
    }

    [Fact]
    public void Trigger_respects_the_sweep_distance_and_the_first_cycle_starts_at_95_percent_of_four_MiB()
    {
        Assert.Equal(95 * MiB, GoPacer.Trigger(100 * MiB, 50 * MiB, 60 * MiB, 95 * MiB));
        Assert.Equal(4 * MiB / 64 * 61, GoPacer.Trigger(4 * MiB, 0, 0, 1 * MiB));
    }

    [Fact]
    public void Assist_ratio_is_scan_work_left_over_heap_left()
    {
        Assert.Equal(2.0, GoPacer.AssistWorkPerByte(10 * MiB, 2 * MiB, 20 * MiB, 16 * MiB));
        Assert.Equal(1000.0 / MiB, GoPacer.AssistWorkPerByte(1 * MiB, 2 * MiB, 20 * MiB, 19 * MiB));
        Assert.Equal(8.0 * MiB, GoPacer.AssistWorkPerByte(10 * MiB, 2 * MiB, 20 * MiB, 25 * MiB));
    }

    [Fact]
    public void ConsMark_is_allocation_over_scan_scaled_by_utilization_and_sets_the_runway()
    {
        var pacer = new GoPacer();
        Assert.Equal(0, pacer.Runway(0, 0));

        // 2 MiB allocated during a mark that scanned 4 MiB, 25 % utilization: 2 × 0.25 / (4 × 0.75) = 1/6.
        pacer.EndCycle(heapLiveAtMarkEnd: 12 * MiB, heapLiveAtTrigger: 10 * MiB, scanWork: 4 * MiB, heapScanWork: 3 * MiB, assistTimePs: 0, markDurationPs: 1_000, procs: 1);

        Assert.Equal(1.0 / 6, pacer.ConsMark, 12);
        Assert.Equal(3 * MiB, pacer.LastHeapScan);
        // runway = 1/6 × 0.75/0.25 × (3 MiB + 1 MiB stacks) = 2 MiB.
        Assert.InRange(pacer.Runway(1 * MiB, 0), 2 * MiB - 1, 2 * MiB);
    }

    [Fact]
    public void ConsMark_takes_the_maximum_of_the_last_four_cycles()
    {
        var pacer = new GoPacer();
        pacer.EndCycle(12 * MiB, 10 * MiB, 4 * MiB, 4 * MiB, 0, 1_000, 1);
        pacer.EndCycle(11 * MiB, 10 * MiB, 4 * MiB, 4 * MiB, 0, 1_000, 1);

        Assert.Equal(1.0 / 6, pacer.ConsMark, 12);
    }
}
