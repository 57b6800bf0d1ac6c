namespace HeapNotebook.Kernel.Cells;

public sealed class CellInterruptedException() : OperationCanceledException("Execution was interrupted (interrupt_request); the kernel kept its state.")
{
    /// <summary>The ename of every interrupted cell, whatever stopped (a C# loop, a run, a load), so a client can tell an interrupt from a failure.</summary>
    public const string ErrorName = "Interrupted";
}
