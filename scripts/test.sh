#!/usr/bin/env bash
# Runs every test suite: installs what is missing, builds, runs the unit and
# integration tests, and ends with the line "N passed, N failed".  Exits
# non-zero when anything failed or nothing ran.
set -uo pipefail
cd "$(dirname "$0")/.."
builddir=${SITREP_BUILD_DIR:-build}
scripts/install-deps.sh || exit 1
if ! SITREP_BUILD_DIR="$builddir" scripts/build.sh; then
  echo "0 passed, 1 failed"
  exit 1
fi
meson test -C "$builddir" --print-errorlogs --num-processes 2 "$@"
python3 - "$builddir/meson-logs/testlog.json" <<'PY'
import json, sys
passed = failed = skipped = 0
names = []
try:
    lines = open(sys.argv[1]).read().splitlines()
except OSError:
    lines = []
for line in lines:
    t = json.loads(line)
    r = t.get("result")
    if r in ("OK", "EXPECTEDFAIL"):
        passed += 1
    elif r == "SKIP":
        skipped += 1
    else:
        failed += 1
        names.append(t.get("name"))
if names:
    print("failed: " + ", ".join(names))
if passed + failed == 0:
    failed = 1
    print("no test ran")
print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
sys.exit(1 if failed else 0)
PY
