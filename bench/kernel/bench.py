"""Kernel benchmarks with jupyter_client, HeapNotebook beside Debian's ipykernel in one run.

Prints, for each kernel: time from start to ready (kernel_info answered), the median round
trip of a trivial cell (C# `1+1`, Python `1+1`), and for HeapNotebook the resident memory
after 1,000 small C# cells. Targets: startup <= ipykernel's; round trip <= 2x ipykernel's;
RSS <= 400 MB.
"""
import argparse
import statistics
import sys
import time

from jupyter_client.manager import KernelManager


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


def round_trip(client, code):
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
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"{code!r} failed: {reply['content']}")
    return time.perf_counter() - began


def rss_megabytes(manager):
    pid = manager.provisioner.process.pid
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def measure(kernel_name, starts, trips):
    startups = []
    for _ in range(starts):
        manager, client, seconds = start(kernel_name)
        startups.append(seconds)
        stop(manager, client)
    manager, client, _ = start(kernel_name)
    for _ in range(20):
        round_trip(client, "1+1")
    times = [round_trip(client, "1+1") for _ in range(trips)]
    return manager, client, statistics.median(startups), statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--trips", type=int, default=200)
    parser.add_argument("--cells", type=int, default=1000)
    arguments = parser.parse_args()

    python_manager, python_client, python_start, python_trip = measure("python3", arguments.starts, arguments.trips)
    stop(python_manager, python_client)
    heap_manager, heap_client, heap_start, heap_trip = measure("heapnotebook", arguments.starts, arguments.trips)
    for index in range(arguments.cells):
        round_trip(heap_client, f"var value = {index} * 2; value + 1" if index % 2 else f"Console.WriteLine({index});")
    heap_rss = rss_megabytes(heap_manager)
    stop(heap_manager, heap_client)

    rows = [
        ("start to ready (median of %d)" % arguments.starts, f"{heap_start * 1000:.0f} ms", f"{python_start * 1000:.0f} ms",
         heap_start <= python_start, "<= ipykernel"),
        ("1+1 round trip (median of %d)" % arguments.trips, f"{heap_trip * 1000:.2f} ms", f"{python_trip * 1000:.2f} ms",
         heap_trip <= 2 * python_trip, "<= 2x ipykernel"),
        (f"RSS after {arguments.cells} small cells", f"{heap_rss:.0f} MB", "-", heap_rss <= 400, "<= 400 MB"),
    ]
    print(f"{'measure':36} {'heapnotebook':>14} {'ipykernel':>12}  target")
    for name, ours, theirs, met, target in rows:
        print(f"{name:36} {ours:>14} {theirs:>12}  {target} {'met' if met else 'NOT MET'}")
    return 0 if all(row[3] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
