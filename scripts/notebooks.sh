#!/usr/bin/env bash
# The README's main command (`npm start`): installs what is missing, registers the project's tslab kernel, and serves
# the project in JupyterLab on this machine only (127.0.0.1, token authentication), opened at notebooks/.
#
#   npm start                 # or: bash scripts/notebooks.sh [--port N] [--figures plotly|png|html] [--dir DIR] [--classic]
#
#   --port N       serve on port N (default: a free port)
#   --figures F    how notebooks show figures (ICL_FIGURES): plotly (default in JupyterLab: plotly's own MIME type,
#                  drawn by JupyterLab's plotly renderer, which keeps a small PNG beside it when the notebook is
#                  saved), png (static images, rendered in Debian's Chromium), html (the plotly library inlined: the
#                  classic Notebook's way, ~10 MB per saved notebook)
#   --dir DIR      serve DIR instead of the project (the kernel still runs in the project, so `./src/...` imports work)
#   --classic      Debian's classic Jupyter Notebook instead of JupyterLab (also the fallback where pip cannot install
#                  JupyterLab)
#
# JupyterLab comes from the git-ignored .venv (scripts/setup.sh --lab, pinned in requirements.txt). The kernelspec
# (kernel name "tslab-icl", shown as "TypeScript (icl-coop)", the default kernel of new notebooks) is written to the
# git-ignored .jupyter/ folder and found through JUPYTER_PATH; JupyterLab's workspaces and settings also stay in
# .jupyter/. Nothing is written into the user's own Jupyter configuration. Each server logs to its own file in
# .jupyter/logs/. Stop the server with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
port=""
figures="${ICL_FIGURES:-}"
dir="$root"
classic=0
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --figures) figures="$2"; shift 2 ;;
    --dir) dir="$(cd "$2" && pwd)"; shift 2 ;;
    --classic) classic=1; shift ;;
    *) echo "notebooks.sh: unknown option $1 (allowed: --port N, --figures plotly|png|html, --dir DIR, --classic)" >&2; exit 2 ;;
  esac
done
setup_args=(--lab)
[ "$figures" = png ] && setup_args+=(--png)
bash scripts/setup.sh "${setup_args[@]}"

if [ "$classic" = 0 ] && [ ! -x .venv/bin/jupyter-lab ]; then
  echo "notebooks: JupyterLab is not installed in .venv (pip could not install it, see above); serving Debian's classic Jupyter Notebook instead" >&2
  classic=1
fi
if [ "$classic" = 1 ] && [ ! -x /usr/bin/jupyter-notebook ]; then
  bash scripts/setup.sh --classic || true
  [ -x /usr/bin/jupyter-notebook ] || { echo "notebooks: neither JupyterLab (.venv) nor Debian's jupyter-notebook could be installed" >&2; exit 1; }
fi
# The classic Notebook has no plotly renderer: there figures inline the library (html).
[ -z "$figures" ] && { [ "$classic" = 1 ] && figures=html || figures=plotly; }

JUPYTER_PATH="$(node scripts/kernelspec.mjs)${JUPYTER_PATH:+:$JUPYTER_PATH}"
export JUPYTER_PATH
export ICL_FIGURES="$figures"
export PYDEVD_DISABLE_FILE_VALIDATION=1   # silences a debugger warning of Python 3.11 at every start
if [ "$classic" = 1 ]; then py=/usr/bin/python3; else py="$root/.venv/bin/python"; fi

if [ -z "$port" ]; then
  port="$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
fi
token="$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
mkdir -p "$root/.jupyter/logs"
log="$root/.jupyter/logs/server-$(date +%Y%m%d-%H%M%S)-port-$port.log"
# Each server has its own log; the 20 newest are kept.
ls -1t "$root"/.jupyter/logs/server-*.log 2>/dev/null | tail -n +20 | xargs -r rm -f || true   # none yet: ls fails
extra=()
[ "$(id -u)" = 0 ] && extra+=(--allow-root)   # containers and CI machines often run as root; Jupyter refuses that otherwise

# The folder to open first: notebooks/ when serving the project.
open_path=""
[ "$dir" = "$root" ] && open_path="notebooks"

if [ "$classic" = 1 ]; then
  name="Jupyter Notebook (classic, Debian)"
  url="http://127.0.0.1:${port}/tree/${open_path}?token=${token}"
  "$py" -m notebook --no-browser --ip=127.0.0.1 --port="$port" --NotebookApp.port_retries=0 \
    --NotebookApp.token="$token" --notebook-dir="$dir" \
    --MappingKernelManager.default_kernel_name=tslab-icl "${extra[@]}" >"$log" 2>&1 &
else
  name="JupyterLab $("$py" -c 'import jupyterlab; print(jupyterlab.__version__)')"
  url="http://127.0.0.1:${port}/lab/tree/${open_path}?token=${token}"
  node scripts/lab-settings.mjs "$root/.venv"
  "$py" -m jupyterlab --no-browser --ip=127.0.0.1 --port="$port" --ServerApp.port_retries=0 \
    --IdentityProvider.token="$token" --ServerApp.root_dir="$dir" \
    --MappingKernelManager.default_kernel_name=tslab-icl \
    --LabApp.workspaces_dir="$root/.jupyter/lab/workspaces" --LabApp.user_settings_dir="$root/.jupyter/lab/user-settings" \
    --ServerApp.open_browser=False "${extra[@]}" >"$log" 2>&1 &
fi
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM

for _ in $(seq 1 240); do
  if ! kill -0 "$server" 2>/dev/null; then
    echo "notebooks: $name did not start; its log ($log):" >&2; cat "$log" >&2; exit 1
  fi
  if curl -fsS -o /dev/null "http://127.0.0.1:${port}/api/status?token=${token}" 2>/dev/null; then break; fi
  sleep 0.25
done
curl -fsS -o /dev/null "http://127.0.0.1:${port}/api/status?token=${token}" ||
  { echo "notebooks: $name is not answering on port $port; its log: $log" >&2; exit 1; }

cat <<MSG
$name is serving $dir with the kernel "TypeScript (icl-coop)" (tslab-icl) as the default.
Open this URL in a browser on this machine (the token is the password; keep it private):

    $url

Figures: $figures (--figures plotly|png|html). Server log: $log
Press Ctrl-C to stop the server.
MSG
wait "$server"
