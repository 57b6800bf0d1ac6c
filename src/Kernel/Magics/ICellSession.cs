using HeapNotebook.Kernel.Cells;

namespace HeapNotebook.Kernel.Magics;

/// <summary>The session state magics may read.</summary>
public interface ICellSession
{
    IReadOnlyList<ScriptVariable> Variables { get; }

    MagicRegistry Magics { get; }

    /// <summary>The globals C# cells see; <see cref="ScriptGlobals.Heap"/> is the current heap.</summary>
    ScriptGlobals Globals { get; }

    /// <summary>Declares a C# variable of <paramref name="type"/> holding <paramref name="value"/> for the code that runs next (#!heap stats --as s).</summary>
    void BindVariable(string name, Type type, object? value);

    /// <summary>Throws an ArgumentException saying why <see cref="BindVariable"/> would refuse <paramref name="name"/>, so a magic can check before it does its work.</summary>
    void CheckVariableName(string name);
}
