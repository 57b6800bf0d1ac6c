using System.Globalization;
using HeapNotebook.Heap.Errors;

namespace HeapNotebook.Heap.Workloads;

/// <summary>Every workload the simulator offers, with its options, and the one place that checks option values (<see cref="CheckArguments"/>).</summary>
public static class WorkloadCatalog
{
    public static IReadOnlyList<WorkloadDefinition> All { get; } =
    [
        new("binary-trees", "The Benchmarks Game's binary-trees: many short-lived trees beside one long-lived tree.",
            [new("depth", "depth of the largest trees (the game's n; the game raises n below 6 to 6)", 10, 4, 26)],
            get => new BinaryTrees((int)get("depth")),
            Footprint: get => BinaryTrees.PeakLive((int)get("depth"))),
        new("churn", "Allocation with a chosen lifetime distribution: most objects die young, a percentage lives long.",
            [
                new("allocs", "objects to allocate", 200_000, 1, 2_000_000_000),
                new("live", "slots of the young table: the mean lifetime in allocations", 5_000, 1, 10_000_000),
                new("long-lived-percent", "percentage of objects that go to the long-lived table", 5, 0, 100),
                new("long-lived-slots", "slots of the long-lived table", 20_000, 1, 10_000_000),
                new("min-size", "smallest object, bytes", 16, 16, 32_768),
                new("max-size", "largest object, bytes", 256, 16, 1 << 20),
            ],
            get => new Churn(get("allocs"), (int)get("live"), (int)get("long-lived-percent"), (int)get("long-lived-slots"), (int)get("min-size"), (int)get("max-size")),
            Validate: get => get("max-size") < get("min-size")
                ? string.Create(CultureInfo.InvariantCulture, $"max-size ({get("max-size")}) is below min-size ({get("min-size")}): each object's size is drawn between the two. Use a max-size of {get("min-size")} or more, or a smaller min-size.")
                : null,
            Footprint: get =>
            {
                // Both tables, and as many objects as they fill, of the mean size.
                var kept = Math.Min(get("allocs"), get("live") + get("long-lived-slots"));
                var meanSize = (get("min-size") + get("max-size")) / 2;
                return new WorkloadFootprint(2 + kept, (get("live") + get("long-lived-slots")) * 8 + kept * meanSize);
            }),
        new("lru-cache", "A least-recently-used cache under skewed requests: evicted entries become garbage.",
            [
                new("capacity", "entries the cache keeps", 2_000, 1, 10_000_000),
                new("requests", "requests to serve", 200_000, 1, 2_000_000_000),
                new("keys", "distinct keys requested", 10_000, 1, 100_000_000),
                new("value-size", "bytes per cached value", 256, 1, 1 << 20),
            ],
            get => new LruCache((int)get("capacity"), get("requests"), (int)get("keys"), (int)get("value-size")),
            Footprint: get =>
            {
                var entries = Math.Min(get("capacity"), Math.Min(get("keys"), get("requests")));
                return new WorkloadFootprint(2 + entries * 2, (2 + entries) * 48 + entries * get("value-size"));
            }),
        new("cycles", "Rings of objects that die together: garbage to a tracer, a leak to plain reference counting.",
            [
                new("rings", "rings to build", 10_000, 1, 100_000_000),
                new("ring-size", "objects per ring", 8, 2, 100_000),
                new("live", "rings kept alive at a time", 100, 1, 1_000_000),
            ],
            get => new Cycles((int)get("rings"), (int)get("ring-size"), (int)get("live")),
            Footprint: get =>
            {
                var objects = Math.Min(get("rings"), get("live")) * get("ring-size");
                return new WorkloadFootprint(1 + objects, get("live") * 8 + objects * 32);
            }),
        new("fragment", "Interleaved lifetimes that leave holes a non-moving collector cannot fill.",
            [
                new("objects", "objects per round", 20_000, 2, 10_000_000),
                new("small-size", "bytes of the objects that die", 32, 1, 32_768),
                new("medium-size", "bytes of the objects that stay", 96, 1, 32_768),
                new("rounds", "rounds of allocate-then-drop", 3, 1, 100),
            ],
            get => new Fragment((int)get("objects"), (int)get("small-size"), (int)get("medium-size"), (int)get("rounds")),
            Validate: get => Fragment.TableSlots(get("objects"), get("rounds")) > MaxTableSlots
                ? string.Create(CultureInfo.InvariantCulture, $"objects × rounds is too large: the workload keeps every object it allocates in one table of {Fragment.TableSlots(get("objects"), get("rounds")):N0} slots, and a table holds at most {MaxTableSlots:N0}. Use fewer objects or rounds.")
                : null,
            Footprint: get => new WorkloadFootprint(
                1 + get("rounds") * get("objects"),
                Fragment.TableSlots(get("objects"), get("rounds")) * 8 + get("rounds") * (get("objects") / 2) * (get("small-size") + get("medium-size")))),
        new("server", "Per-request garbage beside a slowly changing long-lived session cache.",
            [
                new("requests", "requests to serve", 20_000, 1, 100_000_000),
                new("garbage", "temporary objects per request", 20, 0, 100_000),
                new("cache-size", "sessions kept", 2_000, 1, 10_000_000),
                new("session-size", "bytes per session", 512, 8, 1 << 20),
                new("pool", "1 to take request objects from a sync.Pool-like pool and put them back, 0 to allocate each", 0, 0, 1),
                new("escape-percent", "percentage of temporaries that escape to the heap; the rest live on the stack", 100, 0, 100),
            ],
            get => new Server((int)get("requests"), (int)get("garbage"), (int)get("cache-size"), (int)get("session-size"), get("pool") == 1, (int)get("escape-percent")),
            Footprint: get =>
            {
                var sessions = Math.Min(get("cache-size"), get("requests") / 10);
                return new WorkloadFootprint(2 + sessions + get("garbage"), get("cache-size") * 8 + sessions * get("session-size") + 64 + get("garbage") * 16);
            }),
    ];

    public static IReadOnlyList<string> Names { get; } = All.Select(w => w.Name).ToArray();

    /// <summary>The largest table a workload may keep (a 1 GiB object holds 134 million slots; this keeps well inside it).</summary>
    public const long MaxTableSlots = 20_000_000;

    /// <summary>What a workload is expected to keep reachable at its peak with these options (null when the catalog cannot tell).</summary>
    public static WorkloadFootprint? Footprint(string name, IReadOnlyDictionary<string, long> values)
    {
        var definition = Find(name);
        return definition.Footprint?.Invoke(key => values.TryGetValue(key, out var value) ? value : definition.Options.First(o => o.Name == key).Default);
    }

    public static WorkloadDefinition Find(string name) =>
        All.FirstOrDefault(w => string.Equals(w.Name, name, StringComparison.Ordinal))
        ?? throw new WorkloadException($"There is no workload named '{name}'. Choose one of: {string.Join(", ", Names)}.");

    /// <summary>
    /// Checks a workload's option values by the catalog's rules: each option's range, then the rules between
    /// options (churn's max-size at least its min-size, fragment's table). The one check that both <see cref="Create(string, IReadOnlyDictionary{string, string}?)"/>
    /// ('#!heap run') and the workloads' constructors (<c>new Churn(...)</c> in a C# cell) make, so both refuse the
    /// same values with the same <see cref="WorkloadException"/>, which says what was wrong and the valid range.
    /// </summary>
    /// <param name="name">The workload's catalog name.</param>
    /// <param name="arguments">A value for every option of the workload, in the catalog's order of its options.</param>
    /// <param name="constructor">The C# type the arguments were given to; its message says which argument is which option.</param>
    internal static void CheckArguments(string name, IReadOnlyList<long> arguments, string constructor)
    {
        var definition = Find(name);
        var options = definition.Options;
        if (arguments.Count != options.Count)
        {
            throw new ArgumentException($"Workload '{name}' takes {options.Count} arguments, one per option; {arguments.Count} were given.", nameof(arguments));
        }

        var byName = options.Select((option, i) => KeyValuePair.Create(option.Name, arguments[i])).ToDictionary(StringComparer.Ordinal);
        if (options.Select((option, i) => RangeProblem(definition, option, arguments[i])).FirstOrDefault(problem => problem is not null) is { } outOfRange)
        {
            throw new WorkloadException(outOfRange + ArgumentOrder(definition, constructor));
        }

        if (RulesProblem(definition, key => byName[key]) is { } broken)
        {
            throw new WorkloadException(broken + ArgumentOrder(definition, constructor));
        }
    }

    private static string ArgumentOrder(WorkloadDefinition definition, string constructor) =>
        $" new {constructor}(...) takes the options in this order: {string.Join(", ", definition.Options.Select(option => option.Name))}.";

    private static string? RangeProblem(WorkloadDefinition definition, WorkloadOption option, long value) =>
        value < option.Min || value > option.Max
            ? string.Create(CultureInfo.InvariantCulture, $"Option '{option.Name}' of workload '{definition.Name}' must be between {option.Min} and {option.Max}, not {value}.")
            : null;

    private static string? RulesProblem(WorkloadDefinition definition, Func<string, long> get) =>
        definition.Validate?.Invoke(get) is { } problem ? $"Workload '{definition.Name}': {problem}" : null;

    /// <summary>Makes a workload from option values given as text (as a notebook command gives them); every option is checked before anything runs.</summary>
    public static IWorkload Create(string name, IReadOnlyDictionary<string, string>? options = null) => Create(name, options, limits: null);

    /// <summary>
    /// As <see cref="Create(string, IReadOnlyDictionary{string, string}?)"/>, and refuses a workload
    /// whose expected peak of reachable objects or bytes is past the guard of a heap made with
    /// <paramref name="limits"/> (<see cref="HeapOptions.MaxObjects"/>, <see cref="HeapOptions.MaxHeapBytes"/>),
    /// so it fails at once instead of after filling the host's memory. The simulated machine's own
    /// limit (<see cref="HeapOptions.HeapSizeLimitBytes"/>) is not checked: running out of it is a result to study.
    /// </summary>
    public static IWorkload Create(string name, IReadOnlyDictionary<string, string>? options, HeapOptions? limits)
    {
        var definition = Find(name);
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var option in definition.Options)
        {
            values[option.Name] = option.Default;
        }

        foreach (var (key, text) in options ?? new Dictionary<string, string>())
        {
            var option = definition.Options.FirstOrDefault(o => string.Equals(o.Name, key, StringComparison.Ordinal))
                ?? throw new WorkloadException(
                    $"Workload '{name}' has no option '{key}'. Its options: {string.Join(", ", definition.Options.Select(o => $"{o.Name} ({o.Description}, default {o.Default.ToString(CultureInfo.InvariantCulture)})"))}.");
            if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            {
                throw new WorkloadException($"Option '{key}' of workload '{name}' must be a whole number, not '{text}'.");
            }

            if (RangeProblem(definition, option, value) is { } outOfRange)
            {
                throw new WorkloadException(outOfRange);
            }

            values[key] = value;
        }

        long Get(string key) => values[key];
        if (RulesProblem(definition, Get) is { } broken)
        {
            throw new WorkloadException(broken);
        }

        if (limits is not null && definition.Footprint?.Invoke(Get) is { } footprint
            && (footprint.Objects > limits.MaxObjects || footprint.Bytes > limits.MaxHeapBytes))
        {
            var settings = string.Join(", ", definition.Options.Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Name} {values[o.Name]}")));
            throw new WorkloadException(string.Create(CultureInfo.InvariantCulture,
                $"Workload '{name}' ({settings}) keeps about {footprint.Objects:N0} objects and {SimulatedHeap.Format(footprint.Bytes)} reachable at its peak, more than the heap's guard on the host's memory allows ({limits.MaxObjects:N0} objects, {SimulatedHeap.Format(limits.MaxHeapBytes)}). Choose smaller options, or make the heap with a larger cap ('#!heap new --max-heap SIZE', HeapOptions.MaxHeapBytes and MaxObjects)."));
        }

        return definition.Create(Get);
    }
}
