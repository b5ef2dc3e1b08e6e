#!/usr/bin/env bash
# Runs the libFuzzer targets of tests/fuzz, each for a bounded time.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# SECONDS per target (default 60); targets: reader params config extract
# (default all, one after the other).  Installs what is missing
# (scripts/install-deps.sh: clang and libFuzzer), sets up build-fuzz once
# (clang, -Dfuzz=true, ASan+UBSan) and builds it.  Each target starts from
# the committed seed corpus and regression inputs, copied into
# build-fuzz/corpus/TARGET, where the inputs it finds stay for the next run
# (the repository is never written).  A crash, leak, sanitizer report,
# timeout (10 s) or memory blow-up (2 GiB) is written to
# build-fuzz/crashes/TARGET-*; reproduce it with
#   build-fuzz/tests/fuzz/fuzz-TARGET build-fuzz/crashes/TARGET-...
# and, once fixed, keep it in tests/fuzz/regress/TARGET/.
#
# Prints one row per target (runs, exec/s, coverage, new inputs, crashes)
# and writes build-fuzz/fuzz-results.json (one JSON object per target, the
# shape of meson's testlog, which scripts/test.sh counts).  Exits non-zero
# when any target crashed, naming the artifact.  SITREP_FUZZ_BUILD_DIR moves
# the build directory.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(reader params config extract rawjson)
builddir=${SITREP_FUZZ_BUILD_DIR:-build-fuzz}
case $seconds in
  '' | *[!0-9]*) echo "fuzz.sh: SECONDS must be a whole number, not '$seconds'" >&2; exit 2 ;;
esac
for t in "${targets[@]}"; do
  if [ ! -f "tests/fuzz/fuzz-$t.c" ]; then
    echo "fuzz.sh: no target '$t' (tests/fuzz/fuzz-$t.c)" >&2
    exit 2
  fi
done

scripts/install-deps.sh || exit 1
# clang may have been installed a moment ago: look it up afresh.
hash -r
log=${TMPDIR:-/tmp}/sitrep-fuzz-build.$$.log
if [ ! -f "$builddir/build.ninja" ]; then
  if ! CC=clang CXX=clang++ meson setup "$builddir" -Dfuzz=true -Dbuildtype=debugoptimized \
         -Db_sanitize=address,undefined -Db_lundef=false >"$log" 2>&1; then
    cat "$log" >&2; rm -f "$log"; exit 1
  fi
fi
if ! ninja -C "$builddir" >"$log" 2>&1; then
  grep -E "error|FAILED" -A3 "$log" >&2 || cat "$log" >&2
  rm -f "$log"; exit 1
fi
rm -f "$log"

mkdir -p "$builddir/crashes" "$builddir/logs"
results=$builddir/fuzz-results.json
: >"$results"
rows=()
failed=0
for t in "${targets[@]}"; do
  corpus=$builddir/corpus/$t
  mkdir -p "$corpus"
  # A scratch copy: libFuzzer adds what it finds to its first directory.
  find "tests/fuzz/corpus/$t" "tests/fuzz/regress/$t" -maxdepth 1 -type f ! -name '.*' \
    -exec cp -p {} "$corpus/" \; 2>/dev/null
  tlog=$builddir/logs/$t.log
  echo "fuzz.sh: $t for ${seconds}s (log: $tlog)" >&2
  # UBSan must stop at its first report, or libFuzzer never sees it.
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:detect_stack_use_after_return=1} \
  UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1} \
    "$builddir/tests/fuzz/fuzz-$t" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
      -print_final_stats=1 -artifact_prefix="$builddir/crashes/$t-" "$corpus" >"$tlog" 2>&1
  rc=$?
  final_stat() { sed -n "s/^stat::$1: *//p" "$tlog" | tail -1; }
  runs=$(final_stat number_of_executed_units)
  speed=$(final_stat average_exec_per_sec)
  added=$(final_stat new_units_added)
  cov=$(grep -oE '(cov|ft): [0-9]+' "$tlog" | sed -n 's/^cov: //p' | tail -1)
  artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$tlog" | tail -1)
  # libFuzzer stops at the first crash, leak, timeout or out-of-memory.
  crashes=0
  if [ $rc -ne 0 ]; then
    failed=1
    crashes=1
    echo "fuzz.sh: $t FAILED (exit $rc): ${artifact:-no artifact, see $tlog}" >&2
    grep -E "ERROR: |SUMMARY: |runtime error|FUZZ_ASSERT" "$tlog" | head -5 >&2
    result=FAIL
  else
    result=OK
  fi
  rows+=("$(printf '%-8s %10s %8s %6s %6s %8s' "$t" "${runs:-?}" "${speed:-?}" "${cov:-?}" "${added:-?}" "$crashes")")
  printf '{"name": "fuzz-%s", "result": "%s", "runs": %s, "exec_per_sec": %s, "artifact": "%s"}\n' \
    "$t" "$result" "${runs:-0}" "${speed:-0}" "$artifact" >>"$results"
done

printf '%-8s %10s %8s %6s %6s %8s\n' target runs exec/s cov new crashes
printf '%s\n' "${rows[@]}"
exit $failed
