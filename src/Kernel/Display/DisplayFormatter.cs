using Microsoft.AspNetCore.Html;
using Microsoft.DotNet.Interactive.Formatting;

namespace HeapNotebook.Kernel.Display;

/// <summary>
/// Turns a value into a mime bundle with Microsoft.DotNet.Interactive.Formatting:
/// text/plain always, text/html for values that are more than a scalar, or the types asked for.
/// </summary>
public static class DisplayFormatter
{
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
        if (value is IHtmlContent)
        {
            result.Data[HtmlFormatter.MimeType] = value.ToDisplayString(HtmlFormatter.MimeType);
        }
        else if (!IsScalar(value))
        {
            result.Data[HtmlFormatter.MimeType] = value.ToDisplayString(HtmlFormatter.MimeType);
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
