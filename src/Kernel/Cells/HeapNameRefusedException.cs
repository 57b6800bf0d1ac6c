namespace HeapNotebook.Kernel.Cells;

/// <summary>
/// A cell assigned to <see cref="ScriptGlobals.Heap"/> a heap whose own name another heap of the session has, or a
/// name '#!heap' commands cannot use; Heap was left as it was. The C# counterpart of '#!heap new --name' refusing
/// such a name.
/// </summary>
public sealed class HeapNameRefusedException(string message) : InvalidOperationException(message);
