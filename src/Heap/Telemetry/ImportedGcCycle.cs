namespace HeapNotebook.Heap.Telemetry;

/// <summary>
/// One cycle read from a real Go program's gctrace line. Times are as printed (milliseconds, with
/// the precision Go printed them); heap sizes are in MB as Go prints them (bytes &gt;&gt; 20).
/// <see cref="StackMB"/> and <see cref="GlobalsMB"/> are null for lines from Go before 1.18.
/// </summary>
public sealed record ImportedGcCycle(
    int Number,
    double StartSeconds,
    int CpuPercent,
    double SweepTerminationMs,
    double MarkMs,
    double MarkTerminationMs,
    double SweepTerminationCpuMs,
    double AssistCpuMs,
    double BackgroundCpuMs,
    double IdleCpuMs,
    double MarkTerminationCpuMs,
    long HeapStartMB,
    long HeapMarkEndMB,
    long HeapMarkedMB,
    long GoalMB,
    long? StackMB,
    long? GlobalsMB,
    int Procs,
    bool Forced)
{
    /// <summary>Stop-the-world time of the cycle: sweep termination plus mark termination.</summary>
    public double PauseMs => SweepTerminationMs + MarkTerminationMs;
}
