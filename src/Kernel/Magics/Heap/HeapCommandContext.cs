using System.Text.RegularExpressions;
using HeapNotebook.Heap.Errors;
using HeapNotebook.Kernel.Display;

namespace HeapNotebook.Kernel.Magics.Heap;

/// <summary>What a verb's handler works with: the session's heaps, the invocation, the line's words, and its own usage for errors.</summary>
internal sealed partial class HeapCommandContext(HeapSession session, MagicInvocation invocation, IReadOnlyList<CommandToken> tokens, HeapVerb verb)
{
    public HeapSession Session { get; } = session;

    public MagicInvocation Invocation { get; } = invocation;

    public IReadOnlyList<CommandToken> Tokens { get; } = tokens;

    public HeapVerb Verb { get; } = verb;

    /// <summary>The current heap; an error when a cell set Heap to null.</summary>
    public HeapEntry Current => Session.Current(Invocation.Session.Globals)
        ?? throw Error(HeapErrorCode.NoHeap, "there is no current heap (a cell set Heap to null); make one with '#!heap new' or pick one with '#!heap use NAME'");

    /// <summary>The first word equal to <paramref name="text"/> (after the verb), for error columns; the verb itself when none is.</summary>
    public CommandToken TokenOf(string? text)
    {
        foreach (var token in Tokens.Skip(1))
        {
            if (string.Equals(token.Text, text, StringComparison.Ordinal))
            {
                return token;
            }
        }
        return Tokens[0];
    }

    /// <summary>The word that follows an option (its value), for error columns.</summary>
    public CommandToken ValueOf(string optionName)
    {
        for (var index = 1; index < Tokens.Count - 1; index++)
        {
            if (string.Equals(Tokens[index].Text, optionName, StringComparison.Ordinal))
            {
                return Tokens[index + 1];
            }
        }
        return Tokens[0];
    }

    public HeapCommandException Error(HeapErrorCode code, string message, CommandToken? at = null) =>
        new(code, message, at ?? Tokens[0], Verb.Usage());

    /// <summary>Runs a simulator operation; its refusal (a HeapException, raised before anything changed) becomes an HN error.</summary>
    public T Simulate<T>(Func<T> operation, CommandToken? at = null)
    {
        try
        {
            return operation();
        }
        catch (HeapException exception)
        {
            throw Error(HeapErrorCode.Simulator, WithObjectNames(exception.Message), at);
        }
    }

    /// <summary>The simulator speaks in handles (#3v1); where the current heap has a name for one, the name goes beside it.</summary>
    private string WithObjectNames(string message)
    {
        if (Session.Current(Invocation.Session.Globals) is not { } entry || entry.Objects.Count == 0)
        {
            return message;
        }
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in entry.ObjectOrder)
        {
            names.TryAdd(entry.Objects[name].ToString(), name);
        }
        return HandlePattern().Replace(message, match => names.TryGetValue(match.Value, out var name) ? $"{name} ({match.Value})" : match.Value);
    }

    [GeneratedRegex(@"#\d+v\d+\b")]
    private static partial Regex HandlePattern();

    public void Simulate(Action operation, CommandToken? at = null) => Simulate(() =>
    {
        operation();
        return 0;
    }, at);

    public void Print(string text) => Invocation.Outputs.Write("stdout", text.EndsWith('\n') ? text : text + "\n");

    public void Show(string plain, string? html = null, string? displayId = null, bool isUpdate = false)
    {
        var bundle = MimeBundle.PlainText(plain);
        if (html is not null)
        {
            bundle.With("text/html", html);
        }
        Invocation.Outputs.PublishDisplay(bundle, displayId, isUpdate);
    }
}
