using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text;
using HeapNotebook.Kernel.Cells;

namespace HeapNotebook.Kernel.Magics.Heap;

/// <summary>
/// #!heap: the command language that drives the simulated heaps of a session, one verb per line
/// (<c>#!heap new --collector tricolor</c>, <c>#!heap alloc a --root</c>, <c>#!heap gc</c>, ...).
/// Every verb checks all its words before it changes anything, so a failed line leaves every heap as it was.
/// </summary>
public sealed class HeapMagic : IMagicCommand
{
    private static readonly string[] HelpWords = ["-h", "--help", "-?", "help"];

    private static readonly ParserConfiguration Parsing = new() { ResponseFileTokenReplacer = null };

    private readonly HeapSession session = new();
    private readonly IReadOnlyList<HeapVerb> verbs;

    public HeapMagic()
    {
        verbs = HeapVerbs.Create();
    }

    public string Name => "heap";

    public string Description => "Drive the simulated heaps: new, alloc, link, run, gc, step, stats, trace, map, graph, pauses, timeline, mmu, sizes, compare, verify, use, list, export, save, load (-h for usage).";

    public ExecutionError? Run(MagicInvocation invocation)
    {
        try
        {
            Execute(invocation);
            return null;
        }
        catch (HeapCommandException exception)
        {
            return exception.ToExecutionError(invocation.Line);
        }
    }

    internal string Overview()
    {
        var width = verbs.Max(verb => verb.Name.Length) + 2;
        var text = new StringBuilder("Usage: #!heap VERB [ARGUMENTS] [--OPTION VALUE ...]\n");
        text.Append("One verb per #!heap line; a cell may have several, run in order. '#!heap VERB -h' shows a verb's options.\n");
        text.Append("Verbs:\n");
        foreach (var verb in verbs)
        {
            text.Append("  ").Append(verb.Name.PadRight(width)).Append(verb.Summary).Append('\n');
        }
        text.Append("Example:\n  #!heap new --collector tricolor --gogc 50 --name small\n  #!heap alloc a --fields 1 --root\n");
        return text.ToString();
    }

    /// <summary>The command reference as Markdown, made from the verbs' own definitions (docs/heap-commands.md is this, checked by a test).</summary>
    internal string ReferenceMarkdown()
    {
        var text = new StringBuilder("# `#!heap` command reference\n\n");
        text.Append("Generated from the command definitions in `src/Kernel/Magics/Heap` (a test fails when this page and the code disagree; ");
        text.Append("regenerate with `HEAPNB_UPDATE_DOCS=1 dotnet test tests/HeapNotebook.Kernel.Tests --filter ReferencePage`). ");
        text.Append("In a notebook, `#!heap -h` and `#!heap VERB -h` print the same texts.\n\n```\n").Append(Overview()).Append("```\n");
        foreach (var verb in verbs)
        {
            text.Append("\n## ").Append(verb.Name).Append("\n\n```\n").Append(verb.Usage()).Append("```\n");
        }
        return text.ToString();
    }

    private void Execute(MagicInvocation invocation)
    {
        // From the session's first heap on, a C# cell cannot make current a heap whose name is another's.
        invocation.Session.Globals.CheckHeap = session.NameClash;
        var tokens = CommandToken.Split(invocation.Arguments);
        if (tokens.Count == 0 || HelpWords.Contains(tokens[0].Text, StringComparer.Ordinal))
        {
            invocation.Outputs.Write("stdout", Overview());
            return;
        }
        var verb = verbs.FirstOrDefault(candidate => string.Equals(candidate.Name, tokens[0].Text, StringComparison.Ordinal))
            ?? throw new HeapCommandException(HeapErrorCode.UnknownVerb,
                $"'{tokens[0].Text}' is not a #!heap verb.{Suggestions.DidYouMean(tokens[0].Text, verbs.Select(candidate => candidate.Name))} Verbs: {string.Join(", ", verbs.Select(candidate => candidate.Name))}.",
                tokens[0], Overview());
        var context = new HeapCommandContext(session, invocation, tokens, verb);
        if (verb.ParsesItsOwnWords)
        {
            // Each workload has its own options; run and compare parse them against the catalog.
            verb.Run(context, verb.Command.Parse([], Parsing));
            return;
        }
        if (tokens.Skip(1).Any(token => HelpWords[..3].Contains(token.Text, StringComparer.Ordinal)))
        {
            invocation.Outputs.Write("stdout", verb.Usage());
            return;
        }
        CheckOptions(context);
        var result = verb.Command.Parse(tokens.Skip(1).Select(token => token.Text).ToArray(), Parsing);
        if (result.Errors.Count > 0)
        {
            throw Translate(context, result.Errors[0]);
        }
        verb.Run(context, result);
    }

    /// <summary>An option the verb does not have is named, with the closest one it does have.</summary>
    private static void CheckOptions(HeapCommandContext context)
    {
        var known = context.Verb.OptionNames.ToArray();
        foreach (var token in context.Tokens.Skip(1))
        {
            if (token.IsOption && !known.Contains(token.Text, StringComparer.Ordinal))
            {
                var options = known.Length == 0 ? "it has no options" : $"its options: {string.Join(", ", context.Verb.Options.Select(option => option.Name))}";
                throw context.Error(HeapErrorCode.UnknownOption,
                    $"'{context.Verb.Name}' has no option '{token.Text}'.{Suggestions.DidYouMean(token.Text, known)} ({options})", token);
            }
        }
    }

    private static HeapCommandException Translate(HeapCommandContext context, ParseError error)
    {
        var verb = context.Verb;
        switch (error.SymbolResult)
        {
            case OptionResult { Tokens.Count: 0 } missing:
                var option = missing.Option;
                var usage = $"#!heap {verb.Name}{(verb.Arguments.Length == 0 ? "" : " " + verb.Arguments)} {option.Name} {option.HelpName ?? "VALUE"}";
                return context.Error(HeapErrorCode.MissingArgument, $"{option.Name} needs a value: {usage}", context.TokenOf(missing.IdentifierToken?.Value ?? option.Name));
            case OptionResult { Tokens.Count: > 1 } twice:
                var name = twice.IdentifierToken?.Value ?? twice.Option.Name;
                return context.Error(HeapErrorCode.InvalidValue, $"{twice.Option.Name} is given twice; give it once", context.Tokens.LastOrDefault(token => token.Text == name));
            case OptionResult { Tokens: [var value] } invalid:
                return context.Error(HeapErrorCode.InvalidValue,
                    $"'{value.Value}' is not a valid value for {invalid.Option.Name}: use {ValueForm(invalid.Option)}", context.ValueOf(invalid.IdentifierToken?.Value ?? invalid.Option.Name));
            case ArgumentResult { Tokens.Count: 0 }:
                return context.Error(HeapErrorCode.MissingArgument, $"'{verb.Name}' needs {verb.Arguments}");
        }
        var message = error.Message.TrimEnd('.');
        if (message.StartsWith("Unrecognized command or argument", StringComparison.Ordinal))
        {
            var word = Quoted(message);
            return context.Error(HeapErrorCode.MissingArgument,
                $"'{verb.Name}' takes {(verb.Arguments.Length == 0 ? "no arguments" : "only " + verb.Arguments)}, so '{word}' is one word too many", context.TokenOf(word));
        }
        var quoted = Quoted(message);
        return context.Error(HeapErrorCode.InvalidValue, message, context.TokenOf(quoted));
    }

    private static readonly Type[] WholeNumberTypes = [typeof(byte), typeof(sbyte), typeof(short), typeof(ushort), typeof(int), typeof(uint), typeof(long), typeof(ulong)];

    /// <summary>What an option's values look like, from its type ("a whole number from 0 to 255").</summary>
    private static string ValueForm(Option option)
    {
        var type = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
        if (!WholeNumberTypes.Contains(type))
        {
            return option.HelpName ?? "another value";
        }
        var min = Convert.ToDecimal(type.GetField("MinValue")!.GetValue(null), CultureInfo.InvariantCulture);
        var max = Convert.ToDecimal(type.GetField("MaxValue")!.GetValue(null), CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture, $"a whole number from {min:N0} to {max:N0}");
    }

    private static string? Quoted(string message)
    {
        var start = message.IndexOf('\'');
        var end = start < 0 ? -1 : message.IndexOf('\'', start + 1);
        return end < 0 ? null : message[(start + 1)..end];
    }
}
