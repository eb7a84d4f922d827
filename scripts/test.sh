#!/usr/bin/env bash
# The project's test command (README: `npm test`; .ci/run calls it). It installs what is missing (npm packages, the
# project's .venv with JupyterLab, Debian's Chromium), then runs every gate: both type checks, the unit tests, the
# browser test (JupyterLab from `npm start`'s script, driven by headless Chromium) and every numbered notebook
# (notebooks/NN-*.ipynb) headlessly at the smoke preset.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --lab --png
bash scripts/typecheck.sh
mapfile -t files < <(find test -name '*.test.ts' -not -path 'test/browser/*' | sort)
if [ ${#files[@]} -eq 0 ]; then echo "test: no test files found under test/" >&2; exit 1; fi
node --import tsx --test --test-concurrency=2 "${files[@]}"
mapfile -t browser < <(find test/browser -name '*.test.ts' | sort)
if [ ${#browser[@]} -eq 0 ]; then echo "test: no browser test found under test/browser/" >&2; exit 1; fi
node --import tsx --test "${browser[@]}"
if ls notebooks/[0-9][0-9]-*.ipynb >/dev/null 2>&1 && [ -f scripts/run-notebooks.mjs ]; then
  node scripts/run-notebooks.mjs --preset smoke
fi
