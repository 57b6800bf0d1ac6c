namespace HeapNotebook.Kernel.Magics.Heap;

/// <summary>One word of a #!heap line and where it starts in the line's arguments (0-based), for error columns.</summary>
internal readonly record struct CommandToken(string Text, int Offset)
{
    /// <summary>Splits arguments at white space; single or double quotes keep spaces inside one word.</summary>
    public static IReadOnlyList<CommandToken> Split(string arguments)
    {
        var tokens = new List<CommandToken>();
        var index = 0;
        while (index < arguments.Length)
        {
            if (char.IsWhiteSpace(arguments[index]))
            {
                index++;
                continue;
            }
            var start = index;
            var text = new System.Text.StringBuilder();
            while (index < arguments.Length && !char.IsWhiteSpace(arguments[index]))
            {
                var character = arguments[index];
                if (character is '"' or '\'')
                {
                    var close = arguments.IndexOf(character, index + 1);
                    if (close < 0)
                    {
                        throw new HeapCommandException(HeapErrorCode.Syntax, $"the quote {character} opened here is never closed", new CommandToken(arguments[index..], index), null);
                    }
                    text.Append(arguments, index + 1, close - index - 1);
                    index = close + 1;
                    continue;
                }
                text.Append(character);
                index++;
            }
            tokens.Add(new CommandToken(text.ToString(), start));
        }
        return tokens;
    }

    public bool IsOption => Text.StartsWith('-') && Text.Length > 1 && !char.IsAsciiDigit(Text[1]);
}
