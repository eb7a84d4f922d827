#!/usr/bin/env bash
# The project's test command (README: `npm test`; .ci/run calls it). It installs what is missing, then runs
# every gate: both type checks, the unit tests, and (once notebooks exist) every notebook headlessly at the smoke preset.
set -euo pipefail
cd "$(dirname "$0")/.."
setup_args=()
ls notebooks/*.ipynb >/dev/null 2>&1 && setup_args+=(--jupyter)
bash scripts/setup.sh "${setup_args[@]}"
bash scripts/typecheck.sh
mapfile -t files < <(find test -name '*.test.ts' | sort)
if [ ${#files[@]} -eq 0 ]; then echo "test: no test files found under test/" >&2; exit 1; fi
node --import tsx --test --test-concurrency=2 "${files[@]}"
if ls notebooks/*.ipynb >/dev/null 2>&1 && [ -f scripts/run-notebooks.mjs ]; then
  node scripts/run-notebooks.mjs --preset smoke
fi
