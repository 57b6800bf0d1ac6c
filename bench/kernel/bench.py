"""Kernel benchmarks with jupyter_client, HeapNotebook beside Debian's ipykernel in one run.

Prints, for each kernel: time from start to ready (kernel_info answered), the round trip of a
trivial cell (C# `1+1`, Python `1+1`; median and 90th percentile, after the kernel sat idle a few
seconds as it does while a user reads; and the median of the first 20 cells), and for HeapNotebook the
`#!heap stats` round trip, the resident memory after 1,000 small C# cells, and the resident
memory every 50 cells over the 1,000 mixed cells of tests/e2e/test_long_session.py (C#, #!heap
magics, map, graph, stats, displays). Targets (issue 8): startup <= ipykernel's; `1+1` median
<= 1.5x ipykernel's; `#!heap stats` median <= ipykernel's `1+1`; RSS <= 400 MB.
"""
import argparse
import os
import statistics
import sys
import time

from jupyter_client.manager import KernelManager

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "e2e"))
from test_long_session import cell as mixed_cell  # noqa: E402  the same cells the e2e test checks


def start(kernel_name):
    manager = KernelManager(kernel_name=kernel_name)
    began = time.perf_counter()
    manager.start_kernel()
    client = manager.client()
    client.start_channels()
    client.wait_for_ready(timeout=120)
    return manager, client, time.perf_counter() - began


def stop(manager, client):
    client.stop_channels()
    manager.shutdown_kernel(now=False)


def round_trip(client, code, allow_error=False):
    began = time.perf_counter()
    msg_id = client.execute(code)
    while True:
        reply = client.get_shell_msg(timeout=60)
        if reply["parent_header"].get("msg_id") == msg_id:
            break
    while True:
        message = client.get_iopub_msg(timeout=60)
        if message["parent_header"].get("msg_id") == msg_id and message["msg_type"] == "status" \
                and message["content"]["execution_state"] == "idle":
            break
    if reply["content"]["status"] != "ok" and not allow_error:
        raise RuntimeError(f"{code!r} failed: {reply['content']}")
    return time.perf_counter() - began


def rss_megabytes(manager):
    pid = manager.provisioner.process.pid
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def percentile(samples, fraction):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def trips_of(client, code, count, warmup=20):
    """Round trips after `warmup` unmeasured ones (those are returned too: the first cells' figure)."""
    first = [round_trip(client, code) for _ in range(warmup)]
    return [round_trip(client, code) for _ in range(count)], first


def measure(kernel_name, starts, trips, settle):
    """Start-to-ready, then 1+1 round trips in a kernel left idle `settle` seconds after it became ready,
    as a front end leaves it while the user reads (HeapNotebook uses idle time to warm its compiler)."""
    startups = []
    for _ in range(starts):
        manager, client, seconds = start(kernel_name)
        startups.append(seconds)
        stop(manager, client)
    manager, client, _ = start(kernel_name)
    time.sleep(settle)
    samples, first = trips_of(client, "1+1", trips)
    return manager, client, statistics.median(startups), samples, first


def memory_curve(cells, every):
    """RSS (MB) at the start and after every `every` of the mixed cells, in a fresh kernel."""
    manager, client, _ = start("heapnotebook")
    round_trip(client, "#!heap new --collector marksweep --name long\n#!heap alloc kept --size 64 --fields 2 --root")
    curve = [(0, rss_megabytes(manager))]
    for index in range(cells):
        code, _ = mixed_cell(index)
        round_trip(client, code, allow_error=True)
        if (index + 1) % every == 0:
            curve.append((index + 1, rss_megabytes(manager)))
    stop(manager, client)
    return curve


def milliseconds(samples):
    return f"{statistics.median(samples) * 1000:.2f} ms", f"{percentile(samples, 0.9) * 1000:.2f} ms"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--trips", type=int, default=200)
    parser.add_argument("--cells", type=int, default=1000)
    parser.add_argument("--every", type=int, default=50, help="cells between two points of the memory curve")
    parser.add_argument("--settle", type=float, default=5.0, help="idle seconds between ready and the first 1+1")
    arguments = parser.parse_args()

    python_manager, python_client, python_start, python_trips, python_first = measure("python3", arguments.starts, arguments.trips, arguments.settle)
    stop(python_manager, python_client)
    heap_manager, heap_client, heap_start, heap_trips, heap_first = measure("heapnotebook", arguments.starts, arguments.trips, arguments.settle)
    stats_trips, _ = trips_of(heap_client, "#!heap stats", arguments.trips)
    for index in range(arguments.cells):
        round_trip(heap_client, f"var value = {index} * 2; value + 1" if index % 2 else f"Console.WriteLine({index});")
    heap_rss = rss_megabytes(heap_manager)
    stop(heap_manager, heap_client)
    curve = memory_curve(arguments.cells, arguments.every)

    python_median = statistics.median(python_trips)
    heap_median = statistics.median(heap_trips)
    stats_median = statistics.median(stats_trips)
    rows = [
        ("start to ready (median of %d)" % arguments.starts, f"{heap_start * 1000:.0f} ms", f"{python_start * 1000:.0f} ms",
         heap_start <= python_start, "<= ipykernel"),
        ("1+1 round trip, median of %d" % arguments.trips, milliseconds(heap_trips)[0], milliseconds(python_trips)[0],
         heap_median <= 1.5 * python_median, f"<= 1.5x ipykernel ({heap_median / python_median:.2f}x)"),
        ("1+1 round trip, 90th percentile", milliseconds(heap_trips)[1], milliseconds(python_trips)[1], True, "-"),
        (f"1+1 round trip, median of the first {len(heap_first)}", milliseconds(heap_first)[0], milliseconds(python_first)[0], True, "-"),
        ("#!heap stats round trip, median of %d" % arguments.trips, milliseconds(stats_trips)[0], milliseconds(python_trips)[0],
         stats_median <= python_median, f"<= ipykernel's 1+1 ({stats_median / python_median:.2f}x)"),
        ("#!heap stats round trip, 90th percentile", milliseconds(stats_trips)[1], "-", True, "-"),
        (f"RSS after {arguments.cells} small cells", f"{heap_rss:.0f} MB", "-", heap_rss <= 400, "<= 400 MB"),
        (f"RSS after {arguments.cells} mixed cells", f"{curve[-1][1]:.0f} MB", "-", curve[-1][1] <= 400, "<= 400 MB"),
    ]
    print(f"{'measure':40} {'heapnotebook':>14} {'ipykernel':>12}  target")
    for name, ours, theirs, met, target in rows:
        print(f"{name:40} {ours:>14} {theirs:>12}  {target}{'' if target == '-' else (' met' if met else ' NOT MET')}")
    print(f"\nRSS over {arguments.cells} mixed cells (C#, #!heap alloc/unroot/gc/stats/map/graph, display, markdown, errors), every {arguments.every}:")
    print("cells  " + " ".join(f"{cells:>5}" for cells, _ in curve))
    print("MB     " + " ".join(f"{megabytes:>5.0f}" for _, megabytes in curve))
    return 0 if all(row[3] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
