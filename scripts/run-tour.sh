#!/usr/bin/env bash
# The main job: builds the kernel and runs the tour notebook headless, writing the executed
# notebook and a standalone HTML page to out/ (the input notebook is never overwritten).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dotnet >/dev/null 2>&1; then
    echo "error: the .NET 10 SDK (dotnet) is not on PATH; install it first: https://dot.net" >&2
    exit 1
fi

notebook="${1:-notebooks/01-tour.ipynb}"
name="$(basename "${notebook%.*}")"
mkdir -p out
dotnet build src/Kernel/HeapNotebook.Kernel.csproj -c Release --nologo -v quiet
src/Kernel/bin/Release/net10.0/HeapNotebook.Kernel run "$notebook" --output "out/$name.ipynb" --html "out/$name.html"
