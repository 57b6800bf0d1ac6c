namespace HeapNotebook.Kernel.Cells;

/// <summary>
/// A cell assigned to <see cref="ScriptGlobals.Heap"/> a heap whose own name another heap of the session has; Heap
/// was left as it was. The C# counterpart of '#!heap new --name' refusing a name in use (HN0008).
/// </summary>
public sealed class HeapNameInUseException(string message) : InvalidOperationException(message);
