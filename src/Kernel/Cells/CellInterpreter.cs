using HeapNotebook.Kernel.Display;
using HeapNotebook.Kernel.Magics;

namespace HeapNotebook.Kernel.Cells;

/// <summary>
/// The interpreter layer: runs a cell's directives, then its code in the selected language
/// (C# by default, Markdown, HTML). One cell runs at a time; <see cref="Interrupt"/> may come from any thread.
/// </summary>
public sealed class CellInterpreter : IKernelInterpreter, ICellSession
{
    private readonly Lock executionGate = new();
    private readonly CellOutputContext outputs = new();
    private readonly ScriptGlobals globals;
    private CSharpScriptHost? scriptHost;

    /// <summary>How long an interrupted cell may keep running before a blocking call in it (Sleep, Wait, Join) is broken.</summary>
    private static readonly TimeSpan BlockedCallGrace = TimeSpan.FromSeconds(1);

    private readonly Lock runningGate = new();
    private readonly HashSet<CancellationTokenSource> activeCells = [];
    private Thread? runningThread;
    private long runningCell;

    public CellInterpreter(MagicRegistry? magics = null)
    {
        Magics = magics ?? MagicRegistry.CreateDefault();
        globals = new ScriptGlobals(outputs);
        CellConsole.Install();
        Display.HeapFormatters.EnsureRegistered();
    }

    public MagicRegistry Magics { get; }

    /// <summary>The globals C# cells see (the merge wires <see cref="ScriptGlobals.Heap"/> here).</summary>
    public ScriptGlobals Globals => globals;

    public string LanguageVersion => "C# " + CSharpScriptHost.LanguageVersionName;

    public IReadOnlyList<ScriptVariable> Variables => scriptHost?.Variables ?? [];

    public void BindVariable(string name, Type type, object? value) => ScriptHost.Bind(name, type, value);

    public void CheckVariableName(string name) => ScriptHost.CheckVariableName(name);

    /// <summary>Throwaway submissions compiled after the first: more than the 30 calls after which the runtime optimises a hot method.</summary>
    public const int RehearsalSubmissions = 40;

    /// <summary>
    /// Loads Roslyn, then, while no cell is waiting, compiles and runs throwaway submissions on a
    /// chain of their own, so more of the compiler is jitted and optimised before the user's cells
    /// need it rather than under them (bench/kernel: a kernel left idle 5 s answers 1+1 in about
    /// 8.7 ms, one asked at once in 10.7-11.8 ms). A cell that arrives waits for one rehearsal at most.
    /// </summary>
    public void Warm()
    {
        lock (executionGate)
        {
            ScriptHost.Warm();
        }
        var rehearsal = ScriptHost.StartRehearsal();
        for (var round = 0; round < RehearsalSubmissions; round++)
        {
            lock (runningGate)
            {
                if (activeCells.Count > 0)
                {
                    return;
                }
            }
            lock (executionGate)
            {
                rehearsal.Next();
            }
        }
    }

    public ExecutionError? Execute(string code, ICellPublisher publisher) => Execute(code, publisher, CancellationToken.None);

    public ExecutionError? Execute(string code, ICellPublisher publisher, CancellationToken interrupt)
    {
        // Registered before waiting for the gate, so an interrupt sent while this cell waits (for the
        // background warm-up, or for a cell sent on another channel) stops this cell instead of being lost.
        using var cell = CancellationTokenSource.CreateLinkedTokenSource(interrupt);
        lock (runningGate)
        {
            activeCells.Add(cell);
        }
        try
        {
            lock (executionGate)
            {
                return ExecuteHoldingGate(code, publisher, cell.Token);
            }
        }
        finally
        {
            lock (runningGate)
            {
                activeCells.Remove(cell);
            }
        }
    }

    private ExecutionError? ExecuteHoldingGate(string code, ICellPublisher publisher, CancellationToken interrupt)
    {
        long cell;
        lock (runningGate)
        {
            runningThread = Thread.CurrentThread;
            cell = ++runningCell;
        }
        var previousContext = CellConsole.Current;
        outputs.Publisher = publisher;
        CellConsole.Current = outputs;
        var afterCell = new List<Action>();
        var breakBlockedCall = interrupt.Register(() => InterruptBlockedCallLater(cell));
        try
        {
            return Run(ParsedCell.Parse(code), afterCell, interrupt);
        }
        catch (ThreadInterruptedException) when (interrupt.IsCancellationRequested)
        {
            return ExecutionError.Simple(CellInterruptedException.ErrorName, new CellInterruptedException().Message);
        }
        catch (Exception exception)
        {
            return ExecutionError.Simple("KernelError", $"the kernel failed to run this cell: {exception.Message}");
        }
        finally
        {
            breakBlockedCall.Dispose();
            StopBeingInterruptible();
            for (var index = afterCell.Count - 1; index >= 0; index--)
            {
                afterCell[index]();
            }
            outputs.Flush();
            CellConsole.Current = previousContext;
            outputs.Publisher = null;
        }
    }

    /// <summary>Stops every cell that is running or waiting to run (safe from any thread; nothing happens when none is).</summary>
    public void Interrupt()
    {
        CancellationTokenSource[] cells;
        lock (runningGate)
        {
            cells = [.. activeCells];
        }
        foreach (var cell in cells)
        {
            try
            {
                cell.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The cell finished between the copy and the cancel.
            }
        }
    }

    /// <summary>Loops and methods check the token; a cell blocked in Sleep or Wait only notices a thread interrupt.</summary>
    private void InterruptBlockedCallLater(long cell) =>
        _ = Task.Delay(BlockedCallGrace).ContinueWith(_ =>
        {
            lock (runningGate)
            {
                if (runningThread is { } thread && runningCell == cell)
                {
                    thread.Interrupt();
                }
            }
        }, TaskScheduler.Default);

    /// <summary>After this no thread interrupt is sent, and one that came as the cell ended is consumed, not left for the kernel's next wait.</summary>
    private void StopBeingInterruptible()
    {
        while (true)
        {
            try
            {
                lock (runningGate)
                {
                    runningThread = null;
                }
                break;
            }
            catch (ThreadInterruptedException)
            {
                // Thrown while waiting for the gate: the interrupt meant for the cell arrived as it ended.
            }
        }
        try
        {
            Thread.Sleep(0);
        }
        catch (ThreadInterruptedException)
        {
            // Consumed.
        }
    }

    public CompletionResult Complete(string code, int cursor)
    {
        cursor = Math.Clamp(cursor, 0, code.Length);
        var lineStart = code.LastIndexOf('\n', Math.Max(0, cursor - 1)) + 1;
        if (cursor > 0 && code[cursor - 1] == '\n')
        {
            lineStart = cursor;
        }
        var line = code[lineStart..cursor];
        if (line.TrimStart().StartsWith("#!", StringComparison.Ordinal))
        {
            var start = lineStart + line.IndexOf("#!", StringComparison.Ordinal);
            var typed = code[(start + 2)..cursor];
            if (typed.Any(char.IsWhiteSpace))
            {
                return new CompletionResult([], cursor, cursor);
            }
            var names = Magics.AllNames.Where(name => name.StartsWith(typed, StringComparison.Ordinal)).Select(name => "#!" + name).ToArray();
            return new CompletionResult(names, start, cursor);
        }
        lock (executionGate)
        {
            return CSharpLanguageService.Complete(ScriptHost, code, cursor);
        }
    }

    public InspectionResult Inspect(string code, int cursor)
    {
        cursor = Math.Clamp(cursor, 0, code.Length);
        lock (executionGate)
        {
            return CSharpLanguageService.Inspect(ScriptHost, code, cursor);
        }
    }

    public CompletenessResult IsComplete(string code) => CSharpLanguageService.IsComplete(code);

    private CSharpScriptHost ScriptHost
    {
        get
        {
            if (scriptHost is null)
            {
                scriptHost = new CSharpScriptHost(globals);
                scriptHost.Warm();
            }
            return scriptHost;
        }
    }

    private ExecutionError? Run(ParsedCell cell, List<Action> afterCell, CancellationToken interrupt)
    {
        var codeLanguage = cell.Directives.Select(directive => CellLanguage.TryParse(directive.Name, out var selected) ? selected : null).LastOrDefault(selected => selected is not null);
        if ((codeLanguage ?? CellLanguage.CSharp) == CellLanguage.CSharp && cell.HasCode && CSharpScriptHost.MisplacedMagicLine(cell.Code) is { } line)
        {
            var magic = cell.Code.Split('\n')[line - 1].Trim().Split(' ', '\t')[0];
            magic = magic.Length > 40 ? magic[..40] + "..." : magic;
            return ExecutionError.Simple("MisplacedMagic",
                $"line {line} ({magic}) comes after C# code: magic lines must come before the C# code of a cell; move line {line} up or into its own cell. Nothing in this cell ran.");
        }
        var language = CellLanguage.CSharp;
        foreach (var directive in cell.Directives)
        {
            if (CellLanguage.TryParse(directive.Name, out var selected))
            {
                language = selected;
                continue;
            }
            var command = Magics.Find(directive.Name);
            if (command is null)
            {
                return ExecutionError.Simple("UnknownMagic",
                    $"unknown magic command '#!{directive.Name}' (line {directive.Line}); known: {string.Join(", ", Magics.AllNames.Select(name => "#!" + name))}");
            }
            var error = command.Run(new MagicInvocation(directive.Arguments, outputs, this) { AfterCell = afterCell, Line = directive.Line, Interrupt = interrupt });
            if (error is not null)
            {
                return error;
            }
            if (interrupt.IsCancellationRequested)
            {
                return ExecutionError.Simple(CellInterruptedException.ErrorName, new CellInterruptedException().Message);
            }
        }
        if (!cell.HasCode)
        {
            return null;
        }
        switch (language)
        {
            case CellLanguage.Markdown:
                var markdown = cell.Code.Trim('\n', '\r');
                outputs.PublishDisplay(MimeBundle.PlainText(markdown).With("text/markdown", markdown).With("text/html", Markdig.Markdown.ToHtml(markdown)), null, isUpdate: false);
                return null;
            case CellLanguage.Html:
                var html = cell.Code.Trim('\n', '\r');
                outputs.PublishDisplay(MimeBundle.PlainText(html).With("text/html", html), null, isUpdate: false);
                return null;
            default:
                return ScriptHost.Execute(cell.Code, outputs, interrupt);
        }
    }
}
