using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace HeapNotebook.Kernel.Cells;

/// <summary>
/// Makes a submission interruptible: each loop body starts with a call to <see cref="InterruptionPoint.Check"/>,
/// and every body code can recurse through (method, local function, constructor, operator, property,
/// indexer, accessor, lambda) with one to <see cref="InterruptionPoint.CheckMethodEntry"/>, which also turns
/// runaway recursion into an exception. Expression bodies become blocks. Whether an expression-bodied
/// lambda returns a value is not written in its syntax, so lambdas are rewritten only when
/// <paramref name="lambdaReturnsNothing"/> can tell (null: leave it; expression trees must be left alone).
/// The calls are put on the lines of the code they precede, so line numbers do not move.
/// </summary>
public sealed class InterruptionRewriter(Func<LambdaExpressionSyntax, bool?>? lambdaReturnsNothing = null) : CSharpSyntaxRewriter
{
    private static readonly StatementSyntax CheckStatement = SyntaxFactory.ParseStatement(
        "global::HeapNotebook.Kernel.Cells.InterruptionPoint.Check(); ");

    private static readonly StatementSyntax MethodEntryStatement = SyntaxFactory.ParseStatement(
        "global::HeapNotebook.Kernel.Cells.InterruptionPoint.CheckMethodEntry(); ");

    public static bool NeedsRewrite(SyntaxNode root) => root.DescendantNodes().Any(node =>
        node is WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax or ForEachStatementSyntax
            or BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax or AccessorDeclarationSyntax
            or AnonymousFunctionExpressionSyntax or GotoStatementSyntax or BasePropertyDeclarationSyntax);

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
            ? PrependCheck(visited, MethodEntryStatement)
            : visited;
    }

    public override SyntaxNode? VisitMethodDeclaration(MethodDeclarationSyntax node)
    {
        var visited = (MethodDeclarationSyntax)base.VisitMethodDeclaration(node)!;
        return visited.ExpressionBody is { } arrow
            ? visited.WithExpressionBody(null).WithSemicolonToken(default)
                .WithBody(BlockFor(arrow, visited.SemicolonToken, ReturnsNothing(visited.ReturnType, visited.Modifiers)))
            : visited;
    }

    public override SyntaxNode? VisitLocalFunctionStatement(LocalFunctionStatementSyntax node)
    {
        var visited = (LocalFunctionStatementSyntax)base.VisitLocalFunctionStatement(node)!;
        return visited.ExpressionBody is { } arrow
            ? visited.WithExpressionBody(null).WithSemicolonToken(default)
                .WithBody(BlockFor(arrow, visited.SemicolonToken, ReturnsNothing(visited.ReturnType, visited.Modifiers)))
            : visited;
    }

    public override SyntaxNode? VisitConstructorDeclaration(ConstructorDeclarationSyntax node)
    {
        var visited = (ConstructorDeclarationSyntax)base.VisitConstructorDeclaration(node)!;
        return visited.ExpressionBody is { } arrow
            ? visited.WithExpressionBody(null).WithSemicolonToken(default).WithBody(BlockFor(arrow, visited.SemicolonToken, returnsNothing: true))
            : visited;
    }

    public override SyntaxNode? VisitOperatorDeclaration(OperatorDeclarationSyntax node)
    {
        var visited = (OperatorDeclarationSyntax)base.VisitOperatorDeclaration(node)!;
        return visited.ExpressionBody is { } arrow
            ? visited.WithExpressionBody(null).WithSemicolonToken(default).WithBody(BlockFor(arrow, visited.SemicolonToken, ReturnsNothing(visited.ReturnType, default)))
            : visited;
    }

    public override SyntaxNode? VisitConversionOperatorDeclaration(ConversionOperatorDeclarationSyntax node)
    {
        var visited = (ConversionOperatorDeclarationSyntax)base.VisitConversionOperatorDeclaration(node)!;
        return visited.ExpressionBody is { } arrow
            ? visited.WithExpressionBody(null).WithSemicolonToken(default).WithBody(BlockFor(arrow, visited.SemicolonToken, returnsNothing: false))
            : visited;
    }

    public override SyntaxNode? VisitAccessorDeclaration(AccessorDeclarationSyntax node)
    {
        var visited = (AccessorDeclarationSyntax)base.VisitAccessorDeclaration(node)!;
        return visited.ExpressionBody is { } arrow
            ? visited.WithExpressionBody(null).WithSemicolonToken(default)
                .WithBody(BlockFor(arrow, visited.SemicolonToken, returnsNothing: !visited.IsKind(SyntaxKind.GetAccessorDeclaration)))
            : visited;
    }

    public override SyntaxNode? VisitPropertyDeclaration(PropertyDeclarationSyntax node)
    {
        var visited = (PropertyDeclarationSyntax)base.VisitPropertyDeclaration(node)!;
        return visited.ExpressionBody is { } arrow
            ? visited.WithExpressionBody(null).WithSemicolonToken(default).WithAccessorList(GetterFor(arrow, visited.SemicolonToken))
            : visited;
    }

    public override SyntaxNode? VisitIndexerDeclaration(IndexerDeclarationSyntax node)
    {
        var visited = (IndexerDeclarationSyntax)base.VisitIndexerDeclaration(node)!;
        return visited.ExpressionBody is { } arrow
            ? visited.WithExpressionBody(null).WithSemicolonToken(default).WithAccessorList(GetterFor(arrow, visited.SemicolonToken))
            : visited;
    }

    public override SyntaxNode? VisitSimpleLambdaExpression(SimpleLambdaExpressionSyntax node)
    {
        var visited = (SimpleLambdaExpressionSyntax)base.VisitSimpleLambdaExpression(node)!;
        return visited.ExpressionBody is { } body && lambdaReturnsNothing?.Invoke(node) is { } returnsNothing
            ? visited.WithExpressionBody(null).WithBlock(LambdaBlockFor(body, returnsNothing))
            : visited;
    }

    public override SyntaxNode? VisitParenthesizedLambdaExpression(ParenthesizedLambdaExpressionSyntax node)
    {
        var visited = (ParenthesizedLambdaExpressionSyntax)base.VisitParenthesizedLambdaExpression(node)!;
        return visited.ExpressionBody is { } body && lambdaReturnsNothing?.Invoke(node) is { } returnsNothing
            ? visited.WithExpressionBody(null).WithBlock(LambdaBlockFor(body, returnsNothing))
            : visited;
    }

    /// <summary>"=> expression;" of a property or indexer becomes "{ get { check; return expression; } }" on the same lines.</summary>
    private static AccessorListSyntax GetterFor(ArrowExpressionClauseSyntax arrow, SyntaxToken semicolon)
    {
        var getter = SyntaxFactory.AccessorDeclaration(SyntaxKind.GetAccessorDeclaration, BlockFor(arrow, default, returnsNothing: false))
            .WithKeyword(SyntaxFactory.Token(SyntaxKind.GetKeyword).WithTrailingTrivia(SyntaxFactory.Space));
        return SyntaxFactory.AccessorList(SyntaxFactory.SingletonList(getter))
            .WithOpenBraceToken(SyntaxFactory.Token(SyntaxKind.OpenBraceToken).WithLeadingTrivia(arrow.ArrowToken.LeadingTrivia).WithTrailingTrivia(SyntaxFactory.Space))
            .WithCloseBraceToken(SyntaxFactory.Token(SyntaxKind.CloseBraceToken).WithLeadingTrivia(SyntaxFactory.Space).WithTrailingTrivia(semicolon.TrailingTrivia));
    }

    /// <summary>"x => expression" becomes "x => { check; return expression; }" (or "{ check; expression; }").</summary>
    private static BlockSyntax LambdaBlockFor(ExpressionSyntax body, bool returnsNothing)
    {
        var expression = body.WithoutTrivia();
        StatementSyntax statement = expression switch
        {
            ThrowExpressionSyntax thrown => SyntaxFactory.ThrowStatement(thrown.Expression.WithLeadingTrivia(SyntaxFactory.Space)),
            _ when returnsNothing => SyntaxFactory.ExpressionStatement(expression),
            _ => SyntaxFactory.ReturnStatement(expression.WithLeadingTrivia(SyntaxFactory.Space)),
        };
        return SyntaxFactory.Block(MethodEntryStatement, statement.WithTrailingTrivia(SyntaxFactory.Space))
            .WithOpenBraceToken(SyntaxFactory.Token(SyntaxKind.OpenBraceToken).WithLeadingTrivia(body.GetLeadingTrivia()).WithTrailingTrivia(SyntaxFactory.Space))
            .WithCloseBraceToken(SyntaxFactory.Token(SyntaxKind.CloseBraceToken).WithTrailingTrivia(body.GetTrailingTrivia()));
    }

    /// <summary>"=> expression;" becomes "{ check; return expression; }" on the same lines.</summary>
    private static BlockSyntax BlockFor(ArrowExpressionClauseSyntax arrow, SyntaxToken semicolon, bool returnsNothing)
    {
        var expression = arrow.Expression.WithoutTrivia();
        StatementSyntax body = expression switch
        {
            ThrowExpressionSyntax thrown => SyntaxFactory.ThrowStatement(thrown.Expression.WithLeadingTrivia(SyntaxFactory.Space)),
            _ when returnsNothing => SyntaxFactory.ExpressionStatement(expression),
            _ => SyntaxFactory.ReturnStatement(expression.WithLeadingTrivia(SyntaxFactory.Space)),
        };
        return SyntaxFactory.Block(MethodEntryStatement, body.WithTrailingTrivia(SyntaxFactory.Space))
            .WithOpenBraceToken(SyntaxFactory.Token(SyntaxKind.OpenBraceToken).WithLeadingTrivia(arrow.ArrowToken.LeadingTrivia).WithTrailingTrivia(SyntaxFactory.Space))
            .WithCloseBraceToken(SyntaxFactory.Token(SyntaxKind.CloseBraceToken).WithTrailingTrivia(semicolon.TrailingTrivia));
    }

    private static bool ReturnsNothing(TypeSyntax returnType, SyntaxTokenList modifiers)
    {
        if (returnType is PredefinedTypeSyntax { Keyword.RawKind: (int)SyntaxKind.VoidKeyword })
        {
            return true;
        }
        var isAsync = modifiers.Any(modifier => modifier.IsKind(SyntaxKind.AsyncKeyword));
        var typeName = returnType switch
        {
            QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
            _ => "",
        };
        return isAsync && (typeName is "Task" or "ValueTask");
    }

    private static BlockSyntax PrependCheck(BlockSyntax block, StatementSyntax check) =>
        block.WithStatements(block.Statements.Insert(0, check));

    private static BlockSyntax PrependCheck(BlockSyntax block) => PrependCheck(block, CheckStatement);

    private static StatementSyntax Guard(StatementSyntax body) => body is BlockSyntax block
        ? PrependCheck(block)
        : SyntaxFactory.Block(CheckStatement, body.WithoutTrailingTrivia())
            .WithOpenBraceToken(SyntaxFactory.Token(SyntaxKind.OpenBraceToken).WithTrailingTrivia(SyntaxFactory.Space))
            .WithCloseBraceToken(SyntaxFactory.Token(SyntaxKind.CloseBraceToken).WithLeadingTrivia(SyntaxFactory.Space))
            .WithLeadingTrivia(body.GetLeadingTrivia())
            .WithTrailingTrivia(body.GetTrailingTrivia());
}
