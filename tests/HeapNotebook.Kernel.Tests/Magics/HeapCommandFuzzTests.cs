using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using HeapNotebook.Heap;
using HeapNotebook.Kernel.Cells;
using HeapNotebook.Kernel.Display;

namespace HeapNotebook.Kernel.Tests.Magics;

/// <summary>
/// Random and mutated #!heap lines through the interpreter, from a seeded generator: the
/// examples of every verb's help plus hand-written lines, mutated by deleting, inserting,
/// swapping and replacing characters and tokens. No line may escape as anything but a clear
/// heap-command error (or an interrupt), and a failed line must leave the heaps as they were.
/// It runs alone (its own collection, not in parallel): it keeps a core busy for a minute, and
/// the interrupt and timing tests of the other classes should not compete with it. Running alone
/// also lets it work in a scratch folder, where the files of save and export lines go.
/// </summary>
[Collection(nameof(HeapCommandFuzzTests))]
public sealed partial class HeapCommandFuzzTests
{
    private const int Lines = 100_000;

    private static readonly string[] Seeds =
    [
        "#!heap new --collector tricolor --barrier dijkstra --gogc 50 --heap-size 64MiB --name small",
        "#!heap new --collector refcount --cycle-collector trial-deletion --heap-size 32MiB --name rc",
        "#!heap new --nursery 128KiB --tenuring 0 --heap-size 16MiB --name gen",
        "#!heap new --collector go --memory-limit 4MiB --heap-size 8MiB --procs 2 --seed 9 --verify",
        "#!heap alloc a --size 64 --fields 2 --root",
        "#!heap alloc b --size 32 --fields 1",
        "#!heap link a.0 b",
        "#!heap link a.1 a",
        "#!heap unlink a.0",
        "#!heap root b",
        "#!heap unroot a",
        "#!heap objects",
        "#!heap run binary-trees --depth 6",
        "#!heap run churn --allocs 2000 --live 100",
        "#!heap run cycles --rings 50 --live 5",
        "#!heap run server --requests 50 --pool 1 --escape-percent 20",
        "#!heap gc",
        "#!heap step --work 3",
        "#!heap step --phase",
        "#!heap verify",
        "#!heap stats --as s",
        "#!heap trace --last 2 --as t",
        "#!heap use small",
        "#!heap list",
        "#!heap -h",
        "#!heap alloc -h",
        "#!heap export --format gctrace",
        "#!heap save fuzz.heapsnap",
        "#!heap load fuzz.heapsnap --name loaded",
    ];

    private static readonly string[] Fragments =
    [
        "--", "-", "-h", "--help", "off", "0", "-1", "99999999999", "1.5", "64MiB", "1GiB", "1TiB", "x", "a.9", ".", "a.", ".0",
        "--size", "--fields", "--root", "--gogc", "--collector", "go", "generational", "markcompact", "semispace", "none", "hybrid",
        "--barrier", "--work", "--phase", "--as", "1var", "é", "\t", "\"", "'", "#!heap", "new", "run", "link", "--depth", "26",
    ];

    [GeneratedRegex(@"^\(\d+,\d+\): error HN\d{4}: ")]
    private static partial Regex ErrorFormat();

    private static readonly string[] FileVerbs = ["save", "load", "export"];

    /// <summary>A mutated save, load or export line that names a path outside the scratch folder is not run: the fuzzer must not write over the machine.</summary>
    private static bool LeavesScratchFolder(string line)
    {
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return words.Any(word => FileVerbs.Contains(word, StringComparer.Ordinal))
            && words.Any(word => word.Contains("..", StringComparison.Ordinal) || word.Contains('/', StringComparison.Ordinal) || word.Contains('\\', StringComparison.Ordinal) || word.StartsWith('~'));
    }

    [Fact]
    public void A_hundred_thousand_random_lines_never_escape_as_anything_but_a_clear_error_and_failures_change_nothing()
    {
        var scratch = Directory.CreateTempSubdirectory("heapnb-fuzz-");
        var previousDirectory = Environment.CurrentDirectory;
        Environment.CurrentDirectory = scratch.FullName;
        try
        {
            FuzzLines();
        }
        finally
        {
            Environment.CurrentDirectory = previousDirectory;
            scratch.Delete(recursive: true);
        }
    }

    private static void FuzzLines()
    {
        var interpreter = new CellInterpreter();
        var publisher = new InterruptingPublisher(interpreter);
        var random = new DeterministicRandom(2026);
        var failures = 0;
        var interrupted = 0;
        var corpus = Seeds.Concat(HelpExamples(interpreter)).Distinct().ToArray();

        for (var n = 0; n < Lines; n++)
        {
            var line = Mutate(corpus[random.NextInt(corpus.Length)], random);
            while (LeavesScratchFolder(line))
            {
                line = Mutate(corpus[random.NextInt(corpus.Length)], random);
            }

            var heap = interpreter.Globals.Heap;
            var before = Snapshot(heap);

            var error = interpreter.Execute(line, publisher);

            if (error is null)
            {
                continue;
            }

            if (error.Name == "Interrupted")
            {
                interrupted++;
                continue;
            }

            failures++;
            var clear = (error.Name == "HeapCommandError" && ErrorFormat().IsMatch(error.Value))
                || (error.Name == "UnknownMagic" && error.Value.StartsWith("unknown magic command '#!heap", StringComparison.Ordinal));
            Assert.True(clear, $"line {n}: {line}\ngave {error.Name}: {error.Value}");
            Assert.True(before == Snapshot(heap), $"line {n}: {line}\nfailed but changed the heap: {error.Value}");
            Assert.Same(heap, interpreter.Globals.Heap);
        }

        Assert.True(failures > Lines / 4, $"only {failures} of {Lines} lines failed: the mutations are too gentle to test errors");
        Assert.True(failures < Lines, "every line failed: the seeds never parse");
        Assert.True(interrupted > 0, "no run was started and interrupted");
    }

    /// <summary>The example lines of every verb's help.</summary>
    private static IEnumerable<string> HelpExamples(CellInterpreter interpreter)
    {
        var publisher = new InterruptingPublisher(interpreter);
        interpreter.Execute("#!heap -h", publisher);
        var verbs = Regex.Matches(publisher.All.ToString(), @"^  (\w+) ", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToArray();
        foreach (var verb in verbs)
        {
            publisher.All.Clear();
            interpreter.Execute($"#!heap {verb} -h", publisher);
            foreach (Match example in Regex.Matches(publisher.All.ToString(), @"^  (#!heap .+)$", RegexOptions.Multiline))
            {
                yield return example.Groups[1].Value;
            }
        }
    }

    private static string Mutate(string line, DeterministicRandom random)
    {
        var text = new StringBuilder(line);
        for (var edits = random.NextInt(4); edits > 0; edits--)
        {
            var tokens = text.ToString().Split(' ').ToList();
            switch (random.NextInt(7))
            {
                case 0 when text.Length > 0:
                    text.Remove(random.NextInt(text.Length), 1);
                    break;
                case 1:
                    text.Insert(random.NextInt(text.Length + 1), (char)random.NextInt(32, 126));
                    break;
                case 2 when tokens.Count > 2:
                    var i = 1 + random.NextInt(tokens.Count - 1);
                    var j = 1 + random.NextInt(tokens.Count - 1);
                    (tokens[i], tokens[j]) = (tokens[j], tokens[i]);
                    text.Clear().Append(string.Join(' ', tokens));
                    break;
                case 3 when tokens.Count > 1:
                    tokens[1 + random.NextInt(tokens.Count - 1)] = Fragments[random.NextInt(Fragments.Length)];
                    text.Clear().Append(string.Join(' ', tokens));
                    break;
                case 4:
                    text.Append(' ').Append(Fragments[random.NextInt(Fragments.Length)]);
                    break;
                case 5 when tokens.Count > 1:
                    tokens.RemoveAt(1 + random.NextInt(tokens.Count - 1));
                    text.Clear().Append(string.Join(' ', tokens));
                    break;
                default:
                    break;
            }
        }

        // Keep it a #!heap line; the rest of the cell language has its own tests.
        var result = text.ToString();
        return result.StartsWith("#!heap", StringComparison.Ordinal) ? result : "#!heap " + result;
    }

    private static string Snapshot(SimulatedHeap heap)
    {
        var stats = heap.Stats;
        return string.Create(CultureInfo.InvariantCulture,
            $"{heap.Name} {stats with { PauseNs = [] }} objects={heap.ObjectCount} cycles={heap.Cycles.Count} clock={heap.Clock.Picoseconds} roots={string.Join(',', heap.Roots.Names)} phase={heap.Phase}");
    }

    /// <summary>Collects output, and interrupts any run as soon as it shows its progress, so no fuzzed workload runs long.</summary>
    private sealed class InterruptingPublisher(CellInterpreter interpreter) : ICellPublisher
    {
        public StringBuilder All { get; } = new();

        public void WriteStream(string name, string text) => All.Append(text);

        public void PublishDisplay(MimeBundle bundle, string? displayId, bool isUpdate)
        {
            All.Append(bundle.Data["text/plain"]?.GetValue<string>());
            if (displayId is not null)
            {
                interpreter.Interrupt();
            }
        }

        public void PublishResult(MimeBundle bundle) => All.Append(bundle.Data["text/plain"]?.GetValue<string>());

        public void ClearOutput(bool wait)
        {
        }

        public string ReadInput(string prompt, bool password) => throw new InputNotAllowedException("no input here");
    }
}

/// <summary>Runs the fuzzer after the other test classes, by itself.</summary>
[CollectionDefinition(nameof(HeapCommandFuzzTests), DisableParallelization = true)]
public sealed class HeapCommandFuzzCollection;
