using System.Text.Json.Nodes;
using HeapNotebook.Kernel.Cells;
using HeapNotebook.Kernel.Documents;

namespace HeapNotebook.Kernel.Tests.Documents;

public sealed class NotebookDocumentTests
{
    private const string Notebook = """
        {
         "cells": [
          {"cell_type": "markdown", "id": "m1", "metadata": {"tags": ["intro"]}, "source": ["# Title\n", "text"]},
          {"cell_type": "code", "id": "c1", "execution_count": null, "metadata": {}, "outputs": [], "source": "Console.WriteLine(\"a\");\nConsole.WriteLine(\"b\");"},
          {"cell_type": "code", "id": "c2", "execution_count": null, "metadata": {}, "outputs": [], "source": "6 * 7"}
         ],
         "metadata": {"kernelspec": {"name": "heapnotebook"}, "custom": {"seed": 7}},
         "nbformat": 4,
         "nbformat_minor": 5
        }
        """;

    [Fact]
    public void Ipynb_round_trip_keeps_metadata_ids_and_sources()
    {
        var document = IpynbFormat.Read(Notebook);

        var written = JsonNode.Parse(IpynbFormat.Write(document))!;

        Assert.Equal(7, written["metadata"]!["custom"]!["seed"]!.GetValue<int>());
        Assert.Equal("c1", written["cells"]![1]!["id"]!.GetValue<string>());
        Assert.Equal("[\"intro\"]", written["cells"]![0]!["metadata"]!["tags"]!.ToJsonString());
        Assert.Equal("[\"# Title\\n\",\"text\"]", written["cells"]![0]!["source"]!.ToJsonString());
        Assert.Null(written["cells"]![0]!["outputs"]);
    }

    [Theory]
    [InlineData("{ not json", "not valid JSON")]
    [InlineData("[]", "not a JSON object")]
    [InlineData("""{"nbformat": 3, "worksheets": []}""", "not nbformat 4")]
    [InlineData("""{"nbformat": 4}""", "no 'cells' list")]
    [InlineData("""{"nbformat": 4, "cells": [{"source": "x"}]}""", "cell 1 has no cell_type")]
    public void Files_that_are_not_nbformat_4_are_rejected_with_the_reason(string json, string reason)
    {
        var error = Assert.Throws<NotebookFormatException>(() => IpynbFormat.Read(json));

        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void Running_records_outputs_in_nbformat_shapes_with_streams_merged()
    {
        var document = IpynbFormat.Read(Notebook);

        var result = new NotebookRunner(new CellInterpreter()).Run(document, continueOnError: false);

        Assert.True(result.Succeeded);
        var stream = Assert.Single(document.Cells[1].Outputs)!;
        Assert.Equal("""{"output_type":"stream","name":"stdout","text":["a\n","b\n"]}""", stream.ToJsonString());
        Assert.Equal(1, document.Cells[1].ExecutionCount);
        var result42 = Assert.Single(document.Cells[2].Outputs)!;
        Assert.Equal("""{"output_type":"execute_result","execution_count":2,"data":{"text/plain":["42"]},"metadata":{}}""", result42.ToJsonString());
    }

    [Fact]
    public void Running_stops_at_the_first_error_and_leaves_later_cells_empty()
    {
        var document = IpynbFormat.Read(Notebook.Replace("Console.WriteLine(\\\"a\\\");", "throw new Exception(\\\"stop\\\");"));

        var result = new NotebookRunner(new CellInterpreter()).Run(document, continueOnError: false);

        var failure = Assert.Single(result.Failures);
        Assert.Equal(2, failure.CellNumber);
        Assert.Equal("stop", failure.Error.Value);
        Assert.Equal("error", document.Cells[1].Outputs[^1]!["output_type"]!.GetValue<string>());
        Assert.Empty(document.Cells[2].Outputs);
        Assert.Null(document.Cells[2].ExecutionCount);
    }

    [Fact]
    public void Continue_on_error_runs_every_cell_and_reports_each_failure()
    {
        var document = IpynbFormat.Read(Notebook.Replace("6 * 7", "undefinedName").Replace("Console.WriteLine(\\\"a\\\");", "throw new Exception(\\\"stop\\\");"));

        var result = new NotebookRunner(new CellInterpreter()).Run(document, continueOnError: true);

        Assert.Equal([2, 3], result.Failures.Select(failure => failure.CellNumber));
    }

    [Fact]
    public void A_cell_tagged_raises_exception_may_fail_without_stopping_the_run()
    {
        var document = IpynbFormat.Read(Notebook
            .Replace("\"id\": \"c1\", \"execution_count\": null, \"metadata\": {}", "\"id\": \"c1\", \"execution_count\": null, \"metadata\": {\"tags\": [\"raises-exception\"]}")
            .Replace("Console.WriteLine(\\\"a\\\");", "throw new Exception(\\\"meant\\\");"));

        var result = new NotebookRunner(new CellInterpreter()).Run(document, continueOnError: false);

        Assert.True(result.Succeeded);
        Assert.Equal("error", document.Cells[1].Outputs[^1]!["output_type"]!.GetValue<string>());
        Assert.Equal(2, document.Cells[2].ExecutionCount);
        Assert.Equal("42", document.Cells[2].Outputs[0]!["data"]!["text/plain"]![0]!.GetValue<string>());
    }

    [Fact]
    public void Dib_cells_are_split_by_kernel_lines_with_the_meta_line_kept()
    {
        var text = "#!meta\n\n{\"kernelInfo\":{\"defaultKernelName\":\"csharp\"}}\n\n#!markdown\n\n# Heap\n\n#!csharp\n\n#!time\nvar x = 1;\n\n#!html\n\n<b>x</b>\n";

        var document = DibFormat.Read(text);

        Assert.Equal(["markdown", "code", "code"], document.Cells.Select(cell => cell.CellType));
        Assert.Equal(["markdown", "csharp", "html"], document.Cells.Select(cell => cell.Language));
        Assert.Equal("#!time\nvar x = 1;", document.Cells[1].Source);
        Assert.Equal("csharp", document.Metadata["polyglot_notebook"]!["kernelInfo"]!["defaultKernelName"]!.GetValue<string>());
        Assert.Equal(text, DibFormat.Write(document));
    }

    [Fact]
    public void Html_export_is_one_offline_page_with_every_output()
    {
        var document = IpynbFormat.Read(Notebook);
        new NotebookRunner(new CellInterpreter()).Run(document, continueOnError: false);

        var html = HtmlExporter.Render(document, "tour");

        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("<h1>Title</h1>", html);
        Assert.Contains("<pre class=\"stdout\">a\nb\n</pre>", html);
        Assert.Contains("<pre>42</pre>", html);
        Assert.DoesNotContain("<script src", html);
        Assert.DoesNotContain("<link", html);
    }

    [Fact]
    public void Atomic_writes_do_not_create_a_missing_folder_and_errors_name_the_file_asked_for()
    {
        var folder = Directory.CreateTempSubdirectory("heapnb-atomic-").FullName;
        var missing = Path.Combine(folder, "missing");

        var error = Assert.Throws<DirectoryNotFoundException>(() => AtomicFile.WriteAllText(Path.Combine(missing, "out.ipynb"), "new"));

        Assert.Equal($"the folder {missing} does not exist; create it first or pick another path", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(folder));
        if (OperatingSystem.IsLinux() && Directory.Exists("/sys/kernel"))
        {
            // /sys refuses new files even to root.
            Assert.Equal("Access to the path '/sys/out.ipynb' is denied.", Assert.Throws<UnauthorizedAccessException>(() => AtomicFile.WriteAllText("/sys/out.ipynb", "new")).Message);
        }
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void Atomic_writes_replace_the_file_and_leave_no_temporary_behind()
    {
        var folder = Directory.CreateTempSubdirectory("heapnb-atomic-").FullName;
        var path = Path.Combine(folder, "out.ipynb");
        File.WriteAllText(path, "old");

        AtomicFile.WriteAllText(path, "new");

        Assert.Equal("new", File.ReadAllText(path));
        Assert.Equal(["out.ipynb"], Directory.GetFiles(folder).Select(Path.GetFileName));
        Directory.Delete(folder, recursive: true);
    }
}
