#!/usr/bin/env bash
# Re-executes every tutorial in notebooks/ with the headless runner and commits-ready writes its
# outputs back, so that a change which alters an output updates the notebook in the same commit.
# The runner never writes over its input; this script writes to a temporary file and then moves it.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build src/Kernel/HeapNotebook.Kernel.csproj -c Release --nologo -v quiet
kernel=src/Kernel/bin/Release/net10.0/HeapNotebook.Kernel
for notebook in "${@:-notebooks/*.ipynb}"; do
    for path in $notebook; do
        temporary="$(mktemp -p "$(dirname "$path")" --suffix=.ipynb .refresh-XXXXXX)"
        trap 'rm -f "$temporary"' EXIT
        "$kernel" run "$path" --output "$temporary"
        chmod 644 "$temporary"
        mv "$temporary" "$path"
        if [ -f "${path%.ipynb}.dib" ]; then
            python3 scripts/ipynb-to-dib.py "$path" "${path%.ipynb}.dib"
        fi
        echo "refreshed $path ($(stat -c %s "$path") bytes)"
    done
done
