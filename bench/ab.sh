#!/usr/bin/env bash
# Compares the simulator's speed in two builds of this repository (two worktrees, each built with
# `dotnet build -c Release bench/HeapNotebook.Bench`): binary-trees in alternating processes, the
# order swapped every round so neither build always runs first, each process the best of --runs.
# On this 2-core guest a process can run 10-50 % slower than the next, so compare many pairs:
# it prints each side's min, lower quartile and median, and the median of the per-round ratios B/A.
# Usage: bash bench/ab.sh DIR_A DIR_B [ROUNDS=12] [COLLECTOR=go] [RUNS=5] [DEPTH=16]
set -euo pipefail
a=$1 b=$2 rounds=${3:-12} collector=${4:-go} runs=${5:-5} depth=${6:-16}
for round in $(seq "$rounds"); do
    if (( round % 2 )); then order="$a $b"; else order="$b $a"; fi
    for dir in $order; do
        dotnet "$dir/bench/HeapNotebook.Bench/bin/Release/net10.0/HeapNotebook.Bench.dll" binary-trees \
            --depth "$depth" --collector "$collector" --native false --runs "$runs" \
            | python3 -c "import json, sys
for line in sys.stdin:
    if line.startswith('{'): print('$round', '$dir', json.loads(line)['simulatorSeconds'])"
    done
done | python3 -c "
import collections, statistics, sys
seconds = collections.defaultdict(dict)
for line in sys.stdin:
    round_, side, value = line.split()
    seconds[side][round_] = float(value)
a, b = sys.argv[1], sys.argv[2]
for side in (a, b):
    s = sorted(seconds[side].values())
    print(f'{side}: min {s[0]:.4f}  p25 {s[len(s) // 4]:.4f}  median {statistics.median(s):.4f} s')
ratios = sorted(seconds[b][r] / seconds[a][r] for r in seconds[a] if r in seconds[b])
print(f'B/A per round: median {statistics.median(ratios):.4f}; B faster in {sum(r < 1 for r in ratios)} of {len(ratios)}')
" "$a" "$b"
