namespace HeapNotebook.Kernel.Cells;

public sealed class InputNotAllowedException(string message) : InvalidOperationException(message);
