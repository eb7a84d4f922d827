#!/usr/bin/env bash
# Installs what the project needs on this machine, only where it is missing:
#   - npm packages from package-lock.json (npm ci), when node_modules is absent or older than the lock file;
#   - the WebAssembly kernels (npm run build:wasm), when missing or older than their sources;
#   - Debian's OpenBLAS (libopenblas0-pthread) and a C compiler (gcc), for the fast `native` engine (the BLAS for
#     the matrix products, csrc/gru.c built for this CPU for the rest); without them everything still runs on the
#     blas or wasm-simd engine, and one line says so;
#   - Debian's redis-server, for the job queue's end-to-end test (src/queue/; the test starts its own server on a free
#     loopback port and stops it; Debian's package may also enable a system service bound to 127.0.0.1:6379);
#   - with --jupyter: Debian's Jupyter (nbconvert, nbclient, jupyter-client, and with --ui also jupyter-notebook);
#   - with --png: Debian's Chromium, which renders the PNG figures (src/report/display.ts, through playwright-core).
# Safe to run repeatedly; says clearly what it could not install.
set -euo pipefail
cd "$(dirname "$0")/.."
want_jupyter=0; want_ui=0; want_png=0
for arg in "$@"; do
  case "$arg" in
    --jupyter) want_jupyter=1 ;;
    --ui) want_jupyter=1; want_ui=1 ;;
    --png) want_png=1 ;;
    *) echo "setup.sh: unknown option $arg (allowed: --jupyter, --ui, --png)" >&2; exit 2 ;;
  esac
done

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages (npm ci)" >&2
  npm ci --no-audit --no-fund >&2
fi

if [ -f scripts/build-wasm.mjs ]; then node scripts/build-wasm.mjs --if-stale >&2; fi

apt_install() {
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "setup: cannot install Debian packages $* (not root and no sudo); install them and re-run" >&2; return 1
    fi
  fi
  if [ -z "${SETUP_APT_UPDATED:-}" ]; then $sudo apt-get update -qq >&2 || true; export SETUP_APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >&2
}

if ! /sbin/ldconfig -p 2>/dev/null | grep -q 'libopenblas\.so\.0'; then
  echo "setup: installing Debian's OpenBLAS (libopenblas0-pthread) for the blas engine" >&2
  apt_install libopenblas0-pthread ||
    echo "setup: could not install libopenblas0-pthread: the engine falls back to wasm-simd (2-3x slower)" >&2
fi

if ! command -v cc >/dev/null 2>&1; then
  echo "setup: installing a C compiler (gcc) for the native engine's kernels" >&2
  apt_install gcc libc6-dev || echo "setup: could not install gcc: the engine falls back to blas (1.5x slower)" >&2
fi
if command -v cc >/dev/null 2>&1; then node scripts/build-native.mjs --if-stale >&2 || true; fi

if ! command -v redis-server >/dev/null 2>&1; then
  echo "setup: installing Debian's redis-server (the job queue's end-to-end test starts one on loopback)" >&2
  apt_install redis-server || echo "setup: could not install redis-server: the job queue's end-to-end test will fail" >&2
fi

if [ "$want_jupyter" = 1 ]; then
  pkgs=()
  [ -x /usr/bin/jupyter-nbconvert ] || pkgs+=(jupyter-nbconvert)
  /usr/bin/python3 -c 'import nbclient' 2>/dev/null || pkgs+=(python3-nbclient)
  /usr/bin/python3 -c 'import jupyter_client' 2>/dev/null || pkgs+=(jupyter-client)
  if [ "$want_ui" = 1 ]; then [ -x /usr/bin/jupyter-notebook ] || pkgs+=(jupyter-notebook); fi
  if [ ${#pkgs[@]} -gt 0 ]; then
    echo "setup: installing Debian packages: ${pkgs[*]}" >&2
    apt_install "${pkgs[@]}" || { echo "setup: could not install ${pkgs[*]}" >&2; exit 1; }
  fi
fi

if [ "$want_png" = 1 ] && [ ! -x /usr/bin/chromium ]; then
  echo "setup: installing Debian's chromium (for PNG figures)" >&2
  apt_install chromium || { echo "setup: could not install chromium: PNG figures are unavailable (interactive HTML figures still work)" >&2; exit 1; }
fi
