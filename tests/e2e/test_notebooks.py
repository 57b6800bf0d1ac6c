"""Notebooks: nbclient executing one through the kernelspec, and `heapnb run` on .ipynb and .dib files."""
import json
import os
import tempfile
import unittest

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from e2e_support import KERNEL_NAME, heapnb


def make_notebook(*cells):
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "HeapNotebook (C#)", "language": "csharp"}
    notebook.metadata["custom"] = {"kept": True}
    for kind, source in cells:
        notebook.cells.append(nbformat.v4.new_markdown_cell(source) if kind == "markdown" else nbformat.v4.new_code_cell(source))
    return notebook


class NbclientTests(unittest.TestCase):
    def test_nbclient_executes_a_notebook(self):
        notebook = make_notebook(
            ("markdown", "# A title"),
            ("code", "var squares = Enumerable.Range(1, 4).Select(i => i * i).ToList();"),
            ("code", 'Console.WriteLine(string.Join(",", squares));'),
            ("code", "squares.Sum()"),
            ("code", "#!markdown\n**bold**"),
        )
        NotebookClient(notebook, timeout=120, kernel_name=KERNEL_NAME).execute()
        nbformat.validate(notebook)
        self.assertEqual(notebook.cells[2].outputs[0]["text"], "1,4,9,16\n")
        self.assertEqual(notebook.cells[3].outputs[0]["data"]["text/plain"], "30")
        self.assertIn("text/markdown", notebook.cells[4].outputs[0]["data"])

    def test_nbclient_reports_the_failing_cell(self):
        notebook = make_notebook(("code", "var fine = 1;"), ("code", "missingName"))
        with self.assertRaises(CellExecutionError) as raised:
            NotebookClient(notebook, timeout=120, kernel_name=KERNEL_NAME).execute()
        self.assertIn("CS0103", str(raised.exception))


class HeadlessRunnerTests(unittest.TestCase):
    def setUp(self):
        self.folder = tempfile.mkdtemp(prefix="heapnb-run-")

    def write(self, name, text):
        path = os.path.join(self.folder, name)
        with open(path, "w", encoding="utf-8") as file:
            file.write(text)
        return path

    def test_run_ipynb_writes_an_executed_copy_and_html_and_keeps_the_input(self):
        source = nbformat.writes(make_notebook(("code", 'Console.WriteLine("out");'), ("code", "40 + 2")))
        path = self.write("tour.ipynb", source)
        page = os.path.join(self.folder, "tour.html")
        result = heapnb("run", path, "--html", page)
        self.assertEqual(result.returncode, 0, result.stderr)
        with open(path, encoding="utf-8") as file:
            self.assertEqual(file.read(), source)
        executed = nbformat.read(os.path.join(self.folder, "tour.executed.ipynb"), as_version=4)
        nbformat.validate(executed)
        self.assertEqual(executed.metadata["custom"], {"kept": True})
        self.assertEqual(executed.cells[0].outputs[0]["text"], "out\n")
        self.assertEqual(executed.cells[1].outputs[0]["data"]["text/plain"], "42")
        with open(page, encoding="utf-8") as file:
            html = file.read()
        self.assertIn("<pre>42</pre>", html)
        self.assertNotIn("http://", html.replace("https://", ""))

    def test_run_executes_in_the_notebooks_folder_and_writes_outputs_where_asked(self):
        path = self.write("where.ipynb", nbformat.writes(make_notebook(("code", "System.IO.Directory.GetCurrentDirectory()"))))
        elsewhere = tempfile.mkdtemp(prefix="heapnb-cwd-")
        result = heapnb("run", path, "--output", "out.ipynb", cwd=elsewhere)
        self.assertEqual(result.returncode, 0, result.stderr)
        executed = nbformat.read(os.path.join(elsewhere, "out.ipynb"), as_version=4)
        self.assertEqual(os.path.realpath(executed.cells[0].outputs[0]["data"]["text/plain"]), os.path.realpath(self.folder))

    def test_run_is_deterministic(self):
        path = self.write("same.ipynb", nbformat.writes(make_notebook(("code", "new { A = 1, B = \"two\" }"))))
        first = os.path.join(self.folder, "first.ipynb")
        second = os.path.join(self.folder, "second.ipynb")
        self.assertEqual(heapnb("run", path, "--output", first).returncode, 0)
        self.assertEqual(heapnb("run", path, "--output", second).returncode, 0)
        with open(first, "rb") as a, open(second, "rb") as b:
            self.assertEqual(a.read(), b.read())

    def test_run_dib_stops_at_the_first_error_and_names_the_cell(self):
        path = self.write("steps.dib", "#!meta\n\n{\"kernelInfo\":{\"defaultKernelName\":\"csharp\"}}\n\n#!markdown\n\n# Steps\n\n"
                                       "#!csharp\n\nvar a = 1;\n\n#!csharp\n\nthrow new Exception(\"broken\");\n\n#!csharp\n\nConsole.WriteLine(\"never\");\n")
        output = os.path.join(self.folder, "steps.ipynb")
        result = heapnb("run", path, "--output", output)
        self.assertEqual(result.returncode, 1)
        self.assertIn("cell 3 failed", result.stderr)
        self.assertIn("broken", result.stderr)
        executed = nbformat.read(output, as_version=4)
        self.assertEqual(executed.cells[2].outputs[-1]["output_type"], "error")
        self.assertEqual(executed.cells[3].outputs, [])

    def test_continue_on_error_runs_every_cell(self):
        path = self.write("all.ipynb", nbformat.writes(make_notebook(("code", "undefined"), ("code", 'Console.WriteLine("ran");'))))
        result = heapnb("run", path, "--continue-on-error")
        self.assertEqual(result.returncode, 1)
        executed = nbformat.read(os.path.join(self.folder, "all.executed.ipynb"), as_version=4)
        self.assertEqual(executed.cells[1].outputs[0]["text"], "ran\n")

    def test_invalid_notebooks_are_rejected_with_a_reason(self):
        broken = self.write("broken.ipynb", "{ not json")
        old = self.write("old.ipynb", json.dumps({"nbformat": 3, "worksheets": []}))
        for path, reason in ((broken, "not valid JSON"), (old, "not nbformat 4")):
            result = heapnb("run", path)
            self.assertEqual(result.returncode, 2)
            self.assertIn(reason, result.stderr)


if __name__ == "__main__":
    unittest.main()
