#!/usr/bin/env bash
# Samples a benchmark with perf and prints where its CPU time goes: the share of samples in each
# method (self time; the JIT's inlining folds small callees into their callers), and for samples in
# native code (the kernel's page faults, memmove, the runtime) the managed method that called it.
# Usage: bash bench/profile.sh binary-trees --depth 16 --collector marksweep --native false
# Needs perf (apt-get install linux-perf); the .NET runtime writes /tmp/perf-PID.map for it.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v perf >/dev/null; then
    echo "perf is not installed; no profile taken"
    exit 0
fi
dotnet build bench/HeapNotebook.Bench -c Release --nologo -v quiet >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 perf record -F 2000 -g -o "$work/perf.data" \
    dotnet bench/HeapNotebook.Bench/bin/Release/net10.0/HeapNotebook.Bench.dll "$@" >/dev/null 2>&1
perf script -i "$work/perf.data" -F ip,sym 2>/dev/null > "$work/samples.txt"
/usr/bin/env python3 - "$work/samples.txt" <<'PY'
import collections, re, sys
def method(frame):
    match = re.search(r"\]\s*(\S+?)::(\S+?)\(", frame)
    if match:
        return match.group(1).split(".")[-1] + "::" + match.group(2)
    parts = frame.split(None, 1)
    return parts[1][:48] if len(parts) > 1 else "[unknown]"
counts, total = collections.Counter(), 0
for sample in open(sys.argv[1]).read().split("\n\n"):
    frames = [line.strip() for line in sample.strip().splitlines() if line.strip()]
    if not frames:
        continue
    total += 1
    name = method(frames[0])
    if "HeapNotebook" not in frames[0]:
        caller = next((method(frame) for frame in frames[1:] if "HeapNotebook" in frame), None)
        if caller:
            name += " <- " + caller
    counts[name] += 1
print(f"{total} samples of the whole process (start-up, warm-up and the native run included).\n")
print("| share | method |\n| ---: | --- |")
for name, count in counts.most_common(20):
    print(f"| {100 * count / total:.1f} % | {name.replace('|', '/')} |")
PY
