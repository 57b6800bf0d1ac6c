namespace HeapNotebook.Kernel.Cells;

/// <summary>
/// The check that <see cref="InterruptionRewriter"/> puts at the top of every loop body and
/// method in a C# submission. The token flows with the execution context, so each interpreter
/// (and the tasks its cells start) sees its own.
/// </summary>
public static class InterruptionPoint
{
    private static readonly AsyncLocal<CancellationToken> CurrentToken = new();

    public static CancellationToken Current
    {
        get => CurrentToken.Value;
        internal set => CurrentToken.Value = value;
    }

    public static void Check()
    {
        if (CurrentToken.Value.IsCancellationRequested)
        {
            throw new CellInterruptedException();
        }
    }
}
