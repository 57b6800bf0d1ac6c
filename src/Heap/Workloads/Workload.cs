namespace HeapNotebook.Heap.Workloads;

/// <summary>
/// The shared frame of every workload: counts allocations, reports progress, and when cancelled
/// or failed (a simulated out-of-memory, say) unwinds the stack frames the workload pushed, so
/// the heap is left consistent, nothing stays pinned, and the result says how far it got.
/// </summary>
public abstract class Workload : IWorkload
{
    private CancellationToken _cancellation;
    private IProgress<double>? _progress;
    private double _lastReported;

    public abstract string Name { get; }

    protected double FractionDone { get; private set; }

    public WorkloadResult Run(SimulatedHeap heap, WorkloadContext context)
    {
        ArgumentNullException.ThrowIfNull(heap);
        ArgumentNullException.ThrowIfNull(context);
        _cancellation = context.Cancellation;
        _progress = context.Progress;
        FractionDone = 0;
        _lastReported = 0;
        var framesAtStart = heap.FrameDepth;
        var mallocsAtStart = heap.Stats.Mallocs;
        long checksum;
        bool completed;
        try
        {
            checksum = Execute(heap);
            completed = true;
            ReportProgress(1.0);
        }
        catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
        {
            Unwind(heap, framesAtStart);
            checksum = 0;
            completed = false;
        }
        catch
        {
            Unwind(heap, framesAtStart);
            throw;
        }

        return new WorkloadResult(Name, heap.Stats.Mallocs - mallocsAtStart, checksum, completed, FractionDone);
    }

    private static void Unwind(SimulatedHeap heap, int framesAtStart)
    {
        while (heap.FrameDepth > framesAtStart)
        {
            heap.PopFrame();
        }
    }

    /// <summary>Runs the program; returns a checksum of what it computed.</summary>
    protected abstract long Execute(SimulatedHeap heap);

    /// <summary>Throws when the run was cancelled, and reports progress at most every 1 %.</summary>
    protected void Checkpoint(double fractionDone)
    {
        _cancellation.ThrowIfCancellationRequested();
        ReportProgress(fractionDone);
    }

    private void ReportProgress(double fraction)
    {
        FractionDone = fraction;
        if (_progress is not null && (fraction - _lastReported >= 0.01 || fraction >= 1.0))
        {
            _lastReported = fraction;
            _progress.Report(fraction);
        }
    }
}
