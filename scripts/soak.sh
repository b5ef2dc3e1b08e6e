#!/usr/bin/env bash
# A bounded soak of sitrepd on loopback: wrk with a mix of searches, facets,
# timelines, GeoJSON and entity lookups at 8 then 64 connections while
# NDJSON batches are ingested and deleted throughout; prints requests,
# req/s, p50/p99, errors, ingest batches and server RSS at start, middle
# and end.  Exits non-zero on any error or unbounded RSS growth
# (scripts/soak/soak.py has the bound and its reasons).
#
#   scripts/soak.sh [SECONDS]          default 180
#   SOAK_ARTICLES=N scripts/soak.sh    synthetic articles indexed (3000)
#
# tests/integration/test_soak.py runs a 15-second version in the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
exec python3 scripts/soak/soak.py --seconds "${1:-180}" --articles "${SOAK_ARTICLES:-3000}"
