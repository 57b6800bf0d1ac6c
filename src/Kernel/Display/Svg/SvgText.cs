using System.Globalization;
using System.Text;

namespace HeapNotebook.Kernel.Display.Svg;

/// <summary>
/// The few things every SVG view needs: numbers written the same way on every machine (invariant
/// culture, at most two decimals, no exponent) and text escaped for XML. Nothing here reads a clock
/// or makes an id, so the same picture always gives the same bytes.
/// </summary>
internal static class SvgText
{
    /// <summary>A coordinate or length: invariant, at most two decimals, "-0" written as "0".</summary>
    public static string Number(double value)
    {
        var rounded = Math.Round(value, 2, MidpointRounding.AwayFromZero);
        return rounded == 0 ? "0" : rounded.ToString("0.##", CultureInfo.InvariantCulture);
    }

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A count with thousands separators, as the text summaries write them.</summary>
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Percent(double fraction) => (fraction * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    public static string Hex(long address) => "0x" + address.ToString("x", CultureInfo.InvariantCulture);

    /// <summary>Bytes as a short size: B, KiB, MiB, GiB with at most one decimal.</summary>
    public static string Bytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        var unit = 0;
        while (Math.Abs(value) >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return (unit == 0 ? bytes.ToString(CultureInfo.InvariantCulture) : value.ToString("0.#", CultureInfo.InvariantCulture)) + " " + units[unit];
    }

    /// <summary>Appends text escaped for an XML element or a double-quoted attribute.</summary>
    public static StringBuilder AppendEscaped(this StringBuilder builder, string text)
    {
        foreach (var character in text)
        {
            switch (character)
            {
                case '&': builder.Append("&amp;"); break;
                case '<': builder.Append("&lt;"); break;
                case '>': builder.Append("&gt;"); break;
                case '"': builder.Append("&quot;"); break;
                default:
                    // Control characters other than tab and newline are not allowed in XML 1.0.
                    builder.Append(char.IsControl(character) && character is not '\t' and not '\n' ? '?' : character);
                    break;
            }
        }
        return builder;
    }

    public static string Escape(string text) => new StringBuilder(text.Length).AppendEscaped(text).ToString();
}
