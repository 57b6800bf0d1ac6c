using System.Globalization;
using HeapNotebook.Heap;
using HeapNotebook.Heap.Objects;
using HeapNotebook.Heap.Verification;
using HeapNotebook.Heap.Workloads;
using HeapNotebook.Heap.Memory;
using HeapNotebook.Heap.Telemetry;
using HeapNotebook.Kernel.Magics.Heap;
using Microsoft.DotNet.Interactive.Formatting;

namespace HeapNotebook.Kernel.Display;

/// <summary>
/// Registers the heap's public types with Microsoft.DotNet.Interactive.Formatting, once per process, so a C#
/// cell that returns Heap.Stats, Heap.Cycles, a fragmentation report, an imported gctrace or a comparison shows
/// the same tables as the #!heap verbs (text/plain and text/html), and one that returns Heap or
/// WorkloadCatalog.All shows a summary line or a table instead of the default formatter's dump of every property.
/// </summary>
internal static class HeapFormatters
{
    private static int registered;

    public static void EnsureRegistered()
    {
        if (Interlocked.Exchange(ref registered, 1) == 0)
        {
            Register();
        }
    }

    private static void Register()
    {
        Both<MemStats>(stats => Rendered(HeapTables.MemStats(stats, "MemStats")));
        Both<IReadOnlyList<GcCycle>>(HeapTables.Cycles);
        Both<GcCycle>(cycle => HeapTables.Cycles([cycle]));
        Both<FragmentationReport>(report => Rendered(HeapTables.Fragmentation(report)));
        Both<ImportedGcTrace>(trace => Rendered(HeapTables.ImportedTrace(trace, "Imported gctrace")));
        Both<CollectorComparison>(comparison => HeapTables.Comparison(comparison, comparison.Runs.Count));
        Both<SimulatedHeap>(heap => Line(HeapTables.HeapSummary(heap)));
        Both<IReadOnlyList<WorkloadDefinition>>(workloads => Rendered(HeapTables.Workloads(workloads)));
        Both<WorkloadDefinition>(workload => Rendered(HeapTables.Workloads([workload])));
        Both<ObjectHandle>(handle => Line(handle.ToString()));
        Both<VerificationReport>(report => Line(report.ToString()));
        Both<WorkloadResult>(result => Line(string.Create(CultureInfo.InvariantCulture,
            $"{result.Workload}{RunSettings(result)}: {result.Allocations:N0} allocations, checksum {result.Checksum}, {(result.Completed ? "completed" : $"stopped at {result.FractionDone:P0}")}")));
    }

    /// <summary>" (depth=6; depth raised from 4 to 6, ...)": what the run ran with, and what it changed of what was asked.</summary>
    private static string RunSettings(WorkloadResult result)
    {
        var parts = new[] { result.Settings, result.Adjustment }.Where(part => !string.IsNullOrEmpty(part)).ToArray();
        return parts.Length == 0 ? "" : $" ({string.Join("; ", parts)})";
    }

    /// <summary>A value that reads best as one line of text: the same line in plain text and in HTML.</summary>
    private static (string Plain, string Html) Line(string text) => (text, "<pre>" + System.Net.WebUtility.HtmlEncode(text) + "</pre>");

    private static (string Plain, string Html) Rendered(TextTable table) => (table.Plain(), table.Html());

    private static void Both<T>(Func<T, (string Plain, string Html)> render)
    {
        Formatter.Register<T>((value, writer) => writer.Write(render(value).Plain), PlainTextFormatter.MimeType);
        Formatter.Register<T>((value, writer) => writer.Write(render(value).Html), HtmlFormatter.MimeType);
        Formatter.SetPreferredMimeTypesFor(typeof(T), HtmlFormatter.MimeType);
    }
}
