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

    /// <summary>At a method's entry: also turns runaway recursion into an exception instead of a stack overflow that would end the kernel.</summary>
    public static void CheckMethodEntry()
    {
        System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
        Check();
    }

    public static void Check()
    {
        if (CurrentToken.Value.IsCancellationRequested)
        {
            throw new CellInterruptedException();
        }
    }
}
