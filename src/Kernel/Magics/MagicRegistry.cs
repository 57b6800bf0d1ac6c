namespace HeapNotebook.Kernel.Magics;

/// <summary>The table of "#!" commands, plus the language selectors, for lookup and #!lsmagic.</summary>
public sealed class MagicRegistry
{
    private readonly SortedDictionary<string, IMagicCommand> commands = new(StringComparer.Ordinal);

    public static IReadOnlyDictionary<string, string> LanguageSelectors { get; } = new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["csharp"] = "Run the cell as C# (the default).",
        ["html"] = "Show the cell as HTML.",
        ["markdown"] = "Show the cell as Markdown.",
    };

    public static MagicRegistry CreateDefault()
    {
        var registry = new MagicRegistry();
        registry.Register(new TimeMagic());
        registry.Register(new LsMagic());
        registry.Register(new WhoMagic(detailed: false));
        registry.Register(new WhoMagic(detailed: true));
        registry.Register(new Heap.HeapMagic());
        return registry;
    }

    public void Register(IMagicCommand command) => commands[command.Name] = command;

    public IMagicCommand? Find(string name) => commands.GetValueOrDefault(name);

    public IReadOnlyCollection<IMagicCommand> Commands => commands.Values;

    public IReadOnlyList<string> AllNames =>
        commands.Keys.Concat(LanguageSelectors.Keys).Order(StringComparer.Ordinal).ToArray();
}
