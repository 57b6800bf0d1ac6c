using System.Net;
using System.Text;

namespace HeapNotebook.Kernel.Magics.Heap;

/// <summary>A small table rendered as aligned text and as an HTML table; columns after the first are right-aligned when numeric.</summary>
internal sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> rows = [];

    public string? Caption { get; init; }

    public void Add(params string[] cells) => rows.Add(cells);

    public string Plain()
    {
        var widths = headers.Select((header, column) => Math.Max(header.Length, rows.Count == 0 ? 0 : rows.Max(row => row[column].Length))).ToArray();
        var text = new StringBuilder();
        if (Caption is not null)
        {
            text.Append(Caption).Append('\n');
        }
        AppendRow(text, headers, widths, header: true);
        text.Append(string.Join("  ", widths.Select(width => new string('-', width)))).Append('\n');
        foreach (var row in rows)
        {
            AppendRow(text, row, widths, header: false);
        }
        return text.ToString();
    }

    public string Html()
    {
        var html = new StringBuilder("<table>");
        if (Caption is not null)
        {
            html.Append("<caption>").Append(WebUtility.HtmlEncode(Caption)).Append("</caption>");
        }
        html.Append("<thead><tr>");
        foreach (var header in headers)
        {
            html.Append("<th>").Append(WebUtility.HtmlEncode(header)).Append("</th>");
        }
        html.Append("</tr></thead><tbody>");
        foreach (var row in rows)
        {
            html.Append("<tr>");
            for (var column = 0; column < row.Length; column++)
            {
                html.Append(IsNumeric(row[column]) && column > 0 ? "<td style=\"text-align:right\">" : "<td>")
                    .Append(WebUtility.HtmlEncode(row[column])).Append("</td>");
            }
            html.Append("</tr>");
        }
        html.Append("</tbody></table>");
        return html.ToString();
    }

    private static void AppendRow(StringBuilder text, string[] cells, int[] widths, bool header)
    {
        var parts = cells.Select((cell, column) => !header && column > 0 && IsNumeric(cell) ? cell.PadLeft(widths[column]) : cell.PadRight(widths[column]));
        text.Append(string.Join("  ", parts).TrimEnd()).Append('\n');
    }

    /// <summary>A number as the tables print them (1,234 or 0.5 or -3); a size with its unit is text.</summary>
    private static bool IsNumeric(string cell) =>
        cell.Length > 0 && (char.IsAsciiDigit(cell[0]) || (cell[0] == '-' && cell.Length > 1)) && cell.Skip(1).All(character => char.IsAsciiDigit(character) || character is ',' or '.');
}
