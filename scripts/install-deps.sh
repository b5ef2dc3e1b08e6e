#!/usr/bin/env bash
# Installs the Debian 12 packages sitrep needs to build, run and test, when
# they are missing.  Idempotent and silent when everything is present.
set -euo pipefail

packages=(
  gcc g++ pkg-config meson ninja-build
  libxapian-dev libmicrohttpd-dev libjansson-dev libyaml-dev
  python3 curl ca-certificates valgrind
  # scripts/fuzz.sh: clang, and libFuzzer (which clang only recommends)
  clang libclang-rt-14-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
