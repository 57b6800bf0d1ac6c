using System.CommandLine;
using System.Text;

namespace HeapNotebook.Kernel.Magics.Heap;

/// <summary>One #!heap verb: its System.CommandLine command, what it does, an example, and its handler.</summary>
internal sealed class HeapVerb(string name, string summary, string arguments, string example, Action<HeapCommandContext, ParseResult> run)
{
    public string Name { get; } = name;

    public string Summary { get; } = summary;

    /// <summary>The positional arguments as the usage line shows them ("NAME", "SOURCE.SLOT TARGET").</summary>
    public string Arguments { get; } = arguments;

    public string Example { get; } = example;

    public Command Command { get; } = new(name, summary);

    public Action<HeapCommandContext, ParseResult> Run { get; } = run;

    /// <summary>Longer notes under the summary in the usage.</summary>
    public string? Notes { get; init; }

    /// <summary>The handler reads the words itself (a workload's options vary with the workload), help included.</summary>
    public bool ParsesItsOwnWords { get; init; }

    public IEnumerable<Option> Options => Command.Options;

    public IEnumerable<string> OptionNames => Options.SelectMany(option => option.Aliases.Prepend(option.Name));

    public T Add<T>(T option) where T : Option
    {
        Command.Options.Add(option);
        return option;
    }

    public Argument<T> Add<T>(Argument<T> argument)
    {
        Command.Arguments.Add(argument);
        return argument;
    }

    public string UsageLine()
    {
        var line = new StringBuilder("#!heap ").Append(Name);
        if (Arguments.Length > 0)
        {
            line.Append(' ').Append(Arguments);
        }
        foreach (var option in Options)
        {
            line.Append(" [").Append(option.Name);
            if (option.HelpName is { } value)
            {
                line.Append(' ').Append(value);
            }
            line.Append(']');
        }
        return line.ToString();
    }

    public string Usage()
    {
        var text = new StringBuilder("Usage: ").Append(UsageLine()).Append('\n');
        text.Append(Summary).Append('\n');
        if (Notes is not null)
        {
            text.Append(Notes).Append('\n');
        }
        var options = Options.ToArray();
        if (options.Length > 0)
        {
            var labels = options.Select(option => option.HelpName is { } value ? $"{option.Name} {value}" : option.Name).ToArray();
            const string help = "-h, --help";
            var width = Math.Max(labels.Max(label => label.Length), help.Length) + 2;
            text.Append("Options:\n");
            for (var index = 0; index < options.Length; index++)
            {
                text.Append("  ").Append(labels[index].PadRight(width)).Append(options[index].Description).Append('\n');
            }
            text.Append("  ").Append(help.PadRight(width)).Append("Show this usage.\n");
        }
        text.Append("Example:\n  ").Append(Example).Append('\n');
        return text.ToString();
    }
}
