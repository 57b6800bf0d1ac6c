namespace HeapNotebook.Kernel.Cells;

/// <summary>The languages a cell can select with a leading #!name line.</summary>
public static class CellLanguage
{
    public const string CSharp = "csharp";
    public const string Markdown = "markdown";
    public const string Html = "html";

    public static bool TryParse(string directiveName, out string language)
    {
        language = directiveName switch
        {
            "csharp" or "c#" or "C#" or "cs" => CSharp,
            "markdown" or "md" => Markdown,
            "html" => Html,
            _ => "",
        };
        return language.Length > 0;
    }
}
