using System.Globalization;

namespace HeapNotebook.Kernel.Magics.Heap;

/// <summary>Sizes as users write them: 4096, 512B, 64KiB, 64MiB, 1GiB (binary units, as Go's GOMEMLIMIT).</summary>
internal static class ByteSize
{
    private static readonly (string Unit, long Factor)[] Units = [("GiB", 1L << 30), ("MiB", 1L << 20), ("KiB", 1L << 10), ("B", 1)];

    public static bool TryParse(string text, out long bytes, out string? hint)
    {
        bytes = 0;
        hint = null;
        var digits = 0;
        while (digits < text.Length && char.IsAsciiDigit(text[digits]))
        {
            digits++;
        }
        if (digits == 0 || !long.TryParse(text.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }
        var unit = text[digits..];
        if (unit.Length == 0)
        {
            bytes = number;
            return true;
        }
        foreach (var (name, factor) in Units)
        {
            if (string.Equals(unit, name, StringComparison.OrdinalIgnoreCase))
            {
                if (number > long.MaxValue / factor)
                {
                    return false;
                }
                bytes = number * factor;
                return true;
            }
        }
        var decimalUnit = unit.ToUpperInvariant() switch
        {
            "K" or "KB" => "KiB",
            "M" or "MB" => "MiB",
            "G" or "GB" => "GiB",
            _ => null,
        };
        if (decimalUnit is not null)
        {
            hint = string.Create(CultureInfo.InvariantCulture, $"{number}{decimalUnit}");
        }
        return false;
    }

    /// <summary>Bytes in the largest binary unit that keeps one decimal: 1.5 MiB, 512 B.</summary>
    public static string Format(long bytes)
    {
        foreach (var (name, factor) in Units)
        {
            if (Math.Abs(bytes) >= factor && factor > 1)
            {
                var value = (double)bytes / factor;
                return value == Math.Floor(value)
                    ? string.Create(CultureInfo.InvariantCulture, $"{value:0} {name}")
                    : string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {name}");
            }
        }
        return string.Create(CultureInfo.InvariantCulture, $"{bytes} B");
    }
}
