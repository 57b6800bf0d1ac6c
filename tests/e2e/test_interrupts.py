"""Interrupts at seeded random moments, many times in a row: a long `#!heap run`, a `#!heap step` on a
big heap and C# loops. After each the kernel must answer and every heap must verify. Then a restart
gives a fresh session, and nothing a cell does ends the process except Environment.Exit."""
import collections
import random
import time
import unittest

from jupyter_client.manager import start_new_kernel

from e2e_support import KERNEL_NAME, run_cell

SEED = 5
ROUNDS_PER_TARGET = 10
HEAPS = ("runner", "stepper", "default")

# What is interrupted, and how long to wait (seconds) after the cell is seen busy before interrupting.
TARGETS = {
    "heap run": ("#!heap use runner\n#!heap run binary-trees --depth 20", (0.0, 1.5)),
    "heap step": ("#!heap use stepper\n#!heap step --work 100000000", (0.0, 0.03)),
    "C# while (true) {}": ("while (true) {}", (0.0, 0.4)),
    "C# loop allocating on a heap": ("#!heap use default\nfor (var i = 0L; ; i++) { var o = Heap.Alloc(32, 1); if (i % 4096 == 0) Heap.Roots[\"latest\"] = o; }", (0.0, 0.6)),
}


def texts(outputs):
    return [m["content"].get("text") or m["content"].get("data", {}).get("text/plain", "") for m in outputs]


class InterruptTests(unittest.TestCase):
    def test_interrupts_at_random_moments_leave_the_kernel_responsive_and_every_heap_consistent(self):
        km, kc = start_new_kernel(kernel_name=KERNEL_NAME)
        try:
            self.run_ok(kc, "#!heap new --collector go --name runner")
            # The stepper heap holds a rooted list of a million objects, so one step marks them all.
            self.run_ok(kc, "#!heap new --collector go --name stepper\n"
                            "var head = Heap.Alloc(16, 1); Heap.Roots[\"head\"] = head; var tail = head;\n"
                            "for (var i = 0; i < 1_000_000; i++) { var next = Heap.Alloc(16, 1); Heap.Write(tail, 0, next); tail = next; }")
            self.run_ok(kc, "var beforeInterrupts = 6;")
            self.interrupt_many_times(km, kc)
            self.assertEqual(self.result(kc, "beforeInterrupts * 7"), "42")
            self.restart_gives_a_fresh_session(km, kc)
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)

    def interrupt_many_times(self, km, kc):
        rng = random.Random(SEED)
        plan = [name for name in TARGETS for _ in range(ROUNDS_PER_TARGET)]
        rng.shuffle(plan)
        outcomes = collections.Counter()
        survived = 0
        for name in plan:
            code, (shortest, longest) = TARGETS[name]
            msg_id = kc.execute(code)
            self.wait_for_busy(kc, msg_id)
            time.sleep(rng.uniform(shortest, longest))
            self.interrupt(kc)
            reply = self.shell_reply(kc, msg_id, timeout=30)["content"]
            if reply["status"] == "ok":
                # The cell ended before the interrupt reached it; an interrupt while idle does nothing.
                self.assertEqual(name, "heap step", f"{name} ended by itself")
                outcomes[f"{name}: finished first"] += 1
            else:
                self.assertEqual(reply["ename"], "Interrupted", f"{name}: {reply}")
                outcomes[f"{name}: interrupted"] += 1
            self.assertTrue(km.is_alive(), f"the kernel died interrupting {name}")
            self.assertEqual(self.result(kc, "1+1"), "2", f"no answer after interrupting {name}")
            verdicts = [t for t in texts(self.run_ok(kc, "\n".join(f"#!heap use {heap}\n#!heap verify" for heap in HEAPS))) if "Verification" in t]
            self.assertEqual([v.startswith(f"{heap}: Verification passed") for heap, v in zip(HEAPS, verdicts)], [True] * len(HEAPS), verdicts)
            survived += 1
        print(f"\ninterrupts (seed {SEED}): {survived} of {len(plan)} survived, kernel answering and every heap verified after each")
        for outcome, count in sorted(outcomes.items()):
            print(f"  {outcome:45} {count:3}")

    def restart_gives_a_fresh_session(self, km, kc):
        self.run_ok(kc, "#!heap use default\nvar beforeRestart = 1;")
        self.assertNotEqual(self.result(kc, "Heap.ObjectCount"), "0")
        km.restart_kernel(now=False)  # shutdown_request with restart: true, then a new process
        kc.wait_for_ready(timeout=60)
        reply, _ = run_cell(kc, "beforeRestart")
        self.assertEqual(reply["content"]["status"], "error")
        self.assertIn("CS0103", reply["content"]["evalue"])
        self.assertEqual(self.result(kc, "$\"{Heap.Name} {Heap.ObjectCount} {Heap.Cycles.Count}\""), "default 0 0")
        listing = "".join(texts(self.run_ok(kc, "#!heap list")))
        self.assertIn("default", listing)
        self.assertNotIn("runner", listing)
        self.assertNotIn("stepper", listing)

    def run_ok(self, kc, code):
        reply, outputs = run_cell(kc, code, timeout=120)
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])
        return outputs

    def result(self, kc, code):
        results = [m["content"]["data"]["text/plain"] for m in self.run_ok(kc, code) if m["msg_type"] == "execute_result"]
        self.assertEqual(len(results), 1, code)
        return results[0]

    def interrupt(self, kc):
        """An interrupt_request on control (the kernelspec's interrupt_mode is message), waiting for its reply so
        that an interrupt arriving after its cell ended cannot stop the next one."""
        request = kc.session.msg("interrupt_request", {})
        kc.control_channel.send(request)
        deadline = time.time() + 30
        while time.time() < deadline:
            reply = kc.get_control_msg(timeout=30)
            if reply["parent_header"].get("msg_id") == request["header"]["msg_id"]:
                self.assertEqual(reply["content"]["status"], "ok")
                return
        self.fail("no interrupt_reply")

    def wait_for_busy(self, kc, msg_id):
        deadline = time.time() + 30
        while time.time() < deadline:
            message = kc.get_iopub_msg(timeout=30)
            if message["parent_header"].get("msg_id") == msg_id and message["msg_type"] == "status" \
                    and message["content"]["execution_state"] == "busy":
                return
        self.fail("the kernel never went busy")

    def shell_reply(self, kc, msg_id, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            reply = kc.get_shell_msg(timeout=timeout)
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply
        self.fail("no reply")


class ProcessEndTests(unittest.TestCase):
    """A cell can end the kernel process only by asking to (Environment.Exit); hostile cells get errors."""

    HOSTILE = [
        ("int Down(int n) => Down(n + 1);\nDown(0)", "System.InsufficientExecutionStackException"),
        ("Func<int, int> f = null!;\nf = n => f(n + 1);\nf(0)", "System.InsufficientExecutionStackException"),
        ("class Getter { public int P => P; }\nnew Getter().P", "System.InsufficientExecutionStackException"),
        ("struct Sum { public static Sum operator +(Sum a, Sum b) => a + b; }\nvar total = new Sum() + new Sum();", "System.InsufficientExecutionStackException"),
        ("class Indexed { public int this[int i] => this[i + 1]; }\nnew Indexed()[0]", "System.InsufficientExecutionStackException"),
        ("throw new OutOfMemoryException(\"pretend\");", "System.OutOfMemoryException"),
        ("#!heap new --collector go --heap-size 1MiB --name tiny\n#!heap run binary-trees --depth 16", None),
    ]

    def test_hostile_cells_are_errors_and_only_environment_exit_ends_the_process(self):
        km, kc = start_new_kernel(kernel_name=KERNEL_NAME)
        try:
            for code, ename in self.HOSTILE:
                reply, _ = run_cell(kc, code, timeout=120)
                self.assertEqual(reply["content"]["status"], "error", code)
                if ename:
                    self.assertEqual(reply["content"]["ename"], ename, code)
                self.assertTrue(km.is_alive(), code)
            reply, outputs = run_cell(kc, "var itself = new List<object>();\nitself.Add(itself);\nitself")
            self.assertEqual(reply["content"]["status"], "ok")
            self.assertIn("contains itself", texts(outputs)[0])
            self.assertEqual([t for t in texts(run_cell(kc, "1+1")[1])], ["2"])

            kc.execute("Environment.Exit(3);")
            deadline = time.time() + 30
            while km.is_alive() and time.time() < deadline:
                time.sleep(0.1)
            self.assertFalse(km.is_alive(), "Environment.Exit did not end the process")
            self.assertEqual(km.provisioner.process.returncode, 3)
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)


if __name__ == "__main__":
    unittest.main()
