using System.Runtime.CompilerServices;
using HeapNotebook.Kernel.Magics.Heap;

namespace HeapNotebook.Kernel.Tests.Magics;

/// <summary>docs/heap-commands.md is generated from the verbs' definitions, so the README's reference cannot drift from the code.</summary>
public sealed class HeapReferencePageTests
{
    [Fact]
    public void ReferencePage_matches_the_command_definitions()
    {
        var generated = new HeapMagic().ReferenceMarkdown();
        var path = PagePath();
        if (Environment.GetEnvironmentVariable("HEAPNB_UPDATE_DOCS") == "1")
        {
            File.WriteAllText(path, generated);
        }

        Assert.True(File.Exists(path), $"{path} is missing; run HEAPNB_UPDATE_DOCS=1 dotnet test tests/HeapNotebook.Kernel.Tests --filter ReferencePage");
        Assert.True(File.ReadAllText(path) == generated,
            $"{path} is out of date with the #!heap verbs; run HEAPNB_UPDATE_DOCS=1 dotnet test tests/HeapNotebook.Kernel.Tests --filter ReferencePage and commit it");
    }

    [Fact]
    public void ReferencePage_has_every_verb_with_its_usage_and_example()
    {
        var page = new HeapMagic().ReferenceMarkdown();

        foreach (var verb in new[] { "new", "alloc", "link", "run", "gc", "step", "stats", "trace", "map", "graph", "use", "list" })
        {
            Assert.Contains($"\n## {verb}\n", page);
            Assert.Contains($"Usage: #!heap {verb}", page);
        }
        Assert.Contains("Example:\n  #!heap gc --minor", page);
    }

    private static string PagePath([CallerFilePath] string caller = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(caller)!, "..", "..", "..", "docs", "heap-commands.md"));
}
