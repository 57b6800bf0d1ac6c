"""A long session: 1,000 cells mixing C#, #!heap magics and displays (map, graph, stats) over the real
kernel. Every cell's output must be right and the process must be alive at the end. (How much memory
the process holds along the way is measured in bench/kernel, not asserted here.)"""
import unittest

from jupyter_client.manager import start_new_kernel

from e2e_support import KERNEL_NAME, run_cell

CELLS = 1000


def cell(index):
    """The code of cell `index` and a check of its outputs: (kind, text) pairs, text being the plain text or stream."""
    kind = index % 10
    if kind == 0:
        return f"var v{index} = {index} * 3;\nv{index} + 1", lambda out: out == [("execute_result", str(index * 3 + 1))]
    if kind == 1:
        return f'Console.WriteLine("line {index}");', lambda out: out == [("stream", f"line {index}\n")]
    if kind == 2:
        return f"#!heap alloc o{index} --size 48 --fields 1 --root", lambda out: len(out) == 1 and f"o{index} = " in out[0][1]
    if kind == 3:
        return "#!heap stats", lambda out: len(out) == 1 and out[0][1].startswith("MemStats of long")
    if kind == 4:
        return "#!heap map", lambda out: [k for k, _ in out] == ["display_data:image/svg+xml"] and out[0][1].startswith("long (marksweep): 2 spans")
    if kind == 5:
        return "#!heap graph", lambda out: [k for k, _ in out] == ["display_data:image/svg+xml"] and out[0][1].startswith("long (marksweep): 2 reachable of 2 objects")
    if kind == 6:
        return f"#!heap unroot o{index - 4}", lambda out: out == [("stream", f"long: o{index - 4} is no longer a root\n")]
    if kind == 7:
        return "#!heap gc", lambda out: len(out) == 1 and out[0][1].startswith(f"long: 1 object freed, 1 left; freed names: o{index - 5}\n")
    if kind == 8:
        return f"display(new {{ N = {index} }});", lambda out: [k for k, _ in out] == ["display_data:text/html"] and str(index) in out[0][1]
    if index % 20 == 9:
        return f"#!markdown\n**cell {index}**", lambda out: [k for k, _ in out] == ["display_data:text/markdown"]
    return f"undefinedName{index}", lambda out: len(out) == 1 and out[0][0] == "error" and "CS0103" in out[0][1]


def summarise(outputs):
    summary = []
    for message in outputs:
        kind, content = message["msg_type"], message["content"]
        if kind == "stream":
            summary.append(("stream", content["text"]))
        elif kind == "execute_result":
            summary.append(("execute_result", content["data"]["text/plain"]))
        elif kind == "error":
            summary.append(("error", content["evalue"]))
        elif kind in ("display_data", "update_display_data"):
            richest = next((mime for mime in ("image/svg+xml", "text/markdown", "text/html") if mime in content["data"]), "text/plain")
            summary.append((f"{kind}:{richest}", content["data"].get("text/plain", "")))
    return summary


class LongSessionTests(unittest.TestCase):
    def test_a_thousand_mixed_cells_give_the_right_outputs_in_one_session(self):
        km, kc = start_new_kernel(kernel_name=KERNEL_NAME)
        try:
            reply, _ = run_cell(kc, "#!heap new --collector marksweep --name long\n#!heap alloc kept --size 64 --fields 2 --root")
            self.assertEqual(reply["content"]["status"], "ok")
            wrong = []
            for index in range(CELLS):
                code, check = cell(index)
                _, outputs = run_cell(kc, code)
                summary = summarise(outputs)
                if not check(summary):
                    wrong.append((index, code, summary))
            self.assertEqual(wrong, [])
            self.assertTrue(km.is_alive())
            reply, outputs = run_cell(kc, "v990 + v0")
            self.assertEqual(summarise(outputs), [("execute_result", "2970")])
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)


if __name__ == "__main__":
    unittest.main()
