#!/usr/bin/env bash
# Benchmarks sitrep on this machine and prints a Markdown table: ingest rate,
# index size and peak memory of sitrep-index; query latency through sitrepd
# over HTTP (keep-alive, loopback); extraction throughput.  Bounded in time,
# loopback only.  The corpus is built from the real articles in
# ../shared/data (re-sampled and re-dated), or from generated text when that
# is absent.
#
#   scripts/bench.sh [ARTICLES]        default 10000
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
exec python3 scripts/bench/bench.py --articles "${1:-10000}"
