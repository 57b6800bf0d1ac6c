"""Behaviour of the running kernel through jupyter_client: interrupts, signatures, bad frames, stdin, restart."""
import json
import queue
import time
import unittest

import zmq
from jupyter_client.manager import start_new_kernel
from jupyter_client.session import Session

from e2e_support import KERNEL_NAME, run_cell


class KernelBehaviourTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = start_new_kernel(kernel_name=KERNEL_NAME)

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel(now=False)

    def test_state_is_carried_from_cell_to_cell(self):
        run_cell(self.kc, "var carried = 20;")
        reply, outputs = run_cell(self.kc, "carried + 1")
        self.assertEqual(reply["content"]["status"], "ok")
        results = [m for m in outputs if m["msg_type"] == "execute_result"]
        self.assertEqual(results[0]["content"]["data"]["text/plain"], "21")

    def test_infinite_loop_is_interrupted_and_the_next_cell_runs(self):
        run_cell(self.kc, "var beforeInterrupt = 7;")
        msg_id = self.kc.execute("while (true) {}")
        self._wait_for_busy(msg_id)
        time.sleep(0.5)  # let the loop start spinning
        self.km.interrupt_kernel()
        reply = self._shell_reply(msg_id, timeout=30)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "Interrupted")
        self.assertIn("interrupted", reply["content"]["evalue"])
        reply, outputs = run_cell(self.kc, "beforeInterrupt * 6")
        self.assertEqual(reply["content"]["status"], "ok")
        self.assertEqual([m["content"]["data"]["text/plain"] for m in outputs if m["msg_type"] == "execute_result"], ["42"])

    def test_loop_inside_a_method_is_interrupted(self):
        run_cell(self.kc, "static long Spin() { long n = 0; for (;;) n++; }")
        msg_id = self.kc.execute("Spin()")
        self._wait_for_busy(msg_id)
        time.sleep(0.5)
        self.km.interrupt_kernel()
        reply = self._shell_reply(msg_id, timeout=30)
        self.assertEqual(reply["content"]["ename"], "Interrupted")

    def test_a_cell_blocked_in_sleep_is_interrupted(self):
        msg_id = self.kc.execute("System.Threading.Thread.Sleep(600000);")
        self._wait_for_busy(msg_id)
        time.sleep(0.5)
        self.km.interrupt_kernel()
        reply = self._shell_reply(msg_id, timeout=30)
        self.assertEqual(reply["content"]["ename"], "Interrupted")
        reply, _ = run_cell(self.kc, "1 + 1")
        self.assertEqual(reply["content"]["status"], "ok")

    def test_runaway_recursion_is_an_error_and_the_kernel_lives_on(self):
        reply, _ = run_cell(self.kc, "int Down(int n) => Down(n + 1);\nDown(0)")
        self.assertEqual(reply["content"]["ename"], "System.InsufficientExecutionStackException")
        self.assertTrue(self.km.is_alive())
        reply, _ = run_cell(self.kc, "1 + 1")
        self.assertEqual(reply["content"]["status"], "ok")

    def test_compile_error_is_one_error_message_with_line_and_column(self):
        reply, outputs = run_cell(self.kc, "var ok = 1;\nundefinedName + 1")
        self.assertEqual(reply["content"]["status"], "error")
        errors = [m for m in outputs if m["msg_type"] == "error"]
        self.assertEqual(len(outputs), 1)
        self.assertEqual(len(errors), 1)
        self.assertIn("(2,1)", errors[0]["content"]["evalue"])
        self.assertIn("CS0103", errors[0]["content"]["evalue"])

    def test_runtime_exception_names_type_message_and_user_frame(self):
        reply, outputs = run_cell(self.kc, 'void Fail() => throw new ArgumentException("nope");\nFail();')
        errors = [m["content"] for m in outputs if m["msg_type"] == "error"]
        self.assertEqual(errors[0]["ename"], "System.ArgumentException")
        self.assertEqual(errors[0]["evalue"], "nope")
        self.assertTrue(any("Fail()" in line for line in errors[0]["traceback"]), errors[0]["traceback"])

    def test_console_readline_asks_the_front_end_on_stdin(self):
        reply, outputs = run_cell(self.kc, 'var name = Console.ReadLine(); Console.WriteLine("hi " + name);',
                                  allow_stdin=True, stdin_answer="ada")
        self.assertEqual(reply["content"]["status"], "ok")
        self.assertIn("input_request", [m["msg_type"] for m in outputs])
        self.assertIn("hi ada\n", [m["content"].get("text") for m in outputs if m["msg_type"] == "stream"])

    def test_console_readline_without_stdin_is_an_error(self):
        reply, _ = run_cell(self.kc, "Console.ReadLine()")
        self.assertEqual(reply["content"]["status"], "error")
        self.assertIn("allow_stdin", reply["content"]["evalue"])

    def test_message_signed_with_wrong_key_gets_no_reply_but_a_good_one_does(self):
        bad = self.km.client()
        bad.session.key = b"not-the-kernel-key"
        bad.start_channels()
        try:
            bad.kernel_info()
            with self.assertRaises(queue.Empty):
                bad.get_shell_msg(timeout=3)
        finally:
            bad.stop_channels()
        msg_id = self.kc.kernel_info()
        reply = self._shell_reply(msg_id, timeout=10)
        self.assertEqual(reply["content"]["status"], "ok")

    def test_malformed_frames_are_dropped_and_the_kernel_keeps_answering(self):
        info = self.km.get_connection_info()
        context = zmq.Context.instance()
        socket = context.socket(zmq.DEALER)
        socket.setsockopt(zmq.LINGER, 0)
        socket.connect(f"tcp://{info['ip']}:{info['shell_port']}")
        session = Session(key=info["key"])
        try:
            socket.send_multipart([b"no delimiter at all"])
            socket.send_multipart([b"<IDS|MSG>", b"sig", b"{}"])
            header = json.dumps({"msg_id": "x", "msg_type": "kernel_info_request", "session": "s", "username": "u", "date": "", "version": "5.3"}).encode()
            frames = [header, b"{}", b"{}", b"{not json"]
            signature = session.sign(frames)
            socket.send_multipart([b"<IDS|MSG>", signature, *frames])
            unknown = session.msg("no_such_request", content={})
            session.send(socket, unknown)
            self.assertEqual(socket.poll(2000), 0, "the kernel answered a message it should have dropped or ignored")
        finally:
            socket.close()
        reply, outputs = run_cell(self.kc, "2 + 3")
        self.assertEqual(reply["content"]["status"], "ok")

    def test_heartbeat_echoes_what_it_receives(self):
        info = self.km.get_connection_info()
        socket = zmq.Context.instance().socket(zmq.REQ)
        socket.setsockopt(zmq.LINGER, 0)
        socket.connect(f"tcp://{info['ip']}:{info['hb_port']}")
        try:
            socket.send(b"ping-heapnb")
            self.assertEqual(socket.poll(10000), zmq.POLLIN)
            self.assertEqual(socket.recv(), b"ping-heapnb")
        finally:
            socket.close()

    def test_unknown_magic_names_it_and_lists_the_known_ones(self):
        reply, _ = run_cell(self.kc, "#!nosuchmagic")
        self.assertEqual(reply["content"]["status"], "error")
        self.assertIn("#!nosuchmagic", reply["content"]["evalue"])
        self.assertIn("#!lsmagic", reply["content"]["evalue"])

    def test_heap_magics_drive_the_heap_that_csharp_cells_see(self):
        reply, outputs = run_cell(self.kc, "#!heap new --collector marksweep --name wire\n#!heap alloc a --fields 1 --root\n#!heap gc\n#!heap stats --as s")
        self.assertEqual(reply["content"]["status"], "ok")
        text = "".join(m["content"].get("text", "") + m["content"].get("data", {}).get("text/plain", "") for m in outputs)
        self.assertIn("wire: marksweep collector", text)
        self.assertIn("MemStats of wire", text)
        reply, outputs = run_cell(self.kc, "$\"{Heap.Name} {s.NumGC} {Heap.ObjectCount}\"")
        self.assertEqual(reply["content"]["status"], "ok")
        result = [m for m in outputs if m["msg_type"] == "execute_result"][0]
        self.assertEqual(result["content"]["data"]["text/plain"], "wire 1 1")

    def test_a_chart_goes_out_as_a_plotly_figure_with_html_and_text(self):
        reply, outputs = run_cell(self.kc, "#!heap new --collector marksweep --name charted\n#!heap gc\n#!heap gc\n#!heap pauses")
        self.assertEqual(reply["content"]["status"], "ok")
        charts = [m for m in outputs if m["msg_type"] == "display_data" and "application/vnd.plotly.v1+json" in m["content"]["data"]]
        self.assertEqual(len(charts), 1)
        data = charts[0]["content"]["data"]
        figure = data["application/vnd.plotly.v1+json"]
        self.assertIsInstance(figure, dict)
        self.assertEqual(figure["layout"]["barmode"], "stack")
        self.assertEqual(figure["layout"]["xaxis"]["categoryarray"], ["1", "2"])
        self.assertIn("Plotly.newPlot", data["text/html"])
        self.assertTrue(data["text/plain"].startswith("charted (marksweep): stop-the-world pauses of 2 cycles"))

    def test_a_misspelt_heap_verb_is_an_error_with_position_and_suggestion(self):
        reply, _ = run_cell(self.kc, "#!heap nwe")
        self.assertEqual(reply["content"]["status"], "error")
        self.assertIn("(1,8): error HN", reply["content"]["evalue"])
        self.assertIn("new", reply["content"]["evalue"])

    def test_comm_info_is_empty(self):
        msg_id = self.kc.comm_info()
        reply = self._shell_reply(msg_id, timeout=10)
        self.assertEqual(reply["content"]["comms"], {})

    def test_display_can_be_updated_in_place(self):
        reply, outputs = run_cell(self.kc, 'var handle = display("first"); handle.Update("second");')
        kinds = [m["msg_type"] for m in outputs]
        self.assertEqual(kinds, ["display_data", "update_display_data"])
        self.assertEqual(outputs[0]["content"]["transient"]["display_id"], outputs[1]["content"]["transient"]["display_id"])

    def _wait_for_busy(self, msg_id):
        deadline = time.time() + 10
        while time.time() < deadline:
            message = self.kc.get_iopub_msg(timeout=10)
            if message["parent_header"].get("msg_id") == msg_id and message["msg_type"] == "status" \
                    and message["content"]["execution_state"] == "busy":
                return
        self.fail("the kernel never went busy")

    def _shell_reply(self, msg_id, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            reply = self.kc.get_shell_msg(timeout=timeout)
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply
        self.fail("no reply")


class KernelRestartTests(unittest.TestCase):
    def test_restart_starts_a_fresh_kernel_that_answers(self):
        km, kc = start_new_kernel(kernel_name=KERNEL_NAME)
        try:
            run_cell(kc, "var beforeRestart = 1;")
            km.restart_kernel(now=False)
            kc.wait_for_ready(timeout=60)
            reply, _ = run_cell(kc, "beforeRestart")
            self.assertEqual(reply["content"]["status"], "error")
            reply, outputs = run_cell(kc, "1 + 1")
            self.assertEqual(reply["content"]["status"], "ok")
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=False)
            self.assertFalse(km.is_alive())


if __name__ == "__main__":
    unittest.main()
