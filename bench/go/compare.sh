#!/usr/bin/env bash
# Runs binary-trees on the real Go runtime (GOMAXPROCS=1, GODEBUG=gctrace=1) and on the simulator's go
# plan (procs 1) at GOGC 50, 100 and 200, and prints their cycle counts side by side; the real traces go
# to notebooks/data/gctrace/binary-trees-DEPTH-gogcN-go<version>.gctrace. Needs a Go toolchain (Debian:
# apt-get install golang-go); the tests do not, they read the committed traces.
# Usage: bash bench/go/compare.sh [DEPTH]
set -euo pipefail
cd "$(dirname "$0")/../.."
depth="${1:-16}"
command -v go >/dev/null || { echo "no Go toolchain (apt-get install golang-go)"; exit 1; }
version="$(go env GOVERSION)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd bench/go && GOCACHE="$work/cache" go build -o "$work/binary-trees" .)
dotnet build bench/HeapNotebook.Bench -c Release --nologo -v quiet >/dev/null
echo "| GOGC | real Go ($version, 1 P): cycles | simulator (go, procs 1): cycles |"
echo "| ---: | ---: | ---: |"
for gogc in 50 100 200; do
    trace="notebooks/data/gctrace/binary-trees-$depth-gogc$gogc-$version.gctrace"
    GOMAXPROCS=1 GOGC=$gogc GODEBUG=gctrace=1 "$work/binary-trees" "$depth" 2>"$trace" >/dev/null
    simulated="$(dotnet bench/HeapNotebook.Bench/bin/Release/net10.0/HeapNotebook.Bench.dll binary-trees --depth "$depth" --collector go --gogc "$gogc" --procs 1 --native false | grep -o '"gcCycles":[0-9]*' | cut -d: -f2)"
    echo "| $gogc | $(grep -c '^gc ' "$trace") | $simulated |"
done
