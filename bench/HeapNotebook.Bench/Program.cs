using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using HeapNotebook.Bench;
using HeapNotebook.Heap;
using HeapNotebook.Heap.Collectors;
using HeapNotebook.Heap.Objects;
using HeapNotebook.Heap.Workloads;

// Benchmarks print figures; they assert nothing. The commands and their options (defaults in each one's code):
const string Usage = """
    usage: bench binary-trees [--depth N] [--collector NAME] [--gogc N|off] [--procs N] [--runs N] [--rounds N] [--native true|false]
                              [--floor true|false] [--trace N] [--min-heap-kib N] [--memory-limit-mib N] [--runtime-overhead-kib N]
           bench native-binary-trees [--depth N] [--runs N]
           bench mark [--objects N] [--presize true|false]
           bench ops [--count N] [--journal true|false] [--collector NAME] [--min-heap-kib N]
           bench compare [--seed N]
           bench map [--objects N] [--by all|color|generation|space|age|occupancy|class] [--collector NAME] [--width N] [--out DIR]
    """;
try
{
    var arguments = new Arguments(args);
    switch (arguments.Command)
    {
        case "binary-trees":
            BinaryTreesBenchmark(arguments);
            break;
        case "native-binary-trees":
            NativeBinaryTreesBenchmark(arguments);
            break;
        case "mark":
            MarkBenchmark(arguments);
            break;
        case "ops":
            OperationsBenchmark(arguments);
            break;
        case "compare":
            CompareBenchmark(arguments);
            break;
        case "map":
            MapBenchmark(arguments);
            break;
        default:
            Console.Error.WriteLine(arguments.Command == "" ? Usage : $"There is no benchmark named '{arguments.Command}'.\n{Usage}");
            return 2;
    }
}
catch (Exception error) when (error is ArgumentException or HeapNotebook.Heap.Errors.InvalidHeapOptionException)
{
    Console.Error.WriteLine(error.Message);
    Console.Error.WriteLine(Usage);
    return 2;
}

return 0;

// #!heap map's renderer on a heap of N live leaves: render time (best of 5 after a warm-up) and SVG bytes, one JSON line per colouring
// (every colouring unless --by names one). On tricolor and go the heap is left mid-cycle, so --by color has all three colours.
static void MapBenchmark(Arguments arguments)
{
    var objects = arguments.Int("objects", 1_000_000);
    var colorings = arguments.Text("by", "all") == "all"
        ? Enum.GetValues<HeapNotebook.Kernel.Display.Svg.HeapMapColoring>()
        : [Enum.Parse<HeapNotebook.Kernel.Display.Svg.HeapMapColoring>(arguments.Text("by", "occupancy"), ignoreCase: true)];
    var width = arguments.Int("width", 800);
    var collector = arguments.Text("collector", "marksweep");
    var output = arguments.Text("out", "");
    const int PerBucket = 1000;
    var allocated = objects + objects / 2;
    var buckets = (allocated + PerBucket - 1) / PerBucket;
    var heap = new SimulatedHeap(new HeapOptions { Collector = collector, Gogc = null, Seed = 1, Name = "bench", InitialObjectCapacity = allocated + buckets + 16, IncrementalWork = 0 });
    // A root table of buckets, each holding up to 1,000 leaves of 16 to 64 bytes; every third leaf is dropped and collected, so occupancy varies.
    var table = heap.Alloc(8 * buckets, buckets);
    heap.Roots["table"] = table;
    int[] sizes = [16, 24, 32, 48, 64];
    var made = 0;
    for (var b = 0; b < buckets; b++)
    {
        var bucket = heap.Alloc(8 * PerBucket, PerBucket);
        heap.Write(table, b, bucket);
        for (var i = 0; i < PerBucket && made < allocated; i++, made++)
        {
            heap.Write(bucket, i, heap.Alloc(sizes[(i * 7 + b) % sizes.Length], 0));
        }
    }
    for (var b = 0; b < buckets; b++)
    {
        var bucket = heap.Read(table, b);
        for (var i = 0; i < PerBucket; i += 3)
        {
            heap.Write(bucket, i, ObjectHandle.Null);
        }
    }
    heap.Collect();
    if (heap.Plan.Constraints.Incremental)
    {
        heap.Step(heap.ObjectCount / 2);
    }

    var names = new Dictionary<ObjectHandle, string>();
    foreach (var by in colorings)
    {
        var view = HeapNotebook.Kernel.Display.Svg.HeapMapSvg.Render(heap, "bench", by, width, names);
        var best = double.MaxValue;
        for (var run = 0; run < 5; run++)
        {
            var watch = Stopwatch.StartNew();
            view = HeapNotebook.Kernel.Display.Svg.HeapMapSvg.Render(heap, "bench", by, width, names);
            best = Math.Min(best, watch.Elapsed.TotalMilliseconds);
        }
        if (output.Length > 0)
        {
            File.WriteAllText(Path.Combine(output, $"map-{collector}-{by.ToString().ToLowerInvariant()}.svg"), view.Svg);
        }
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            benchmark = "map",
            collector,
            by = by.ToString().ToLowerInvariant(),
            width,
            liveObjects = heap.ObjectCount,
            spans = heap.DescribeSpans().Count,
            phase = heap.Phase?.ToString() ?? "none",
            renderMs = Math.Round(best, 1),
            svgBytes = System.Text.Encoding.UTF8.GetByteCount(view.Svg),
            plainBytes = System.Text.Encoding.UTF8.GetByteCount(view.Plain),
        }));
    }
}

static void BinaryTreesBenchmark(Arguments arguments)
{
    var depth = arguments.Int("depth", 16);
    var collector = arguments.Text("collector", "marksweep");
    var gogc = arguments.Text("gogc", "100");
    var procs = arguments.Int("procs", 4);
    var traceLines = arguments.Int("trace", 0);
    var options = new HeapOptions
    {
        Collector = collector,
        Gogc = gogc == "off" ? null : int.Parse(gogc, CultureInfo.InvariantCulture),
        Procs = procs,
        MinimumHeapBytes = arguments.Int("min-heap-kib", 4096) * 1024L,
        MemoryLimitBytes = arguments.Int("memory-limit-mib", 0) is > 0 and var limitMiB ? limitMiB * (1L << 20) : null,
        RuntimeOverheadBytes = arguments.Int("runtime-overhead-kib", 0) * 1024L,
    };

    // --runs N: the best of N timed runs of each side (a fresh heap each time; the runs are identical in
    // everything but wall time), which takes out most of what a shared machine adds.
    var runs = Math.Max(1, arguments.Int("runs", 1));
    var runNative = arguments.Text("native", "true") == "true";
    // --rounds N: the native runs and the simulator runs alternate N times and each side keeps its best.
    // This machine has slow spells of tens of seconds (both sides ~1.5x slower); with one round, one
    // spell over either side alone moves the ratio by as much (1.87 to 3.85 in three processes).
    var rounds = Math.Max(1, arguments.Int("rounds", 1));
    var nativeSeconds = double.MaxValue;
    var nativeChecksum = 0L;
    var nativeByRound = new List<double>();
    var simulatorByRound = new List<double>();

    // Warm the simulator up until the JIT has tiered it up, so it does not pay for that in the timed run.
    for (var warmup = 0; warmup < 3; warmup++)
    {
        new SimulatedHeap(options).Run(new BinaryTrees(Math.Min(depth, 14)));
        Thread.Sleep(150);
    }

    GC.Collect();
    WorkloadResult result = null!;
    var simulatorSeconds = double.MaxValue;
    // CPU time of the same runs: steadier than wall time on a shared machine (time stolen by
    // neighbours is not counted), so comparing two builds by it needs fewer runs.
    var simulatorCpuSeconds = double.MaxValue;
    var runtimeCollections = 0;
    var managedBytes = 0L;
    long peakObjects = 0;
    HeapNotebook.Heap.Telemetry.MemStats stats = null!;
    long peakMemory = 0;
    double virtualSeconds = 0;
    string[] gctrace = [];
    using var self = Process.GetCurrentProcess();
    for (var round = 0; round < rounds; round++)
    {
        // Each round's native runs come first, in a process of their own: timed in this one, after the
        // simulator, they ran 10-20 % slower (binary-trees 16, best of 5: median 0.210 s against 0.171 s
        // on their own, in five processes of each), which flattered every ratio.
        if (runNative)
        {
            var (seconds, checksum) = RunNativeInChildProcess(depth, runs);
            nativeByRound.Add(Math.Round(seconds, 4));
            nativeSeconds = Math.Min(nativeSeconds, seconds);
            nativeChecksum = checksum;
        }

        var roundBest = double.MaxValue;
        for (var run = 0; run < runs; run++)
        {
            GC.Collect();
            var heap = new SimulatedHeap(options);
            var collectionsBefore = GC.CollectionCount(0);
            var bytesBefore = GC.GetTotalAllocatedBytes(precise: true);
            self.Refresh();
            var cpuBefore = self.TotalProcessorTime;
            var timer = Stopwatch.StartNew();
            result = heap.Run(new BinaryTrees(depth));
            roundBest = Math.Min(roundBest, timer.Elapsed.TotalSeconds);
            simulatorSeconds = Math.Min(simulatorSeconds, roundBest);
            self.Refresh();
            simulatorCpuSeconds = Math.Min(simulatorCpuSeconds, (self.TotalProcessorTime - cpuBefore).TotalSeconds);
            runtimeCollections = GC.CollectionCount(0) - collectionsBefore;
            managedBytes = GC.GetTotalAllocatedBytes(precise: true) - bytesBefore;
            peakObjects = heap.Cycles.Count == 0 ? heap.ObjectCount : heap.Cycles.Max(c => c.ObjectsMarked + c.ObjectsFreed);
            stats = heap.Stats;
            virtualSeconds = heap.Clock.Seconds;
            gctrace = heap.GcTraceLines().Take(traceLines).ToArray();
            peakMemory = self.PeakWorkingSet64;
        }

        simulatorByRound.Add(Math.Round(roundBest, 4));
    }

    if (!runNative)
    {
        nativeChecksum = result.Checksum;
    }

    // --floor true: the same program over the least bookkeeping a simulator of this mutator interface
    // needs, in six layouts (FloorBinaryTrees): how close to native any simulator of it could come here.
    var runFloor = runNative && arguments.Text("floor", "false") == "true";
    var floorSeconds = new SortedDictionary<string, double>(StringComparer.Ordinal);
    var floorChecksumsMatch = true;
    // And SpanIndexedProbe: a mark-sweep heap in Go's object model with the simulator's bookkeeping.
    var yardsticks = FloorBinaryTrees.Variants.Select(v => (Name: v, Run: (Func<int, long>)(d => FloorBinaryTrees.Run(v, d))))
        .Append((Name: SpanIndexedProbe.Name, Run: SpanIndexedProbe.Run));
    foreach (var (variant, run) in runFloor ? yardsticks : [])
    {
        for (var warmup = 0; warmup < 3; warmup++)
        {
            run(Math.Min(depth, 14));
        }

        var best = double.MaxValue;
        for (var repetition = 0; repetition < runs; repetition++)
        {
            GC.Collect();
            var timer = Stopwatch.StartNew();
            floorChecksumsMatch &= run(depth) == nativeChecksum;
            best = Math.Min(best, timer.Elapsed.TotalSeconds);
        }

        floorSeconds[variant] = Math.Round(best, 4);
    }

    var line = new Dictionary<string, object>
    {
        ["benchmark"] = "binary-trees",
        ["depth"] = depth,
        ["collector"] = collector,
        ["gogc"] = gogc,
        ["procs"] = procs,
        ["memoryLimitBytes"] = options.MemoryLimitBytes ?? 0,
        ["runtimeOverheadBytes"] = options.RuntimeOverheadBytes,
        ["runs"] = runs,
        ["rounds"] = rounds,
        ["allocations"] = result.Allocations,
        ["gcCycles"] = stats.NumGC,
        ["checksum"] = result.Checksum,
        ["checksumMatchesNative"] = result.Checksum == nativeChecksum,
        ["simulatorSeconds"] = Math.Round(simulatorSeconds, 4),
        ["simulatorCpuSeconds"] = Math.Round(simulatorCpuSeconds, 4),
        ["nativeSeconds"] = runNative ? Math.Round(nativeSeconds, 4) : "not run",
        ["ratio"] = runNative ? Math.Round(simulatorSeconds / nativeSeconds, 3) : "not run",
        ["simulatorSecondsByRound"] = simulatorByRound,
        ["nativeSecondsByRound"] = runNative ? nativeByRound : "not run",
        ["allocationsPerSecond"] = Math.Round(result.Allocations / simulatorSeconds),
        ["peakProcessMemoryBytes"] = peakMemory,
        ["peakLiveObjects"] = peakObjects,
        ["processBytesPerLiveObjectAtPeak"] = Math.Round((double)peakMemory / Math.Max(1, peakObjects), 1),
        ["virtualSeconds"] = virtualSeconds,
        ["pauseTotalMs"] = stats.PauseTotalNs / 1e6,
        ["gcCpuFraction"] = Math.Round(stats.GCCPUFraction, 4),
        ["simulatorManagedBytesAllocated"] = managedBytes,
        ["simulatorRuntimeGen0Collections"] = runtimeCollections,
    };
    if (traceLines > 0)
    {
        line["gctrace"] = gctrace;
    }

    if (runFloor)
    {
        line["floorSeconds"] = floorSeconds;
        line["floorRatios"] = floorSeconds.ToDictionary(f => f.Key, f => Math.Round(f.Value / nativeSeconds, 3));
        line["floorChecksumsMatchNative"] = floorChecksumsMatch;
    }

    Console.WriteLine(JsonSerializer.Serialize(line, Json.Options));
}

// The native side of binary-trees, for BinaryTreesBenchmark to run in a process of its own: warmed up
// as the simulator is, then the best of --runs timed runs, printed as one JSON line.
static void NativeBinaryTreesBenchmark(Arguments arguments)
{
    var depth = arguments.Int("depth", 16);
    var runs = Math.Max(1, arguments.Int("runs", 1));
    for (var warmup = 0; warmup < 3; warmup++)
    {
        NativeBinaryTrees.Run(Math.Min(depth, 14));
        Thread.Sleep(150);
    }

    var best = double.MaxValue;
    var checksum = 0L;
    for (var run = 0; run < runs; run++)
    {
        GC.Collect();
        var timer = Stopwatch.StartNew();
        checksum = NativeBinaryTrees.Run(depth);
        best = Math.Min(best, timer.Elapsed.TotalSeconds);
    }

    Console.WriteLine(JsonSerializer.Serialize(new { seconds = best, checksum }));
}

// Runs NativeBinaryTreesBenchmark in a child process of this program (the same runtime and settings) and reads its line.
static (double Seconds, long Checksum) RunNativeInChildProcess(int depth, int runs)
{
    var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
    if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
    {
        start.ArgumentList.Add(typeof(NativeBinaryTrees).Assembly.Location);
    }

    foreach (var argument in new[] { "native-binary-trees", "--depth", depth.ToString(CultureInfo.InvariantCulture), "--runs", runs.ToString(CultureInfo.InvariantCulture) })
    {
        start.ArgumentList.Add(argument);
    }

    using var child = Process.Start(start)!;
    var output = child.StandardOutput.ReadToEnd();
    child.WaitForExit();
    if (child.ExitCode != 0)
    {
        throw new InvalidOperationException($"The native binary-trees process exited with {child.ExitCode}: {output}");
    }

    using var line = JsonDocument.Parse(output);
    return (line.RootElement.GetProperty("seconds").GetDouble(), line.RootElement.GetProperty("checksum").GetInt64());
}

// One seeded workload on every plan, side by side: a Markdown table of what each collector did.
static void CompareBenchmark(Arguments arguments)
{
    var seed = (ulong)arguments.Int("seed", 7);
    var workloads = new (string Name, Dictionary<string, string> Options)[]
    {
        ("churn", new() { ["allocs"] = "300000", ["live"] = "5000" }),
        ("binary-trees", new() { ["depth"] = "14" }),
        ("cycles", new() { ["rings"] = "20000", ["live"] = "100" }),
    };
    var plans = new (string Collector, string? CycleCollector)[]
    {
        ("marksweep", null), ("tricolor", null), ("go", null), ("refcount", null), ("refcount", "trial-deletion"), ("semispace", null), ("markcompact", null), ("generational", null),
    };

    Console.WriteLine("| workload | plan | GC cycles | minor/major | total GC work (ms) | max pause (µs) | copied (KiB) | barrier hits | live objects at end | HeapInuse − HeapAlloc (KiB) | wall (s) |");
    Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    foreach (var (workload, options) in workloads)
    {
        foreach (var (collector, cycleCollector) in plans)
        {
            var heap = new SimulatedHeap(new HeapOptions { Collector = collector, CycleCollector = cycleCollector, Seed = seed, Procs = 4 });
            var watch = Stopwatch.StartNew();
            heap.Run(WorkloadCatalog.Create(workload, options));
            var wall = watch.Elapsed.TotalSeconds;
            var cycles = heap.Cycles;
            var stats = heap.Stats;
            var name = cycleCollector is null ? collector : $"{collector} + {cycleCollector}";
            var minor = cycles.Count(c => c.Kind == HeapNotebook.Heap.Telemetry.GcKind.Minor);
            var major = cycles.Count - minor;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {workload} | {name} | {cycles.Count} | {minor}/{major} | {cycles.Sum(c => c.CpuNs) / 1e6:0.00} | {(cycles.Count == 0 ? 0 : cycles.Max(c => c.PauseNs)) / 1e3:0.0} | {cycles.Sum(c => c.CopiedBytes) / 1024.0:0} | {cycles.Sum(c => c.BarrierHits)} | {heap.ObjectCount} | {stats.Fragmentation / 1024.0:0} | {wall:0.00} |"));
        }
    }
}

// What one mutator operation costs, each timed alone over many repetitions (collections included
// where the operation allocates): the figures that explain a workload's time.
static void OperationsBenchmark(Arguments arguments)
{
    var count = arguments.Int("count", 5_000_000);
    // --journal true: what recording every operation (HeapOptions.Journal, on for kernel heaps) costs.
    var journal = arguments.Text("journal", "false") == "true";
    var collector = arguments.Text("collector", "generational");
    var minimumHeap = arguments.Int("min-heap-kib", 4096) * 1024L;
    var results = new Dictionary<string, object> { ["benchmark"] = "ops", ["collector"] = collector, ["repetitions"] = count, ["journal"] = journal };

    void Time(string name, Action<SimulatedHeap> setup, Action<SimulatedHeap> operation)
    {
        double best = double.MaxValue;
        for (var round = 0; round < 3; round++)
        {
            var heap = new SimulatedHeap(new HeapOptions { Collector = collector, MinimumHeapBytes = minimumHeap, Procs = 1, Journal = journal });
            setup(heap);
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < count; i++)
            {
                operation(heap);
            }

            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }

        results[name + "Ns"] = Math.Round(best * 1e9 / count, 1);
    }

    var held = ObjectHandle.Null;
    Time("alloc16", _ => { }, h => h.Alloc(16));
    Time("alloc16With2Slots", _ => { }, h => h.Alloc(16, 2));
    Time("alloc16WithTwoInitialValues", h =>
    {
        h.PushFrame("main", "held");
        held = h.Alloc(16);
        h.SetLocal(0, held);
    }, h => h.Alloc(16, 2, [held, held]));
    Time("pushAndPopFrame", _ => { }, h =>
    {
        h.PushFrame(1);
        h.PopFrame();
    });
    void HoldOne(SimulatedHeap h)
    {
        h.PushFrame("main", "held");
        held = h.Alloc(16, 2);
        h.SetLocal(0, held);
    }

    Time("setLocal", HoldOne, h => h.SetLocal(0, held));
    Time("write", HoldOne, h => h.Write(held, 0, held));
    Time("readSlots", HoldOne, h =>
    {
        Span<ObjectHandle> slots = stackalloc ObjectHandle[2];
        h.ReadSlots(held, slots);
    });
    Console.WriteLine(JsonSerializer.Serialize(results, Json.Options));
}

static void MarkBenchmark(Arguments arguments)
{
    var count = arguments.Int("objects", 10_000_000);
    using var process = Process.GetCurrentProcess();

    // The simulator first, from a clean process, so its memory is measured against a true baseline.
    GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
    process.Refresh();
    var baseline = process.WorkingSet64;

    // --presize true tells the heap how many objects to expect (HeapOptions.InitialObjectCapacity),
    // so the figure is the representation's cost without the slack of growing arrays.
    var presize = arguments.Text("presize", "false") == "true";
    SimulatedHeap? heap = new SimulatedHeap(new HeapOptions { Gogc = null, Procs = 1, InitialObjectCapacity = presize ? count + 1 : 4096 });
    heap.PushFrame("main", "last");
    // A fresh heap hands out table indices 1, 2, 3, … so object i is at index i.
    var previous = ObjectHandle.Null;
    for (var i = 1; i <= count; i++)
    {
        var node = heap.Alloc(16, 2);
        heap.Write(node, 0, previous);
        heap.Write(node, 1, heap.Objects.HandleOf(i / 2 + 1));
        heap.SetLocal(0, node);
        previous = node;
    }

    // Arrays outgrown while the heap was built are garbage the runtime keeps mapped until it
    // decides to give memory back; report the working set both as it stands after a full
    // collection and after an aggressive one (which returns free memory to the OS), so the
    // second figure is what the simulated heap itself holds.
    GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
    process.Refresh();
    var builtRetained = process.WorkingSet64;
    GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    process.Refresh();
    var built = process.WorkingSet64;

    // Best of three full marks (colours reset between them), as the native side is best of three collections.
    var tracer = new Tracer(heap);
    var markSeconds = double.MaxValue;
    var marked = 0L;
    for (var round = 0; round < 3; round++)
    {
        tracer.Reset();
        var timer = Stopwatch.StartNew();
        tracer.ShadeRoots();
        tracer.Drain();
        markSeconds = Math.Min(markSeconds, timer.Elapsed.TotalSeconds);
        marked = tracer.ObjectsMarked;
        heap.ResetColorsForBenchmark();
    }

    var watch = Stopwatch.StartNew();
    heap.Collect();
    var collectSeconds = watch.Elapsed.TotalSeconds;
    var objectsAfterCollect = heap.ObjectCount;
    heap = null;
    GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);

    // The real runtime: the same graph as .NET objects, then one full blocking collection.
    var nativeSeconds = NativeGraph.BuildAndCollect(count);

    Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["benchmark"] = "mark",
        ["liveObjects"] = count,
        ["presized"] = presize,
        ["objectsMarked"] = marked,
        ["markSeconds"] = Math.Round(markSeconds, 4),
        ["markObjectsPerSecond"] = Math.Round(marked / markSeconds),
        ["collectSeconds"] = Math.Round(collectSeconds, 4),
        ["nativeGcCollectSeconds"] = Math.Round(nativeSeconds, 4),
        ["markRatio"] = Math.Round(markSeconds / nativeSeconds, 3),
        ["processBytesPerLiveObject"] = Math.Round((double)(built - baseline) / count, 1),
        ["processBytesPerLiveObjectBeforeRuntimeReturnsFreeMemory"] = Math.Round((double)(builtRetained - baseline) / count, 1),
        ["heapObjectsAfterCollect"] = objectsAfterCollect,
    }, Json.Options));
}

internal static class Json
{
    public static readonly JsonSerializerOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}

internal static class NativeGraph
{
    private sealed class Node
    {
        public Node? Previous;
        public Node? Other;
    }

    /// <summary>Builds the benchmark graph as real objects and times a full blocking GC.Collect over it (the best of three).</summary>
    public static double BuildAndCollect(int count)
    {
        var nodes = new Node[count + 1];
        for (var i = 1; i <= count; i++)
        {
            nodes[i] = new Node { Previous = nodes[i - 1] };
            nodes[i].Other = nodes[i / 2 + 1] ?? nodes[i];
        }

        var last = nodes[count];
        Array.Clear(nodes);
        GC.Collect();
        var seconds = double.MaxValue;
        for (var round = 0; round < 3; round++)
        {
            var watch = Stopwatch.StartNew();
            GC.Collect(2, GCCollectionMode.Forced, blocking: true);
            seconds = Math.Min(seconds, watch.Elapsed.TotalSeconds);
        }

        GC.KeepAlive(last);
        return seconds;
    }
}

internal sealed class Arguments
{
    private readonly Dictionary<string, string> _options = new(StringComparer.Ordinal);

    public Arguments(string[] args)
    {
        Command = args.Length > 0 ? args[0] : "";
        for (var i = 1; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"Expected '--name value', got '{args[i]}'.");
            }

            _options[args[i][2..]] = args[++i];
        }
    }

    public string Command { get; }

    public string Text(string name, string fallback) => _options.GetValueOrDefault(name, fallback);

    public int Int(string name, int fallback) =>
        !_options.TryGetValue(name, out var text) ? fallback
        : int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value
        : throw new ArgumentException($"--{name} takes a whole number, not '{text}'.");
}
