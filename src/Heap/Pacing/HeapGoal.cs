namespace HeapNotebook.Heap.Pacing;

/// <summary>
/// The GOGC part of Go's pacer (runtime/mgcpacer.go, Go 1.18 and later): the next cycle should
/// finish when the heap reaches
///     goal = heapMarked + (heapMarked + stackScan + globalsScan) × GOGC/100,
/// and never below the heap minimum, 4 MiB × GOGC/100. GOGC off means no goal at all.
/// </summary>
public static class HeapGoal
{
    public const long NoGoal = long.MaxValue;

    public static long Compute(long heapMarked, long stackScan, long globalsScan, int? gogc, long minimumHeapBytes = HeapOptions.DefaultMinimumHeapBytes)
    {
        if (gogc is not { } percent)
        {
            return NoGoal;
        }

        var goal = heapMarked + (heapMarked + stackScan + globalsScan) * percent / 100;
        var minimum = minimumHeapBytes * percent / 100;
        return Math.Max(goal, minimum);
    }
}
