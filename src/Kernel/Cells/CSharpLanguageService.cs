using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace HeapNotebook.Kernel.Cells;

/// <summary>Completion, inspection and completeness of C# code, from the script's syntax tree and semantic model.</summary>
public static class CSharpLanguageService
{
    private static readonly SymbolDisplayFormat SignatureFormat = SymbolDisplayFormat.CSharpErrorMessageFormat
        .WithMemberOptions(SymbolDisplayMemberOptions.IncludeParameters | SymbolDisplayMemberOptions.IncludeType
            | SymbolDisplayMemberOptions.IncludeContainingType | SymbolDisplayMemberOptions.IncludeRef)
        .WithParameterOptions(SymbolDisplayParameterOptions.IncludeType | SymbolDisplayParameterOptions.IncludeName
            | SymbolDisplayParameterOptions.IncludeDefaultValue | SymbolDisplayParameterOptions.IncludeParamsRefOut);

    /// <summary>Completes the identifier that ends at <paramref name="cursor"/>; after a dot, the members of what is left of it.</summary>
    public static CompletionResult Complete(CSharpScriptHost host, string code, int cursor)
    {
        var start = cursor;
        while (start > 0 && (char.IsLetterOrDigit(code[start - 1]) || code[start - 1] == '_'))
        {
            start--;
        }
        var prefix = code[start..cursor];
        var (tree, model) = Analyze(host, code);
        IEnumerable<ISymbol> candidates;
        if (start > 0 && code[start - 1] == '.')
        {
            var dot = tree.GetRoot().FindToken(start - 1);
            candidates = dot.Parent switch
            {
                MemberAccessExpressionSyntax access => MembersOf(model, access.Expression, start),
                QualifiedNameSyntax qualified => MembersOf(model, qualified.Left, start),
                _ => [],
            };
        }
        else
        {
            candidates = model.LookupSymbols(start);
        }
        var matches = candidates
            .Where(symbol => symbol.CanBeReferencedByName && !symbol.IsImplicitlyDeclared && symbol.Name.StartsWith(prefix, StringComparison.Ordinal))
            .Select(symbol => symbol.Name)
            .Where(name => !name.StartsWith('<'))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToArray();
        return new CompletionResult(matches, start, cursor);
    }

    public static InspectionResult Inspect(CSharpScriptHost host, string code, int cursor)
    {
        var (tree, model) = Analyze(host, code);
        var root = tree.GetRoot();
        var token = root.FindToken(Math.Max(0, Math.Min(cursor, code.Length) - (cursor > 0 && (cursor == code.Length || !IsIdentifierChar(code[cursor])) ? 1 : 0)));
        for (SyntaxNode? node = token.Parent; node is not null; node = node.Parent)
        {
            var symbol = model.GetSymbolInfo(node).Symbol
                ?? model.GetSymbolInfo(node).CandidateSymbols.FirstOrDefault()
                ?? model.GetDeclaredSymbol(node);
            if (symbol is not null)
            {
                return new InspectionResult(true, Describe(symbol, model.GetTypeInfo(node).Type));
            }
            if (node is StatementSyntax)
            {
                break;
            }
        }
        return new InspectionResult(false, "");
    }

    public static CompletenessResult IsComplete(string code)
    {
        var parsed = ParsedCell.Parse(code);
        if (!parsed.HasCode)
        {
            return new CompletenessResult("complete", null);
        }
        var tree = CSharpSyntaxTree.ParseText(parsed.Code, CSharpScriptHost.ParseOptions);
        var codeEnd = parsed.Code.TrimEnd().Length;
        var errors = tree.GetDiagnostics().Where(diagnostic => diagnostic.Severity == DiagnosticSeverity.Error).ToArray();
        // Code is incomplete when more text could fix it: every error is at its end (a missing brace, parenthesis, ...).
        if (!SyntaxFactory.IsCompleteSubmission(tree) && errors.All(error => error.Location.SourceSpan.Start >= codeEnd))
        {
            var lastLine = parsed.Code.TrimEnd().Split('\n')[^1];
            var indent = new string(lastLine.TakeWhile(char.IsWhiteSpace).ToArray());
            if (lastLine.TrimEnd().EndsWith('{') || lastLine.TrimEnd().EndsWith('('))
            {
                indent += "    ";
            }
            return new CompletenessResult("incomplete", indent);
        }
        return errors.Length > 0
            ? new CompletenessResult("invalid", null)
            : new CompletenessResult("complete", null);
    }

    private static (SyntaxTree Tree, SemanticModel Model) Analyze(CSharpScriptHost host, string code)
    {
        // Directive lines become blank lines of the same length so positions do not move.
        var parsed = ParsedCell.Parse(code);
        var analyzable = parsed.Directives.Count == 0 ? code : BlankDirectives(code, parsed);
        var compilation = host.ContinueWith(analyzable).GetCompilation();
        var tree = compilation.SyntaxTrees.Last();
        return (tree, compilation.GetSemanticModel(tree));
    }

    private static string BlankDirectives(string code, ParsedCell parsed)
    {
        var lines = code.Split('\n');
        foreach (var directive in parsed.Directives)
        {
            lines[directive.Line - 1] = new string(' ', lines[directive.Line - 1].Length);
        }
        return string.Join('\n', lines);
    }

    private static IEnumerable<ISymbol> MembersOf(SemanticModel model, ExpressionSyntax left, int position)
    {
        var symbol = model.GetSymbolInfo(left).Symbol;
        switch (symbol)
        {
            case INamespaceSymbol space:
                return model.LookupNamespacesAndTypes(position, space);
            case ITypeSymbol type:
                return model.LookupStaticMembers(position, type);
        }
        var instanceType = model.GetTypeInfo(left).Type;
        if (instanceType is null || instanceType.TypeKind == TypeKind.Error)
        {
            return [];
        }
        return model.LookupSymbols(position, instanceType, includeReducedExtensionMethods: true)
            .Where(member => !member.IsStatic || member is IMethodSymbol { MethodKind: MethodKind.ReducedExtension });
    }

    private static string Describe(ISymbol symbol, ITypeSymbol? expressionType)
    {
        var kind = symbol switch
        {
            IFieldSymbol { ContainingType.IsScriptClass: true } => "variable",
            ILocalSymbol => "local variable",
            IParameterSymbol => "parameter",
            IFieldSymbol => "field",
            IPropertySymbol => "property",
            IMethodSymbol => "method",
            INamedTypeSymbol type => type.TypeKind.ToString().ToLowerInvariant(),
            INamespaceSymbol => "namespace",
            IEventSymbol => "event",
            _ => symbol.Kind.ToString().ToLowerInvariant(),
        };
        var signature = symbol switch
        {
            IFieldSymbol field => $"{field.Type.ToDisplayString()} {field.Name}",
            ILocalSymbol local => $"{local.Type.ToDisplayString()} {local.Name}",
            IParameterSymbol parameter => $"{parameter.Type.ToDisplayString()} {parameter.Name}",
            _ => symbol.ToDisplayString(SignatureFormat),
        };
        var text = $"{kind}: {signature}";
        if (expressionType is not null && symbol is not ITypeSymbol and not IMethodSymbol && expressionType.TypeKind != TypeKind.Error)
        {
            text += $"\ntype: {expressionType.ToDisplayString()}";
        }
        var documentation = symbol.GetDocumentationCommentXml();
        if (!string.IsNullOrWhiteSpace(documentation))
        {
            text += "\n" + documentation.Trim();
        }
        return text;
    }

    private static bool IsIdentifierChar(char character) => char.IsLetterOrDigit(character) || character == '_';
}
