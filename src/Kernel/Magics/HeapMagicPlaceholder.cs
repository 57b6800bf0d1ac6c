using HeapNotebook.Kernel.Cells;

namespace HeapNotebook.Kernel.Magics;

/// <summary>The extension point for the #!heap command language, until the simulator is merged.</summary>
public sealed class HeapMagicPlaceholder : IMagicCommand
{
    public string Name => "heap";

    public string Description => "Drive the simulated heap (new, alloc, run, gc, stats, map, ...).";

    public ExecutionError? Run(MagicInvocation invocation) =>
        ExecutionError.Simple("MagicNotAvailable", "#!heap is not available yet in this build");
}
