using HeapNotebook.Kernel.Cells;

namespace HeapNotebook.Kernel.Tests.Cells;

public sealed class CellInterpreterTests
{
    private readonly CellInterpreter interpreter = new();

    private (ExecutionError? Error, RecordingPublisher Outputs) Run(string code) => interpreter.RunCell(code);

    [Fact]
    public void Variables_carry_from_cell_to_cell_and_a_trailing_expression_is_the_result()
    {
        Run("var total = 40;");

        var (error, outputs) = Run("total + 2");

        Assert.Null(error);
        Assert.Equal([("result", "42")], outputs.Outputs);
    }

    [Fact]
    public void A_statement_or_void_call_has_no_result()
    {
        var (_, outputs) = Run("var unused = 1;");
        var (_, voidCall) = Run("Console.Write(\"\")");

        Assert.Empty(outputs.Outputs);
        Assert.Empty(voidCall.Outputs);
    }

    [Fact]
    public void Console_output_is_captured_per_cell_as_streams_in_order()
    {
        var (error, outputs) = Run("Console.WriteLine(\"one\"); Console.Error.WriteLine(\"two\"); Console.Write(\"three\");");

        Assert.Null(error);
        Assert.Equal([("stdout", "one\n"), ("stderr", "two\n"), ("stdout", "three")], outputs.Outputs);
    }

    [Fact]
    public void A_compile_error_is_one_error_with_cell_line_and_column()
    {
        var (error, outputs) = Run("#!time\nvar fine = 1;\n  missing + 1;");

        Assert.NotNull(error);
        Assert.Equal("CompilationError", error.Name);
        Assert.StartsWith("(3,3): error CS0103:", error.Value);
        Assert.Contains("missing", error.Value);
    }

    [Fact]
    public void Compile_errors_in_interruptible_code_keep_the_users_positions()
    {
        var (error, _) = Run("for (var i = 0; i < 2; i++) { nope(); }");

        Assert.StartsWith("(1,31): error CS0103:", error!.Value);
    }

    [Fact]
    public void A_runtime_exception_names_type_message_and_the_users_frames()
    {
        var (error, _) = Run("int Divide(int a, int b) { return a / b; }\nDivide(1, 0)");

        Assert.NotNull(error);
        Assert.Equal("System.DivideByZeroException", error.Name);
        Assert.Equal("System.DivideByZeroException: Attempted to divide by zero.", error.Traceback[0]);
        Assert.Contains(error.Traceback, line => line.Contains("Divide() in cell"));
        Assert.DoesNotContain(error.Traceback, line => line.Contains("Microsoft.CodeAnalysis"));
    }

    [Fact]
    public void A_value_whose_ToString_throws_is_the_users_error_and_the_kernel_goes_on()
    {
        var (error, outputs) = Run("class Touchy { public override string ToString() => throw new InvalidOperationException(\"tostring boom\"); }\nnew Touchy()");

        Assert.NotNull(error);
        Assert.Equal("System.InvalidOperationException", error.Name);
        Assert.Equal("the cell ran, but showing its value (Touchy) failed: tostring boom", error.Value);
        Assert.Contains(error.Traceback, line => line.Contains("ToString() in cell"));
        Assert.DoesNotContain(outputs.Outputs, output => output.Kind == "result");
        Assert.Null(Run("var after = 1;").Error);
    }

    [Fact]
    public void The_result_types_of_the_heaps_methods_can_be_named_without_a_using()
    {
        var (error, outputs) = Run("FragmentationReport f = Heap.Fragmentation(); VerificationReport v = Heap.Verify(); IReadOnlyList<SpanInfo> s = Heap.DescribeSpans(); $\"{v.Passed} {s.Count} {SizeClasses.Count}\"");

        Assert.Null(error);
        Assert.Contains(outputs.Outputs, output => output.Kind == "result" && output.Text.StartsWith("True ", StringComparison.Ordinal));
    }

    [Fact]
    public void The_kernel_keeps_state_after_a_runtime_error()
    {
        Run("var kept = 5;");
        Run("throw new Exception(\"boom\");");

        var (error, outputs) = Run("kept");

        Assert.Null(error);
        Assert.Equal([("result", "5")], outputs.Outputs);
    }

    [Fact]
    public void An_infinite_loop_is_interrupted_from_another_thread_and_the_next_cell_runs()
    {
        Run("var beforeLoop = 3;");
        using var started = new ManualResetEventSlim();
        var publisher = new RecordingPublisher();
        ExecutionError? loopError = null;
        var loop = new Thread(() => loopError = interpreter.Execute("Console.WriteLine(\"spinning\");\nwhile (true) { }", new SignallingPublisher(publisher, started)));
        loop.Start();
        Assert.True(started.Wait(TimeSpan.FromSeconds(60)));

        interpreter.Interrupt();

        Assert.True(loop.Join(TimeSpan.FromSeconds(30)));
        Assert.Equal("Interrupted", loopError!.Name);
        Assert.Contains("interrupted", loopError.Value);
        Assert.Equal([("result", "3")], Run("beforeLoop").Outputs.Outputs);
    }

    [Fact]
    public void An_interrupt_stops_the_running_cell_even_when_another_cell_waits_behind_it()
    {
        using var started = new ManualResetEventSlim();
        ExecutionError? loopError = null;
        ExecutionError? waitingError = null;
        var loop = new Thread(() => loopError = interpreter.Execute("Console.WriteLine(\"spinning\");\nwhile (true) { }", new SignallingPublisher(new RecordingPublisher(), started)));
        loop.Start();
        Assert.True(started.Wait(TimeSpan.FromSeconds(60)));
        // A second request (as from the control channel) queues on the interpreter while the loop runs.
        var waiting = new Thread(() => waitingError = interpreter.Execute("1 + 1", new RecordingPublisher()));
        waiting.Start();
        SpinWait.SpinUntil(() => waiting.ThreadState.HasFlag(ThreadState.WaitSleepJoin), TimeSpan.FromSeconds(30));

        interpreter.Interrupt();

        Assert.True(loop.Join(TimeSpan.FromSeconds(30)));
        Assert.True(waiting.Join(TimeSpan.FromSeconds(30)));
        Assert.Equal("Interrupted", loopError!.Name);
        Assert.Equal("Interrupted", waitingError!.Name);
        Assert.Equal([("result", "2")], Run("1 + 1").Outputs.Outputs);
    }

    [Fact]
    public void A_cell_whose_token_is_already_cancelled_does_not_run()
    {
        Run("var ran = 0;");
        var error = interpreter.Execute("ran++;", new RecordingPublisher(), new CancellationToken(canceled: true));

        Assert.Equal("Interrupted", error!.Name);
        Assert.Equal([("result", "0")], Run("ran").Outputs.Outputs);
    }

    [Theory]
    [InlineData("System.Threading.Thread.Sleep(System.Threading.Timeout.Infinite);")]
    [InlineData("await Task.Delay(System.Threading.Timeout.Infinite);")]
    [InlineData("new System.Threading.ManualResetEventSlim().Wait();")]
    public void A_cell_blocked_in_a_wait_is_interrupted_too(string blockingCode)
    {
        Run("var beforeWait = 4;");
        using var started = new ManualResetEventSlim();
        ExecutionError? waitError = null;
        var cell = new Thread(() => waitError = interpreter.Execute("Console.WriteLine(\"waiting\");\n" + blockingCode, new SignallingPublisher(new RecordingPublisher(), started)));
        cell.Start();
        Assert.True(started.Wait(TimeSpan.FromSeconds(60)));

        interpreter.Interrupt();

        Assert.True(cell.Join(TimeSpan.FromSeconds(30)));
        Assert.Equal("Interrupted", waitError!.Name);
        Assert.Equal([("result", "4")], Run("beforeWait").Outputs.Outputs);
    }

    [Theory]
    [InlineData("void Forever() { Forever(); }\nForever();")]
    [InlineData("int Down(int n) => Down(n + 1);\nDown(0)")]
    [InlineData("Func<int, int> f = null!;\nf = n => f(n + 1);\nf(0)")]
    [InlineData("Action again = null!;\nagain = () => again();\nagain();")]
    [InlineData("class Getter { public int P => P; }\nnew Getter().P")]
    [InlineData("class Setter { public int P { get => 0; set => P = value; } }\nnew Setter().P = 1;")]
    [InlineData("class Indexed { public int this[int i] => this[i + 1]; }\nnew Indexed()[0]")]
    [InlineData("struct Sum { public static Sum operator +(Sum a, Sum b) => a + b; }\nvar total = new Sum() + new Sum();")]
    [InlineData("static class Field { public static Func<int, int> F = n => F(n + 1); }\nField.F(0)")]
    [InlineData("class Built { public Built() => new Built(); }\nnew Built();")]
    public void Runaway_recursion_is_an_error_not_a_crash(string code)
    {
        var error = RunOnLargeStack(code);

        Assert.Equal("System.InsufficientExecutionStackException", error!.Name);
        Assert.Equal([("result", "2")], Run("1 + 1").Outputs.Outputs);
    }

    [Theory]
    [InlineData("var itself = new List<object>();\nitself.Add(itself);\nitself", "List<Object>")]
    [InlineData("object nested = 1;\nfor (var i = 0; i < 100_000; i++) nested = new List<object> { nested };\nnested", "List<Object>")]
    [InlineData("var cyclic = new HashSet<object>();\ncyclic.Add(new object[] { cyclic });\ndisplay(cyclic);", "HashSet<Object>")]
    public void A_value_that_contains_itself_is_not_shown_rather_than_overflowing_the_stack(string code, string typeName)
    {
        var (error, outputs) = Run(code);

        Assert.Null(error);
        var (_, text) = Assert.Single(outputs.Outputs);
        Assert.Equal($"{typeName}: not shown, because it contains itself or nests collections more than 64 levels deep", text);
    }

    [Theory]
    [InlineData("var seen = new List<int>();\nnew List<int> { 1, 2 }.ForEach(x => seen.Add(x));\nseen.Count", "2")]
    [InlineData("System.Linq.Expressions.Expression<Func<int, int>> tree = x => x + 1;\ntree.Compile()(2)", "3")]
    [InlineData("Func<Task<int>> later = async () => await Task.FromResult(5);\nawait later()", "5")]
    [InlineData("Func<Task> pause = async () => await Task.Yield();\nawait pause();\n6", "6")]
    [InlineData("Func<int, Func<int, int>> add = a => b => a + b;\nadd(3)(4)", "7")]
    [InlineData("Func<int> fail = () => throw new InvalidOperationException();\nnew[] { 4, 8 }.Select(n => n / 4).Sum()", "3")]
    [InlineData("class Box { int value; public int Value { get => value; set => this.value = value * 3; } public int this[int i] => i * Value; }\nvar box = new Box { Value = 3 };\nbox[1]", "9")]
    public void Rewritten_lambdas_and_members_still_compute_what_they_say(string code, string expected)
    {
        var (error, outputs) = Run(code);

        Assert.Null(error);
        Assert.Equal([("result", expected)], outputs.Outputs);
    }

    [Fact]
    public void Expression_bodied_methods_still_work_after_the_rewrite()
    {
        var (error, outputs) = Run("int Twice(int n) => n * 2;\nvoid Say(string s) => Console.WriteLine(s);\nSay(\"hi\");\nTwice(21)");

        Assert.Null(error);
        Assert.Equal([("stdout", "hi\n"), ("result", "42")], outputs.Outputs);
    }

    /// <summary>The kernel runs cells on a 16 MB stack; so does this, so the test shows the same behaviour.</summary>
    private ExecutionError? RunOnLargeStack(string code)
    {
        ExecutionError? error = null;
        var thread = new Thread(() => error = interpreter.Execute(code, new RecordingPublisher()), 16 * 1024 * 1024);
        thread.Start();
        thread.Join();
        return error;
    }

    [Fact]
    public void An_interrupt_when_no_cell_runs_does_not_stop_the_next_cell()
    {
        interpreter.Interrupt();

        var (error, outputs) = Run("for (var i = 0; i < 3; i++) { } 2 + 2");

        Assert.Null(error);
        Assert.Equal([("result", "4")], outputs.Outputs);
    }

    [Fact]
    public void Console_readline_asks_the_publisher_for_input()
    {
        var publisher = new RecordingPublisher();
        publisher.Answers.Enqueue("Ada");

        var error = interpreter.Execute("var name = Console.ReadLine(); Console.WriteLine($\"hello {name}\");", publisher);

        Assert.Null(error);
        Assert.Equal("hello Ada\n", publisher.Text("stdout"));
    }

    [Fact]
    public void Display_and_clear_output_reach_the_publisher()
    {
        var (_, outputs) = Run("var shown = display(\"a\"); shown.Update(\"b\"); clear_output(wait: true);");

        Assert.Equal([("display", "a"), ("update", "b"), ("clear", "wait")], outputs.Outputs);
    }

    [Fact]
    public void Rich_values_get_html_beside_plain_text_and_scalars_only_plain_text()
    {
        var (_, list) = Run("new List<int> { 1, 2 }");
        var (_, number) = Run("1.5");

        Assert.NotNull(list.Bundles[0].Data["text/html"]);
        Assert.Equal(["text/plain"], number.Bundles[0].Data.Select(pair => pair.Key));
        Assert.Equal("1.5", number.Bundles[0].Data["text/plain"]!.GetValue<string>());
    }

    [Fact]
    public void The_globals_expose_a_go_heap_that_cells_drive_and_keep_between_cells()
    {
        Run("var first = Heap.Alloc(64, 1); Heap.Roots[\"a\"] = first; Heap.Alloc(64);");

        var (error, outputs) = Run("Heap.Collect(); $\"{Heap.Plan.Name} {Heap.IsLive(first)} {Heap.Stats.NumGC} {Heap.ObjectCount}\"");

        Assert.Null(error);
        Assert.Equal([("result", "go True 1 1")], outputs.Outputs);
    }

    [Fact]
    public void Markdown_and_html_cells_are_displayed_not_compiled()
    {
        var (markdownError, markdown) = Run("#!markdown\n# Title");
        var (htmlError, html) = Run("#!html\n<b>x</b>");

        Assert.Null(markdownError);
        Assert.Null(htmlError);
        Assert.Equal("<h1>Title</h1>\n", markdown.Bundles[0].Data["text/html"]!.GetValue<string>());
        Assert.Equal("# Title", markdown.Bundles[0].Data["text/markdown"]!.GetValue<string>());
        Assert.Equal("<b>x</b>", html.Bundles[0].Data["text/html"]!.GetValue<string>());
    }

    [Fact]
    public void Time_prints_the_wall_time_after_the_cell()
    {
        var (_, outputs) = Run("#!time\nConsole.WriteLine(\"work\");");

        Assert.Equal("stdout", outputs.Outputs[^1].Kind);
        Assert.Matches(@"^work\nWall time: [0-9.]+ ms\n$", outputs.Text("stdout"));
    }

    [Fact]
    public void Lsmagic_lists_every_magic_with_its_description()
    {
        var (_, outputs) = Run("#!lsmagic");

        var listing = outputs.Outputs.Single().Text;
        foreach (var name in new[] { "#!csharp", "#!markdown", "#!html", "#!time", "#!lsmagic", "#!who", "#!whos", "#!heap" })
        {
            Assert.Contains(name, listing);
        }
        Assert.Contains("wall-clock", listing);
    }

    [Fact]
    public void Who_and_whos_list_the_csharp_variables()
    {
        Run("var count = 3; var label = \"heap\";");

        var (_, who) = Run("#!who");
        var (_, whos) = Run("#!whos");

        Assert.Equal("count  label\n", who.Text("stdout"));
        var table = whos.Outputs.Single().Text;
        Assert.Contains("count", table);
        Assert.Contains("Int32", table);
        Assert.Contains("String", table);
        Assert.Contains("heap", table);
    }

    [Fact]
    public void An_unknown_magic_is_named_with_the_known_ones_and_the_code_does_not_run()
    {
        var (error, outputs) = Run("#!frobnicate\nConsole.WriteLine(\"ran\");");

        Assert.Equal("UnknownMagic", error!.Name);
        Assert.Contains("'#!frobnicate'", error.Value);
        Assert.Contains("#!lsmagic", error.Value);
        Assert.Empty(outputs.Outputs);
    }

    [Fact]
    public void A_magic_line_after_csharp_code_is_named_and_nothing_in_the_cell_runs()
    {
        var (error, outputs) = Run("#!heap new --name first\nConsole.WriteLine(\"ran\");\n  #!heap stats");

        Assert.Equal("MisplacedMagic", error!.Name);
        Assert.Equal("line 3 (#!heap) comes after C# code: magic lines must come before the C# code of a cell; move line 3 up or into its own cell. Nothing in this cell ran.", error.Value);
        Assert.Empty(outputs.Outputs);
        Assert.Equal("default", interpreter.Globals.Heap.Name);
    }

    [Fact]
    public void A_magic_like_line_inside_a_string_or_comment_or_a_markdown_cell_is_not_a_magic_line()
    {
        var (error, outputs) = Run("var text = \"\"\"\n  #!heap new\n  \"\"\";\n/*\n#!heap gc\n*/\nvar verbatim = @\"\n#!heap\";\ntext.Length + verbatim.Length");
        var (markdownError, _) = Run("#!markdown\nType this:\n#!heap new");

        Assert.Null(error);
        Assert.Equal([("result", "17")], outputs.Outputs);
        Assert.Null(markdownError);
    }

    [Fact]
    public void Completion_offers_magic_names_variables_and_members_after_a_dot()
    {
        Run("var heapSize = 10; var heapName = \"x\";");

        var magics = interpreter.Complete("#!wh", 4);
        var variables = interpreter.Complete("heap", 4);
        var members = interpreter.Complete("heapName.ToUpp", 14);
        var statics = interpreter.Complete("Math.Ma", 7);

        Assert.Equal(["#!who", "#!whos"], magics.Matches);
        Assert.Equal(0, magics.CursorStart);
        Assert.Equal(["heapName", "heapSize"], variables.Matches);
        Assert.Equal(["ToUpper", "ToUpperInvariant"], members.Matches);
        Assert.Equal(9, members.CursorStart);
        Assert.Equal(["Max", "MaxMagnitude"], statics.Matches);
    }

    [Fact]
    public void Inspect_gives_the_type_and_signature_under_the_cursor()
    {
        Run("var answer = 42;");

        var variable = interpreter.Inspect("answer", 3);
        var method = interpreter.Inspect("Math.Abs(1)", 6);

        Assert.True(variable.Found);
        Assert.Equal("variable: int answer\ntype: int", variable.PlainText);
        Assert.Contains("Math.Abs(int value)", method.PlainText);
        Assert.False(interpreter.Inspect("   ", 1).Found);
    }

    [Theory]
    [InlineData("var x = 1;", "complete")]
    [InlineData("#!lsmagic", "complete")]
    [InlineData("1 + 1", "complete")]
    [InlineData("if (true) {", "incomplete")]
    [InlineData("Console.WriteLine(", "incomplete")]
    [InlineData("1 + )", "invalid")]
    [InlineData("var = ;", "invalid")]
    public void Is_complete_follows_the_csharp_parser(string code, string status)
    {
        Assert.Equal(status, interpreter.IsComplete(code).Status);
    }

    /// <summary>Signals when the cell first writes, so the test interrupts a loop that is running.</summary>
    private sealed class SignallingPublisher(RecordingPublisher inner, ManualResetEventSlim started) : ICellPublisher
    {
        public void WriteStream(string name, string text)
        {
            inner.WriteStream(name, text);
            started.Set();
        }

        public void PublishDisplay(HeapNotebook.Kernel.Display.MimeBundle bundle, string? displayId, bool isUpdate) => inner.PublishDisplay(bundle, displayId, isUpdate);

        public void PublishResult(HeapNotebook.Kernel.Display.MimeBundle bundle) => inner.PublishResult(bundle);

        public void ClearOutput(bool wait) => inner.ClearOutput(wait);

        public string ReadInput(string prompt, bool password) => inner.ReadInput(prompt, password);
    }
}
