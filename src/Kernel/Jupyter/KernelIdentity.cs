using System.Reflection;
using System.Text.Json.Nodes;

namespace HeapNotebook.Kernel.Jupyter;

/// <summary>Names and versions the kernel reports in kernel_info_reply and --version.</summary>
public static class KernelIdentity
{
    public const string Implementation = "heapnotebook";
    public const string LanguageName = "csharp";
    public const string KernelSpecName = "heapnotebook";
    public const string DisplayName = "HeapNotebook (C#)";

    public static string Version { get; } =
        typeof(KernelIdentity).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";

    /// <summary>The language_info of kernel_info_reply; the headless runner writes the same into a notebook's metadata, as nbclient does.</summary>
    public static JsonObject LanguageInfo(string languageVersion) => new()
    {
        ["name"] = LanguageName,
        ["version"] = languageVersion,
        ["mimetype"] = "text/x-csharp",
        ["file_extension"] = ".cs",
        ["pygments_lexer"] = "csharp",
        ["codemirror_mode"] = "text/x-csharp",
    };
}
