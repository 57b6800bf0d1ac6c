using System.Text.Json;
using System.Text.Json.Nodes;
using HeapNotebook.Kernel.Documents;
using HeapNotebook.Kernel.Jupyter;

namespace HeapNotebook.Kernel.CommandLine;

/// <summary>Writes the "heapnotebook" kernelspec (kernel.json and two logos) where Jupyter looks for it.</summary>
public static class KernelSpecInstaller
{
    public static string KernelsDirectory(bool user, string? prefix)
    {
        if (prefix is not null)
        {
            return Path.Combine(Path.GetFullPath(prefix), "share", "jupyter", "kernels");
        }
        if (user)
        {
            var dataDirectory = Environment.GetEnvironmentVariable("JUPYTER_DATA_DIR");
            if (!string.IsNullOrEmpty(dataDirectory))
            {
                return Path.Combine(dataDirectory, "kernels");
            }
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            if (OperatingSystem.IsWindows())
            {
                return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData), "jupyter", "kernels");
            }
            return OperatingSystem.IsMacOS()
                ? Path.Combine(home, "Library", "Jupyter", "kernels")
                : Path.Combine(Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } xdg ? xdg : Path.Combine(home, ".local", "share"), "jupyter", "kernels");
        }
        return OperatingSystem.IsWindows()
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData), "jupyter", "kernels")
            : "/usr/local/share/jupyter/kernels";
    }

    /// <summary>The command that starts this build of the kernel directly (apphost, or dotnet and the dll).</summary>
    public static IReadOnlyList<string> KernelCommand()
    {
        var processPath = Environment.ProcessPath ?? "dotnet";
        var assemblyPath = typeof(KernelSpecInstaller).Assembly.Location;
        var host = Path.GetFileNameWithoutExtension(processPath);
        return host.Equals("dotnet", StringComparison.OrdinalIgnoreCase)
            ? [processPath, assemblyPath]
            : [processPath];
    }

    public static string Install(bool user, string? prefix)
    {
        var directory = Path.Combine(KernelsDirectory(user, prefix), KernelIdentity.KernelSpecName);
        Directory.CreateDirectory(directory);
        var argv = new JsonArray();
        foreach (var part in KernelCommand())
        {
            argv.Add(part);
        }
        argv.Add("kernel");
        argv.Add("--connection-file");
        argv.Add("{connection_file}");
        var spec = new JsonObject
        {
            ["argv"] = argv,
            ["display_name"] = KernelIdentity.DisplayName,
            ["language"] = KernelIdentity.LanguageName,
            ["interrupt_mode"] = "message",
            ["metadata"] = new JsonObject { ["debugger"] = false },
        };
        AtomicFile.WriteAllText(Path.Combine(directory, "kernel.json"), spec.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        AtomicFile.WriteAllBytes(Path.Combine(directory, "logo-32x32.png"), LogoImage.Png(32));
        AtomicFile.WriteAllBytes(Path.Combine(directory, "logo-64x64.png"), LogoImage.Png(64));
        return directory;
    }
}
