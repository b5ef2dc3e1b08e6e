#!/usr/bin/env bash
# Benchmarks sitrep on this machine beside plain Xapian, SQLite FTS5 and
# nginx, and prints Markdown tables (README.md, "Benchmarks"): ingest,
# query latency, throughput and, over several sizes, scaling.  Loopback
# only; bounded in time (every program runs under a timeout).  The corpus
# is built from the real articles in ../shared/data (re-sampled passages,
# re-dated), or from generated text when that is absent.
#
#   scripts/bench.sh [--sizes 10000[,100000,...]] [--runs 3] [--queries 200]
#                    [--query-seconds 2] [--wrk-seconds 5] [--workdir DIR]
#
# Default: one size, 10000 articles, 3 runs (about 15 minutes on 2 cores).
# --sizes 10000,100000 adds the 100k corpus (about 1.5 hours with 3 runs);
# --sizes 10000,100000,1000000 the million (hours: use --runs 1).  A size
# that does not fit on the disk of --workdir is skipped with a message.
# wrk and nginx (and sqlite3) are installed with apt when missing; they are
# benchmark-only, so scripts/install-deps.sh does not list them.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for p in wrk nginx sqlite3; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  echo "bench.sh: installing ${missing[*]}" >&2
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq \
    --no-install-recommends "${missing[@]}" >/dev/null
fi
# Debian's package may start a system nginx on port 80; the benchmark runs
# its own on a free loopback port and leaves that one alone.
export PATH="$PATH:/usr/sbin"

scripts/install-deps.sh
scripts/build.sh
exec python3 scripts/bench/bench.py "$@"
