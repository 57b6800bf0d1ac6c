using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using HeapNotebook.Heap;
using HeapNotebook.Heap.Barriers;
using HeapNotebook.Heap.Collectors;
using HeapNotebook.Heap.Errors;
using HeapNotebook.Heap.Objects;
using HeapNotebook.Heap.Telemetry;
using HeapNotebook.Heap.Time;
using HeapNotebook.Heap.Workloads;
using HeapNotebook.Kernel.Display;

namespace HeapNotebook.Kernel.Magics.Heap;

/// <summary>The verbs of #!heap. Each handler checks every word first and changes a heap only at its end.</summary>
internal static partial class HeapVerbs
{
    /// <summary>Until the generational plan lands; then the default becomes "generational".</summary>
    public const string DefaultCollector = "generational";

    public static readonly IReadOnlyList<string> CycleCollectors = ["none", "trial-deletion"];

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex NamePattern();

    public static IReadOnlyList<HeapVerb> Create() =>
    [
        New(), Alloc(), Link(), Unlink(), Root(), Unroot(), Objects(), RunWorkload(), Gc(), Step(), Verify(), Stats(), Trace(), Map(), Graph(), Pauses(), Timeline(), Mmu(), Sizes(), Compare(), Use(), List(),
        Export(), Save(), Load(),
    ];

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A generational heap smaller than twice the default nursery gets a nursery of half of it (at least 64 KiB), unless one was asked for.</summary>
    internal static HeapOptions WithNurseryThatFits(HeapOptions options) => options.Collector == "generational"
        ? options with { NurseryBytes = Math.Min(options.NurseryBytes, Math.Max(64L << 10, options.EffectiveHeapLimitBytes / 2)) }
        : options;

    // ---- new ---------------------------------------------------------------------------------

    private static HeapVerb New()
    {
        HeapVerb verb = null!;
        Option<string?> collector = null!, barrier = null!, gogc = null!, memoryLimit = null!, runtimeOverhead = null!, heapSize = null!, maxHeap = null!, name = null!, cycleCollector = null!, nursery = null!, costScale = null!;
        Option<int?> procs = null!, tenuring = null!;
        Option<ulong?> seed = null!;
        Option<bool> verifyOption = null!;
        verb = new HeapVerb("new", "Make a heap, name it, and make it the current heap (Heap in C# cells).", "",
            "#!heap new --collector tricolor --barrier dijkstra --gogc 50 --heap-size 64MiB --name small",
            (context, parse) =>
            {
                var options = new HeapOptions { Collector = DefaultCollector, Journal = true };
                var collectorName = parse.GetValue(collector) ?? DefaultCollector;
                Choose(context, "--collector", collectorName, CollectorRegistry.Names);
                options = options with { Collector = collectorName };
                if (parse.GetValue(barrier) is { } barrierName)
                {
                    Choose(context, "--barrier", barrierName, WriteBarriers.Names);
                    options = options with { Barrier = barrierName };
                }
                if (parse.GetValue(cycleCollector) is { } cycles)
                {
                    Choose(context, "--cycle-collector", cycles, CycleCollectors);
                    options = options with { CycleCollector = cycles };
                }
                if (parse.GetValue(gogc) is { } gogcText)
                {
                    int? value = string.Equals(gogcText, "off", StringComparison.OrdinalIgnoreCase) ? null
                        : int.TryParse(gogcText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var percent) && percent >= 0 ? percent
                        : throw context.Error(HeapErrorCode.InvalidValue, $"--gogc must be a percentage of 0 or more, or off, not '{gogcText}'", context.ValueOf("--gogc"));
                    options = options with { Gogc = value };
                }
                if (parse.GetValue(memoryLimit) is { } limitText)
                {
                    options = options with { MemoryLimitBytes = Size(context, "--memory-limit", limitText) };
                }
                if (parse.GetValue(runtimeOverhead) is { } overheadText)
                {
                    options = options with { RuntimeOverheadBytes = Size(context, "--runtime-overhead", overheadText) };
                }
                if (parse.GetValue(heapSize) is { } sizeText)
                {
                    options = options with { HeapSizeLimitBytes = Size(context, "--heap-size", sizeText) };
                }
                if (parse.GetValue(maxHeap) is { } maxHeapText)
                {
                    var cap = Size(context, "--max-heap", maxHeapText);
                    if (cap is < MinMaxHeapBytes or > MaxMaxHeapBytes)
                    {
                        throw context.Error(HeapErrorCode.InvalidValue, $"--max-heap must be 64KiB to 32GiB, not '{maxHeapText}'", context.ValueOf("--max-heap"));
                    }

                    options = options with { MaxHeapBytes = cap, MaxObjects = MaxObjectsFor(cap) };
                }
                if (parse.GetValue(nursery) is { } nurseryText)
                {
                    if (collectorName != "generational")
                    {
                        throw context.Error(HeapErrorCode.InvalidValue, $"--nursery belongs to the generational collector; the {collectorName} collector has no nursery", context.ValueOf("--nursery"));
                    }

                    options = options with { NurseryBytes = Size(context, "--nursery", nurseryText) };
                }
                else
                {
                    options = WithNurseryThatFits(options);
                }
                if (parse.GetValue(tenuring) is { } tenuringValue)
                {
                    if (collectorName != "generational")
                    {
                        throw context.Error(HeapErrorCode.InvalidValue, $"--tenuring belongs to the generational collector; the {collectorName} collector does not promote", context.ValueOf("--tenuring"));
                    }

                    options = options with { TenuringThreshold = tenuringValue };
                }
                if (parse.GetValue(procs) is { } procsValue)
                {
                    options = options with { Procs = procsValue };
                }
                if (parse.GetValue(seed) is { } seedValue)
                {
                    options = options with { Seed = seedValue };
                }
                if (parse.GetValue(costScale) is { } scaleText)
                {
                    if (!double.TryParse(scaleText, NumberStyles.Float, CultureInfo.InvariantCulture, out var scale) || !double.IsFinite(scale) || scale <= 0)
                    {
                        throw context.Error(HeapErrorCode.InvalidValue, $"--cost-scale must be a number above 0 (100: a machine 100 times slower; 0.5: twice as fast), not '{scaleText}'", context.ValueOf("--cost-scale"));
                    }

                    options = options with { Costs = CostModel.Default.Scaled(scale) };
                }
                options = options with { Verify = parse.GetValue(verifyOption) };
                if (options.Verify)
                {
                    // The reference model costs the kernel about 200 bytes an object more.
                    options = options with { MaxObjects = Math.Max(1, options.MaxObjects / VerifiedObjectShare) };
                }
                var heapName = parse.GetValue(name) ?? context.Session.NextName();
                CheckName(context, "heap name", heapName, context.ValueOf("--name"));
                context.Session.Current(context.Invocation.Session.Globals);
                if (context.Session.Find(heapName) is not null)
                {
                    throw context.Error(HeapErrorCode.NameInUse, $"there is already a heap named '{heapName}'; pick another --name, or '#!heap use {heapName}'", context.ValueOf("--name"));
                }
                var heap = context.Simulate(() => new SimulatedHeap(options with { Name = heapName }));
                context.Session.Add(heapName, heap);
                context.Invocation.Session.Globals.Heap = heap;
                context.Print(Describe(heapName, heap) + "; it is now the current heap (Heap in C# cells)");
            })
        {
            Notes = $"The default collector is {DefaultCollector}. Sizes take B, KiB, MiB or GiB (64MiB, 512KiB).",
        };
        collector = verb.Add(new Option<string?>("--collector") { HelpName = string.Join('|', CollectorRegistry.Names), Description = $"The collector plan (default {DefaultCollector})." });
        nursery = verb.Add(new Option<string?>("--nursery") { HelpName = "SIZE", Description = "The generational collector's nursery (default 4MiB, or half the heap when that is smaller)." });
        tenuring = verb.Add(new Option<int?>("--tenuring") { HelpName = "N", Description = "Minor collections survived before promotion, 0 to 15 (default 2; generational only)." });
        barrier = verb.Add(new Option<string?>("--barrier") { HelpName = string.Join('|', WriteBarriers.Names), Description = "The write barrier of an incremental plan (default: the plan's own, hybrid)." });
        gogc = verb.Add(new Option<string?>("--gogc") { HelpName = "N|off", Description = "GOGC: how far the heap grows over the live heap before the next cycle, in percent (default 100)." });
        memoryLimit = verb.Add(new Option<string?>("--memory-limit") { HelpName = "SIZE", Description = "GOMEMLIMIT: a soft limit on the memory the runtime keeps, spans and stacks included, not only live objects (default none)." });
        runtimeOverhead = verb.Add(new Option<string?>("--runtime-overhead") { HelpName = "SIZE", Description = "Memory the runtime maps besides heap and stacks, counted against --memory-limit as a real Go process's metadata is (Go 1.19: about 8MiB; default 0)." });
        heapSize = verb.Add(new Option<string?>("--heap-size") { HelpName = "SIZE", Description = "The most memory the heap may obtain; more is a simulated out-of-memory (default 16GiB)." });
        maxHeap = verb.Add(new Option<string?>("--max-heap") { HelpName = "SIZE", Description = Invariant($"The kernel's guard on its own memory: at most SIZE of simulated heap and one object per {HeapOptions.BytesPerObjectAllowed} bytes of it, whatever --heap-size says (default 4GiB: {MaxObjectsFor(HeapOptions.DefaultMaxHeapBytes):N0} objects).") });
        procs = verb.Add(new Option<int?>("--procs") { HelpName = "N", Description = "GOMAXPROCS (default 4)." });
        costScale = verb.Add(new Option<string?>("--cost-scale") { HelpName = "F", Description = "Every virtual cost times F: the same program on a machine F times slower (0.5: twice as fast). Virtual time stretches, every share of it stays, until Go's GC CPU limiter, whose bucket is a fixed CPU-second, acts (default 1)." });
        seed = verb.Add(new Option<ulong?>("--seed") { HelpName = "N", Description = "The seed of the heap's random choices (default 1)." });
        name = verb.Add(new Option<string?>("--name") { HelpName = "NAME", Description = "The heap's name (default heap1, heap2, ...)." });
        cycleCollector = verb.Add(new Option<string?>("--cycle-collector") { HelpName = string.Join('|', CycleCollectors), Description = "The refcount plan's cycle collector (default none: cycles leak)." });
        verifyOption = verb.Add(new Option<bool>("--verify") { Description = Invariant($"Check the heap against the reference model after every collection (slow; the model's memory leaves room for 1/{VerifiedObjectShare} of the objects).") });
        return verb;
    }

    internal static string Describe(string name, SimulatedHeap heap)
    {
        var options = heap.Options;
        var text = new StringBuilder(name).Append(": ").Append(heap.Plan.Name).Append(" collector");
        text.Append(", GOGC ").Append(options.Gogc is { } gogc ? gogc.ToString(CultureInfo.InvariantCulture) : "off");
        if (options.Barrier is not null)
        {
            text.Append(", ").Append(options.Barrier).Append(" barrier");
        }
        if (options.CycleCollector is not null)
        {
            text.Append(", cycle collector ").Append(options.CycleCollector);
        }
        if (options.MemoryLimitBytes is { } limit)
        {
            text.Append(", memory limit ").Append(ByteSize.Format(limit));
        }
        if (options.RuntimeOverheadBytes > 0)
        {
            text.Append(", runtime overhead ").Append(ByteSize.Format(options.RuntimeOverheadBytes));
        }
        text.Append(", heap size ").Append(ByteSize.Format(options.HeapSizeLimitBytes));
        text.Append(", max heap ").Append(ByteSize.Format(options.MaxHeapBytes));
        text.Append(Invariant($", {options.Procs} proc{(options.Procs == 1 ? "" : "s")}, seed {options.Seed}"));
        if (options.Costs != CostModel.Default)
        {
            var factor = options.Costs.AllocationNs / CostModel.Default.AllocationNs;
            text.Append(options.Costs == CostModel.Default.Scaled(factor) ? Invariant($", costs ×{factor:0.###}") : ", custom costs");
        }
        if (options.Verify)
        {
            text.Append(", verified");
        }
        return text.ToString();
    }

    private const long MinMaxHeapBytes = 64L << 10;

    /// <summary>A verified heap may hold this fraction of the objects --max-heap allows: the reference model costs about 200 bytes an object, four times the heap's own.</summary>
    private const int VerifiedObjectShare = 4;

    private const long MaxMaxHeapBytes = 32L << 30;

    /// <summary>The object cap that goes with a --max-heap: the host spends 40 to 90 bytes per simulated object.</summary>
    internal static int MaxObjectsFor(long maxHeapBytes) => (int)Math.Clamp(maxHeapBytes / HeapOptions.BytesPerObjectAllowed, 1, int.MaxValue);

    private static void Choose(HeapCommandContext context, string option, string value, IReadOnlyList<string> choices)
    {
        if (!choices.Contains(value, StringComparer.Ordinal))
        {
            throw context.Error(HeapErrorCode.InvalidValue,
                $"{option} cannot be '{value}'.{Suggestions.DidYouMean(value, choices)} Choose one of: {string.Join(", ", choices)}.", context.ValueOf(option));
        }
    }

    private static long Size(HeapCommandContext context, string option, string text)
    {
        if (ByteSize.TryParse(text, out var bytes, out var hint))
        {
            return bytes;
        }
        throw context.Error(HeapErrorCode.InvalidValue,
            $"{option} must be a size such as 64MiB or 512KiB (units B, KiB, MiB, GiB), not '{text}'.{(hint is null ? "" : $" Did you mean '{hint}'?")}", context.ValueOf(option));
    }

    // ---- the object graph --------------------------------------------------------------------

    private static string ObjectName(HeapCommandContext context, string name)
    {
        CheckName(context, "object name", name, context.TokenOf(name));
        return name;
    }

    /// <summary>The longest heap or object name: names are columns of the tables that list them.</summary>
    internal const int MaxNameLength = 64;

    internal static bool IsName(string? name) => name is not null && name.Length <= MaxNameLength && NamePattern().IsMatch(name);

    private static void CheckName(HeapCommandContext context, string what, string name, CommandToken at)
    {
        if (name.Length > MaxNameLength)
        {
            throw context.Error(HeapErrorCode.InvalidValue,
                Invariant($"'{name[..20]}...' is {Count(name.Length)} characters long: {what}s may have {MaxNameLength} characters at most"), at);
        }
        if (!NamePattern().IsMatch(name))
        {
            throw context.Error(HeapErrorCode.InvalidValue, $"'{name}' is not {("aeiou".Contains(what[0], StringComparison.Ordinal) ? "an" : "a")} {what}: use letters, digits and _, not starting with a digit", at);
        }
    }

    /// <summary>The live object a name refers to in the current heap; an error names what is wrong (unknown, or freed).</summary>
    private static ObjectHandle Lookup(HeapCommandContext context, HeapEntry entry, string name)
    {
        if (!entry.Objects.TryGetValue(name, out var handle))
        {
            var known = entry.ObjectOrder.Count == 0 ? "it has none yet (make one with '#!heap alloc NAME')" : "its objects: " + string.Join(", ", entry.ObjectOrder);
            throw context.Error(HeapErrorCode.UnknownObject, $"{entry.Name} has no object named '{name}'.{Suggestions.DidYouMean(name, entry.ObjectOrder)} ({known})", context.TokenOf(name));
        }
        if (!entry.Heap.IsLive(handle))
        {
            throw context.Error(HeapErrorCode.UnknownObject,
                $"object '{name}' ({handle}) of {entry.Name} was freed by the collector: nothing reached it. Allocate it again with '#!heap alloc {name}'", context.TokenOf(name));
        }
        return handle;
    }

    private static (ObjectHandle Source, string SourceName, int Slot) SlotReference(HeapCommandContext context, HeapEntry entry, string text)
    {
        var dot = text.LastIndexOf('.');
        if (dot <= 0 || !int.TryParse(text.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var slot))
        {
            throw context.Error(HeapErrorCode.InvalidValue, $"'{text}' is not SOURCE.SLOT: write the object's name, a dot and the slot number, as in a.0", context.TokenOf(text));
        }
        var name = text[..dot];
        var source = Lookup(context, entry, name);
        var slots = entry.Heap.SlotCountOf(source);
        if (slot >= slots)
        {
            throw context.Error(HeapErrorCode.InvalidValue,
                slots == 0
                    ? $"object '{name}' has no pointer slots; allocate it with --fields N to give it some"
                    : Invariant($"object '{name}' has {slots} pointer slots (0 to {slots - 1}), so there is no slot {slot}"), context.TokenOf(text));
        }
        return (source, name, slot);
    }

    private static HeapVerb Alloc()
    {
        Option<int> size = null!, fields = null!;
        Option<bool> root = null!;
        var name = new Argument<string>("NAME") { Description = "The object's name." };
        var verb = new HeapVerb("alloc", "Allocate a named object with pointer slots (fields), optionally as a root.", "NAME",
            "#!heap alloc a --size 64 --fields 2 --root",
            (context, parse) =>
            {
                var entry = context.Current;
                var objectName = ObjectName(context, parse.GetValue(name)!);
                if (entry.Objects.TryGetValue(objectName, out var existing) && entry.Heap.IsLive(existing))
                {
                    throw context.Error(HeapErrorCode.NameInUse, $"'{objectName}' already names a live object ({existing}) of {entry.Name}; pick another name", context.TokenOf(objectName));
                }
                var bytes = parse.GetValue(size);
                var slots = parse.GetValue(fields);
                var makeRoot = parse.GetValue(root);
                var heap = entry.Heap;
                var handle = context.Simulate(() =>
                {
                    var allocated = heap.Alloc(bytes, slots);
                    if (makeRoot)
                    {
                        heap.Roots[objectName] = allocated;
                    }
                    return allocated;
                });
                entry.Remember(objectName, handle);
                context.Print(heap.IsLive(handle)
                    ? Invariant($"{entry.Name}: {objectName} = {handle}, {heap.SizeOf(handle)} B, {slots} pointer slot{(slots == 1 ? "" : "s")}, at 0x{heap.AddressOf(handle):x}{(makeRoot ? ", a root" : "")}")
                    : Invariant($"{entry.Name}: {objectName} = {handle}, freed at once: nothing refers to it"));
            });
        verb.Add(name);
        size = verb.Add(new Option<int>("--size") { HelpName = "BYTES", Description = "The object's size in bytes (default 16).", DefaultValueFactory = _ => 16 });
        fields = verb.Add(new Option<int>("--fields") { HelpName = "N", Description = "How many pointer slots it has (default 0).", DefaultValueFactory = _ => 0 });
        root = verb.Add(new Option<bool>("--root") { Description = "Also make it a root (a global named like the object)." });
        return verb;
    }

    private static HeapVerb Link()
    {
        var source = new Argument<string>("SOURCE.SLOT") { Description = "The object and the slot to store into." };
        var target = new Argument<string>("TARGET") { Description = "The object to point at." };
        var verb = new HeapVerb("link", "Store a pointer to TARGET in a slot of SOURCE (through the write barrier).", "SOURCE.SLOT TARGET",
            "#!heap link a.0 b",
            (context, parse) =>
            {
                var entry = context.Current;
                var (from, fromName, slot) = SlotReference(context, entry, parse.GetValue(source)!);
                var targetName = parse.GetValue(target)!;
                var to = Lookup(context, entry, targetName);
                context.Simulate(() => entry.Heap.Write(from, slot, to));
                context.Print(Invariant($"{entry.Name}: {fromName}.{slot} -> {targetName}"));
            });
        verb.Add(source);
        verb.Add(target);
        return verb;
    }

    private static HeapVerb Unlink()
    {
        var source = new Argument<string>("SOURCE.SLOT") { Description = "The object and the slot to clear." };
        var verb = new HeapVerb("unlink", "Clear a pointer slot (store null, through the write barrier).", "SOURCE.SLOT",
            "#!heap unlink a.0",
            (context, parse) =>
            {
                var entry = context.Current;
                var (from, fromName, slot) = SlotReference(context, entry, parse.GetValue(source)!);
                var old = entry.Heap.Read(from, slot);
                context.Simulate(() => entry.Heap.Write(from, slot, ObjectHandle.Null));
                context.Print(old.IsNull
                    ? Invariant($"{entry.Name}: {fromName}.{slot} was already null")
                    : Invariant($"{entry.Name}: {fromName}.{slot} -> null (it pointed to {entry.Describe(old)})"));
            });
        verb.Add(source);
        return verb;
    }

    private static HeapVerb Root()
    {
        var name = new Argument<string>("NAME") { Description = "The object to hold as a root." };
        var verb = new HeapVerb("root", "Make a named object a root (a global of the same name).", "NAME", "#!heap root b",
            (context, parse) =>
            {
                var entry = context.Current;
                var objectName = parse.GetValue(name)!;
                var handle = Lookup(context, entry, objectName);
                context.Simulate(() => entry.Heap.Roots[objectName] = handle);
                context.Print($"{entry.Name}: {objectName} is a root");
            });
        verb.Add(name);
        return verb;
    }

    private static HeapVerb Unroot()
    {
        var name = new Argument<string>("NAME") { Description = "The root to drop." };
        var verb = new HeapVerb("unroot", "Drop a root; the object lives on only while something reaches it.", "NAME", "#!heap unroot b",
            (context, parse) =>
            {
                var entry = context.Current;
                var rootName = parse.GetValue(name)!;
                if (!entry.Heap.Roots.Contains(rootName))
                {
                    var roots = entry.Heap.Roots.Names.ToArray();
                    throw context.Error(HeapErrorCode.UnknownObject,
                        $"'{rootName}' is not a root of {entry.Name}.{Suggestions.DidYouMean(rootName, roots)} (roots: {(roots.Length == 0 ? "none" : string.Join(", ", roots))})", context.TokenOf(rootName));
                }
                var handle = entry.Heap.Roots[rootName];
                context.Simulate(() => entry.Heap.Roots.Remove(rootName));
                context.Print(entry.Heap.IsLive(handle)
                    ? $"{entry.Name}: {rootName} is no longer a root"
                    : $"{entry.Name}: {rootName} is no longer a root, and was freed at once (nothing else referred to it)");
            });
        verb.Add(name);
        return verb;
    }

    private static HeapVerb Objects()
    {
        var verb = new HeapVerb("objects", "List the named objects of the current heap: size, slots, what they point to, root, colour, age, space or freed.", "",
            "#!heap objects",
            (context, _) =>
            {
                var entry = context.Current;
                var heap = entry.Heap;
                if (entry.ObjectOrder.Count == 0)
                {
                    context.Print($"{entry.Name}: no named objects yet (make one with '#!heap alloc NAME')");
                    return;
                }
                var table = new TextTable("Name", "Handle", "Bytes", "Slots", "Points to", "Root", "State", "Age", "Space") { Caption = $"Named objects of {entry.Name}" };
                foreach (var name in entry.ObjectOrder)
                {
                    var handle = entry.Objects[name];
                    if (!heap.IsLive(handle))
                    {
                        table.Add(name, handle.ToString(), "", "", "", "", "freed", "", "");
                        continue;
                    }
                    var slots = new ObjectHandle[heap.SlotCountOf(handle)];
                    heap.ReadSlots(handle, slots);
                    var targets = string.Join(" ", slots.Select((target, slot) => Invariant($"{slot}:{(target.IsNull ? "null" : entry.Describe(target))}")));
                    var isRoot = heap.Roots.TryGet(name, out var rooted) && rooted == handle;
                    table.Add(name, handle.ToString(), Count(heap.SizeOf(handle)), Count(slots.Length), targets, isRoot ? "yes" : "",
                        heap.ColorOf(handle).ToString().ToLowerInvariant(), Count(heap.AgeOf(handle)), heap.SpaceOf(handle));
                }
                context.Show(table.Plain(), table.Html());
            });
        return verb;
    }

    // ---- workloads and collections -----------------------------------------------------------

    private static HeapVerb RunWorkload()
    {
        var workloads = string.Join('\n', WorkloadCatalog.All.Select(workload =>
            $"  {workload.Name}: {workload.Description}\n" + string.Concat(workload.Options.Select(option =>
                Invariant($"      --{option.Name} N  {option.Description} (default {option.Default}, {option.Min} to {option.Max})\n"))).TrimEnd('\n')));
        var verb = new HeapVerb("run", "Run a seeded workload from the catalog on the current heap.", "WORKLOAD [--OPTION N ...]",
            "#!heap run binary-trees --depth 12",
            RunHandler)
        {
            ParsesItsOwnWords = true,
            Notes = "Workloads and their options:\n" + workloads,
        };
        return verb;
    }

    private static void RunHandler(HeapCommandContext context, ParseResult unused)
    {
        if (ParseWorkloadWords(context, []) is not { } words)
        {
            return;
        }
        var (definition, workloadToken, values, _, _) = words;
        var entry = context.Current;
        var heap = entry.Heap;
        IWorkload workload;
        try
        {
            workload = WorkloadCatalog.Create(definition.Name, values, heap.Options);
        }
        catch (HeapException exception)
        {
            throw context.Error(HeapErrorCode.ResourceLimit, exception.Message, workloadToken);
        }
        var cyclesBefore = heap.Cycles.Count;
        var settings = string.Join(", ", RunSettings(definition, values, workload).Select(setting => $"{setting.Key}={setting.Value}"));
        var adjustment = workload is Workload { Adjustment: { } adjusted } ? "; " + adjusted : "";
        var label = $"{entry.Name}: {definition.Name} ({settings}{adjustment})";
        // One display, updated in place: progress every 10 %, then the result.
        var displayId = context.Session.NextDisplayId("run");
        context.Show(label + ": running, 0%", displayId: displayId);
        var shownPercent = 0;
        var progress = new ProgressCallback(fraction =>
        {
            var percent = (int)(fraction * 10) * 10;
            if (percent > shownPercent && percent < 100)
            {
                shownPercent = percent;
                context.Show(Invariant($"{label}: running, {percent}%"), displayId: displayId, isUpdate: true);
            }
        });
        WorkloadResult result;
        try
        {
            result = context.Simulate(() => heap.Run(workload, context.Invocation.Interrupt, progress), workloadToken);
        }
        catch (HeapCommandException)
        {
            context.Show(Invariant($"{label}: failed after {shownPercent}%; the heap keeps what the workload did until then"), displayId: displayId, isUpdate: true);
            throw;
        }
        context.Show(Invariant($"{label}: {Count(result.Allocations)} allocations, checksum {result.Checksum}, ")
            + Invariant($"{Count(heap.Cycles.Count - cyclesBefore)} collection{(heap.Cycles.Count - cyclesBefore == 1 ? "" : "s")}, {Count(heap.Stats.HeapObjects)} objects, {ByteSize.Format(heap.Stats.HeapAlloc)} in use (HeapAlloc), virtual time {heap.Clock.Nanoseconds / 1e6:0.###} ms")
            + (result.Completed ? "" : Invariant($" (interrupted at {result.FractionDone * 100:0}%)")), displayId: displayId, isUpdate: true);
    }

    /// <summary>
    /// The option values a workload runs with, in the catalog's order: the workload's own account where it has one
    /// (binary-trees runs depth 6 when asked for 4), else the values given and the defaults.
    /// </summary>
    internal static OrderedDictionary<string, string> RunSettings(WorkloadDefinition definition, IReadOnlyDictionary<string, string> values, IWorkload workload)
    {
        var settings = new OrderedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var option in definition.Options)
        {
            settings[option.Name] = values.GetValueOrDefault(option.Name, option.Default.ToString(CultureInfo.InvariantCulture));
        }
        if (workload is Workload builtIn)
        {
            foreach (var (name, value) in builtIn.Settings)
            {
                settings[name] = value.ToString(CultureInfo.InvariantCulture);
            }
        }
        return settings;
    }

    /// <summary>The words of 'VERB WORKLOAD --option N ...': the workload, its option values, and the verb's own options among them (compare's --seed).</summary>
    private sealed record WorkloadWords(WorkloadDefinition Definition, CommandToken Token, Dictionary<string, string> Values, Dictionary<string, CommandToken> VerbOptions, IWorkload Workload);

    /// <summary>
    /// Reads the workload and its options (checked against the catalog) from the words after the verb; the words in
    /// <paramref name="verbOptions"/> are the verb's own, returned with their values. Null when it printed a usage (-h).
    /// </summary>
    private static WorkloadWords? ParseWorkloadWords(HeapCommandContext context, IReadOnlyCollection<string> verbOptions)
    {
        var tokens = context.Tokens;
        var verb = context.Verb.Name;
        if (tokens.Count < 2 || tokens[1].IsOption)
        {
            if (tokens.Count >= 2 && tokens[1].Text is "-h" or "--help" or "-?")
            {
                context.Print(context.Verb.Usage());
                return null;
            }
            throw context.Error(HeapErrorCode.MissingArgument, $"'{verb}' needs a WORKLOAD: one of {string.Join(", ", WorkloadCatalog.Names)}");
        }
        var workloadToken = tokens[1];
        if (!WorkloadCatalog.Names.Contains(workloadToken.Text, StringComparer.Ordinal))
        {
            throw context.Error(HeapErrorCode.InvalidValue,
                $"there is no workload named '{workloadToken.Text}'.{Suggestions.DidYouMean(workloadToken.Text, WorkloadCatalog.Names)} Choose one of: {string.Join(", ", WorkloadCatalog.Names)}.", workloadToken);
        }
        var definition = WorkloadCatalog.Find(workloadToken.Text);
        var command = new Command(definition.Name, definition.Description);
        foreach (var option in definition.Options)
        {
            command.Options.Add(new Option<string?>("--" + option.Name));
        }
        if (tokens.Skip(2).Any(token => token.Text is "-h" or "--help" or "-?"))
        {
            if (verbOptions.Count > 0)
            {
                context.Print(context.Verb.Usage());
                return null;
            }
            context.Print($"Usage: #!heap {verb} {definition.Name}{string.Concat(definition.Options.Select(option => $" [--{option.Name} N]"))}\n{definition.Description}\nOptions:\n"
                + string.Concat(definition.Options.Select(option => Invariant($"  --{option.Name} N  {option.Description} (default {option.Default}, {option.Min} to {option.Max})\n")))
                + $"Example:\n  #!heap {verb} {definition.Name}{(definition.Options.Count == 0 ? "" : Invariant($" --{definition.Options[0].Name} {definition.Options[0].Default}"))}\n");
            return null;
        }
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var own = new Dictionary<string, CommandToken>(StringComparer.Ordinal);
        var workloadWords = new List<string>();
        for (var index = 2; index < tokens.Count; index++)
        {
            var token = tokens[index];
            if (!token.IsOption || !token.Text.StartsWith("--", StringComparison.Ordinal))
            {
                throw context.Error(HeapErrorCode.InvalidValue, $"'{token.Text}' is not an option: workload options are written --name value", token);
            }
            var isOwn = verbOptions.Contains(token.Text);
            var key = token.Text[2..];
            if (!isOwn && definition.Options.All(option => option.Name != key))
            {
                var message = CatalogError(definition.Name, new Dictionary<string, string> { [key] = "0" }) ?? $"workload '{definition.Name}' has no option '{key}'";
                if (verbOptions.Count > 0)
                {
                    message += $"; the options of '{verb}' are {string.Join(", ", verbOptions)}";
                }
                throw context.Error(HeapErrorCode.UnknownOption, message + Suggestions.DidYouMean(token.Text, definition.Options.Select(option => "--" + option.Name).Concat(verbOptions)), token);
            }
            if (index + 1 >= tokens.Count)
            {
                var valueName = isOwn ? context.Verb.Options.FirstOrDefault(option => option.Name == token.Text)?.HelpName ?? "VALUE" : "N";
                throw context.Error(HeapErrorCode.MissingArgument, $"{token.Text} needs a value: #!heap {verb} {definition.Name} {token.Text} {valueName}", token);
            }
            if (isOwn ? own.ContainsKey(token.Text) : values.ContainsKey(key))
            {
                throw context.Error(HeapErrorCode.InvalidValue, $"{token.Text} is given twice", token);
            }
            if (isOwn)
            {
                own[token.Text] = tokens[++index];
                continue;
            }
            workloadWords.Add(token.Text);
            workloadWords.Add(tokens[index + 1].Text);
            values[key] = tokens[++index].Text;
        }
        var parsed = command.Parse(workloadWords.ToArray(), new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.Errors.Count > 0)
        {
            throw context.Error(HeapErrorCode.InvalidValue, parsed.Errors[0].Message);
        }
        try
        {
            return new WorkloadWords(definition, workloadToken, values, own, WorkloadCatalog.Create(definition.Name, values));
        }
        catch (HeapException exception)
        {
            throw context.Error(HeapErrorCode.InvalidValue, exception.Message, workloadToken);
        }
    }

    /// <summary>Reports on the workload's own thread, as it runs (Progress&lt;T&gt; would post to a synchronization context).</summary>
    private sealed class ProgressCallback(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }

    private static string? CatalogError(string workload, IReadOnlyDictionary<string, string> options)
    {
        try
        {
            WorkloadCatalog.Create(workload, options);
            return null;
        }
        catch (HeapException exception)
        {
            return exception.Message;
        }
    }

    private static HeapVerb Gc()
    {
        Option<bool> minor = null!, full = null!;
        var verb = new HeapVerb("gc", "Run a forced collection now: complete by default (Go's runtime.GC()), or of the young generation only.", "", "#!heap gc --minor",
            (context, parse) =>
            {
                var entry = context.Current;
                var heap = entry.Heap;
                var youngOnly = parse.GetValue(minor);
                if (youngOnly && parse.GetValue(full))
                {
                    throw context.Error(HeapErrorCode.InvalidValue, "use --minor or --full, not both", context.TokenOf("--full"));
                }
                var cyclesBefore = heap.Cycles.Count;
                var objectsBefore = heap.Stats.HeapObjects;
                var liveBefore = entry.ObjectOrder.Where(name => heap.IsLive(entry.Objects[name])).ToArray();
                context.Simulate(youngOnly ? heap.CollectMinor : heap.Collect, youngOnly ? context.TokenOf("--minor") : null);
                var freed = objectsBefore - heap.Stats.HeapObjects;
                var text = new StringBuilder(Invariant($"{entry.Name}: {Count(freed)} object{(freed == 1 ? "" : "s")} freed, {Count(heap.Stats.HeapObjects)} left"));
                var lost = liveBefore.Where(name => !heap.IsLive(entry.Objects[name])).ToArray();
                if (lost.Length > 0)
                {
                    text.Append("; freed names: ").Append(string.Join(", ", lost));
                }
                foreach (var cycle in heap.Cycles.Skip(cyclesBefore))
                {
                    text.Append('\n').Append(Telemetry(cycle));
                }
                context.Print(text.ToString());
            })
        {
            Notes = "--minor collects only the nursery and survivor spaces of a generational heap (survivors age, old enough ones are promoted); other collectors refuse it.",
        };
        minor = verb.Add(new Option<bool>("--minor") { Description = "Collect the young generation only (generational heaps)." });
        full = verb.Add(new Option<bool>("--full") { Description = "A complete collection (the default)." });
        return verb;
    }

    private static string Telemetry(HeapNotebook.Heap.Telemetry.GcCycle cycle) => HeapNotebook.Heap.Telemetry.GcTrace.Format(cycle);

    private static HeapVerb Step()
    {
        Option<long?> work = null!;
        Option<bool> phase = null!;
        var verb = new HeapVerb("step", "Advance incremental marking (a cycle starts when none is running); stop-the-world plans cannot step.", "",
            "#!heap step --work 4",
            (context, parse) =>
            {
                var entry = context.Current;
                var heap = entry.Heap;
                var amount = parse.GetValue(work);
                var toPhase = parse.GetValue(phase);
                if (amount is not null && toPhase)
                {
                    throw context.Error(HeapErrorCode.InvalidValue, "use --work N or --phase, not both", context.TokenOf("--phase"));
                }
                if (amount is < 0)
                {
                    throw context.Error(HeapErrorCode.InvalidValue, Invariant($"--work must be 0 or more, not {amount}"), context.ValueOf("--work"));
                }
                var cyclesBefore = heap.Cycles.Count;
                if (toPhase)
                {
                    context.Simulate(heap.StepToNextPhase);
                }
                else
                {
                    context.Simulate(() => heap.Step(amount ?? 1));
                }
                var text = new StringBuilder(entry.Name).Append(": ");
                text.Append(heap.Phase is { } current
                    ? Invariant($"phase {current}, {heap.GreyWorklist.Count} grey object{(heap.GreyWorklist.Count == 1 ? "" : "s")} waiting")
                    : "no cycle running");
                foreach (var cycle in heap.Cycles.Skip(cyclesBefore))
                {
                    text.Append(Invariant($" (cycle {cycle.Number} finished)"));
                }
                var named = entry.ObjectOrder.Where(name => heap.IsLive(entry.Objects[name]))
                    .Select(name => $"{name} {heap.ColorOf(entry.Objects[name]).ToString().ToLowerInvariant()}").ToArray();
                if (named.Length > 0)
                {
                    text.Append("\ncolours: ").Append(string.Join(", ", named));
                }
                context.Print(text.ToString());
                RedrawGraph(context, entry);
            });
        work = verb.Add(new Option<long?>("--work") { HelpName = "N", Description = "Scan about N grey objects (default 1); 0 scans none, so with no mark running it only starts one (roots grey)." });
        phase = verb.Add(new Option<bool>("--phase") { Description = "Instead of N objects: with no mark running, start a cycle and stop as its mark begins (roots grey); during a mark, finish it, with mark termination and the sweep (go leaves its lazy sweep pending)." });
        return verb;
    }

    private static HeapVerb Verify()
    {
        var verb = new HeapVerb("verify", "Run the verifier on the current heap now and print its report.", "", "#!heap verify",
            (context, _) =>
            {
                var entry = context.Current;
                var report = context.Simulate(entry.Heap.Verify);
                context.Show($"{entry.Name}: {report}");
            });
        return verb;
    }

    // ---- telemetry ---------------------------------------------------------------------------

    private static Option<string?> AsOption(HeapVerb verb, string what) =>
        verb.Add(new Option<string?>("--as") { HelpName = "NAME", Description = $"Also bind {what} to a C# variable NAME for the next cells." });

    private static string? VariableName(HeapCommandContext context, string? name)
    {
        if (name is not null && !NamePattern().IsMatch(name))
        {
            throw context.Error(HeapErrorCode.InvalidVariable, $"'{name}' is not a C# variable name: use letters, digits and _, not starting with a digit", context.ValueOf("--as"));
        }
        if (name is not null)
        {
            try
            {
                context.Invocation.Session.CheckVariableName(name);
            }
            catch (ArgumentException exception)
            {
                throw context.Error(HeapErrorCode.InvalidVariable, exception.Message.Split(" (Parameter")[0], context.ValueOf("--as"));
            }
        }
        return name;
    }

    private static void Bind(HeapCommandContext context, string name, Type type, object value)
    {
        try
        {
            context.Invocation.Session.BindVariable(name, type, value);
        }
        catch (ArgumentException exception)
        {
            throw context.Error(HeapErrorCode.InvalidVariable, exception.Message.Split(" (Parameter")[0], context.ValueOf("--as"));
        }
    }

    private static HeapVerb Stats()
    {
        Option<string?> bindAs = null!;
        var verb = new HeapVerb("stats", "Show the current heap's MemStats (Go's runtime.MemStats fields).", "", "#!heap stats --as s",
            (context, parse) =>
            {
                var variable = VariableName(context, parse.GetValue(bindAs));
                var entry = context.Current;
                var stats = entry.Heap.Stats;
                var table = HeapTables.MemStats(stats, $"MemStats of {entry.Name}");
                HeapTables.AddCpuLimiter(table, entry.Heap.CpuLimiterActivity);
                if (variable is not null)
                {
                    Bind(context, variable, typeof(HeapNotebook.Heap.Telemetry.MemStats), stats);
                }
                context.Show(table.Plain(), table.Html());
            });
        bindAs = AsOption(verb, "the MemStats record");
        return verb;
    }

    /// <summary>trace shows at most this many lines, the most recent, so a long history stays a small output.</summary>
    public const int MaxTraceLinesShown = 1_000;

    private static HeapVerb Trace()
    {
        Option<int?> last = null!;
        Option<string?> bindAs = null!;
        Option<string?> import = null!;
        var verb = new HeapVerb("trace", "Show the gctrace line (GODEBUG=gctrace=1) of every cycle so far, or read a real Go program's with --import.", "", "#!heap trace --last 5 --as lines",
            (context, parse) =>
            {
                var variable = VariableName(context, parse.GetValue(bindAs));
                var count = parse.GetValue(last);
                if (count is < 0)
                {
                    throw context.Error(HeapErrorCode.InvalidValue, Invariant($"--last must be 0 or more, not {count}"), context.ValueOf("--last"));
                }
                if (parse.GetValue(import) is { } path)
                {
                    ImportTrace(context, path, count, variable);
                    return;
                }
                var entry = context.Current;
                var lines = entry.Heap.GcTraceLines().ToList();
                IReadOnlyList<string> shown = count is { } n ? lines.Skip(Math.Max(0, lines.Count - n)).ToList() : lines;
                if (variable is not null)
                {
                    Bind(context, variable, typeof(IReadOnlyList<string>), shown);
                }
                var plain = lines.Count == 0 ? $"{entry.Name}: no collections yet"
                    : shown.Count == 0 ? Invariant($"{entry.Name}: {lines.Count:N0} cycles, none shown (--last 0)")
                    : shown.Count <= MaxTraceLinesShown ? string.Join('\n', shown)
                    : Invariant($"{entry.Name}: the last {MaxTraceLinesShown:N0} of {shown.Count:N0} lines (all of them with --as NAME, or in a file with export --format gctrace --out FILE)\n")
                        + string.Join('\n', shown.Skip(shown.Count - MaxTraceLinesShown));
                context.Show(plain, "<pre>" + System.Net.WebUtility.HtmlEncode(plain) + "</pre>");
            })
        {
            Notes = "With --import and --as NAME, chart the real trace like a heap: '#!heap pauses --trace NAME', '#!heap timeline --trace NAME', '#!heap mmu --trace NAME'.\n"
                + "Real samples: notebooks/data/gctrace/ (both formats).",
        };
        last = verb.Add(new Option<int?>("--last") { HelpName = "N", Description = "Only the last N cycles." });
        import = verb.Add(new Option<string?>("--import") { HelpName = "FILE", Description = "Read the gctrace output of a real Go program (GODEBUG=gctrace=1), Go 1.18+ or older format; lines that are not gctrace are counted, not fatal." });
        bindAs = AsOption(verb, "the lines (IReadOnlyList<string>), or with --import the ImportedGcTrace");
        return verb;
    }

    /// <summary>The largest gctrace log read: a million cycles of Go's lines, far below what would strain the kernel.</summary>
    private const long MaxTraceImportBytes = 256L << 20;

    /// <summary>Reads a real gctrace log and summarises it; nothing in the session changes unless --as binds it.</summary>
    private static void ImportTrace(HeapCommandContext context, string path, int? last, string? variable)
    {
        string text;
        try
        {
            var length = new FileInfo(path).Length;
            if (length > MaxTraceImportBytes)
            {
                throw context.Error(HeapErrorCode.ResourceLimit,
                    Invariant($"'{path}' is {ByteSize.Format(length)}; a gctrace log read at once may be {ByteSize.Format(MaxTraceImportBytes)} at most (a Go program prints one short line per cycle): keep the lines that start with 'gc '"),
                    context.ValueOf("--import"));
            }
            text = File.ReadAllText(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw context.Error(HeapErrorCode.InvalidValue, $"cannot read '{path}': {error.Message}", context.ValueOf("--import"));
        }

        var trace = GcTraceParser.Parse(text);
        if (trace.Cycles.Count == 0)
        {
            throw context.Error(HeapErrorCode.InvalidValue,
                Invariant($"'{path}' has no gctrace lines ({trace.Unparsed.Count} other lines); run the Go program with GODEBUG=gctrace=1 and capture its standard error"),
                context.ValueOf("--import"));
        }

        if (variable is not null)
        {
            Bind(context, variable, typeof(ImportedGcTrace), trace);
        }

        var shown = last is { } n ? trace.Cycles.Skip(Math.Max(0, trace.Cycles.Count - n)).ToList() : trace.Cycles;
        var header = Invariant($"{Path.GetFileName(path)}: {trace.Cycles.Count} cycles ({trace.ForcedCycles} forced), ")
            + Invariant($"{(trace.HasStacksAndGlobals ? "Go 1.18+ format" : "format without stacks and globals (before Go 1.18)")}, ")
            + Invariant($"pauses {trace.PauseTotalMs:0.###} ms in all, longest {trace.MaxPauseMs:0.###} ms, ")
            + Invariant($"{trace.Unparsed.Count} lines that are not gctrace");
        var cycleLines = string.Concat(shown.Select(cycle =>
            Invariant($"gc {cycle.Number,4} @{cycle.StartSeconds:0.000}s  pause {cycle.PauseMs,8:0.###} ms  mark {cycle.MarkMs,8:0.###} ms  {cycle.HeapStartMB}->{cycle.HeapMarkEndMB}->{cycle.HeapMarkedMB} MB, {cycle.GoalMB} MB goal{(cycle.Forced ? " (forced)" : "")}\n")));
        var summary = HeapTables.ImportedTrace(trace, $"gctrace of {Path.GetFileName(path)}");
        context.Show((header + "\n" + summary.Plain() + cycleLines).TrimEnd('\n'),
            summary.Html() + (cycleLines.Length == 0 ? "" : "<pre>" + System.Net.WebUtility.HtmlEncode(cycleLines.TrimEnd('\n')) + "</pre>"));
    }

    // ---- sessions ----------------------------------------------------------------------------

    private static HeapVerb Use()
    {
        var name = new Argument<string>("NAME") { Description = "The heap to make current." };
        var verb = new HeapVerb("use", "Make another heap of this session the current one (Heap in C# cells).", "NAME", "#!heap use heap1",
            (context, parse) =>
            {
                context.Session.Current(context.Invocation.Session.Globals);
                var heapName = parse.GetValue(name)!;
                var names = context.Session.Heaps.Select(entry => entry.Name).ToArray();
                var entry = context.Session.Find(heapName)
                    ?? throw context.Error(HeapErrorCode.UnknownHeap,
                        $"there is no heap named '{heapName}'.{Suggestions.DidYouMean(heapName, names)} Heaps: {string.Join(", ", names)}.", context.TokenOf(heapName));
                context.Invocation.Session.Globals.Heap = entry.Heap;
                context.Print($"{entry.Name} is now the current heap ({entry.Heap.Plan.Name} collector, {Count(entry.Heap.Stats.HeapObjects)} objects)");
            });
        verb.Add(name);
        return verb;
    }

    private static HeapVerb List()
    {
        var verb = new HeapVerb("list", "List the session's heaps; * marks the current one.", "", "#!heap list",
            (context, _) =>
            {
                var current = context.Session.Current(context.Invocation.Session.Globals);
                var table = new TextTable("", "Heap", "Collector", "Objects", "Cycles", "HeapAlloc");
                foreach (var entry in context.Session.Heaps)
                {
                    table.Add(ReferenceEquals(entry, current) ? "*" : "", entry.Name, entry.Heap.Plan.Name, Count(entry.Heap.Stats.HeapObjects),
                        Count(entry.Heap.Cycles.Count), ByteSize.Format(entry.Heap.Stats.HeapAlloc));
                }
                context.Show(table.Plain(), table.Html());
            });
        return verb;
    }
}
