using System.Diagnostics;
using System.Globalization;
using HeapNotebook.Kernel.Cells;

namespace HeapNotebook.Kernel.Magics;

/// <summary>#!time: prints the wall-clock time the rest of the cell took (outputs are otherwise clock-free).</summary>
public sealed class TimeMagic : IMagicCommand
{
    public string Name => "time";

    public string Description => "Print the wall-clock time the rest of the cell takes.";

    public ExecutionError? Run(MagicInvocation invocation)
    {
        var started = Stopwatch.GetTimestamp();
        invocation.AfterCell.Add(() =>
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            invocation.Outputs.Write("stdout", string.Create(CultureInfo.InvariantCulture, $"Wall time: {elapsed.TotalMilliseconds:0.###} ms\n"));
        });
        return null;
    }
}
