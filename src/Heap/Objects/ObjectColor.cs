namespace HeapNotebook.Heap.Objects;

/// <summary>The tri-colour abstraction: white = not yet reached, grey = reached but its slots not yet scanned, black = reached and scanned.</summary>
public enum ObjectColor : byte
{
    White = 0,
    Grey = 1,
    Black = 2,
}
