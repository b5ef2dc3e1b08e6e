#!/usr/bin/env bash
# Configures (once) and builds sitrep into ./build.  Quiet unless something fails.
set -euo pipefail
cd "$(dirname "$0")/.."
builddir=${SITREP_BUILD_DIR:-build}
if [ ! -f "$builddir/build.ninja" ]; then
  meson setup "$builddir" >"${TMPDIR:-/tmp}/sitrep-meson-setup.log" 2>&1 || {
    cat "${TMPDIR:-/tmp}/sitrep-meson-setup.log" >&2; exit 1; }
fi
ninja -C "$builddir" >"${TMPDIR:-/tmp}/sitrep-ninja.log" 2>&1 || {
  grep -E "error|FAILED" -A3 "${TMPDIR:-/tmp}/sitrep-ninja.log" >&2 || cat "${TMPDIR:-/tmp}/sitrep-ninja.log" >&2
  exit 1; }
