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
        Assert.Contains("InterruptionPoint.Check();", Rewrite(code));
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
