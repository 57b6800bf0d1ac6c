using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace HeapNotebook.Kernel.Cells;

/// <summary>
/// Makes a submission interruptible: each loop body and each method, local function,
/// accessor and lambda body with a block starts with a call to <see cref="InterruptionPoint.Check"/>.
/// The call is put on the same line as the code it precedes, so line numbers do not move.
/// </summary>
public sealed class InterruptionRewriter : CSharpSyntaxRewriter
{
    private static readonly StatementSyntax CheckStatement = SyntaxFactory.ParseStatement(
        "global::HeapNotebook.Kernel.Cells.InterruptionPoint.Check(); ");

    public static bool NeedsRewrite(SyntaxNode root) => root.DescendantNodes().Any(node =>
        node is WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax or ForEachStatementSyntax
            or BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax or AccessorDeclarationSyntax
            or AnonymousFunctionExpressionSyntax or GotoStatementSyntax);

    public override SyntaxNode? VisitWhileStatement(WhileStatementSyntax node)
    {
        var visited = (WhileStatementSyntax)base.VisitWhileStatement(node)!;
        return visited.WithStatement(Guard(visited.Statement));
    }

    public override SyntaxNode? VisitDoStatement(DoStatementSyntax node)
    {
        var visited = (DoStatementSyntax)base.VisitDoStatement(node)!;
        return visited.WithStatement(Guard(visited.Statement));
    }

    public override SyntaxNode? VisitForStatement(ForStatementSyntax node)
    {
        var visited = (ForStatementSyntax)base.VisitForStatement(node)!;
        return visited.WithStatement(Guard(visited.Statement));
    }

    public override SyntaxNode? VisitForEachStatement(ForEachStatementSyntax node)
    {
        var visited = (ForEachStatementSyntax)base.VisitForEachStatement(node)!;
        return visited.WithStatement(Guard(visited.Statement));
    }

    public override SyntaxNode? VisitForEachVariableStatement(ForEachVariableStatementSyntax node)
    {
        var visited = (ForEachVariableStatementSyntax)base.VisitForEachVariableStatement(node)!;
        return visited.WithStatement(Guard(visited.Statement));
    }

    public override SyntaxNode? VisitLabeledStatement(LabeledStatementSyntax node)
    {
        // A label is where a goto loop starts over.
        var visited = (LabeledStatementSyntax)base.VisitLabeledStatement(node)!;
        return visited.WithStatement(Guard(visited.Statement));
    }

    public override SyntaxNode? VisitBlock(BlockSyntax node)
    {
        var visited = (BlockSyntax)base.VisitBlock(node)!;
        return node.Parent is BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax or AccessorDeclarationSyntax
            or AnonymousFunctionExpressionSyntax
            ? PrependCheck(visited)
            : visited;
    }

    private static BlockSyntax PrependCheck(BlockSyntax block) =>
        block.WithStatements(block.Statements.Insert(0, CheckStatement));

    private static StatementSyntax Guard(StatementSyntax body) => body is BlockSyntax block
        ? PrependCheck(block)
        : SyntaxFactory.Block(CheckStatement, body.WithoutTrailingTrivia())
            .WithOpenBraceToken(SyntaxFactory.Token(SyntaxKind.OpenBraceToken).WithTrailingTrivia(SyntaxFactory.Space))
            .WithCloseBraceToken(SyntaxFactory.Token(SyntaxKind.CloseBraceToken).WithLeadingTrivia(SyntaxFactory.Space))
            .WithLeadingTrivia(body.GetLeadingTrivia())
            .WithTrailingTrivia(body.GetTrailingTrivia());
}
