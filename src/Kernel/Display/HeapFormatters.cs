using HeapNotebook.Heap.Memory;
using HeapNotebook.Heap.Telemetry;
using HeapNotebook.Kernel.Magics.Heap;
using Microsoft.DotNet.Interactive.Formatting;

namespace HeapNotebook.Kernel.Display;

/// <summary>
/// Registers the heap's public types with Microsoft.DotNet.Interactive.Formatting, once per process, so a C#
/// cell that returns Heap.Stats, Heap.Cycles, a fragmentation report, an imported gctrace or a comparison shows
/// the same tables as the #!heap verbs (text/plain and text/html).
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
    }

    private static (string Plain, string Html) Rendered(TextTable table) => (table.Plain(), table.Html());

    private static void Both<T>(Func<T, (string Plain, string Html)> render)
    {
        Formatter.Register<T>((value, writer) => writer.Write(render(value).Plain), PlainTextFormatter.MimeType);
        Formatter.Register<T>((value, writer) => writer.Write(render(value).Html), HtmlFormatter.MimeType);
        Formatter.SetPreferredMimeTypesFor(typeof(T), HtmlFormatter.MimeType);
    }
}
