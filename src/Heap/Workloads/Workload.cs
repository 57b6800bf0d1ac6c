using System.Globalization;

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
    private long _checkpoints;
    private long _stopAtCheckpoint;
    private bool _insideCheckpoint;

    private readonly WorkloadRecipe? _recipe;

    /// <summary>A workload of a C# cell's own: it has no recipe, and is named after its type unless it says otherwise.</summary>
    protected Workload()
    {
    }

    /// <summary>
    /// A workload of the catalog, made with its arguments in the order of the catalog's options. They are
    /// checked by the catalog's rules first, so <c>new Churn(...)</c> in a C# cell refuses what
    /// '#!heap run churn' refuses, with the same <see cref="Errors.WorkloadException"/>; they are also the
    /// recipe a journal records a run by.
    /// </summary>
    private protected Workload(string catalogName, params long[] arguments)
    {
        WorkloadCatalog.CheckArguments(catalogName, arguments, GetType().Name);
        _recipe = new WorkloadRecipe(catalogName, arguments);
    }

    public virtual string Name => _recipe?.Name ?? GetType().Name;

    protected double FractionDone { get; private set; }

    /// <summary>How to make this workload again (built-in workloads only); a journal records a run of it as one entry.</summary>
    internal virtual WorkloadRecipe? Recipe => _recipe;

    /// <summary>
    /// The option values this workload runs with, under the catalog's option names and in its order: what it will run,
    /// which is not always what was asked (binary-trees raises a depth of 4 or 5 to 6, as the game does). Empty for a
    /// workload outside the catalog.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, long>> Settings => Recipe is { } recipe
        ? [.. WorkloadCatalog.Find(recipe.Name).Options.Zip(recipe.Arguments, (option, value) => KeyValuePair.Create(option.Name, value))]
        : [];

    /// <summary>What this workload runs differently from what it was asked, in words; null when it runs as asked.</summary>
    public virtual string? Adjustment => null;

    /// <summary><see cref="Settings"/> as the catalog writes them: "name=value, ...".</summary>
    internal string SettingsText => string.Join(", ", Settings.Select(setting => string.Create(CultureInfo.InvariantCulture, $"{setting.Key}={setting.Value}")));

    public WorkloadResult Run(SimulatedHeap heap, WorkloadContext context)
    {
        ArgumentNullException.ThrowIfNull(heap);
        ArgumentNullException.ThrowIfNull(context);
        _cancellation = context.Cancellation;
        _progress = context.Progress;
        _stopAtCheckpoint = context.StopAtCheckpoint;
        _checkpoints = 0;
        _insideCheckpoint = false;
        FractionDone = 0;
        _lastReported = 0;
        var recipe = Recipe;
        var journal = recipe is null ? null : heap.SuspendJournal();
        var randomBefore = heap.Random.State;
        try
        {
            return RunRecorded(heap);
        }
        finally
        {
            // Stopped from outside (an interrupt, or a progress callback that threw) inside a checkpoint:
            // the replay stops at the same checkpoint. Anything else the replay meets again by itself.
            var stoppedAt = _insideCheckpoint || (_stopAtCheckpoint != 0 && _checkpoints == _stopAtCheckpoint) ? _checkpoints : 0;
            heap.ResumeJournal(journal, recipe, randomBefore, stoppedAt);
        }
    }

    private WorkloadResult RunRecorded(SimulatedHeap heap)
    {
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
        catch (OperationCanceledException) when (_cancellation.IsCancellationRequested || (_stopAtCheckpoint != 0 && _checkpoints == _stopAtCheckpoint))
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

        return new WorkloadResult(Name, heap.Stats.Mallocs - mallocsAtStart, checksum, completed, FractionDone) { Settings = SettingsText, Adjustment = Adjustment };
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
        if (++_checkpoints == _stopAtCheckpoint)
        {
            throw new OperationCanceledException("The replay of a recorded run stops where the original was interrupted.");
        }

        _insideCheckpoint = true;
        _cancellation.ThrowIfCancellationRequested();
        ReportProgress(fractionDone);
        _insideCheckpoint = false;
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
