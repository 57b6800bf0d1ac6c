using HeapNotebook.Kernel.Cells;
using HeapNotebook.Kernel.Display;

namespace HeapNotebook.Kernel.Tests.Jupyter;

/// <summary>A stand-in interpreter for router tests: "fail" fails, "print X" writes X, anything else returns itself.</summary>
public sealed class ScriptedInterpreter : IKernelInterpreter
{
    public int Interrupts { get; private set; }

    public List<string> Executed { get; } = [];

    public string LanguageVersion => "test";

    public ExecutionError? Execute(string code, ICellPublisher publisher)
    {
        Executed.Add(code);
        if (code == "fail")
        {
            return ExecutionError.Simple("Failure", "asked to fail");
        }
        if (code.StartsWith("print ", StringComparison.Ordinal))
        {
            publisher.WriteStream("stdout", code[6..] + "\n");
            return null;
        }
        publisher.PublishResult(MimeBundle.PlainText(code));
        return null;
    }

    public void Interrupt() => Interrupts++;

    public CompletionResult Complete(string code, int cursor) => new(["completed"], 0, cursor);

    public InspectionResult Inspect(string code, int cursor) => new(true, "inspected");

    public CompletenessResult IsComplete(string code) => new(code.EndsWith('{') ? "incomplete" : "complete", code.EndsWith('{') ? "    " : null);

    public void Warm()
    {
    }
}
