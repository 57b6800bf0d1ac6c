using Microsoft.AspNetCore.Html;
using Microsoft.DotNet.Interactive.Formatting;

namespace HeapNotebook.Kernel.Display;

/// <summary>
/// Turns a value into a mime bundle with Microsoft.DotNet.Interactive.Formatting:
/// text/plain always, plus the mime types the formatter prefers for the value's type (text/html unless
/// registered otherwise; none for plain scalars), or the types asked for.
/// </summary>
public static class DisplayFormatter
{
    static DisplayFormatter() => HeapFormatters.EnsureRegistered();

    public static MimeBundle Format(object? value, IReadOnlyCollection<string>? mimeTypes = null)
    {
        if (value is MimeBundle bundle)
        {
            return bundle;
        }
        var result = MimeBundle.PlainText(PlainText(value));
        if (mimeTypes is { Count: > 0 })
        {
            foreach (var mimeType in mimeTypes.Where(type => type != PlainTextFormatter.MimeType))
            {
                result.Data[mimeType] = value.ToDisplayString(mimeType);
            }
            return result;
        }
        if (value is null)
        {
            return result;
        }
        // The types a formatter registration prefers (text/html unless told otherwise, e.g. image/svg+xml for a heap map).
        var preferred = Formatter.GetPreferredMimeTypesFor(value.GetType())
            .Where(type => type != PlainTextFormatter.MimeType)
            .ToArray();
        var scalarWithDefaults = IsScalar(value) && preferred.All(type => type == HtmlFormatter.MimeType);
        if (scalarWithDefaults && value is not IHtmlContent)
        {
            return result;
        }
        foreach (var mimeType in preferred.Length > 0 ? preferred : [HtmlFormatter.MimeType])
        {
            result.Data[mimeType] = value.ToDisplayString(mimeType);
        }
        return result;
    }

    public static string PlainText(object? value) => value switch
    {
        null => "null",
        string text => text,
        IFormattable formattable when IsScalar(value) => formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToDisplayString(PlainTextFormatter.MimeType),
    };

    private static bool IsScalar(object? value) =>
        value is null or string or bool or char or Enum or decimal or DateTime or DateTimeOffset or TimeSpan or Guid
        || value.GetType().IsPrimitive;
}
