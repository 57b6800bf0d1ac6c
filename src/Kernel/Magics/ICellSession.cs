using HeapNotebook.Kernel.Cells;

namespace HeapNotebook.Kernel.Magics;

/// <summary>The session state magics may read.</summary>
public interface ICellSession
{
    IReadOnlyList<ScriptVariable> Variables { get; }

    MagicRegistry Magics { get; }
}
