using System.Text.Json.Nodes;
using HeapNotebook.Kernel.Jupyter;

namespace HeapNotebook.Kernel.Tests.Jupyter;

public sealed class KernelRouterTests
{
    private readonly InMemoryTransport transport = new();
    private readonly ScriptedInterpreter interpreter = new();
    private readonly StringWriter log = new();
    private readonly KernelRouter router;

    public KernelRouterTests()
    {
        router = new KernelRouter(transport, interpreter, log);
    }

    [Fact]
    public void Starting_is_published_once_on_iopub()
    {
        router.PublishStarting();

        var status = Assert.Single(transport.On(KernelChannel.IoPub));
        Assert.Equal("starting", status.Content["execution_state"]!.GetValue<string>());
    }

    [Fact]
    public void Kernel_info_reply_describes_csharp_and_is_wrapped_in_busy_and_idle()
    {
        var request = Requests.Make("kernel_info_request");

        router.Handle(KernelChannel.Shell, request);

        var reply = transport.ReplyTo(request);
        Assert.Equal("kernel_info_reply", reply.MessageType);
        Assert.Equal("5.3", reply.Content["protocol_version"]!.GetValue<string>());
        var language = reply.Content["language_info"]!;
        Assert.Equal("csharp", language["name"]!.GetValue<string>());
        Assert.Equal("text/x-csharp", language["mimetype"]!.GetValue<string>());
        Assert.Equal(".cs", language["file_extension"]!.GetValue<string>());
        Assert.Equal("csharp", language["pygments_lexer"]!.GetValue<string>());
        Assert.Equal("text/x-csharp", language["codemirror_mode"]!.GetValue<string>());
        Assert.NotEmpty(reply.Content["help_links"]!.AsArray());
        Assert.Equal(["status:busy", "status:idle"], transport.IoPubTypesFor(request));
        Assert.Equal(request.Identities[0], reply.Identities[0]);
    }

    [Fact]
    public void Execute_publishes_input_then_result_and_counts_executions()
    {
        var first = Requests.Execute("one");
        var second = Requests.Execute("two");

        router.Handle(KernelChannel.Shell, first);
        router.Handle(KernelChannel.Shell, second);

        Assert.Equal(["status:busy", "execute_input", "execute_result", "status:idle"], transport.IoPubTypesFor(second));
        var reply = transport.ReplyTo(second);
        Assert.Equal("ok", reply.Content["status"]!.GetValue<string>());
        Assert.Equal(2, reply.Content["execution_count"]!.GetValue<int>());
        var result = transport.On(KernelChannel.IoPub).Single(message => message.MessageType == "execute_result" && message.ParentHeader["msg_id"]!.GetValue<string>() == second.MessageId);
        Assert.Equal("two", result.Content["data"]!["text/plain"]!.GetValue<string>());
        Assert.Equal(2, result.Content["execution_count"]!.GetValue<int>());
    }

    [Fact]
    public void Silent_execute_publishes_nothing_but_status_and_does_not_count()
    {
        var request = Requests.Execute("print hidden", silent: true);

        router.Handle(KernelChannel.Shell, request);

        Assert.Equal(["status:busy", "status:idle"], transport.IoPubTypesFor(request));
        Assert.Equal(0, transport.ReplyTo(request).Content["execution_count"]!.GetValue<int>());
    }

    [Fact]
    public void A_failing_cell_publishes_one_error_and_replies_with_status_error()
    {
        var request = Requests.Execute("fail");

        router.Handle(KernelChannel.Shell, request);

        Assert.Equal(["status:busy", "execute_input", "error", "status:idle"], transport.IoPubTypesFor(request));
        var reply = transport.ReplyTo(request);
        Assert.Equal("error", reply.Content["status"]!.GetValue<string>());
        Assert.Equal("Failure", reply.Content["ename"]!.GetValue<string>());
    }

    [Fact]
    public void Stop_on_error_aborts_requests_that_arrived_before_the_failure()
    {
        var failing = Requests.Execute("fail");
        var queuedBehind = Requests.Execute("print never");

        router.Handle(KernelChannel.Shell, failing);
        router.Handle(KernelChannel.Shell, queuedBehind);
        var sentLater = Requests.Execute("print later");
        router.Handle(KernelChannel.Shell, sentLater);

        Assert.Equal("aborted", transport.ReplyTo(queuedBehind).Content["status"]!.GetValue<string>());
        Assert.Equal(["fail", "print later"], interpreter.Executed);
    }

    [Fact]
    public void Unknown_message_types_are_ignored_and_logged()
    {
        var request = Requests.Make("frobnicate_request");

        router.Handle(KernelChannel.Shell, request);

        Assert.Empty(transport.Sent);
        Assert.Contains("frobnicate_request", log.ToString());
    }

    [Fact]
    public void Interrupt_request_on_control_interrupts_the_running_cell()
    {
        var cell = Requests.Execute(ScriptedInterpreter.WaitCode);
        var shell = new Thread(() => router.Handle(KernelChannel.Shell, cell));
        shell.Start();
        Assert.True(interpreter.Waiting.Wait(TimeSpan.FromSeconds(30)));
        var request = Requests.Make("interrupt_request");

        router.Handle(KernelChannel.Control, request);

        Assert.True(shell.Join(TimeSpan.FromSeconds(30)));
        Assert.Equal("interrupt_reply", transport.ReplyTo(request).MessageType);
        Assert.Equal("Interrupted", transport.ReplyTo(cell).Content["ename"]!.GetValue<string>());
    }

    [Fact]
    public void An_interrupt_sent_as_soon_as_busy_is_seen_stops_the_cell_before_it_starts()
    {
        var cell = Requests.Execute(ScriptedInterpreter.WaitCode);
        transport.MessageSent += (_, message) =>
        {
            if (message.MessageType == "status" && message.Content["execution_state"]!.GetValue<string>() == "busy"
                && message.ParentHeader["msg_id"]?.GetValue<string>() == cell.MessageId)
            {
                router.Handle(KernelChannel.Control, Requests.Make("interrupt_request"));
            }
        };

        router.Handle(KernelChannel.Shell, cell);

        Assert.Equal("Interrupted", transport.ReplyTo(cell).Content["ename"]!.GetValue<string>());
    }

    [Fact]
    public void An_interrupt_when_nothing_runs_does_not_stop_the_next_cell()
    {
        router.Handle(KernelChannel.Control, Requests.Make("interrupt_request"));
        var cell = Requests.Execute(ScriptedInterpreter.TokenStateCode);

        router.Handle(KernelChannel.Shell, cell);

        Assert.Equal(["status:busy", "execute_input", "execute_result", "status:idle"], transport.IoPubTypesFor(cell));
        var result = transport.On(KernelChannel.IoPub).Single(message => message.MessageType == "execute_result");
        Assert.Equal("not interrupted", result.Content["data"]!["text/plain"]!.GetValue<string>());
    }

    [Fact]
    public void Shutdown_request_replies_and_raises_the_event_with_restart()
    {
        bool? restartAsked = null;
        router.ShutdownRequested += restart => restartAsked = restart;
        var request = Requests.Make("shutdown_request", new JsonObject { ["restart"] = true });

        router.Handle(KernelChannel.Control, request);

        var reply = transport.ReplyTo(request);
        Assert.Equal("shutdown_reply", reply.MessageType);
        Assert.True(reply.Content["restart"]!.GetValue<bool>());
        Assert.True(restartAsked);
    }

    [Fact]
    public void History_tail_returns_the_last_inputs_with_outputs_when_asked()
    {
        foreach (var code in new[] { "a", "b", "c" })
        {
            router.Handle(KernelChannel.Shell, Requests.Execute(code));
        }
        var request = Requests.Make("history_request", new JsonObject { ["hist_access_type"] = "tail", ["n"] = 2, ["output"] = true, ["raw"] = true });

        router.Handle(KernelChannel.Shell, request);

        var history = transport.ReplyTo(request).Content["history"]!.AsArray();
        Assert.Equal(2, history.Count);
        Assert.Equal("[1,2,[\"b\",\"b\"]]", history[0]!.ToJsonString());
        Assert.Equal("[1,3,[\"c\",\"c\"]]", history[1]!.ToJsonString());
    }

    [Fact]
    public void Complete_inspect_is_complete_and_comm_info_reply_with_their_shapes()
    {
        var complete = Requests.Make("complete_request", new JsonObject { ["code"] = "abc", ["cursor_pos"] = 3 });
        var inspect = Requests.Make("inspect_request", new JsonObject { ["code"] = "abc", ["cursor_pos"] = 1, ["detail_level"] = 0 });
        var isComplete = Requests.Make("is_complete_request", new JsonObject { ["code"] = "if (x) {" });
        var commInfo = Requests.Make("comm_info_request");

        foreach (var request in new[] { complete, inspect, isComplete, commInfo })
        {
            router.Handle(KernelChannel.Shell, request);
        }

        Assert.Equal("[\"completed\"]", transport.ReplyTo(complete).Content["matches"]!.ToJsonString());
        Assert.Equal(3, transport.ReplyTo(complete).Content["cursor_end"]!.GetValue<int>());
        Assert.Equal("inspected", transport.ReplyTo(inspect).Content["data"]!["text/plain"]!.GetValue<string>());
        Assert.Equal("incomplete", transport.ReplyTo(isComplete).Content["status"]!.GetValue<string>());
        Assert.Equal("    ", transport.ReplyTo(isComplete).Content["indent"]!.GetValue<string>());
        Assert.Equal("{}", transport.ReplyTo(commInfo).Content["comms"]!.ToJsonString());
    }

    [Fact]
    public void Cursor_positions_are_counted_in_code_points()
    {
        var code = "\"😀\" + abc";
        var request = Requests.Make("complete_request", new JsonObject { ["code"] = code, ["cursor_pos"] = 9 });

        router.Handle(KernelChannel.Shell, request);

        Assert.Equal(9, transport.ReplyTo(request).Content["cursor_end"]!.GetValue<int>());
    }

    [Fact]
    public void A_handler_that_throws_still_answers_with_an_error_reply_between_busy_and_idle()
    {
        var request = Requests.Execute(ScriptedInterpreter.ThrowCode);

        router.Handle(KernelChannel.Shell, request);

        var reply = transport.ReplyTo(request);
        Assert.Equal("execute_reply", reply.MessageType);
        Assert.Equal("error", reply.Content["status"]!.GetValue<string>());
        Assert.Equal("KernelError", reply.Content["ename"]!.GetValue<string>());
        Assert.Contains("the kernel failed to handle execute_request", reply.Content["evalue"]!.GetValue<string>());
        Assert.Equal("status:idle", transport.IoPubTypesFor(request)[^1]);
        Assert.Contains("execute_request failed", log.ToString());
    }
}
