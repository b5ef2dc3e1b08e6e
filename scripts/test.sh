#!/usr/bin/env bash
# Runs every test suite: installs what is missing, builds, and runs four
# passes, then ends with the line "N passed, N failed" counting all of them.
# Exits non-zero when anything failed or nothing ran.
#
#   plain     every suite in ./build
#   valgrind  the unit tests in ./build under memcheck (tests/meson.build,
#             setup 'valgrind'; the integration tests are too slow there)
#   asan      every suite in ./build-asan, built with ASan+UBSan; the setup
#             'asan' makes any sanitizer report (leaks included) fatal
#   fuzz      scripts/fuzz.sh: each libFuzzer target briefly
#             (SITREP_FUZZ_SECONDS, default 10) in ./build-fuzz, one test
#             per target; a crash fails it
#
# Failed tests are named with their pass ("asan:test_http").  Arguments go
# to every `meson test` run.  SITREP_TEST_PASSES="plain asan" picks passes;
# SITREP_BUILD_DIR and SITREP_ASAN_BUILD_DIR move the build directories.
set -uo pipefail
cd "$(dirname "$0")/.."
builddir=${SITREP_BUILD_DIR:-build}
asandir=${SITREP_ASAN_BUILD_DIR:-build-asan}
passes=${SITREP_TEST_PASSES:-plain valgrind asan fuzz}
scripts/install-deps.sh || exit 1
if ! SITREP_BUILD_DIR="$builddir" scripts/build.sh; then
  echo "0 passed, 1 failed"
  exit 1
fi

# Each pass leaves LABEL=TESTLOG (or LABEL=!what failed) for the summary.
results=()
run_pass() { # label builddir testlog meson-test-args...
  local label=$1 dir=$2 log=$3
  shift 3
  echo "== $label: meson test -C $dir $*" >&2
  rm -f "$dir/meson-logs/$log"
  meson test -C "$dir" --print-errorlogs --num-processes 2 "$@"
  local rc=$?
  if [ -f "$dir/meson-logs/$log" ]; then
    results+=("$label=$dir/meson-logs/$log")
  elif [ $rc -ne 0 ]; then
    results+=("$label=!meson-test")
  fi
}

for pass in $passes; do
  case $pass in
  plain)
    run_pass plain "$builddir" testlog.json "$@" ;;
  valgrind)
    run_pass valgrind "$builddir" testlog-valgrind.json --setup valgrind --suite unit "$@" ;;
  asan)
    setup_log=${TMPDIR:-/tmp}/sitrep-meson-setup-asan.log
    if { [ -f "$asandir/build.ninja" ] || meson setup "$asandir" -Dbuildtype=debug \
           -Db_sanitize=address,undefined -Db_lundef=false >"$setup_log" 2>&1 ||
           { cat "$setup_log" >&2; false; }; } &&
       SITREP_BUILD_DIR="$asandir" scripts/build.sh; then
      run_pass asan "$asandir" testlog-asan.json --setup asan "$@"
    else
      results+=("asan=!build")
    fi ;;
  fuzz)
    # fuzz.sh writes one testlog-shaped line per target it ran.
    fuzzdir=${SITREP_FUZZ_BUILD_DIR:-build-fuzz}
    echo "== fuzz: scripts/fuzz.sh ${SITREP_FUZZ_SECONDS:-10}" >&2
    rm -f "$fuzzdir/fuzz-results.json"
    SITREP_FUZZ_BUILD_DIR="$fuzzdir" scripts/fuzz.sh "${SITREP_FUZZ_SECONDS:-10}"
    if [ -s "$fuzzdir/fuzz-results.json" ]; then
      results+=("fuzz=$fuzzdir/fuzz-results.json")
    else
      results+=("fuzz=!fuzz.sh")
    fi ;;
  *)
    echo "test.sh: unknown pass '$pass'" >&2
    results+=("$pass=!unknown-pass") ;;
  esac
done

python3 - "${results[@]}" <<'PY'
import json, sys
passed = failed = skipped = 0
names = []
for arg in sys.argv[1:]:
    label, _, log = arg.partition("=")
    prefix = "" if label == "plain" else label + ":"
    if log.startswith("!"):  # the pass could not run at all
        failed += 1
        names.append(prefix + log[1:])
        continue
    for line in open(log).read().splitlines():
        t = json.loads(line)
        r = t.get("result")
        if r in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif r == "SKIP":
            skipped += 1
        else:
            failed += 1
            names.append(prefix + t.get("name", "?").rsplit(" / ", 1)[-1])
if names:
    print("failed: " + ", ".join(names))
if passed + failed == 0:
    failed = 1
    print("no test ran")
print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
sys.exit(1 if failed else 0)
PY
