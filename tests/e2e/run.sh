#!/usr/bin/env bash
# End-to-end tests of the kernel with real Jupyter clients (Debian's packages):
# installs them if missing, builds the kernel (Release), installs its kernelspec into a
# temporary prefix, runs tests/e2e/test_*.py with /usr/bin/python3 and prints a summary.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
python=/usr/bin/python3

if ! "$python" -c 'import jupyter_client, nbclient, nbformat, jupyter_kernel_test, zmq' 2>/dev/null; then
    echo "e2e: installing Debian's Jupyter client packages"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y python3-jupyter-client python3-nbclient python3-nbformat python3-jupyter-kernel-test
fi

dotnet build "$repo/src/Kernel/HeapNotebook.Kernel.csproj" -c Release --nologo -v quiet
kernel="$repo/src/Kernel/bin/Release/net10.0/HeapNotebook.Kernel"

prefix="$(mktemp -d -t heapnb-e2e-XXXXXX)"
trap 'rm -rf "$prefix"' EXIT
"$kernel" install --prefix "$prefix"

export JUPYTER_PATH="$prefix/share/jupyter"
export JUPYTER_RUNTIME_DIR="$prefix/runtime"
export HEAPNB_KERNEL="$kernel"
"$python" "$here/run_tests.py"
