using HeapNotebook.Kernel.Cells;
using HeapNotebook.Kernel.Tests.Cells;

namespace HeapNotebook.Kernel.Tests.Magics;

public sealed class TraceImportVerbTests : IDisposable
{
    private readonly CellInterpreter interpreter = new();
    private readonly string folder = Directory.CreateTempSubdirectory("heapnb-trace-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private (ExecutionError? Error, RecordingPublisher Outputs) Run(string code) => interpreter.RunCell(code);

    private string Write(string name, string text)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void A_real_gctrace_log_in_both_formats_is_summarised_and_bound_with_as()
    {
        var path = Write("go.log",
            "server listening\n" +
            "gc 1 @0.004s 2%: 0.028+0.73+0.039 ms clock, 0.34+0.29/0.94/0+0.47 ms cpu, 4->4->0 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 12 P\n" +
            "gc 2 @1.250s 0%: 0.011+1.2+0.020 ms clock, 0.088+0.10/2.1/3.4+0.16 ms cpu, 12->13->6 MB, 13 MB goal, 8 P (forced)\n");

        var (error, outputs) = Run($"#!heap trace --import {path} --as imported");

        Assert.Null(error);
        var text = outputs.Bundles.Single().Data["text/plain"]!.GetValue<string>();
        Assert.StartsWith("go.log: 2 cycles (1 forced), format without stacks and globals (before Go 1.18), pauses 0.098 ms in all, longest 0.067 ms, 1 lines that are not gctrace", text);
        Assert.Contains("gc    2 @1.250s  pause    0.031 ms  mark      1.2 ms  12->13->6 MB, 13 MB goal (forced)", text);
        var (bound, result) = Run("$\"{imported.Cycles.Count} {imported.Unparsed[0].Line}\"");
        Assert.Null(bound);
        Assert.Equal([("result", "2 1")], result.Outputs);
    }

    [Fact]
    public void A_missing_file_or_one_without_gctrace_is_a_positioned_error()
    {
        var (missing, _) = Run($"#!heap trace --import {Path.Combine(folder, "nope.log")}");
        var (empty, _) = Run($"#!heap trace --import {Write("empty.log", "hello\nworld\n")}");

        Assert.Matches(@"^\(1,\d+\): error HN\d{4}: cannot read '.*nope\.log'", missing!.Value);
        Assert.Matches(@"^\(1,\d+\): error HN\d{4}: '.*empty\.log' has no gctrace lines \(2 other lines\); run the Go program with GODEBUG=gctrace=1", empty!.Value);
    }
}
