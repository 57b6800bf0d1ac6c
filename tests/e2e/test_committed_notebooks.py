"""Every notebook in notebooks/ is committed executed; re-executing it with the headless runner and
with nbclient through the installed kernelspec must reproduce its committed outputs exactly."""
import glob
import os
import tempfile
import unittest

import nbformat
from nbclient import NotebookClient

from e2e_support import KERNEL_NAME, heapnb
from notebook_outputs import comparable, first_difference

NOTEBOOKS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "notebooks")
REFRESH = "bash scripts/refresh-notebooks.sh"


def committed_notebooks():
    return sorted(glob.glob(os.path.join(NOTEBOOKS, "*.ipynb")))


def read(path):
    with open(path, encoding="utf-8") as file:
        return nbformat.read(file, as_version=4)


class CommittedNotebookTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.mkdtemp(prefix="heapnb-committed-")

    def test_there_are_tutorials(self):
        names = [os.path.basename(path) for path in committed_notebooks()]
        self.assertIn("01-tour.ipynb", names)

    def test_every_committed_notebook_is_executed(self):
        for path in committed_notebooks():
            with self.subTest(notebook=os.path.basename(path)):
                notebook = read(path)
                code = [cell for cell in notebook.cells if cell.cell_type == "code"]
                self.assertTrue(code, "a tutorial without code cells")
                unexecuted = [index for index, cell in enumerate(notebook.cells, start=1) if cell.cell_type == "code" and cell.execution_count is None]
                self.assertEqual(unexecuted, [], f"cells committed without running; run {REFRESH}")
                self.assertLess(os.path.getsize(path), 5 * 1024 * 1024)

    def test_the_runner_reproduces_the_committed_outputs(self):
        for path in committed_notebooks():
            name = os.path.basename(path)
            with self.subTest(notebook=name):
                output = os.path.join(self.folder, "runner-" + name)
                result = heapnb("run", path, "--output", output)
                self.assertEqual(result.returncode, 0, result.stderr)
                difference = first_difference(comparable(read(path)), comparable(read(output)))
                self.assertIsNone(difference, f"{name}: the runner's outputs differ from the committed ones ({REFRESH} updates them)\n{difference}")

    def test_nbclient_reproduces_the_committed_outputs(self):
        for path in committed_notebooks():
            name = os.path.basename(path)
            with self.subTest(notebook=name):
                committed = read(path)
                fresh = read(path)
                for cell in fresh.cells:
                    if cell.cell_type == "code":
                        cell.outputs = []
                        cell.execution_count = None
                # Run in the notebook's folder, as a Jupyter server does and as `heapnb run` does.
                NotebookClient(fresh, timeout=120, kernel_name=KERNEL_NAME, record_timing=False,
                               resources={"metadata": {"path": os.path.dirname(path)}}).execute()
                difference = first_difference(comparable(committed), comparable(fresh))
                self.assertIsNone(difference, f"{name}: nbclient's outputs differ from the committed ones\n{difference}")

    def test_dib_twins_run_to_the_same_outputs(self):
        twins = [path for path in committed_notebooks() if os.path.exists(path[: -len(".ipynb")] + ".dib")]
        self.assertTrue(twins, "the tour ships as .dib too")
        for path in twins:
            name = os.path.basename(path)
            with self.subTest(notebook=name):
                output = os.path.join(self.folder, "dib-" + name)
                result = heapnb("run", path[: -len(".ipynb")] + ".dib", "--output", output)
                self.assertEqual(result.returncode, 0, result.stderr)
                want = [cell for cell in comparable(read(path))["cells"] if cell["cell_type"] == "code"]
                got = [cell for cell in comparable(read(output))["cells"] if cell["cell_type"] == "code"]
                self.assertEqual([cell["source"] for cell in want], [cell["source"] for cell in got], f"{name} and its .dib have different code")
                for number, (a, b) in enumerate(zip(want, got), start=1):
                    self.assertEqual(a["outputs"], b["outputs"], f"code cell {number} of the .dib differs from {name}")


if __name__ == "__main__":
    unittest.main()
