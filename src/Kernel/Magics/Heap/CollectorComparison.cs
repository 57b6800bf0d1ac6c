using System.Globalization;

namespace HeapNotebook.Kernel.Magics.Heap;

/// <summary>What #!heap compare found: one seeded workload run on a fresh heap of each collector, in the order asked.</summary>
public sealed record CollectorComparison
{
    public required string Workload { get; init; }

    /// <summary>Every option of the workload with the value it ran with (given, or its default).</summary>
    public required IReadOnlyDictionary<string, string> Options { get; init; }

    public required ulong Seed { get; init; }

    /// <summary>GOGC of every heap, null for off.</summary>
    public required int? Gogc { get; init; }

    public required IReadOnlyList<CollectorRun> Runs { get; init; }

    /// <summary>False when an interrupt stopped the comparison before every collector ran.</summary>
    public required bool Completed { get; init; }

    /// <summary>"binary-trees (depth=12), seed 1, GOGC 100".</summary>
    public string Describe()
    {
        var options = Options.Count == 0 ? "" : " (" + string.Join(", ", Options.Select(pair => $"{pair.Key}={pair.Value}")) + ")";
        return string.Create(CultureInfo.InvariantCulture, $"{Workload}{options}, seed {Seed}, GOGC {(Gogc is { } gogc ? gogc.ToString(CultureInfo.InvariantCulture) : "off")}");
    }
}
