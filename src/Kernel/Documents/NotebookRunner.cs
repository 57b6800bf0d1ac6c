using System.Text.Json.Nodes;
using HeapNotebook.Kernel.Cells;

namespace HeapNotebook.Kernel.Documents;

/// <summary>
/// Runs a notebook's code cells in order through the kernel's interpreter, in process, and
/// records their outputs. Stops at the first failing cell unless told to continue; cells that
/// did not run are left without outputs. A cell tagged "raises-exception" may fail without stopping the run.
/// </summary>
public sealed class NotebookRunner(IKernelInterpreter interpreter)
{
    public NotebookRunResult Run(NotebookDocument document, bool continueOnError)
    {
        var displaysById = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        var executionCount = 0;
        var failures = new List<CellFailure>();
        var stopped = false;
        for (var index = 0; index < document.Cells.Count; index++)
        {
            var cell = document.Cells[index];
            if (!cell.IsCode)
            {
                continue;
            }
            if (stopped)
            {
                cell.Outputs = new JsonArray();
                cell.ExecutionCount = null;
                continue;
            }
            executionCount++;
            var collector = new NotebookOutputCollector(executionCount, displaysById);
            var code = cell.Language == CellLanguage.CSharp ? cell.Source : $"#!{cell.Language}\n{cell.Source}";
            var error = interpreter.Execute(code, collector, CancellationToken.None);
            if (error is not null)
            {
                collector.PublishError(error);
                if (!cell.ExpectsError)
                {
                    failures.Add(new CellFailure(index + 1, error));
                    stopped = !continueOnError;
                }
            }
            cell.Outputs = collector.Outputs;
            cell.ExecutionCount = executionCount;
        }
        document.Metadata["language_info"] = Jupyter.KernelIdentity.LanguageInfo(interpreter.LanguageVersion);
        return new NotebookRunResult(failures);
    }
}
