using System.Text;
using System.Text.RegularExpressions;

namespace HeapNotebook.Kernel.Jupyter;

/// <summary>The inputs (and plain-text results) of this kernel session, answering history_request.</summary>
public sealed class ExecutionHistory
{
    public const int SessionNumber = 1;

    private readonly List<HistoryEntry> entries = [];
    private readonly Lock gate = new();

    public void Add(int line, string input, string? output)
    {
        lock (gate)
        {
            entries.Add(new HistoryEntry(SessionNumber, line, input, output));
        }
    }

    public IReadOnlyList<HistoryEntry> Tail(int count)
    {
        lock (gate)
        {
            return entries.Skip(Math.Max(0, entries.Count - Math.Max(0, count))).ToArray();
        }
    }

    /// <summary>Lines in [start, stop) of a session; session 0 or a negative one means this session.</summary>
    public IReadOnlyList<HistoryEntry> Range(int session, int start, int? stop)
    {
        if (session > 0 && session != SessionNumber)
        {
            return [];
        }
        lock (gate)
        {
            return entries.Where(entry => entry.Line >= start && (stop is null || entry.Line < stop)).ToArray();
        }
    }

    /// <summary>Inputs matching a glob pattern (* and ?), the last <paramref name="count"/> of them; unique keeps the latest of equal inputs.</summary>
    public IReadOnlyList<HistoryEntry> Search(string pattern, int? count, bool unique)
    {
        var regex = new Regex("^" + GlobToRegex(pattern) + "$", RegexOptions.Singleline | RegexOptions.CultureInvariant);
        List<HistoryEntry> matches;
        lock (gate)
        {
            matches = entries.Where(entry => regex.IsMatch(entry.Input)).ToList();
        }
        if (unique)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var latestFirst = new List<HistoryEntry>();
            for (var index = matches.Count - 1; index >= 0; index--)
            {
                if (seen.Add(matches[index].Input))
                {
                    latestFirst.Add(matches[index]);
                }
            }
            latestFirst.Reverse();
            matches = latestFirst;
        }
        return count is { } limit ? matches.Skip(Math.Max(0, matches.Count - limit)).ToArray() : matches;
    }

    private static string GlobToRegex(string pattern)
    {
        var builder = new StringBuilder();
        foreach (var character in pattern)
        {
            builder.Append(character switch
            {
                '*' => ".*",
                '?' => ".",
                _ => Regex.Escape(character.ToString()),
            });
        }
        return builder.ToString();
    }
}
