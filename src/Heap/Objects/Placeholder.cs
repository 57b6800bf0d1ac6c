namespace HeapNotebook.Heap.Objects;

internal static class Placeholder;
