using HeapNotebook.Kernel.Cells;

namespace HeapNotebook.Kernel.Magics;

/// <summary>A "#!name" command. Register implementations in a <see cref="MagicRegistry"/>.</summary>
public interface IMagicCommand
{
    /// <summary>The name after "#!", such as "heap".</summary>
    string Name { get; }

    /// <summary>One line for #!lsmagic.</summary>
    string Description { get; }

    /// <summary>Runs the directive; an error stops the cell before its code runs.</summary>
    ExecutionError? Run(MagicInvocation invocation);
}
