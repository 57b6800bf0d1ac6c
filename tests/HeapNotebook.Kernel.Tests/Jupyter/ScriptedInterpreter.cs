using HeapNotebook.Kernel.Cells;
using HeapNotebook.Kernel.Display;

namespace HeapNotebook.Kernel.Tests.Jupyter;

/// <summary>
/// A stand-in interpreter for router tests: "fail" fails, "throw" throws, "wait" waits until interrupted,
/// "interrupted?" returns whether it was interrupted, "print X" writes X, anything else returns itself.
/// </summary>
public sealed class ScriptedInterpreter : IKernelInterpreter
{
    public const string ThrowCode = "throw";
    public const string WaitCode = "wait";
    public const string TokenStateCode = "interrupted?";

    /// <summary>Set when a "wait" cell has started waiting.</summary>
    public ManualResetEventSlim Waiting { get; } = new();

    public List<string> Executed { get; } = [];

    public string LanguageVersion => "test";

    public ExecutionError? Execute(string code, ICellPublisher publisher, CancellationToken interrupt)
    {
        Executed.Add(code);
        if (code == WaitCode)
        {
            Waiting.Set();
            return interrupt.WaitHandle.WaitOne(TimeSpan.FromSeconds(30))
                ? ExecutionError.Simple("Interrupted", "interrupted")
                : ExecutionError.Simple("NotInterrupted", "waited 30 s for an interrupt");
        }
        if (code == "fail")
        {
            return ExecutionError.Simple("Failure", "asked to fail");
        }
        if (code == TokenStateCode)
        {
            publisher.PublishResult(MimeBundle.PlainText(interrupt.IsCancellationRequested ? "interrupted" : "not interrupted"));
            return null;
        }
        if (code == ThrowCode)
        {
            throw new InvalidOperationException("the interpreter broke");
        }
        if (code.StartsWith("print ", StringComparison.Ordinal))
        {
            publisher.WriteStream("stdout", code[6..] + "\n");
            return null;
        }
        publisher.PublishResult(MimeBundle.PlainText(code));
        return null;
    }

    public CompletionResult Complete(string code, int cursor) => new(["completed"], 0, cursor);

    public InspectionResult Inspect(string code, int cursor) => new(true, "inspected");

    public CompletenessResult IsComplete(string code) => new(code.EndsWith('{') ? "incomplete" : "complete", code.EndsWith('{') ? "    " : null);

    public void Warm()
    {
    }
}
