using HeapNotebook.Kernel.Cells;

namespace HeapNotebook.Kernel.Tests.Cells;

/// <summary>Runs a cell through an interpreter and records its outputs: the one way the kernel tests execute code.</summary>
internal static class CellRuns
{
    public static (ExecutionError? Error, RecordingPublisher Outputs) RunCell(this CellInterpreter interpreter, string code)
    {
        var publisher = new RecordingPublisher();
        return (interpreter.Execute(code, publisher), publisher);
    }

    /// <summary>Runs a cell that must succeed; a failure names the cell and its error.</summary>
    public static RecordingPublisher RunOk(this CellInterpreter interpreter, string code)
    {
        var (error, outputs) = interpreter.RunCell(code);
        Assert.True(error is null, $"{code}\nfailed with: {error?.Value}");
        return outputs;
    }
}
