#!/usr/bin/env bash
# Installs what the project needs on this machine, only where it is missing:
#   - npm packages from package-lock.json (npm ci), when node_modules is absent or older than the lock file;
#   - the WebAssembly kernels (npm run build:wasm), when missing or older than their sources;
#   - Debian's OpenBLAS (libopenblas0-pthread) and a C compiler (gcc), for the fast `native` engine (the BLAS for
#     the matrix products, csrc/gru.c built for this CPU for the rest); without them everything still runs on the
#     blas or wasm-simd engine, and one line says so;
#   - Debian's redis-server, for the job queue's end-to-end test (src/queue/; the test starts its own server on a free
#     loopback port and stops it; Debian's package may also enable a system service bound to 127.0.0.1:6379);
#   - with --lab: the project's Python environment .venv (git-ignored) with the pinned JupyterLab, plotly's
#     JupyterLab renderer, nbclient and nbconvert of requirements.txt, through pip. Where pip cannot install them
#     (no index reachable, no venv module), it says so and installs Debian's classic Jupyter Notebook instead;
#   - with --jupyter: what the headless notebook runner needs: the same .venv, or failing that Debian's nbclient,
#     nbconvert and jupyter-client;
#   - with --classic: Debian's classic Jupyter Notebook (and nbclient), whatever pip can do (`npm start -- --classic`);
#   - with --png (or --browser): Debian's Chromium, which renders PNG figures (src/report/display.ts, through
#     playwright-core) and runs the browser test.
# Safe to run repeatedly; says clearly what it could not install. Exit code 0 unless something required failed.
set -euo pipefail
cd "$(dirname "$0")/.."
want_lab=0; want_jupyter=0; want_png=0; want_classic=0
for arg in "$@"; do
  case "$arg" in
    --lab|--ui) want_lab=1; want_jupyter=1 ;;
    --jupyter) want_jupyter=1 ;;
    --classic) want_classic=1 ;;
    --png|--browser) want_png=1 ;;
    *) echo "setup.sh: unknown option $arg (allowed: --lab, --jupyter, --classic, --png)" >&2; exit 2 ;;
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
  if ! command -v apt-get >/dev/null 2>&1; then echo "setup: no apt-get here to install $*" >&2; return 1; fi
  if [ -z "${SETUP_APT_UPDATED:-}" ]; then $sudo apt-get update -qq >&2 || true; export SETUP_APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >&2
}

if ! /sbin/ldconfig -p 2>/dev/null | grep -q 'libopenblas\.so\.0'; then
  echo "setup: installing Debian's OpenBLAS (libopenblas0-pthread) for the blas engine" >&2
  apt_install libopenblas0-pthread ||
    echo "setup: could not install libopenblas0-pthread: the engine falls back to wasm-simd (~3x slower, BENCHMARKS.md)" >&2
fi

if ! command -v cc >/dev/null 2>&1; then
  echo "setup: installing a C compiler (gcc) for the native engine's kernels" >&2
  apt_install gcc libc6-dev || echo "setup: could not install gcc: the engine falls back to blas (slower, BENCHMARKS.md)" >&2
fi
if command -v cc >/dev/null 2>&1; then node scripts/build-native.mjs --if-stale >&2 || true; fi

if ! command -v redis-server >/dev/null 2>&1; then
  echo "setup: installing Debian's redis-server (the job queue's end-to-end test starts one on loopback)" >&2
  apt_install redis-server || echo "setup: could not install redis-server: the job queue's end-to-end test will fail" >&2
fi

if ! command -v pgrep >/dev/null 2>&1; then
  echo "setup: installing Debian's procps (pgrep: scripts/park.sh finds the running experiments with it)" >&2
  apt_install procps || echo "setup: could not install procps: scripts/park.sh and its test will fail" >&2
fi

# The project's Python environment. The stamp records which requirements.txt it was built from, so a changed pin
# re-runs pip. `--retries 0`: where the index is unreachable pip fails at once instead of retrying for minutes.
venv=.venv
stamp="$venv/.requirements.txt"
venv_ready() { [ -x "$venv/bin/jupyter-lab" ] && [ -f "$stamp" ] && cmp -s requirements.txt "$stamp"; }
make_venv() {
  local py
  py="$(command -v python3 || true)"
  if [ -z "$py" ]; then echo "setup: no python3 on PATH" >&2; return 1; fi
  if [ ! -x "$venv/bin/pip" ]; then
    rm -rf "$venv"
    if ! "$py" -m venv "$venv" >&2 2>/dev/null; then
      # Debian's python3 needs python3-venv (ensurepip) for this.
      rm -rf "$venv"
      apt_install python3-venv || true
      "$py" -m venv "$venv" >&2 || { rm -rf "$venv"; return 1; }
    fi
  fi
  echo "setup: installing JupyterLab, plotly, nbclient and nbconvert into $venv (pip, pinned in requirements.txt)" >&2
  "$venv/bin/pip" install --quiet --retries 0 --disable-pip-version-check -r requirements.txt >&2 || return 1
  cp requirements.txt "$stamp"
}

lab_ok=1
if [ "$want_jupyter" = 1 ] && ! venv_ready; then
  if ! make_venv; then
    lab_ok=0
    echo "setup: pip could not install JupyterLab into $venv (see above: no package index reachable?)." >&2
    echo "setup: falling back to Debian's packages: the classic Jupyter Notebook for npm start, nbclient for the headless runs." >&2
  fi
fi

if { [ "$want_jupyter" = 1 ] && [ "$lab_ok" = 0 ]; } || [ "$want_classic" = 1 ]; then
  [ "$want_classic" = 1 ] && want_lab=1
  pkgs=()
  [ -x /usr/bin/jupyter-nbconvert ] || pkgs+=(jupyter-nbconvert)
  /usr/bin/python3 -c 'import nbclient' 2>/dev/null || pkgs+=(python3-nbclient)
  /usr/bin/python3 -c 'import jupyter_client' 2>/dev/null || pkgs+=(jupyter-client)
  if [ "$want_lab" = 1 ]; then [ -x /usr/bin/jupyter-notebook ] || pkgs+=(jupyter-notebook); fi
  if [ ${#pkgs[@]} -gt 0 ]; then
    echo "setup: installing Debian packages: ${pkgs[*]}" >&2
    apt_install "${pkgs[@]}" || { echo "setup: could not install ${pkgs[*]} either" >&2; exit 1; }
  fi
fi

if [ "$want_png" = 1 ] && [ ! -x /usr/bin/chromium ]; then
  echo "setup: installing Debian's chromium (PNG figures and the browser test)" >&2
  apt_install chromium || { echo "setup: could not install chromium: PNG figures and the browser test are unavailable (interactive figures still work)" >&2; exit 1; }
fi
