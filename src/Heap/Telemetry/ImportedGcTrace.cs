namespace HeapNotebook.Heap.Telemetry;

/// <summary>What <see cref="GcTraceParser"/> made of a gctrace log: the cycles it understood, and every line it could not (with its line number), counted rather than fatal.</summary>
public sealed record ImportedGcTrace(IReadOnlyList<ImportedGcCycle> Cycles, IReadOnlyList<(int Line, string Text)> Unparsed)
{
    public int ForcedCycles => Cycles.Count(c => c.Forced);

    public double PauseTotalMs => Cycles.Sum(c => c.PauseMs);

    public double MaxPauseMs => Cycles.Count == 0 ? 0 : Cycles.Max(c => c.PauseMs);

    /// <summary>True when every cycle came from the Go 1.18+ format (with stacks and globals).</summary>
    public bool HasStacksAndGlobals => Cycles.Count > 0 && Cycles.All(c => c.StackMB is not null);
}
