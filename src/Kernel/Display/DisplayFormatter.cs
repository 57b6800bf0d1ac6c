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
        if (NestsTooDeeply(value))
        {
            return MimeBundle.PlainText($"{TypeName(value!.GetType())}: not shown, because it contains itself or nests collections more than {MaxCollectionNesting} levels deep");
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

    /// <summary>How deep collections may nest in a value that is shown.</summary>
    public const int MaxCollectionNesting = 64;

    /// <summary>
    /// The formatter recurses into nested collections with no limit, so a list that contains itself would
    /// overflow the stack and end the kernel. Collections (never lazy sequences, whose enumeration may
    /// have effects) are walked as far as the formatter would show them, looking for a cycle or deep nesting.
    /// </summary>
    private static bool NestsTooDeeply(object? value) =>
        NestingExceeds(value, MaxCollectionNesting, new HashSet<object>(ReferenceEqualityComparer.Instance));

    private static bool NestingExceeds(object? value, int levelsLeft, HashSet<object> enclosing)
    {
        if (value is null or string || value is not System.Collections.IEnumerable items || !IsCollection(value))
        {
            return false;
        }
        if (levelsLeft == 0 || !enclosing.Add(value))
        {
            return true;
        }
        var shown = 0;
        foreach (var item in items)
        {
            if (shown++ == Formatter.ListExpansionLimit)
            {
                break;
            }
            if (NestingExceeds(item, levelsLeft - 1, enclosing))
            {
                return true;
            }
        }
        enclosing.Remove(value);
        return false;
    }

    private static string TypeName(Type type)
    {
        var tick = type.Name.IndexOf('`', StringComparison.Ordinal);
        return !type.IsGenericType || tick < 0 ? type.Name : $"{type.Name[..tick]}<{string.Join(", ", type.GetGenericArguments().Select(TypeName))}>";
    }

    private static bool IsCollection(object value) =>
        value is System.Collections.ICollection
        || value.GetType().GetInterfaces().Any(type => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyCollection<>));

    private static bool IsScalar(object? value) =>
        value is null or string or bool or char or Enum or decimal or DateTime or DateTimeOffset or TimeSpan or Guid
        || value.GetType().IsPrimitive;
}
