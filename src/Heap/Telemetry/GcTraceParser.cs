using System.Globalization;
using System.Text.RegularExpressions;

namespace HeapNotebook.Heap.Telemetry;

/// <summary>
/// Reads the output of a real Go program run with GODEBUG=gctrace=1: the current format (Go 1.18
/// and later, with "MB stacks" and "MB globals") and the older one without them, "(forced)"
/// marks included. Lines that are not gctrace lines (the program's own output, scavenger lines)
/// are counted and kept with their line numbers, never fatal.
/// </summary>
public static partial class GcTraceParser
{
    [GeneratedRegex(
        @"^gc (?<n>\d+) @(?<at>[\d.]+)s (?<pct>\d+)%: (?<c1>[\d.]+)\+(?<c2>[\d.]+)\+(?<c3>[\d.]+) ms clock, (?<u1>[\d.]+)\+(?<u2>[\d.]+)/(?<u3>[\d.]+)/(?<u4>[\d.]+)\+(?<u5>[\d.]+) ms cpu, (?<h0>\d+)->(?<h1>\d+)->(?<h2>\d+) MB, (?<goal>\d+) MB goal, (?:(?<stacks>\d+) MB stacks, (?<globals>\d+) MB globals, )?(?<p>\d+) P(?<forced> \(forced\))?\s*$",
        RegexOptions.CultureInvariant)]
    private static partial Regex Line();

    public static ImportedGcTrace Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var cycles = new List<ImportedGcCycle>();
        var unparsed = new List<(int, string)>();
        var lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            var match = Line().Match(line);
            if (!match.Success)
            {
                unparsed.Add((lineNumber, line));
                continue;
            }

            double D(string group) => double.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);
            long L(string group) => long.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);
            cycles.Add(new ImportedGcCycle(
                (int)L("n"), D("at"), (int)L("pct"),
                D("c1"), D("c2"), D("c3"),
                D("u1"), D("u2"), D("u3"), D("u4"), D("u5"),
                L("h0"), L("h1"), L("h2"), L("goal"),
                match.Groups["stacks"].Success ? L("stacks") : null,
                match.Groups["globals"].Success ? L("globals") : null,
                (int)L("p"),
                match.Groups["forced"].Success));
        }

        return new ImportedGcTrace(cycles, unparsed);
    }
}
