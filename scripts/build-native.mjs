#!/usr/bin/env node
// Compiles the C elementwise kernels (csrc/gru.c) for this machine: build/libgru.so, used by the `native` engine.
//   node scripts/build-native.mjs             always rebuild
//   node scripts/build-native.mjs --if-stale  rebuild only when build/libgru.so is missing or older than a source
// `-march=native`: the library is built where it runs (on first use, or by scripts/setup.sh) and uses that CPU's
// widest vectors. Needs a C compiler (`cc`; Debian: gcc). Writes to a temporary name and renames it into place.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'csrc', 'gru.c');
const out = join(root, 'build', 'libgru.so');
const ifStale = process.argv.includes('--if-stale');
const quiet = process.argv.includes('--quiet');
const cc = process.env.CC || 'cc';

const newest = Math.max(statSync(src).mtimeMs, statSync(fileURLToPath(import.meta.url)).mtimeMs);
if (ifStale && existsSync(out) && statSync(out).mtimeMs >= newest) {
  if (!quiet) console.error('build-native: build/libgru.so is up to date');
  process.exit(0);
}
mkdirSync(join(root, 'build'), { recursive: true });
const tmp = `${out}.${process.pid}.tmp`;
const t0 = Date.now();
try {
  execFileSync(cc, ['-O3', '-march=native', '-fPIC', '-shared', '-std=c11', '-o', tmp, src], { stdio: ['ignore', 'inherit', 'inherit'] });
  renameSync(tmp, out);
} catch (e) {
  rmSync(tmp, { force: true });
  console.error(`build-native: ${cc} failed: ${e.message.split('\n')[0]} (Debian: apt-get install gcc libc6-dev)`);
  process.exit(1);
}
if (!quiet) console.error(`build-native: built build/libgru.so (${statSync(out).size} bytes) in ${Date.now() - t0} ms`);
