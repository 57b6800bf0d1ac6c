using System.Globalization;
using HeapNotebook.Heap.Telemetry;
using Plotly.NET;

namespace HeapNotebook.Kernel.Display.Charts;

/// <summary>What every chart shares: sizes, colours, units, and numbers rounded so the JSON stays small and stable.</summary>
internal static class ChartStyle
{
    public const int Width = 760;
    public const int Height = 380;

    public static Color PhaseColor(GcPhase phase) => Color.fromString(phase switch
    {
        GcPhase.SweepTermination => "#4e79a7",
        GcPhase.Mark => "#f28e2b",
        GcPhase.MarkTermination => "#e15759",
        _ => "#76b7b2",
    });

    public static string PhaseName(GcPhase phase) => phase switch
    {
        GcPhase.SweepTermination => "sweep termination",
        GcPhase.Mark => "mark",
        GcPhase.MarkTermination => "mark termination",
        _ => "sweep",
    };

    public static string KindName(GcKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>A value kept to <paramref name="digits"/> significant digits: enough to draw, few bytes of JSON.</summary>
    public static double Round(double value, int digits = 5)
    {
        if (value == 0 || double.IsNaN(value) || double.IsInfinity(value))
        {
            return 0;
        }
        var scale = Math.Pow(10, digits - 1 - (int)Math.Floor(Math.Log10(Math.Abs(value))));
        return Math.Round(value * scale) / scale;
    }

    public static double Milliseconds(long nanoseconds) => Round(nanoseconds / 1e6, 7);

    /// <summary>Milliseconds as the summaries print them: up to three decimals (microseconds).</summary>
    public static string Ms(long nanoseconds) => (nanoseconds / 1e6).ToString("0.###", CultureInfo.InvariantCulture) + " ms";

    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>How often something happened, in words: "once", "2 times", "1,024 times".</summary>
    public static string Times(long count) => count == 1 ? "once" : $"{Count(count)} times";

    public static string Percent(double fraction) => (fraction * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    /// <summary>The binary unit that suits the largest value: B, KiB, MiB or GiB.</summary>
    public static (string Unit, double Divisor) ByteUnit(long largest) => largest switch
    {
        >= 1L << 30 => ("GiB", 1L << 30),
        >= 1L << 20 => ("MiB", 1L << 20),
        >= 1L << 10 => ("KiB", 1L << 10),
        _ => ("B", 1),
    };

    /// <summary>The unit that suits the longest pause: milliseconds from 1 ms up, else microseconds.</summary>
    public static (string Unit, double Divisor) PauseUnit(long longestNs) => longestNs >= 1_000_000 ? ("ms", 1e6) : ("µs", 1e3);
}
