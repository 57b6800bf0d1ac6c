namespace HeapNotebook.Kernel.Cells;

/// <summary>The interpreter layer: cells in, outputs through a publisher; it never sees a socket.</summary>
public interface IKernelInterpreter
{
    string LanguageVersion { get; }

    /// <summary>Runs a cell; returns the error that ended it, or null when it succeeded. Cancelling <paramref name="interrupt"/> (from any thread) stops it.</summary>
    ExecutionError? Execute(string code, ICellPublisher publisher, CancellationToken interrupt);

    CompletionResult Complete(string code, int cursor);

    InspectionResult Inspect(string code, int cursor);

    CompletenessResult IsComplete(string code);

    /// <summary>Loads expensive machinery ahead of the first cell; the kernel calls it after it answers.</summary>
    void Warm();
}
