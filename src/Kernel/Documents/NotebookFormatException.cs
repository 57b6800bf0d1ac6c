namespace HeapNotebook.Kernel.Documents;

/// <summary>A file that is not a notebook this kernel can read, with the reason.</summary>
public sealed class NotebookFormatException(string message) : Exception(message);
