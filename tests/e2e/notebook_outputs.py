"""What a notebook's committed outputs are, as a comparable value.

Two executions of a notebook are the same when every code cell has the same outputs and execution
count and the notebook has the same metadata. Only what the notebook format itself lets vary is
ignored: nbclient's execution timestamps in cell metadata, and how a front end splits a stream
into messages (consecutive stream outputs of one name are joined, as Jupyter front ends show them).
"""
import json


def _text(value):
    return "".join(value) if isinstance(value, list) else value


def _output(output):
    kind = output["output_type"]
    if kind == "stream":
        return {"output_type": kind, "name": output["name"], "text": _text(output["text"])}
    if kind == "error":
        return {"output_type": kind, "ename": output["ename"], "evalue": output["evalue"], "traceback": list(output["traceback"])}
    result = {
        "output_type": kind,
        "data": {mime: _text(value) if not isinstance(value, dict) else value for mime, value in output.get("data", {}).items()},
        "metadata": output.get("metadata", {}),
    }
    if kind == "execute_result":
        result["execution_count"] = output.get("execution_count")
    return result


def _outputs(outputs):
    joined = []
    for output in map(_output, outputs):
        if joined and output["output_type"] == "stream" and joined[-1]["output_type"] == "stream" and joined[-1]["name"] == output["name"]:
            joined[-1]["text"] += output["text"]
        else:
            joined.append(output)
    return joined


def comparable(notebook):
    """The notebook as plain data with only the parts an execution decides, normalised."""
    cells = []
    for cell in notebook["cells"]:
        entry = {"cell_type": cell["cell_type"], "source": _text(cell["source"])}
        if cell["cell_type"] == "code":
            entry["execution_count"] = cell.get("execution_count")
            entry["metadata"] = {key: value for key, value in cell.get("metadata", {}).items() if key != "execution"}
            entry["outputs"] = _outputs(cell.get("outputs", []))
        cells.append(entry)
    return {"metadata": notebook["metadata"], "cells": cells}


def first_difference(expected, actual):
    """A short description of where two comparable notebooks first differ, or None when they are equal."""
    if expected["metadata"] != actual["metadata"]:
        return f"notebook metadata differs: {json.dumps(expected['metadata'])[:300]} != {json.dumps(actual['metadata'])[:300]}"
    if len(expected["cells"]) != len(actual["cells"]):
        return f"{len(expected['cells'])} cells != {len(actual['cells'])} cells"
    for number, (want, got) in enumerate(zip(expected["cells"], actual["cells"]), start=1):
        if want == got:
            continue
        for key in want:
            if want[key] != got.get(key) and key != "outputs":
                return f"cell {number}: {key} {want[key]!r:.200} != {got.get(key)!r:.200}"
        want_outputs, got_outputs = want.get("outputs", []), got.get("outputs", [])
        if len(want_outputs) != len(got_outputs):
            return f"cell {number}: {len(want_outputs)} outputs committed, {len(got_outputs)} produced"
        for index, (a, b) in enumerate(zip(want_outputs, got_outputs), start=1):
            if a != b:
                return (f"cell {number}, output {index} differs:\n  committed: {json.dumps(a)[:400]}\n"
                        f"  produced:  {json.dumps(b)[:400]}")
    return None
