using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace HeapNotebook.Heap.Telemetry;

/// <summary>
/// What a heap has recorded so far: its MemStats now and every cycle, phases included. It is
/// what <c>#!heap export</c> writes (as JSON, CSV or gctrace lines) and what a snapshot keeps to
/// check its replay against. Field names are the C# (and Go MemStats) names; enums are written
/// as their names, numbers in the invariant culture.
/// </summary>
public sealed record HeapHistory
{
    public const string FormatName = "heapnotebook-history";

    public const int FormatVersion = 1;

    public string Format { get; init; } = FormatName;

    public int Version { get; init; } = FormatVersion;

    public required string Heap { get; init; }

    public required string Collector { get; init; }

    public required MemStats MemStats { get; init; }

    public required IReadOnlyList<GcCycle> Cycles { get; init; }

    /// <summary>The heap's history as it stands now.</summary>
    public static HeapHistory Of(SimulatedHeap heap, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(heap);
        return new HeapHistory { Heap = name ?? heap.Name, Collector = heap.Plan.Name, MemStats = heap.Stats, Cycles = heap.Cycles.ToArray() };
    }

    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
        RespectRequiredConstructorParameters = true,
    };

    private static readonly JsonSerializerOptions Compact = new(Indented) { WriteIndented = false };

    /// <summary>The options snapshots use for their payload: compact, enums by name.</summary>
    internal static JsonSerializerOptions JsonOptions => Compact;

    public string ToJson(bool indented = true) => JsonSerializer.Serialize(this, indented ? Indented : Compact);

    /// <summary>Reads what <see cref="ToJson"/> wrote; a <see cref="JsonException"/> when it is not that.</summary>
    public static HeapHistory FromJson(string json) =>
        JsonSerializer.Deserialize<HeapHistory>(json, Compact) ?? throw new JsonException("The JSON is null, not a heap history.");

    /// <summary>The Go-format gctrace line of every cycle, one per line.</summary>
    public string ToGcTrace() => string.Concat(Cycles.Select(cycle => GcTrace.Format(cycle) + "\n"));

    /// <summary>One row per cycle under a header row: every field of the cycle, then four columns per phase (empty when the cycle had no such phase).</summary>
    public string ToCsv()
    {
        var text = new StringBuilder();
        text.AppendJoin(',', CycleColumns.Select(column => column.Name)
            .Concat(Enum.GetValues<GcPhase>().SelectMany(phase => PhaseColumns.Select(column => phase + column.Name)))).Append('\n');
        foreach (var cycle in Cycles)
        {
            var cells = CycleColumns.Select(column => column.Value(cycle)).ToList();
            foreach (var phase in Enum.GetValues<GcPhase>())
            {
                var record = cycle.PhaseOf(phase);
                cells.AddRange(PhaseColumns.Select(column => record is null ? "" : column.Value(record)));
            }

            text.AppendJoin(',', cells).Append('\n');
        }

        return text.ToString();
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static readonly (string Name, Func<GcCycle, string> Value)[] CycleColumns =
    [
        (nameof(GcCycle.Number), cycle => Number(cycle.Number)),
        (nameof(GcCycle.Kind), cycle => cycle.Kind.ToString()),
        (nameof(GcCycle.Trigger), cycle => cycle.Trigger.ToString()),
        (nameof(GcCycle.Forced), cycle => cycle.Forced ? "true" : "false"),
        (nameof(GcCycle.StartNs), cycle => Number(cycle.StartNs)),
        (nameof(GcCycle.EndNs), cycle => Number(cycle.EndNs)),
        (nameof(GcCycle.PauseNs), cycle => Number(cycle.PauseNs)),
        (nameof(GcCycle.CpuNs), cycle => Number(cycle.CpuNs)),
        (nameof(GcCycle.HeapStartBytes), cycle => Number(cycle.HeapStartBytes)),
        (nameof(GcCycle.HeapMarkEndBytes), cycle => Number(cycle.HeapMarkEndBytes)),
        (nameof(GcCycle.HeapMarkedBytes), cycle => Number(cycle.HeapMarkedBytes)),
        (nameof(GcCycle.HeapGoalBytes), cycle => Number(cycle.HeapGoalBytes)),
        (nameof(GcCycle.NextGoalBytes), cycle => Number(cycle.NextGoalBytes)),
        (nameof(GcCycle.HeapAfterBytes), cycle => Number(cycle.HeapAfterBytes)),
        (nameof(GcCycle.ObjectsMarked), cycle => Number(cycle.ObjectsMarked)),
        (nameof(GcCycle.PointersScanned), cycle => Number(cycle.PointersScanned)),
        (nameof(GcCycle.ObjectsFreed), cycle => Number(cycle.ObjectsFreed)),
        (nameof(GcCycle.BytesFreed), cycle => Number(cycle.BytesFreed)),
        (nameof(GcCycle.StackScanBytes), cycle => Number(cycle.StackScanBytes)),
        (nameof(GcCycle.GlobalsScanBytes), cycle => Number(cycle.GlobalsScanBytes)),
        (nameof(GcCycle.Procs), cycle => Number(cycle.Procs)),
        (nameof(GcCycle.CpuFractionSinceStart), cycle => cycle.CpuFractionSinceStart.ToString("R", CultureInfo.InvariantCulture)),
        (nameof(GcCycle.CopiedBytes), cycle => Number(cycle.CopiedBytes)),
        (nameof(GcCycle.BarrierHits), cycle => Number(cycle.BarrierHits)),
        (nameof(GcCycle.BarrierShades), cycle => Number(cycle.BarrierShades)),
        (nameof(GcCycle.AssistCpuNs), cycle => Number(cycle.AssistCpuNs)),
        (nameof(GcCycle.BackgroundCpuNs), cycle => Number(cycle.BackgroundCpuNs)),
        (nameof(GcCycle.IdleCpuNs), cycle => Number(cycle.IdleCpuNs)),
    ];

    private static readonly (string Name, Func<PhaseRecord, string> Value)[] PhaseColumns =
    [
        (nameof(PhaseRecord.StopTheWorld), phase => phase.StopTheWorld ? "true" : "false"),
        (nameof(PhaseRecord.StartNs), phase => Number(phase.StartNs)),
        (nameof(PhaseRecord.DurationNs), phase => Number(phase.DurationNs)),
        (nameof(PhaseRecord.CpuNs), phase => Number(phase.CpuNs)),
    ];
}
