using System.Globalization;
using System.Text.Json;
using HeapNotebook.Heap.Telemetry;
using HeapNotebook.Heap.Workloads;

namespace HeapNotebook.Heap.Tests.Telemetry;

public sealed class HeapHistoryTests
{
    private static SimulatedHeap Worked(string collector = "go")
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = collector, MinimumHeapBytes = 64 << 10, Name = "worked" });
        heap.Run(new Churn(20_000, 200, 5, 500, 16, 256));
        heap.Collect();
        return heap;
    }

    [Fact]
    public void The_json_deserialises_to_the_same_cycles_phases_and_memstats()
    {
        var heap = Worked();
        var history = HeapHistory.Of(heap);

        var json = history.ToJson();
        var read = HeapHistory.FromJson(json);

        Assert.Equal(json, read.ToJson());
        Assert.Equal(heap.Cycles.Count, read.Cycles.Count);
        Assert.Equal(heap.Cycles[^1].Phases, read.Cycles[^1].Phases);
        Assert.Equal(heap.Stats.PauseNs, read.MemStats.PauseNs);
        Assert.Equal(heap.Stats.GCCPUFraction, read.MemStats.GCCPUFraction);
        Assert.Equal(("heapnotebook-history", 1, "worked", "go"), (read.Format, read.Version, read.Heap, read.Collector));
    }

    [Fact]
    public void The_json_names_fields_and_enums_as_the_code_does()
    {
        using var document = JsonDocument.Parse(HeapHistory.Of(Worked()).ToJson());
        var last = document.RootElement.GetProperty("Cycles").EnumerateArray().Last();

        Assert.Equal("Forced", last.GetProperty("Trigger").GetString());
        Assert.True(last.GetProperty("Forced").GetBoolean());
        Assert.Equal("SweepTermination", last.GetProperty("Phases")[0].GetProperty("Phase").GetString());
        Assert.True(document.RootElement.GetProperty("MemStats").GetProperty("NumGC").GetInt32() > 1);
        Assert.Equal(JsonValueKind.Number, document.RootElement.GetProperty("MemStats").GetProperty("HeapAlloc").ValueKind);
    }

    [Fact]
    public void The_csv_has_a_header_and_one_row_per_cycle_with_four_columns_per_phase()
    {
        var heap = Worked("marksweep");

        var lines = HeapHistory.Of(heap).ToCsv().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(',');
        var rows = lines.Skip(1).Select(line => line.Split(',')).ToArray();

        Assert.Equal(heap.Cycles.Count, rows.Length);
        Assert.All(rows, row => Assert.Equal(header.Length, row.Length));
        Assert.Equal(28 + 4 * 4, header.Length);
        Assert.Equal("Number", header[0]);
        Assert.Contains("MarkTerminationDurationNs", header);
        for (var i = 0; i < rows.Length; i++)
        {
            var cycle = heap.Cycles[i];
            string Cell(string column) => rows[i][Array.IndexOf(header, column)];
            Assert.Equal(cycle.Number, int.Parse(Cell("Number"), CultureInfo.InvariantCulture));
            Assert.Equal(cycle.Trigger.ToString(), Cell("Trigger"));
            Assert.Equal(cycle.PauseNs, long.Parse(Cell("PauseNs"), CultureInfo.InvariantCulture));
            Assert.Equal(cycle.CpuFractionSinceStart, double.Parse(Cell("CpuFractionSinceStart"), CultureInfo.InvariantCulture));
            Assert.Equal(cycle.PhaseOf(GcPhase.Mark)!.DurationNs, long.Parse(Cell("MarkDurationNs"), CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void A_phase_a_cycle_did_not_have_leaves_its_columns_empty()
    {
        var heap = new SimulatedHeap(new HeapOptions { Collector = "go", MinimumHeapBytes = 64 << 10 });
        heap.Collect();
        var cycle = heap.Cycles[0] with { Phases = heap.Cycles[0].Phases.Where(phase => phase.Phase != GcPhase.Sweep).ToArray() };
        var history = HeapHistory.Of(heap) with { Cycles = [cycle] };

        var lines = history.ToCsv().Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.EndsWith(",,,,", lines[1]);
    }

    [Fact]
    public void The_gctrace_lines_parse_back_as_go_format()
    {
        var heap = Worked();

        var trace = GcTraceParser.Parse(HeapHistory.Of(heap).ToGcTrace());

        Assert.Equal(heap.Cycles.Count, trace.Cycles.Count);
        Assert.Empty(trace.Unparsed);
        Assert.Equal(1, trace.ForcedCycles);
        Assert.True(trace.HasStacksAndGlobals);
        Assert.Equal(heap.GcTraceLines().Select(line => line + "\n"), HeapHistory.Of(heap).ToGcTrace().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line + "\n"));
    }

    [Fact]
    public void A_heap_without_cycles_exports_a_header_only_csv_and_no_gctrace()
    {
        var history = HeapHistory.Of(new SimulatedHeap());

        Assert.Single(history.ToCsv().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("", history.ToGcTrace());
        Assert.Empty(HeapHistory.FromJson(history.ToJson()).Cycles);
    }
}
