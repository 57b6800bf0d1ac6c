using HeapNotebook.Kernel.Cells;
using Microsoft.CodeAnalysis.CSharp;

namespace HeapNotebook.Kernel.Tests.Cells;

public sealed class InterruptionRewriterTests
{
    private static string Rewrite(string code) =>
        new InterruptionRewriter().Visit(CSharpSyntaxTree.ParseText(code, CSharpScriptHost.ParseOptions).GetRoot()).ToFullString();

    [Theory]
    [InlineData("while (true) { }")]
    [InlineData("while (true) x++;")]
    [InlineData("for (;;) { }")]
    [InlineData("do { } while (true);")]
    [InlineData("foreach (var item in items) { }")]
    [InlineData("void Run() { }")]
    [InlineData("Action run = () => { };")]
    [InlineData("again: goto again;")]
    public void Loops_and_method_bodies_get_a_check(string code)
    {
        Assert.Contains("InterruptionPoint.Check", Rewrite(code));
    }

    [Theory]
    [InlineData("int Twice(int n) => n * 2;", "{ global::HeapNotebook.Kernel.Cells.InterruptionPoint.CheckMethodEntry(); return n * 2; }")]
    [InlineData("void Say() => Console.WriteLine(1);", "{ global::HeapNotebook.Kernel.Cells.InterruptionPoint.CheckMethodEntry(); Console.WriteLine(1); }")]
    [InlineData("void Fail() => throw new Exception();", "{ global::HeapNotebook.Kernel.Cells.InterruptionPoint.CheckMethodEntry(); throw new Exception(); }")]
    [InlineData("async Task Wait() => await Task.Yield();", "{ global::HeapNotebook.Kernel.Cells.InterruptionPoint.CheckMethodEntry(); await Task.Yield(); }")]
    [InlineData("async Task<int> Get() => await Task.FromResult(1);", "{ global::HeapNotebook.Kernel.Cells.InterruptionPoint.CheckMethodEntry(); return await Task.FromResult(1); }")]
    public void Expression_bodied_methods_become_blocks_that_check_first(string code, string expectedBody)
    {
        Assert.EndsWith(expectedBody, Rewrite(code).TrimEnd());
    }

    [Fact]
    public void The_rewrite_keeps_every_statement_on_its_line()
    {
        var code = "var i = 0;\nwhile (i < 3)\n    i++;\nint F()\n{\n    return 1;\n}";

        var rewritten = Rewrite(code);

        Assert.Equal(code.Split('\n').Length, rewritten.Split('\n').Length);
        Assert.Contains("    return 1;", rewritten.Split('\n')[5]);
    }

    [Fact]
    public void Straight_line_code_needs_no_rewrite()
    {
        Assert.False(InterruptionRewriter.NeedsRewrite(CSharpSyntaxTree.ParseText("var x = 1 + 2;", CSharpScriptHost.ParseOptions).GetRoot()));
    }
}
