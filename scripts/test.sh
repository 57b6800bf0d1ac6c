#!/usr/bin/env bash
# The test command: builds everything and runs every test, installing what it needs on a fresh
# machine (NuGet packages through restore; Debian's Jupyter packages through tests/e2e/run.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dotnet >/dev/null 2>&1; then
    echo "error: the .NET 10 SDK (dotnet) is not on PATH; install it first: https://dot.net" >&2
    exit 1
fi

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT

dotnet build HeapNotebook.sln -c Release --nologo -v quiet
status=0
dotnet test HeapNotebook.sln -c Release --no-build --nologo \
    --logger "trx" --results-directory "$results" || status=$?

if [ -f tests/e2e/run.sh ]; then
    bash tests/e2e/run.sh || status=$?
fi

# One closing line that counts every xunit test, whatever the runner printed above.
python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
passed = failed = skipped = 0
for path in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    counters = ET.parse(path).getroot().find(".//{*}Counters")
    if counters is None:
        continue
    passed += int(counters.get("passed", 0))
    failed += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0))
    skipped += int(counters.get("notExecuted", 0))
print(f"xunit: {passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
