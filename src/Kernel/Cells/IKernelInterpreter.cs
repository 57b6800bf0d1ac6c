namespace HeapNotebook.Kernel.Cells;

/// <summary>The interpreter layer: cells in, outputs through a publisher; it never sees a socket.</summary>
public interface IKernelInterpreter
{
    string LanguageVersion { get; }

    /// <summary>Runs a cell; returns the error that ended it, or null when it succeeded.</summary>
    ExecutionError? Execute(string code, ICellPublisher publisher);

    /// <summary>Stops the running cell (safe to call from another thread, and when nothing runs).</summary>
    void Interrupt();

    CompletionResult Complete(string code, int cursor);

    InspectionResult Inspect(string code, int cursor);

    CompletenessResult IsComplete(string code);

    /// <summary>Loads expensive machinery ahead of the first cell; the kernel calls it after it answers.</summary>
    void Warm();
}
