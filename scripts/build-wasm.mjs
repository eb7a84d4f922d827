#!/usr/bin/env node
// Compiles the AssemblyScript kernels (asm/*.ts) to WebAssembly with SIMD: build/gru.wasm.
//   node scripts/build-wasm.mjs             always rebuild
//   node scripts/build-wasm.mjs --if-stale  rebuild only when build/gru.wasm is missing or older than a source
// Also called on first use by src/model/engine-wasm.ts when the output is missing, so a bare `npm ci` suffices.
// Writes to a temporary name and renames it into place, so a concurrent reader never sees a half-written module.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'asm', 'gru.ts');
const out = join(root, 'build', 'gru.wasm');
const ifStale = process.argv.includes('--if-stale');
const quiet = process.argv.includes('--quiet');

function newestSource() {
  const dir = join(root, 'asm');
  return Math.max(statSync(__filename()).mtimeMs,
    ...readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => statSync(join(dir, f)).mtimeMs));
}
function __filename() {
  return fileURLToPath(import.meta.url);
}

if (ifStale && existsSync(out) && statSync(out).mtimeMs >= newestSource()) {
  if (!quiet) console.error('build-wasm: build/gru.wasm is up to date');
  process.exit(0);
}

let asc;
try {
  asc = createRequire(import.meta.url).resolve('assemblyscript/bin/asc.js');
} catch {
  console.error('build-wasm: the assemblyscript package is not installed (run npm ci); cannot build build/gru.wasm');
  process.exit(1);
}
mkdirSync(join(root, 'build'), { recursive: true });
const tmp = `${out}.${process.pid}.tmp`;
const t0 = Date.now();
try {
  execFileSync(process.execPath, [asc, src, '-O3', '--runtime', 'stub', '--noAssert', '--enable', 'simd',
    '--outFile', tmp], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  renameSync(tmp, out);
} catch (e) {
  rmSync(tmp, { force: true });
  console.error(`build-wasm: asc failed: ${e.message}`);
  process.exit(1);
}
if (!quiet) console.error(`build-wasm: built build/gru.wasm (${statSync(out).size} bytes) in ${Date.now() - t0} ms`);
