using HeapNotebook.Kernel.Cells;

namespace HeapNotebook.Kernel.Magics;

/// <summary>What a magic command gets: its arguments, the cell's outputs and the session it runs in.</summary>
public sealed record MagicInvocation(string Arguments, CellOutputContext Outputs, ICellSession Session)
{
    /// <summary>Actions to run after the rest of the cell, in reverse order of registration (used by #!time).</summary>
    public required List<Action> AfterCell { get; init; }

    /// <summary>The directive's line in the cell (1-based), for error positions.</summary>
    public int Line { get; init; } = 1;

    /// <summary>Cancelled when the user interrupts the cell (long magics such as #!heap run stop early).</summary>
    public CancellationToken Interrupt { get; init; }
}
