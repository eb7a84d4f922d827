#!/usr/bin/env bash
# `npm run report`: executes every numbered notebook (notebooks/NN-*.ipynb; not scratch notebooks, not analysis/)
# headlessly against the results in data/ (ICL_NOTEBOOK_MODE=load, the largest scale present) and writes one
# self-contained HTML report per notebook to reports/<name>.html (git-ignored).
#
#   npm run report                   # all notebooks, interactive plotly figures (bundle inlined once per report)
#   npm run report -- --png 00 01    # named notebooks, static PNG figures (rendered in Debian's Chromium)
#
# Notebooks that fail are reported with their failing cell's error (scripts/run-notebooks.mjs) and get no report;
# the others still do, and the command then exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."
figures=html
names=()
for arg in "$@"; do
  case "$arg" in
    --png) figures=png ;;
    --html) figures=html ;;
    -*) echo "report.sh: unknown option $arg (allowed: --png, --html, notebook names)" >&2; exit 2 ;;
    *) names+=("$arg") ;;
  esac
done
setup_args=(--jupyter)
[ "$figures" = png ] && setup_args+=(--png)
bash scripts/setup.sh "${setup_args[@]}"

executed=reports/.executed
rm -rf "$executed"
mkdir -p "$executed"
status=0
node scripts/run-notebooks.mjs --mode load --figures "$figures" --out "$executed" --keep-going "${names[@]}" || status=$?

shopt -s nullglob
written=("$executed"/*.ipynb)
if [ ${#written[@]} -gt 0 ]; then
  py=.venv/bin/python   # the project's nbconvert (scripts/setup.sh), else Debian's
  "$py" -c 'import nbconvert' 2>/dev/null || py=/usr/bin/python3
  PYDEVD_DISABLE_FILE_VALIDATION=1 "$py" -m nbconvert --to html --output-dir reports --log-level WARN "${written[@]}"
  for nb in "${written[@]}"; do
    html="reports/$(basename "${nb%.ipynb}").html"
    echo "report: $html ($(( $(stat -c %s "$html") / 1024 )) KB)"
  done
fi
rm -rf "$executed"
exit "$status"
