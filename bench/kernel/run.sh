#!/usr/bin/env bash
# Builds the kernel (Release), installs its kernelspec in a temporary prefix and runs
# bench.py, which measures it beside Debian's ipykernel with jupyter_client. Prints figures.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
python=/usr/bin/python3
if ! "$python" -c 'import jupyter_client, ipykernel' 2>/dev/null; then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y python3-jupyter-client python3-ipykernel
fi
dotnet build "$repo/src/Kernel/HeapNotebook.Kernel.csproj" -c Release --nologo -v quiet
prefix="$(mktemp -d -t heapnb-bench-XXXXXX)"
trap 'rm -rf "$prefix"' EXIT
"$repo/src/Kernel/bin/Release/net10.0/HeapNotebook.Kernel" install --prefix "$prefix" >/dev/null
export JUPYTER_PATH="$prefix/share/jupyter"
export JUPYTER_RUNTIME_DIR="$prefix/runtime"
# Quiets a debugger notice ipykernel prints on start; it does not change what is measured.
export PYDEVD_DISABLE_FILE_VALIDATION=1
"$python" "$here/bench.py" "$@"
