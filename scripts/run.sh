#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to a running sitrep: installs
# what is missing, builds, indexes the bundled sample articles into ./var/index
# and serves them on http://127.0.0.1:8080 (PORT=... to change).  Ctrl-C stops.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${PORT:-8080}
scripts/install-deps.sh
scripts/build.sh
mkdir -p var
echo "run: indexing the sample articles in indexer/samples into var/index" >&2
build/indexer/sitrep-index --config config/sitrep.yaml --index var/index indexer/samples
cat >&2 <<EOT

sitrep is starting on http://127.0.0.1:$port — open it in a browser for the web UI, or try:
  curl 'http://127.0.0.1:$port/v1/search?q=shelling&place=Kharkiv'
  curl 'http://127.0.0.1:$port/v1/search?person=Zelensky&from=2022-03&to=2022-04&sort=date_asc'
  curl 'http://127.0.0.1:$port/v1/search?place=UA&limit=5'
  curl 'http://127.0.0.1:$port/v1/articles/sample-2022-02-28-kharkiv-shelling'
  curl 'http://127.0.0.1:$port/v1/stats'

EOT
exec build/server/sitrepd --config config/sitrep.yaml --index var/index --listen "127.0.0.1:$port"
