using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using HeapNotebook.Kernel.Display;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Scripting;

namespace HeapNotebook.Kernel.Cells;

/// <summary>
/// Runs C# cells with Roslyn scripting, one submission per cell, state carried from cell to cell.
/// Everything that touches Roslyn lives here, so the kernel can answer before Roslyn is loaded.
/// </summary>
public sealed class CSharpScriptHost
{
    /// <summary>How long an interrupted cell that is awaiting something gets to notice before it is abandoned.</summary>
    private static readonly TimeSpan AbandonAfter = TimeSpan.FromSeconds(2);

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, kind: SourceCodeKind.Script);

    private static readonly string[] ReferencedAssemblyNames =
    [
        "System.Runtime", "System.Console", "System.Linq", "System.Collections", "System.Collections.Concurrent",
        "System.Text.RegularExpressions", "System.Threading", "System.Threading.Tasks", "System.Runtime.Numerics",
        "System.Memory", "System.Linq.Expressions", "System.ComponentModel.Primitives", "System.Text.Json",
        "Microsoft.CSharp", "netstandard",
    ];

    private static readonly string[] Imports =
    [
        "System", "System.Collections.Generic", "System.Linq", "System.Text", "System.Threading.Tasks",
        "Microsoft.DotNet.Interactive.Formatting", "HeapNotebook.Kernel.Display",
        "HeapNotebook.Heap", "HeapNotebook.Heap.Objects", "HeapNotebook.Heap.Telemetry", "HeapNotebook.Heap.Workloads", "HeapNotebook.Heap.Errors", "HeapNotebook.Heap.Snapshots",
        "HeapNotebook.Heap.Memory", "HeapNotebook.Heap.Verification",
    ];

    private readonly ScriptGlobals globals;
    private readonly ScriptOptions options;
    private ScriptState<object?>? state;

    public CSharpScriptHost(ScriptGlobals globals)
    {
        this.globals = globals;
        var references = new List<MetadataReference>();
        foreach (var name in ReferencedAssemblyNames)
        {
            try
            {
                references.Add(MetadataReference.CreateFromFile(Assembly.Load(name).Location));
            }
            catch (Exception exception) when (exception is FileNotFoundException or FileLoadException)
            {
                // An assembly missing from this runtime only narrows what cells can use.
            }
        }
        options = ScriptOptions.Default
            .WithReferences(references)
            .AddReferences(typeof(object).Assembly, typeof(ScriptGlobals).Assembly, typeof(HeapNotebook.Heap.SimulatedHeap).Assembly, typeof(Microsoft.DotNet.Interactive.Formatting.Formatter).Assembly,
                typeof(Microsoft.AspNetCore.Html.HtmlString).Assembly)
            .WithImports(Imports)
            .WithLanguageVersion(LanguageVersion.Latest)
            .WithOptimizationLevel(OptimizationLevel.Release)
            .WithAllowUnsafe(true);
    }

    public static string LanguageVersionName => LanguageVersion.Latest.MapSpecifiedToEffectiveVersion().ToDisplayString();

    /// <summary>The previous submissions' script, for completion and inspection; null before the first cell.</summary>
    public Script? CurrentScript => state?.Script;

    public Script<object?> ContinueWith(string code) =>
        state is null ? CSharpScript.Create<object?>(code, options, typeof(ScriptGlobals)) : state.Script.ContinueWith<object?>(code);

    public IReadOnlyList<ScriptVariable> Variables
    {
        get
        {
            if (state is null)
            {
                return [];
            }
            var latest = new Dictionary<string, ScriptVariable>(StringComparer.Ordinal);
            var order = new List<string>();
            foreach (var variable in state.Variables)
            {
                if (!latest.ContainsKey(variable.Name))
                {
                    order.Add(variable.Name);
                }
                latest[variable.Name] = new ScriptVariable(variable.Name, variable.Type, variable.Value);
            }
            return order.Select(name => latest[name]).ToArray();
        }
    }

    /// <summary>
    /// Declares <paramref name="name"/> as a variable of <paramref name="type"/> in a submission of its own, then
    /// stores <paramref name="value"/> in it, so the next cells see it typed (how magics bind results).
    /// </summary>
    public void Bind(string name, Type type, object? value)
    {
        CheckVariableName(name);
        var script = ContinueWith($"{CSharpTypeName(type)} {name} = default!;");
        var errors = script.Compile().Where(diagnostic => diagnostic.Severity == DiagnosticSeverity.Error).ToArray();
        if (errors.Length > 0)
        {
            throw new ArgumentException($"cannot declare '{name}': {errors[0].GetMessage(CultureInfo.InvariantCulture)}", nameof(name));
        }
        state = script.RunFromAsync(state!).GetAwaiter().GetResult();
        state.Variables.Last(variable => variable.Name == name).Value = value;
    }

    /// <summary>
    /// Throws when a magic may not declare <paramref name="name"/>: not an identifier, a keyword, or a name the cells
    /// already use for a global (Heap, display), a namespace (System) or a type (Math), which the variable would hide.
    /// The cells' own variables, types and methods may be declared again.
    /// </summary>
    public void CheckVariableName(string name)
    {
        if (!SyntaxFacts.IsValidIdentifier(name) || SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None)
        {
            throw new ArgumentException($"'{name}' is not a C# variable name: use letters, digits and _, not starting with a digit, and not a keyword.", nameof(name));
        }
        Warm();
        var compilation = ContinueWith($"nameof({name})").GetCompilation();
        var tree = compilation.SyntaxTrees.Last();
        var reference = tree.GetRoot().DescendantNodes().OfType<IdentifierNameSyntax>().Last();
        var found = compilation.GetSemanticModel(tree).GetSymbolInfo(reference);
        var symbol = found.Symbol ?? found.CandidateSymbols.FirstOrDefault();
        if (symbol is null || symbol.ContainingType is { IsScriptClass: true } || symbol is INamedTypeSymbol { IsScriptClass: true })
        {
            return;
        }
        var what = symbol switch
        {
            INamespaceSymbol => $"the namespace {name}",
            ITypeSymbol type => $"the type {type.ToDisplayString()}",
            _ when symbol.ContainingType?.ToDisplayString() == typeof(ScriptGlobals).FullName =>
                name == nameof(ScriptGlobals.Heap) ? "the global Heap (the current heap)" : $"the global {name}",
            _ => $"{symbol.Kind.ToString().ToLowerInvariant()} {symbol.ToDisplayString()}",
        };
        throw new ArgumentException($"'{name}' already names {what} in C# cells, which a variable of that name would hide from the cells after it: pick another name", nameof(name));
    }

    private static string CSharpTypeName(Type type)
    {
        if (type.IsGenericParameter)
        {
            return type.Name;
        }
        var name = (type.FullName ?? type.Name).Replace('+', '.');
        if (!type.IsGenericType)
        {
            return "global::" + name;
        }
        var tick = name.IndexOf('`');
        return $"global::{name[..tick]}<{string.Join(", ", type.GetGenericArguments().Select(CSharpTypeName))}>";
    }

    /// <summary>Loads and jits Roslyn with an empty first submission, so the first real cell is quick.</summary>
    public void Warm()
    {
        if (state is not null)
        {
            return;
        }
        var script = ContinueWith("");
        state = script.RunAsync(globals).GetAwaiter().GetResult();
        var probe = state.Script.ContinueWith<object?>("1", options);
        probe.Compile();
    }

    /// <summary>A chain of throwaway submissions, apart from the user's, that exercises the compiler.</summary>
    public Rehearsal StartRehearsal() => new(options, globals);

    public sealed class Rehearsal(ScriptOptions options, ScriptGlobals globals)
    {
        private ScriptState<object?>? state;

        /// <summary>Compiles, emits, loads and runs one more trivial submission.</summary>
        public void Next() => state = state is null
            ? CSharpScript.Create<object?>("1 + 1", options, typeof(ScriptGlobals)).RunAsync(globals).GetAwaiter().GetResult()
            : state.ContinueWithAsync<object?>("1 + 1", options).GetAwaiter().GetResult();
    }

    public ExecutionError? Execute(string code, CellOutputContext outputs, CancellationToken interrupt)
    {
        var written = ContinueWith(code);
        var runnable = Interruptible(written, code);
        var script = ReferenceEquals(runnable, code) ? written : ContinueWith(runnable);
        if (interrupt.IsCancellationRequested)
        {
            return Interrupted();
        }
        InterruptionPoint.Current = interrupt;
        Task<ScriptState<object?>> running;
        try
        {
            // Compiles (throwing on errors) and then starts the submission; Script.Compile would bind it all a second time for warnings.
            running = state is null
                ? script.RunAsync(globals, _ => true, interrupt)
                : script.RunFromAsync(state, _ => true, interrupt);
        }
        catch (CompilationErrorException failed)
        {
            var errors = ReferenceEquals(script, written)
                ? failed.Diagnostics
                // Report positions in the code the user wrote, not the rewritten one.
                : written.GetCompilation().GetDiagnostics();
            return CompilationError(errors.Where(diagnostic => diagnostic.Severity == DiagnosticSeverity.Error).ToArray());
        }
        catch (OperationCanceledException) when (interrupt.IsCancellationRequested)
        {
            return Interrupted();
        }
        try
        {
            running.Wait(interrupt);
        }
        catch (OperationCanceledException) when (interrupt.IsCancellationRequested)
        {
            try
            {
                if (!running.Wait(AbandonAfter))
                {
                    return Interrupted();
                }
            }
            catch (ThreadInterruptedException)
            {
                return Interrupted();
            }
            catch (AggregateException)
            {
                // Reported from running.Exception below.
            }
        }
        catch (ThreadInterruptedException) when (interrupt.IsCancellationRequested)
        {
            return Interrupted();
        }
        catch (AggregateException)
        {
            // Reported from running.Exception below.
        }
        if (running.IsCanceled)
        {
            return Interrupted();
        }
        if (running.IsFaulted)
        {
            return RuntimeError(running.Exception!.GetBaseException(), interrupt);
        }
        var finished = running.Result;
        state = finished;
        if (finished.Exception is { } exception)
        {
            return RuntimeError(exception, interrupt);
        }
        // display(...) returns its handle for updates; like Jupyter's display, it shows nothing itself.
        if (HasTrailingValue(script, finished.ReturnValue) && finished.ReturnValue is not DisplayHandle)
        {
            MimeBundle shown;
            try
            {
                shown = DisplayFormatter.Format(finished.ReturnValue);
            }
            catch (Exception formatting)
            {
                // The value's own code (ToString, a property) threw while it was being shown: the user's error, not the kernel's.
                var error = RuntimeError(formatting, interrupt);
                return error with { Value = $"the cell ran, but showing its value ({finished.ReturnValue!.GetType().Name}) failed: {formatting.Message}" };
            }
            outputs.PublishResult(shown);
        }
        return null;
    }

    /// <summary>
    /// The first line of <paramref name="code"/> that starts with #! outside a string literal or a comment: a magic line
    /// written after C# code, which the compiler would only call a misplaced preprocessor directive. Null when there is none.
    /// </summary>
    public static int? MisplacedMagicLine(string code)
    {
        var lines = code.Split('\n');
        if (!lines.Any(line => line.TrimStart().StartsWith("#!", StringComparison.Ordinal)))
        {
            return null;
        }
        var text = Microsoft.CodeAnalysis.Text.SourceText.From(code);
        var root = CSharpSyntaxTree.ParseText(text, ParseOptions).GetRoot();
        for (var index = 0; index < lines.Length; index++)
        {
            var indent = lines[index].Length - lines[index].TrimStart().Length;
            if (!lines[index].AsSpan(indent).StartsWith("#!", StringComparison.Ordinal))
            {
                continue;
            }
            var position = text.Lines[index].Start + indent;
            var token = root.FindToken(position, findInsideTrivia: true);
            var trivia = root.FindTrivia(position, findInsideTrivia: true);
            var inString = token.Span.Contains(position) && token.Kind() is SyntaxKind.StringLiteralToken or SyntaxKind.MultiLineRawStringLiteralToken
                or SyntaxKind.InterpolatedStringTextToken or SyntaxKind.InterpolatedMultiLineRawStringStartToken;
            var inComment = trivia.Span.Contains(position) && trivia.Kind() is SyntaxKind.MultiLineCommentTrivia or SyntaxKind.MultiLineDocumentationCommentTrivia;
            if (!inString && !inComment)
            {
                return index + 1;
            }
        }
        return null;
    }

    /// <summary>The code with interruption checks in its loops and bodies, or the code itself when it has none to check.</summary>
    private static string Interruptible(Script written, string code)
    {
        var tree = written.GetCompilation().SyntaxTrees.Last();
        var root = tree.GetRoot();
        if (!InterruptionRewriter.NeedsRewrite(root))
        {
            return code;
        }
        SemanticModel? model = null;
        bool? LambdaReturnsNothing(LambdaExpressionSyntax lambda)
        {
            model ??= written.GetCompilation().GetSemanticModel(tree);
            // An expression tree cannot hold a block body; nor is anything known of a lambda that does not bind.
            if (model.GetTypeInfo(lambda).ConvertedType?.TypeKind != TypeKind.Delegate || model.GetSymbolInfo(lambda).Symbol is not IMethodSymbol method)
            {
                return null;
            }
            return method.ReturnsVoid || (method.IsAsync && method.ReturnType is INamedTypeSymbol { IsGenericType: false, Name: "Task" or "ValueTask" });
        }
        return new InterruptionRewriter(LambdaReturnsNothing).Visit(root).ToFullString();
    }

    /// <summary>A submission has a value when it ends in an expression without a semicolon that is not void.</summary>
    private static bool HasTrailingValue(Script script, object? returnValue)
    {
        var compilation = script.GetCompilation();
        var tree = compilation.SyntaxTrees.Last();
        if (tree.GetRoot() is not Microsoft.CodeAnalysis.CSharp.Syntax.CompilationUnitSyntax unit
            || unit.Members.LastOrDefault() is not Microsoft.CodeAnalysis.CSharp.Syntax.GlobalStatementSyntax { Statement: Microsoft.CodeAnalysis.CSharp.Syntax.ExpressionStatementSyntax statement }
            || !statement.SemicolonToken.IsMissing)
        {
            return false;
        }
        if (returnValue is not null)
        {
            return true;
        }
        // A null value is shown ("null"); a void call is not. Only then is the expression bound again.
        var type = compilation.GetSemanticModel(tree).GetTypeInfo(statement.Expression).Type;
        return type is not null && type.SpecialType != SpecialType.System_Void;
    }

    private static ExecutionError Interrupted()
    {
        var exception = new CellInterruptedException();
        return new ExecutionError(CellInterruptedException.ErrorName, exception.Message, [$"{CellInterruptedException.ErrorName}: {exception.Message}"]);
    }

    private static ExecutionError CompilationError(IReadOnlyList<Diagnostic> errors)
    {
        var lines = errors.Select(diagnostic =>
        {
            var position = diagnostic.Location.GetLineSpan().StartLinePosition;
            return string.Create(CultureInfo.InvariantCulture,
                $"({position.Line + 1},{position.Character + 1}): error {diagnostic.Id}: {diagnostic.GetMessage(CultureInfo.InvariantCulture)}");
        }).ToArray();
        return new ExecutionError("CompilationError", string.Join("\n", lines), lines);
    }

    private static ExecutionError RuntimeError(Exception exception, CancellationToken interrupt)
    {
        if (exception is OperationCanceledException or ThreadInterruptedException && interrupt.IsCancellationRequested)
        {
            return Interrupted();
        }
        var name = exception.GetType().FullName ?? exception.GetType().Name;
        var traceback = new List<string> { $"{name}: {exception.Message}" };
        traceback.AddRange(UserFrames(exception));
        return new ExecutionError(name, exception.Message, traceback);
    }

    /// <summary>The stack frames in code the user wrote (script assemblies), with the compiler's names tidied.</summary>
    private static IEnumerable<string> UserFrames(Exception exception)
    {
        foreach (var frame in new StackTrace(exception, fNeedFileInfo: false).GetFrames())
        {
            var method = frame.GetMethod();
            var type = method?.DeclaringType;
            if (method is null || type is null || type.Assembly.GetName().Name?.StartsWith("ℛ*", StringComparison.Ordinal) != true)
            {
                continue;
            }
            yield return $"   at {Describe(type, method)}";
        }
    }

    private static string Describe(Type type, MethodBase method)
    {
        var methodName = method.Name;
        var owner = type;
        if (methodName == "MoveNext" && type.Name.StartsWith('<'))
        {
            // An async state machine: the method is named inside <...>.
            methodName = type.Name[1..type.Name.IndexOf('>')];
            owner = type.DeclaringType ?? type;
        }
        if (methodName.StartsWith("<<Initialize>", StringComparison.Ordinal) || methodName == "<Initialize>")
        {
            return "cell";
        }
        var ownerName = owner.Name.StartsWith("Submission#", StringComparison.Ordinal) ? "" : owner.Name + ".";
        return $"{ownerName}{methodName}() in cell";
    }
}
