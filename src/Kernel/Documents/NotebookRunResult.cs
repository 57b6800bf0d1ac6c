
namespace HeapNotebook.Kernel.Documents;

public sealed record NotebookRunResult(IReadOnlyList<CellFailure> Failures)
{
    public bool Succeeded => Failures.Count == 0;
}
