"""Opens a notebook in a running Jupyter Notebook server and runs it there, as its browser UI does.

Usage: /usr/bin/python3 scripts/try-in-notebook-server.py URL TOKEN NOTEBOOK_PATH [KERNEL]

Through the server's REST API and kernel websocket (the same calls the front end makes): checks the
server lists the kernelspec, opens the notebook through the contents API, starts a session with the
kernel, executes every code cell in order over the websocket, compares each cell's outputs with the
committed ones, and saves the executed notebook back through the contents API
beside the original (NAME.from-server.ipynb). Exits non-zero if a cell fails unexpectedly.
"""
import json
import sys
import urllib.request
import uuid

from tornado import ioloop, websocket


def call(base, token, method, path, body=None):
    request = urllib.request.Request(f"{base}{path}", method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": f"token {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        text = response.read().decode()
        return json.loads(text) if text else None


async def run_cells(base, token, kernel_id, cells):
    session = uuid.uuid4().hex
    url = base.replace("http", "ws", 1) + f"/api/kernels/{kernel_id}/channels?session_id={session}&token={token}"
    connection = await websocket.websocket_connect(url, max_message_size=256 << 20)
    results = []
    displays = {}
    for index, cell in cells:
        msg_id = uuid.uuid4().hex
        await connection.write_message(json.dumps({
            "header": {"msg_id": msg_id, "username": "try", "session": session, "msg_type": "execute_request", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell",
            "content": {"code": "".join(cell["source"]), "silent": False, "store_history": True,
                        "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
        }))
        outputs, status, idle = [], None, False
        while status is None or not idle:
            message = json.loads(await connection.read_message())
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = message["msg_type"]
            if message["channel"] == "shell" and kind == "execute_reply":
                status = message["content"]["status"]
            elif kind == "status" and message["content"]["execution_state"] == "idle":
                idle = True
            elif kind == "stream" and outputs and outputs[-1]["output_type"] == "stream" and outputs[-1]["name"] == message["content"]["name"]:
                # Consecutive stream messages of one stream are one output, as the front end shows and saves them.
                outputs[-1]["text"] += message["content"]["text"]
            elif kind == "update_display_data":
                # The front end redraws every output shown with this display id in place.
                display_id = message["content"].get("transient", {}).get("display_id")
                for shown in displays.get(display_id, []):
                    shown["data"], shown["metadata"] = message["content"]["data"], message["content"].get("metadata", {})
            elif kind in ("stream", "display_data", "execute_result", "error"):
                content = message["content"]
                output = {"output_type": kind, **{k: v for k, v in content.items() if k != "transient"}}
                outputs.append(output)
                if display_id := content.get("transient", {}).get("display_id"):
                    displays.setdefault(display_id, []).append(output)
        results.append((index, status, outputs))
    connection.close()
    return results


def mime_summary(outputs):
    parts = []
    for output in outputs:
        if output["output_type"] == "stream":
            parts.append(output["name"])
        elif output["output_type"] == "error":
            parts.append("error " + output.get("ename", ""))
        else:
            parts.append("+".join(sorted(output.get("data", {}))))
    return ", ".join(parts) or "(none)"


def comparable(output):
    """An output as the notebook file keeps it, without what varies between runs of any kernel (execution counts, metadata)."""
    data = output.get("data")
    text = output.get("text")
    join = lambda value: "".join(value) if isinstance(value, list) else value
    return (output["output_type"], output.get("name"), join(text),
            None if data is None else {mime: join(value) if isinstance(value, (list, str)) else value for mime, value in data.items()},
            output.get("ename"))


def main():
    base, token, path = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
    kernel = sys.argv[4] if len(sys.argv) > 4 else "heapnotebook"
    specs = call(base, token, "GET", "/api/kernelspecs")["kernelspecs"]
    print(f"server lists kernels: {', '.join(sorted(specs))}")
    if kernel not in specs:
        sys.exit(f"the server does not list the '{kernel}' kernel: install it first")
    print(f"  {kernel}: display name '{specs[kernel]['spec']['display_name']}', language {specs[kernel]['spec']['language']}")
    model = call(base, token, "GET", f"/api/contents/{path}")
    notebook = model["content"]
    print(f"opened {path}: nbformat {notebook['nbformat']}.{notebook['nbformat_minor']}, {len(notebook['cells'])} cells, "
          f"kernelspec in metadata: {notebook['metadata'].get('kernelspec', {}).get('name')}")
    session = call(base, token, "POST", "/api/sessions", {"path": path, "type": "notebook", "name": path.rsplit('/', 1)[-1], "kernel": {"name": kernel}})
    kernel_id = session["kernel"]["id"]
    print(f"session started, kernel {session['kernel']['name']} ({kernel_id[:8]}…)")
    code_cells = [(i, c) for i, c in enumerate(notebook["cells"]) if c["cell_type"] == "code"]
    results = ioloop.IOLoop.current().run_sync(lambda: run_cells(base, token, kernel_id, code_cells))
    failed = 0
    for (index, status, outputs), (_, cell) in zip(results, code_cells):
        expected_error = "raises-exception" in cell.get("metadata", {}).get("tags", [])
        ok = status == "ok" or (expected_error and status == "error")
        failed += not ok
        committed = cell.get("outputs", [])
        same = [comparable(o) for o in outputs] == [comparable(o) for o in committed]
        print(f"  cell {index:2}: {status:5} outputs: {mime_summary(outputs)}  {'same as committed' if same else 'DIFFER from committed: ' + mime_summary(committed)}")
        cell["outputs"] = outputs
    saved_path = path[:-len(".ipynb")] + ".from-server.ipynb"
    call(base, token, "PUT", f"/api/contents/{saved_path}", {"type": "notebook", "format": "json", "content": notebook})
    print(f"saved through the contents API as {saved_path}")
    call(base, token, "DELETE", f"/api/sessions/{session['id']}")
    if failed:
        sys.exit(f"{failed} cell(s) failed")
    print(f"all {len(code_cells)} code cells ran")


if __name__ == "__main__":
    main()
