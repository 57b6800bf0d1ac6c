namespace HeapNotebook.Kernel.Jupyter;

/// <summary>The protocol counts cursor positions in Unicode code points; .NET strings index UTF-16 units.</summary>
public static class CodePoints
{
    public static int ToUtf16Index(string text, int codePointOffset)
    {
        var index = 0;
        for (var seen = 0; seen < codePointOffset && index < text.Length; seen++)
        {
            index += char.IsHighSurrogate(text[index]) && index + 1 < text.Length ? 2 : 1;
        }
        return index;
    }

    public static int FromUtf16Index(string text, int utf16Index)
    {
        var count = 0;
        for (var index = 0; index < utf16Index && index < text.Length; index++)
        {
            if (!char.IsLowSurrogate(text[index]))
            {
                count++;
            }
        }
        return count;
    }
}
