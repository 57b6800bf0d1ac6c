namespace HeapNotebook.Kernel.Jupyter;

/// <summary>A connection file that cannot be used, with a message that says why.</summary>
public sealed class ConnectionFileException(string message) : Exception(message);
