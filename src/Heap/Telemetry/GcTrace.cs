using System.Globalization;
using System.Text;

namespace HeapNotebook.Heap.Telemetry;

/// <summary>
/// Formats a cycle as the line GODEBUG=gctrace=1 prints (Go 1.18 and later):
/// <c>gc 1 @0.004s 2%: 0.028+0.73+0.039 ms clock, 0.34+0.29/0.94/0+0.47 ms cpu, 4->4->0 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 12 P</c>.
/// Numbers are rendered exactly as the runtime's itoaDiv and fmtNSAsMS render them.
/// </summary>
public static class GcTrace
{
    public static string Format(GcCycle cycle, bool includeStacksAndGlobals = true)
    {
        var sb = new StringBuilder(160);
        sb.Append("gc ").Append(cycle.Number.ToString(CultureInfo.InvariantCulture));
        sb.Append(" @").Append(ItoaDiv((ulong)(cycle.StartNs / 1_000_000), 3)).Append("s ");
        sb.Append(((int)(cycle.CpuFractionSinceStart * 100)).ToString(CultureInfo.InvariantCulture)).Append("%: ");

        long Duration(GcPhase phase) => cycle.PhaseOf(phase)?.DurationNs ?? 0;
        long Cpu(GcPhase phase) => cycle.PhaseOf(phase)?.CpuNs ?? 0;

        sb.Append(FormatNsAsMs(Duration(GcPhase.SweepTermination))).Append('+')
          .Append(FormatNsAsMs(Duration(GcPhase.Mark))).Append('+')
          .Append(FormatNsAsMs(Duration(GcPhase.MarkTermination))).Append(" ms clock, ");
        sb.Append(FormatNsAsMs(Cpu(GcPhase.SweepTermination))).Append('+')
          .Append(FormatNsAsMs(cycle.AssistCpuNs)).Append('/')
          .Append(FormatNsAsMs(cycle.BackgroundCpuNs)).Append('/')
          .Append(FormatNsAsMs(cycle.IdleCpuNs)).Append('+')
          .Append(FormatNsAsMs(Cpu(GcPhase.MarkTermination))).Append(" ms cpu, ");
        sb.Append(Mb(cycle.HeapStartBytes)).Append("->").Append(Mb(cycle.HeapMarkEndBytes)).Append("->")
          .Append(Mb(cycle.HeapMarkedBytes)).Append(" MB, ");
        sb.Append(Mb(cycle.HeapGoalBytes)).Append(" MB goal, ");
        if (includeStacksAndGlobals)
        {
            sb.Append(Mb(cycle.StackScanBytes)).Append(" MB stacks, ");
            sb.Append(Mb(cycle.GlobalsScanBytes)).Append(" MB globals, ");
        }

        sb.Append(cycle.Procs.ToString(CultureInfo.InvariantCulture)).Append(" P");
        if (cycle.Forced)
        {
            sb.Append(" (forced)");
        }

        return sb.ToString();
    }

    private static string Mb(long bytes) => (bytes >> 20).ToString(CultureInfo.InvariantCulture);

    /// <summary>Go's fmtNSAsMS: whole milliseconds from 10 ms up, otherwise two significant digits with at most three decimals.</summary>
    public static string FormatNsAsMs(long ns)
    {
        var value = (ulong)Math.Max(0, ns);
        if (value >= 10_000_000)
        {
            return ItoaDiv(value / 1_000_000, 0);
        }

        var x = value / 1000;
        if (x == 0)
        {
            return "0";
        }

        var decimals = 3;
        while (x >= 100)
        {
            x /= 10;
            decimals--;
        }

        return ItoaDiv(x, decimals);
    }

    /// <summary>Go's itoaDiv: <paramref name="value"/> / 10^<paramref name="decimals"/> with exactly that many decimals.</summary>
    public static string ItoaDiv(ulong value, int decimals)
    {
        Span<char> buffer = stackalloc char[32];
        var i = buffer.Length - 1;
        var decimalAt = i - decimals;
        while (value >= 10 || i >= decimalAt)
        {
            buffer[i--] = (char)('0' + (int)(value % 10));
            if (i == decimalAt)
            {
                buffer[i--] = '.';
            }

            value /= 10;
        }

        buffer[i] = (char)('0' + (int)value);
        return new string(buffer[i..]);
    }
}
