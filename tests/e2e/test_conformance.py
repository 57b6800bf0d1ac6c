"""The Jupyter protocol conformance suite (python3-jupyter-kernel-test) against the installed kernelspec."""
import unittest

import jupyter_kernel_test


class HeapNotebookKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "heapnotebook"
    language_name = "csharp"
    file_extension = ".cs"

    code_hello_world = 'Console.WriteLine("hello, world");'
    code_stderr = 'Console.Error.WriteLine("something went wrong");'

    completion_samples = [
        {"text": "Console.WriteL", "matches": {"WriteLine"}},
        {"text": "var numbersForCompletion = 3; numbersFor", "matches": {"numbersForCompletion"}},
        {"text": "#!lsm", "matches": {"#!lsmagic"}},
    ]

    complete_code_samples = ["1 + 1", "var x = 2;", "Console.WriteLine(1);", "#!lsmagic"]
    incomplete_code_samples = ["for (var i = 0; i < 3; i++) {", "Console.WriteLine(", "class A {"]
    invalid_code_samples = ["var = ;", "1 + )"]

    code_generate_error = 'throw new InvalidOperationException("deliberate");'

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"a" + "b"', "result": "ab"},
        {"code": "new[] { 1, 2, 3 }.Sum()", "result": "6"},
    ]

    code_display_data = [
        {"code": 'display(HTML("<b>bold</b>"));', "mime": "text/html"},
        {"code": 'display(42);', "mime": "text/plain"},
    ]

    supported_history_operations = ("tail", "range", "search")
    code_history_pattern = "6*7"

    code_inspect_sample = "Console.WriteLine"

    code_clear_output = "clear_output();"


if __name__ == "__main__":
    unittest.main()
