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

    [Theory]
    [InlineData("class C { int P => P; }", "int P { get { global::HeapNotebook.Kernel.Cells.InterruptionPoint.CheckMethodEntry(); return P; } }")]
    [InlineData("class C { int this[int i] => this[i + 1]; }", "{ get { global::HeapNotebook.Kernel.Cells.InterruptionPoint.CheckMethodEntry(); return this[i + 1]; } }")]
    [InlineData("class C { int p; int P { get => P; set => P = value; } }", "get { global::HeapNotebook.Kernel.Cells.InterruptionPoint.CheckMethodEntry(); return P; } set { global::HeapNotebook.Kernel.Cells.InterruptionPoint.CheckMethodEntry(); P = value; }")]
    [InlineData("class D { D() => new D(); }", "D() { global::HeapNotebook.Kernel.Cells.InterruptionPoint.CheckMethodEntry(); new D(); }")]
    [InlineData("struct V { public static V operator +(V a, V b) => a + b; }", "{ global::HeapNotebook.Kernel.Cells.InterruptionPoint.CheckMethodEntry(); return a + b; }")]
    [InlineData("struct V { public static implicit operator int(V v) => (int)v; }", "{ global::HeapNotebook.Kernel.Cells.InterruptionPoint.CheckMethodEntry(); return (int)v; }")]
    public void Expression_bodied_members_become_blocks_that_check_first(string code, string expected)
    {
        Assert.Contains(expected, Rewrite(code));
    }

    [Fact]
    public void Expression_lambdas_are_rewritten_only_when_it_is_known_whether_they_return_a_value()
    {
        var code = "Func<int, int> f = n => f(n + 1); Action a = () => a(); Expression<Func<int>> e = () => 1;";
        var root = CSharpSyntaxTree.ParseText(code, CSharpScriptHost.ParseOptions).GetRoot();

        var rewritten = new InterruptionRewriter(lambda => lambda.ToString() switch
        {
            "n => f(n + 1)" => false,
            "() => a()" => true,
            _ => null,
        }).Visit(root).ToFullString();

        Assert.Contains("n => { global::HeapNotebook.Kernel.Cells.InterruptionPoint.CheckMethodEntry(); return f(n + 1); }", rewritten);
        Assert.Contains("() => { global::HeapNotebook.Kernel.Cells.InterruptionPoint.CheckMethodEntry(); a(); }", rewritten);
        Assert.Contains("e = () => 1;", rewritten);
        Assert.Contains("e = () => 1;", Rewrite(code));
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
