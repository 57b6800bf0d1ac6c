#!/usr/bin/env bash
# Runs binary-trees on the real Go runtime (GOMAXPROCS=1, GODEBUG=gctrace=1) and on the simulator's go
# plan (procs 1), at GOGC 50, 100 and 200, and with GOGC=off under GOMEMLIMIT 16 and 36 MiB, and prints
# their cycle counts side by side. Under a memory limit the simulator runs twice: as a program with no
# runtime of its own, and with the runtime overhead measured here (runtime/metrics of a small program:
# metadata and other memory classes, about 7.9 MiB on Go 1.19.8 linux/amd64). The real traces go to
# notebooks/data/gctrace/binary-trees-DEPTH-<setting>-<go version>.gctrace. Needs a Go toolchain (Debian:
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
bench() { dotnet bench/HeapNotebook.Bench/bin/Release/net10.0/HeapNotebook.Bench.dll binary-trees --depth "$depth" --collector go --procs 1 --native false "$@" | grep -o '"gcCycles":[0-9]*' | cut -d: -f2; }
overheadKiB="$(GOMAXPROCS=1 GODEBUG=gctrace=0 "$work/binary-trees" overhead)"
echo "runtime overhead of a small Go $version program: $overheadKiB KiB"
echo "| setting | real Go ($version, 1 P): cycles | simulator (go, procs 1): cycles | simulator with the runtime overhead |"
echo "| --- | ---: | ---: | ---: |"
for gogc in 50 100 200; do
    trace="notebooks/data/gctrace/binary-trees-$depth-gogc$gogc-$version.gctrace"
    GOMAXPROCS=1 GOGC=$gogc GODEBUG=gctrace=1 "$work/binary-trees" "$depth" 2>"$trace" >/dev/null
    echo "| GOGC=$gogc | $(grep -c '^gc ' "$trace") | $(bench --gogc "$gogc") | |"
done
for limit in 16 36; do
    trace="notebooks/data/gctrace/binary-trees-$depth-gogcoff-limit${limit}MiB-$version.gctrace"
    GOMAXPROCS=1 GOGC=off GOMEMLIMIT=${limit}MiB GODEBUG=gctrace=1 "$work/binary-trees" "$depth" 2>"$trace" >/dev/null
    echo "| GOGC=off GOMEMLIMIT=${limit}MiB | $(grep -c '^gc ' "$trace") | $(bench --gogc off --memory-limit-mib "$limit") | $(bench --gogc off --memory-limit-mib "$limit" --runtime-overhead-kib "$overheadKiB") |"
done
