namespace HeapNotebook.Kernel.Cells;

public sealed class CellInterruptedException() : OperationCanceledException("Execution was interrupted (interrupt_request); the kernel kept its state.");
