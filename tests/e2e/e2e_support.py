"""Shared helpers for the end-to-end tests: where the installed kernelspec is, and how to run a cell."""
import os
import queue
import subprocess

KERNEL_NAME = "heapnotebook"
TIMEOUT = 60


def kernel_command():
    """The built kernel's command (apphost), as run.sh exported it."""
    return os.environ["HEAPNB_KERNEL"]


def run_cell(client, code, timeout=TIMEOUT, allow_stdin=False, stdin_answer=None):
    """Executes code and returns (reply, outputs) where outputs are the iopub messages of that request."""
    msg_id = client.execute(code, allow_stdin=allow_stdin)
    outputs = []
    idle = False
    reply = None
    while reply is None or not idle:
        if allow_stdin and stdin_answer is not None:
            try:
                request = client.get_stdin_msg(timeout=0.05)
                if request["msg_type"] == "input_request":
                    outputs.append(request)
                    client.input(stdin_answer)
            except queue.Empty:
                pass
        if reply is None:
            try:
                candidate = client.get_shell_msg(timeout=0.05)
                if candidate["parent_header"].get("msg_id") == msg_id:
                    reply = candidate
            except queue.Empty:
                pass
        while not idle:
            try:
                message = client.get_iopub_msg(timeout=0.05)
            except queue.Empty:
                break
            if message["parent_header"].get("msg_id") != msg_id:
                continue
            if message["msg_type"] == "status":
                idle = message["content"]["execution_state"] == "idle"
            elif message["msg_type"] != "execute_input":
                outputs.append(message)
        timeout -= 0.15
        if timeout < 0:
            raise TimeoutError(f"no complete answer to {code!r}")
    return reply, outputs


def heapnb(*arguments, cwd=None):
    return subprocess.run([kernel_command(), *arguments], capture_output=True, text=True, cwd=cwd, timeout=120)
