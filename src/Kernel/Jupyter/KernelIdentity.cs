using System.Reflection;

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
}
