namespace HeapNotebook.Heap.Pacing;

/// <summary>
/// Go's GC pacer (runtime/mgcpacer.go, Go 1.21), the parts that set when a cycle starts and how
/// hard allocating goroutines must help:
///
///  - goal: the GOGC goal (see <see cref="HeapGoal"/>), lowered by a memory limit to
///    limit − non-heap − overage − headroom, headroom = max(3 %, 1 MiB), never below the marked heap;
///  - runway = consMark × (1 − u)/u × (last heap scan + stack scan + globals scan), u = 0.25:
///    how many bytes the program allocates while the background workers do a cycle's scan work;
///  - trigger = goal − runway, clamped between 0.7 and 0.95 of the way from the marked heap to
///    the goal (and to goal − 4 MiB for large goals), never below the sweep distance;
///  - consMark: the allocation-to-scan ratio seen last cycle, the maximum over the last four;
///  - assist ratio = scan work left / heap runway left: scan bytes owed per byte allocated.
/// </summary>
public sealed class GoPacer
{
    public const double BackgroundUtilization = 0.25;
    public const long HeapMinimumBytes = 4L << 20;
    public const long MemoryLimitMinHeadroomBytes = 1L << 20;
    public const long SweepMinHeapDistanceBytes = 1L << 20;
    private const int TriggerRatioDenominator = 64;
    private const int MinTriggerRatioNumerator = 45; // 0.70
    private const int MaxTriggerRatioNumerator = 61; // 0.95

    private readonly double[] _lastConsMark = new double[4];

    /// <summary>The current cons/mark estimate (bytes allocated per byte scanned, scaled by utilization).</summary>
    public double ConsMark { get; private set; }

    /// <summary>Heap scan work (bytes) of the last completed cycle.</summary>
    public long LastHeapScan { get; private set; }

    /// <summary>The GOGC goal, with the memory limit applied when there is one.</summary>
    public static long Goal(long heapMarked, long stackScan, long globalsScan, int? gogc, long? memoryLimit, long nonHeapBytes, long mappedBytes, long minimumHeapBytes = HeapMinimumBytes)
    {
        var goal = HeapGoal.Compute(heapMarked, stackScan, globalsScan, gogc, minimumHeapBytes);
        if (memoryLimit is { } limit)
        {
            goal = Math.Min(goal, MemoryLimitGoal(limit, nonHeapBytes, mappedBytes, heapMarked));
        }

        return goal;
    }

    /// <summary>The heap goal a memory limit allows: limit − non-heap − overage − headroom, never below the marked heap.</summary>
    public static long MemoryLimitGoal(long memoryLimit, long nonHeapBytes, long mappedBytes, long heapMarked)
    {
        var overage = Math.Max(0, mappedBytes - memoryLimit);
        if (nonHeapBytes + overage >= memoryLimit)
        {
            return heapMarked;
        }

        var goal = memoryLimit - (nonHeapBytes + overage);
        var headroom = Math.Max(goal / 100 * 3, MemoryLimitMinHeadroomBytes);
        goal = goal < headroom || goal - headroom < headroom ? headroom : goal - headroom;
        return Math.Max(goal, heapMarked);
    }

    /// <summary>Bytes the program may allocate while the background workers finish a cycle's scan work.</summary>
    public long Runway(long stackScan, long globalsScan) =>
        (long)(ConsMark * (1 - BackgroundUtilization) / BackgroundUtilization * (LastHeapScan + stackScan + globalsScan));

    /// <summary>Where the next cycle starts, as Go's gcControllerState.trigger computes it.</summary>
    public static long Trigger(long goal, long heapMarked, long runway, long sweepDistanceMinTrigger)
    {
        if (goal == HeapGoal.NoGoal)
        {
            return HeapGoal.NoGoal;
        }

        if (heapMarked >= goal)
        {
            return goal;
        }

        var minTrigger = Math.Max(sweepDistanceMinTrigger, heapMarked);
        var distance = goal - heapMarked;
        minTrigger = Math.Max(minTrigger, distance / TriggerRatioDenominator * MinTriggerRatioNumerator + heapMarked);
        var maxTrigger = distance / TriggerRatioDenominator * MaxTriggerRatioNumerator + heapMarked;
        if (goal > HeapMinimumBytes && goal - HeapMinimumBytes > maxTrigger)
        {
            maxTrigger = goal - HeapMinimumBytes;
        }

        maxTrigger = Math.Max(maxTrigger, minTrigger);
        var trigger = runway > goal ? minTrigger : goal - runway;
        trigger = Math.Clamp(trigger, minTrigger, maxTrigger);
        return Math.Min(trigger, goal);
    }

    /// <summary>Scan bytes an allocating goroutine owes per byte it allocates while marking.</summary>
    public static double AssistWorkPerByte(long scanWorkExpected, long scanWorkDone, long heapGoal, long heapLive)
    {
        var remaining = Math.Max(1000, scanWorkExpected - scanWorkDone);
        var heapRemaining = Math.Max(1, heapGoal - heapLive);
        return (double)remaining / heapRemaining;
    }

    /// <summary>Updates the cons/mark estimate at the end of a cycle (Go's endCycle) and remembers its scan work.</summary>
    public void EndCycle(long heapLiveAtMarkEnd, long heapLiveAtTrigger, long scanWork, long heapScanWork, long assistTimePs, long markDurationPs, int procs, long idleTimePs = 0)
    {
        LastHeapScan = heapScanWork;
        var utilization = BackgroundUtilization;
        if (markDurationPs > 0)
        {
            utilization += (double)assistTimePs / ((double)markDurationPs * procs);
        }

        if (heapLiveAtMarkEnd <= heapLiveAtTrigger || scanWork <= 0 || utilization >= 1)
        {
            return;
        }

        // Scanning had the idle workers' time too; allocating did not lose it (Go's endCycle).
        var idleUtilization = markDurationPs > 0 ? (double)idleTimePs / ((double)markDurationPs * procs) : 0;
        var current = (heapLiveAtMarkEnd - heapLiveAtTrigger) * (utilization + idleUtilization) / (scanWork * (1 - utilization));
        ConsMark = current;
        foreach (var previous in _lastConsMark)
        {
            ConsMark = Math.Max(ConsMark, previous);
        }

        Array.Copy(_lastConsMark, 1, _lastConsMark, 0, _lastConsMark.Length - 1);
        _lastConsMark[^1] = current;
    }
}
