using System.Diagnostics;
using System.Text.Json.Nodes;
using HeapNotebook.Kernel.Cells;

namespace HeapNotebook.Kernel.Jupyter;

/// <summary>
/// The router layer: a table from msg_type to handler. Every request is wrapped in
/// status busy/idle on iopub. The transport calls <see cref="Handle"/> from one thread per
/// channel (shell, control), so execute requests run one at a time while control stays free.
/// </summary>
public sealed class KernelRouter
{
    private readonly IMessageSender sender;
    private readonly IKernelInterpreter interpreter;
    private readonly TextWriter log;
    private readonly Dictionary<string, Action<KernelChannel, JupyterMessage, CancellationToken>> handlers;
    private readonly HashSet<CancellationTokenSource> requestsInProgress = [];
    private readonly ExecutionHistory history = new();
    private readonly StdinExchange stdin;
    private int executionCount;
    private long abortRequestsReceivedBefore = long.MinValue;
    private int kernelInfoAnswered;

    public KernelRouter(IMessageSender sender, IKernelInterpreter interpreter, TextWriter log)
    {
        this.sender = sender;
        this.interpreter = interpreter;
        this.log = log;
        Session = Guid.NewGuid().ToString("N");
        stdin = new StdinExchange(sender, Session);
        handlers = new Dictionary<string, Action<KernelChannel, JupyterMessage, CancellationToken>>(StringComparer.Ordinal)
        {
            ["kernel_info_request"] = (channel, request, _) => HandleKernelInfo(channel, request),
            ["execute_request"] = HandleExecute,
            ["complete_request"] = (channel, request, _) => HandleComplete(channel, request),
            ["inspect_request"] = (channel, request, _) => HandleInspect(channel, request),
            ["is_complete_request"] = (channel, request, _) => HandleIsComplete(channel, request),
            ["history_request"] = (channel, request, _) => HandleHistory(channel, request),
            ["comm_info_request"] = (channel, request, _) => HandleCommInfo(channel, request),
            ["shutdown_request"] = (channel, request, _) => HandleShutdown(channel, request),
            ["interrupt_request"] = (channel, request, _) => HandleInterrupt(channel, request),
        };
    }

    public string Session { get; }

    /// <summary>Raised after shutdown_reply is sent; the argument says whether a restart was asked for.</summary>
    public event Action<bool>? ShutdownRequested;

    /// <summary>Raised after the first kernel_info_reply, the moment a front end considers the kernel ready.</summary>
    public event Action? FirstKernelInfoAnswered;

    public void PublishStarting() => PublishStatus("starting", null);

    public void Handle(KernelChannel channel, JupyterMessage request)
    {
        if (channel == KernelChannel.Stdin)
        {
            stdin.Deliver(request);
            return;
        }
        if (!handlers.TryGetValue(request.MessageType, out var handler))
        {
            log.WriteLine($"heapnb: ignoring unknown message type '{request.MessageType}' on {channel}");
            return;
        }
        // Armed before busy is published: a front end may interrupt as soon as it sees busy, before the cell has started.
        using var interrupt = new CancellationTokenSource();
        lock (requestsInProgress)
        {
            requestsInProgress.Add(interrupt);
        }
        PublishStatus("busy", request);
        try
        {
            handler(channel, request, interrupt.Token);
        }
        catch (Exception exception)
        {
            log.WriteLine($"heapnb: {request.MessageType} failed: {exception}");
            // A front end waits for a reply to every request; an error reply keeps it from hanging.
            Reply(channel, request, new JsonObject
            {
                ["status"] = "error",
                ["execution_count"] = executionCount,
                ["ename"] = "KernelError",
                ["evalue"] = $"the kernel failed to handle {request.MessageType}: {exception.Message}",
                ["traceback"] = new JsonArray(),
            });
        }
        finally
        {
            lock (requestsInProgress)
            {
                requestsInProgress.Remove(interrupt);
            }
            PublishStatus("idle", request);
        }
    }

    /// <summary>Interrupts every request being handled (the running cell, a pending input request); requests still queued are not touched.</summary>
    public void InterruptRequestsInProgress()
    {
        CancellationTokenSource[] inProgress;
        lock (requestsInProgress)
        {
            inProgress = [.. requestsInProgress];
        }
        foreach (var request in inProgress)
        {
            try
            {
                request.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // It finished between the copy and the cancel.
            }
        }
        stdin.CancelPending();
    }

    private void PublishStatus(string state, JupyterMessage? parent) =>
        sender.Send(KernelChannel.IoPub, JupyterMessage.Create("status", new JsonObject { ["execution_state"] = state }, parent, Session));

    private void Reply(KernelChannel channel, JupyterMessage request, JsonObject content)
    {
        var replyType = request.MessageType.EndsWith("_request", StringComparison.Ordinal)
            ? request.MessageType[..^"_request".Length] + "_reply"
            : request.MessageType + "_reply";
        sender.Send(channel, JupyterMessage.Create(replyType, content, request, Session));
    }

    private void Publish(JupyterMessage parent, string messageType, JsonObject content) =>
        sender.Send(KernelChannel.IoPub, JupyterMessage.Create(messageType, content, parent, Session));

    private void HandleKernelInfo(KernelChannel channel, JupyterMessage request)
    {
        Reply(channel, request, new JsonObject
        {
            ["status"] = "ok",
            ["protocol_version"] = JupyterMessage.ProtocolVersion,
            ["implementation"] = KernelIdentity.Implementation,
            ["implementation_version"] = KernelIdentity.Version,
            ["banner"] = $"HeapNotebook {KernelIdentity.Version}: C# (Roslyn scripting) with #!heap magics for exploring garbage collection. Type #!lsmagic for the magics.",
            ["debugger"] = false,
            ["language_info"] = KernelIdentity.LanguageInfo(interpreter.LanguageVersion),
            ["help_links"] = new JsonArray
            {
                new JsonObject { ["text"] = "C# language reference", ["url"] = "https://learn.microsoft.com/dotnet/csharp/" },
                new JsonObject { ["text"] = "Jupyter messaging protocol", ["url"] = "https://jupyter-client.readthedocs.io/en/latest/messaging.html" },
            },
        });
        if (Interlocked.Exchange(ref kernelInfoAnswered, 1) == 0)
        {
            FirstKernelInfoAnswered?.Invoke();
        }
    }

    private void HandleExecute(KernelChannel channel, JupyterMessage request, CancellationToken interrupt)
    {
        var code = request.ContentString("code") ?? "";
        var silent = request.ContentBool("silent", false);
        var storeHistory = !silent && request.ContentBool("store_history", true);
        var allowStdin = request.ContentBool("allow_stdin", false);
        var stopOnError = request.ContentBool("stop_on_error", true);

        if (request.ReceivedAt < Interlocked.Read(ref abortRequestsReceivedBefore))
        {
            Reply(channel, request, new JsonObject { ["status"] = "aborted", ["execution_count"] = executionCount });
            return;
        }
        if (storeHistory)
        {
            executionCount++;
        }
        var count = executionCount;
        if (!silent)
        {
            Publish(request, "execute_input", new JsonObject { ["code"] = code, ["execution_count"] = count });
        }
        var publisher = new IoPubCellPublisher(this, request, count, silent, allowStdin);
        var error = interpreter.Execute(code, publisher, interrupt);
        if (storeHistory)
        {
            history.Add(count, code, publisher.ResultText);
        }
        if (error is null)
        {
            Reply(channel, request, new JsonObject
            {
                ["status"] = "ok",
                ["execution_count"] = count,
                ["payload"] = new JsonArray(),
                ["user_expressions"] = new JsonObject(),
            });
            return;
        }
        var traceback = new JsonArray(error.Traceback.Select(line => (JsonNode?)JsonValue.Create(line)).ToArray());
        if (!silent)
        {
            Publish(request, "error", new JsonObject
            {
                ["ename"] = error.Name,
                ["evalue"] = error.Value,
                ["traceback"] = traceback.DeepClone(),
            });
        }
        Reply(channel, request, new JsonObject
        {
            ["status"] = "error",
            ["execution_count"] = count,
            ["ename"] = error.Name,
            ["evalue"] = error.Value,
            ["traceback"] = traceback,
        });
        if (stopOnError)
        {
            Interlocked.Exchange(ref abortRequestsReceivedBefore, Stopwatch.GetTimestamp());
        }
    }

    private void HandleComplete(KernelChannel channel, JupyterMessage request)
    {
        var code = request.ContentString("code") ?? "";
        var cursor = CodePoints.ToUtf16Index(code, request.ContentInt("cursor_pos") ?? code.Length);
        var result = interpreter.Complete(code, cursor);
        Reply(channel, request, new JsonObject
        {
            ["status"] = "ok",
            ["matches"] = new JsonArray(result.Matches.Select(match => (JsonNode?)JsonValue.Create(match)).ToArray()),
            ["cursor_start"] = CodePoints.FromUtf16Index(code, result.CursorStart),
            ["cursor_end"] = CodePoints.FromUtf16Index(code, result.CursorEnd),
            ["metadata"] = new JsonObject(),
        });
    }

    private void HandleInspect(KernelChannel channel, JupyterMessage request)
    {
        var code = request.ContentString("code") ?? "";
        var cursor = CodePoints.ToUtf16Index(code, request.ContentInt("cursor_pos") ?? code.Length);
        var result = interpreter.Inspect(code, cursor);
        var data = new JsonObject();
        if (result.Found)
        {
            data["text/plain"] = result.PlainText;
        }
        Reply(channel, request, new JsonObject
        {
            ["status"] = "ok",
            ["found"] = result.Found,
            ["data"] = data,
            ["metadata"] = new JsonObject(),
        });
    }

    private void HandleIsComplete(KernelChannel channel, JupyterMessage request)
    {
        var result = interpreter.IsComplete(request.ContentString("code") ?? "");
        var content = new JsonObject { ["status"] = result.Status };
        if (result.Indent is not null)
        {
            content["indent"] = result.Indent;
        }
        Reply(channel, request, content);
    }

    private void HandleHistory(KernelChannel channel, JupyterMessage request)
    {
        var output = request.ContentBool("output", false);
        IReadOnlyList<HistoryEntry> entries = request.ContentString("hist_access_type") switch
        {
            "tail" => history.Tail(request.ContentInt("n") ?? 10),
            "range" => history.Range(request.ContentInt("session") ?? 0, request.ContentInt("start") ?? 1, request.ContentInt("stop")),
            "search" => history.Search(request.ContentString("pattern") ?? "*", request.ContentInt("n"), request.ContentBool("unique", false)),
            _ => [],
        };
        var items = new JsonArray();
        foreach (var entry in entries)
        {
            JsonNode? input = output ? new JsonArray(entry.Input, entry.Output) : JsonValue.Create(entry.Input);
            items.Add(new JsonArray(entry.Session, entry.Line, input));
        }
        Reply(channel, request, new JsonObject { ["status"] = "ok", ["history"] = items });
    }

    private void HandleCommInfo(KernelChannel channel, JupyterMessage request) =>
        Reply(channel, request, new JsonObject { ["status"] = "ok", ["comms"] = new JsonObject() });

    private void HandleShutdown(KernelChannel channel, JupyterMessage request)
    {
        var restart = request.ContentBool("restart", false);
        InterruptRequestsInProgress();
        Reply(channel, request, new JsonObject { ["status"] = "ok", ["restart"] = restart });
        ShutdownRequested?.Invoke(restart);
    }

    private void HandleInterrupt(KernelChannel channel, JupyterMessage request)
    {
        InterruptRequestsInProgress();
        Reply(channel, request, new JsonObject { ["status"] = "ok" });
    }

    /// <summary>Turns one execute request's outputs into iopub messages.</summary>
    private sealed class IoPubCellPublisher(KernelRouter router, JupyterMessage request, int executionCount, bool silent, bool allowStdin)
        : ICellPublisher
    {
        public string? ResultText { get; private set; }

        public void WriteStream(string name, string text)
        {
            if (!silent && text.Length > 0)
            {
                router.Publish(request, "stream", new JsonObject { ["name"] = name, ["text"] = text });
            }
        }

        public void PublishDisplay(Display.MimeBundle bundle, string? displayId, bool isUpdate)
        {
            if (silent)
            {
                return;
            }
            var content = new JsonObject
            {
                ["data"] = bundle.Data.DeepClone(),
                ["metadata"] = bundle.Metadata.DeepClone(),
                ["transient"] = displayId is null ? new JsonObject() : new JsonObject { ["display_id"] = displayId },
            };
            router.Publish(request, isUpdate ? "update_display_data" : "display_data", content);
        }

        public void PublishResult(Display.MimeBundle bundle)
        {
            ResultText = bundle.Data["text/plain"]?.GetValue<string>();
            if (silent)
            {
                return;
            }
            router.Publish(request, "execute_result", new JsonObject
            {
                ["execution_count"] = executionCount,
                ["data"] = bundle.Data.DeepClone(),
                ["metadata"] = bundle.Metadata.DeepClone(),
            });
        }

        public void ClearOutput(bool wait)
        {
            if (!silent)
            {
                router.Publish(request, "clear_output", new JsonObject { ["wait"] = wait });
            }
        }

        public string ReadInput(string prompt, bool password)
        {
            if (!allowStdin)
            {
                throw new InputNotAllowedException("this front end does not accept input requests (allow_stdin is false)");
            }
            return router.stdin.Ask(request, prompt, password);
        }
    }
}
