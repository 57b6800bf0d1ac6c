using System.CommandLine;
using HeapNotebook.Kernel.Cells;
using HeapNotebook.Kernel.Documents;
using HeapNotebook.Kernel.Jupyter;

namespace HeapNotebook.Kernel.CommandLine;

/// <summary>heapnb's commands: install (the kernelspec), kernel (run it for a front end), run (a notebook, headless).</summary>
public static class KernelCommandLine
{
    public static RootCommand Build()
    {
        var root = new RootCommand("HeapNotebook: a Jupyter kernel (C# with #!heap magics) for exploring garbage collection.");
        root.Subcommands.Add(InstallCommand());
        root.Subcommands.Add(KernelCommand());
        root.Subcommands.Add(RunCommand());
        return root;
    }

    private static Command InstallCommand()
    {
        var user = new Option<bool>("--user") { Description = "Install for the current user (~/.local/share/jupyter/kernels)." };
        var prefix = new Option<string?>("--prefix") { Description = "Install into DIR/share/jupyter/kernels, as ipykernel does (point JUPYTER_PATH at DIR/share/jupyter)." };
        var command = new Command("install", "Write the 'heapnotebook' kernelspec so Jupyter front ends can start this kernel.") { user, prefix };
        command.SetAction(parse =>
        {
            try
            {
                var directory = KernelSpecInstaller.Install(parse.GetValue(user), parse.GetValue(prefix));
                Console.Out.WriteLine($"Installed kernelspec {KernelIdentity.KernelSpecName} in {directory}");
                return 0;
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"heapnb install: {exception.Message}");
                return 1;
            }
        });
        return command;
    }

    private static Command KernelCommand()
    {
        var connectionFile = new Option<string>("--connection-file", "-f") { Description = "The connection file a Jupyter front end wrote.", Required = true };
        var command = new Command("kernel", "Run the kernel for a Jupyter front end.") { connectionFile };
        command.SetAction(parse => KernelHost.Run(parse.GetValue(connectionFile)!, () => new CellInterpreter(), Console.Error));
        return command;
    }

    private static Command RunCommand()
    {
        var notebook = new Argument<string>("notebook") { Description = "The .ipynb or .dib to execute." };
        var output = new Option<string?>("--output", "-o")
        {
            Description = "Where to write the executed notebook (default: NAME.executed.ipynb beside the input; the input is overwritten only when named here).",
        };
        var html = new Option<string?>("--html") { Description = "Also write a standalone HTML page of the executed notebook." };
        var continueOnError = new Option<bool>("--continue-on-error") { Description = "Run every cell even after one fails (still exits non-zero)." };
        var command = new Command("run", "Execute a notebook headless, in process, in the notebook's folder, and write the executed copy.") { notebook, output, html, continueOnError };
        command.SetAction(parse => RunNotebook(parse.GetValue(notebook)!, parse.GetValue(output), parse.GetValue(html), parse.GetValue(continueOnError)));
        return command;
    }

    /// <summary>Exit codes: 0 all cells ran, 1 a cell failed, 2 the notebook could not be read or written.</summary>
    public static int RunNotebook(string input, string? output, string? html, bool continueOnError)
    {
        NotebookDocument document;
        try
        {
            document = NotebookDocument.Load(input);
        }
        catch (NotebookFormatException exception)
        {
            Console.Error.WriteLine($"heapnb run: {exception.Message}");
            return 2;
        }
        output = Path.GetFullPath(output ?? DefaultOutputPath(input));
        html = html is null ? null : Path.GetFullPath(html);
        // Cells run in the notebook's folder, as a Jupyter server starts a kernel there, so relative paths mean the same in both.
        var workingDirectory = Environment.CurrentDirectory;
        NotebookRunResult result;
        try
        {
            Environment.CurrentDirectory = Path.GetDirectoryName(Path.GetFullPath(input)) ?? workingDirectory;
            result = new NotebookRunner(new CellInterpreter()).Run(document, continueOnError);
        }
        finally
        {
            Environment.CurrentDirectory = workingDirectory;
        }
        try
        {
            document.Save(output);
            if (html is not null)
            {
                AtomicFile.WriteAllText(html, HtmlExporter.Render(document, Path.GetFileNameWithoutExtension(input)));
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"heapnb run: cannot write the output: {exception.Message}");
            return 2;
        }
        foreach (var failure in result.Failures)
        {
            Console.Error.WriteLine($"heapnb run: cell {failure.CellNumber} failed: {failure.Error.Name}: {failure.Error.Value}");
        }
        Console.Out.WriteLine(result.Succeeded ? $"Executed {input} -> {output}" : $"Executed {input} with errors -> {output}");
        return result.Succeeded ? 0 : 1;
    }

    public static string DefaultOutputPath(string input)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(input)) ?? ".";
        return Path.Combine(directory, Path.GetFileNameWithoutExtension(input) + ".executed.ipynb");
    }
}
