#!/usr/bin/env bash
# The README's main command (`npm start`): installs what is missing, registers the project's tslab kernel, and serves
# the notebooks with Debian's Jupyter Notebook on this machine only (127.0.0.1, token authentication kept).
#
#   npm start                    # or: bash scripts/notebooks.sh [--port N] [--figures png|html]
#
# The kernelspec (kernel name "tslab-icl", shown as "TypeScript (icl-coop)") is written to the git-ignored .jupyter/
# folder and found through JUPYTER_PATH; nothing is installed into the user's own Jupyter configuration.
# Stop the server with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
port=""
figures="${ICL_FIGURES:-html}"
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --figures) figures="$2"; shift 2 ;;
    *) echo "notebooks.sh: unknown option $1 (allowed: --port N, --figures png|html)" >&2; exit 2 ;;
  esac
done
setup_args=(--ui)
[ "$figures" = png ] && setup_args+=(--png)
bash scripts/setup.sh "${setup_args[@]}"

JUPYTER_PATH="$(node scripts/kernelspec.mjs)${JUPYTER_PATH:+:$JUPYTER_PATH}"
export JUPYTER_PATH
export ICL_FIGURES="$figures"
export PYDEVD_DISABLE_FILE_VALIDATION=1   # silences a debugger warning of Debian's Python 3.11 at every start
py=/usr/bin/python3   # Debian's Python: the one that has Jupyter (the python3 first on PATH may not)

if [ -z "$port" ]; then
  port="$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
fi
token="$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
url="http://127.0.0.1:${port}/tree?token=${token}"
log="$root/.jupyter/notebook-server.log"
extra=()
[ "$(id -u)" = 0 ] && extra+=(--allow-root)   # containers and CI machines often run as root; Jupyter refuses that otherwise

"$py" -m notebook --no-browser --ip=127.0.0.1 --port="$port" --NotebookApp.port_retries=0 \
  --NotebookApp.token="$token" --notebook-dir="$root/notebooks" "${extra[@]}" >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM

for _ in $(seq 1 120); do
  if ! kill -0 "$server" 2>/dev/null; then
    echo "notebooks: Jupyter Notebook did not start; its log ($log):" >&2; cat "$log" >&2; exit 1
  fi
  if curl -fsS -o /dev/null "http://127.0.0.1:${port}/api/status?token=${token}" 2>/dev/null; then break; fi
  sleep 0.25
done
curl -fsS -o /dev/null "http://127.0.0.1:${port}/api/status?token=${token}" ||
  { echo "notebooks: Jupyter Notebook is not answering on port $port; its log: $log" >&2; exit 1; }

cat <<MSG
Jupyter Notebook is serving $root/notebooks with the kernel "TypeScript (icl-coop)" (tslab-icl).
Open this URL in a browser on this machine (the token is the password; keep it private):

    $url

Figures: $figures (set ICL_FIGURES=png or --figures png for static images). Server log: $log
Press Ctrl-C to stop the server.
MSG
wait "$server"
