using HeapNotebook.Heap.Pacing;

namespace HeapNotebook.Heap.Tests.Pacing;

public sealed class HeapGoalTests
{
    private const long MiB = 1 << 20;

    [Theory]
    [InlineData(10 * MiB, 1 * MiB, 1 * MiB, 100, 22 * MiB)] // 10 + (10 + 1 + 1) × 1
    [InlineData(10 * MiB, 1 * MiB, 1 * MiB, 50, 16 * MiB)]  // 10 + 12 × 0.5
    [InlineData(10 * MiB, 0, 0, 200, 30 * MiB)]            // 10 + 10 × 2
    [InlineData(10 * MiB, 1 * MiB, 1 * MiB, 0, 10 * MiB)]  // GOGC 0: the goal is the marked heap
    [InlineData(1 * MiB, 0, 0, 100, 4 * MiB)]              // 2 MiB is below the 4 MiB floor
    [InlineData(1 * MiB, 0, 0, 200, 8 * MiB)]              // 3 MiB is below the 4 MiB × 2 floor
    [InlineData(0, 0, 0, 50, 2 * MiB)]                     // the floor scales with GOGC
    [InlineData(3 * MiB, 0, 0, 50, 9 * MiB / 2)]           // 4.5 MiB is above the 2 MiB floor
    public void Compute_gives_marked_plus_marked_stacks_and_globals_times_GOGC_at_least_4_MiB_times_GOGC(long marked, long stacks, long globals, int gogc, long expected)
    {
        Assert.Equal(expected, HeapGoal.Compute(marked, stacks, globals, gogc));
    }

    [Fact]
    public void Compute_uses_the_minimum_it_is_given_instead_of_4_MiB()
    {
        Assert.Equal(64 * 1024, HeapGoal.Compute(1000, 0, 0, 100, minimumHeapBytes: 64 * 1024));
        Assert.Equal(32 * 1024, HeapGoal.Compute(1000, 0, 0, 50, minimumHeapBytes: 64 * 1024));
        Assert.Equal(2000 + 16, HeapGoal.Compute(1000, 8, 8, 100, minimumHeapBytes: 0));
    }

    [Fact]
    public void GOGC_off_means_no_goal()
    {
        Assert.Equal(long.MaxValue, HeapGoal.NoGoal);
        Assert.Equal(HeapGoal.NoGoal, HeapGoal.Compute(10 * MiB, 1 * MiB, 1 * MiB, null));
    }

    [Fact]
    public void A_new_heap_starts_with_the_floor_as_its_goal()
    {
        Assert.Equal(4 * MiB, new SimulatedHeap().HeapGoalBytes);
        Assert.Equal(8 * MiB, new SimulatedHeap(new HeapOptions { Gogc = 200 }).HeapGoalBytes);
        Assert.Equal(HeapGoal.NoGoal, new SimulatedHeap(new HeapOptions { Gogc = null }).HeapGoalBytes);
    }

    [Fact]
    public void With_GOGC_0_every_allocation_starts_a_cycle()
    {
        var heap = new SimulatedHeap(new HeapOptions { Verify = true, Gogc = 0 });

        for (var i = 0; i < 20; i++)
        {
            heap.Alloc(16);
        }

        Assert.Equal(20, heap.Stats.NumGC); // the heap is always at its goal of marked bytes, even at 0
        Assert.Equal(1, heap.ObjectCount);
    }
}
