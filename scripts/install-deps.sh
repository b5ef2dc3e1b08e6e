#!/usr/bin/env bash
# Installs the Debian 12 packages sitrep needs to build, run and test, when
# they are missing, then the tests' Node packages (tests/package.json, pinned
# by tests/package-lock.json) into tests/node_modules with `npm ci` when they
# are missing or the lock file changed.  Idempotent and silent when
# everything is present.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  gcc g++ pkg-config meson ninja-build
  libxapian-dev libmicrohttpd-dev libjansson-dev libyaml-dev
  python3 curl ca-certificates valgrind nodejs
  # the browser test of the web UI (tests/integration/test_webui.py)
  chromium
  # the soak (scripts/soak.sh, test_soak)
  wrk
  # scripts/fuzz.sh: clang, and libFuzzer (which clang only recommends)
  clang libclang-rt-14-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# Debian's nodejs comes without npm; other builds of nodejs (NodeSource's)
# bundle it and conflict with Debian's npm package, so ask for the command.
command -v npm >/dev/null || missing+=(npm)

node_modules() {
  # The stamp is the lock file's hash: a changed lock installs again.
  local stamp=tests/node_modules/.sitrep-lock.sha256 want
  want=$(cat tests/package.json tests/package-lock.json | sha256sum | cut -d' ' -f1)
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && return 0
  echo "install-deps: npm ci in tests/ (the tests' Node packages)" >&2
  local log=${TMPDIR:-/tmp}/sitrep-npm-ci.log
  if ! (cd tests && npm ci --no-audit --no-fund --loglevel=error) >"$log" 2>&1; then
    # Behind a proxy that re-signs TLS with a CA this system does not hold
    # (a fresh container on a machine that does), npm cannot check the
    # registry's certificate.  The lock file pins every package by its
    # sha512, which npm ci verifies whatever the transport, so retry once
    # without the certificate check rather than fail; any other error stops.
    if grep -qiE "certificate|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)" "$log"; then
      echo "install-deps: npm cannot verify the registry's TLS certificate here;" \
           "installing with the lock file's sha512 hashes as the check" >&2
      (cd tests && npm ci --no-audit --no-fund --loglevel=error --strict-ssl=false) >"$log" 2>&1 ||
        { cat "$log" >&2; return 1; }
    else
      cat "$log" >&2
      return 1
    fi
  fi
  echo "$want" >"$stamp"
}

if [ ${#missing[@]} -eq 0 ]; then
  node_modules
  exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
node_modules
