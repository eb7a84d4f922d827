#!/usr/bin/env bash
# Two compilers must accept the code: the project's TypeScript (5.9, strict) and tslab's bundled TypeScript 5.0.4,
# which compiles every src/ file a notebook imports (no DOM names, no TS >= 5.1 syntax).
set -euo pipefail
cd "$(dirname "$0")/.."
node node_modules/typescript/bin/tsc -p tsconfig.json
node node_modules/@tslab/typescript-for-tslab/bin/tsc -p tsconfig.json
echo "typecheck: TypeScript $(node node_modules/typescript/bin/tsc --version | cut -d' ' -f2) (strict) and tslab's $(node node_modules/@tslab/typescript-for-tslab/bin/tsc --version | cut -d' ' -f2) accept src/, test/ and scripts/"
