/**
 * The C elementwise kernels of the `native` engine (`csrc/gru.c`, built for this machine by
 * `scripts/build-native.mjs` into `build/libgru.so`), loaded through koffi. They are the same two per-step passes as
 * the WebAssembly kernels' `forwardStep` / `backwardStep` (same arguments: byte offsets into the engine's
 * WebAssembly memory), compiled with `-march=native` so the loops over hidden units use the CPU's widest vectors:
 * 2.5–3× the 128-bit WebAssembly SIMD on this machine's AVX-512 cores (BENCHMARKS.md).
 *
 * The library is built on first use when missing or older than its source, like the WebAssembly module (not when
 * `ICL_NATIVE_LIB` names one).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { lazy } from './lazy';

const ROOT = resolve(__dirname, '..', '..');
/** The compiled library (`ICL_NATIVE_LIB` names another one, e.g. built elsewhere). */
export const NATIVE_PATH = process.env.ICL_NATIVE_LIB || join(ROOT, 'build', 'libgru.so');
const SOURCE = join(ROOT, 'csrc', 'gru.c');

/** The per-step passes, with the memory they work in passed first (a view of the whole buffer, no copy). */
export interface NativeKernels {
  forwardStep(
    mem: Uint8Array, b: number, t: number, s: number, d: number, hp: number, k: number, x: number, hs: number, cache: number,
    out: number, wf: number, bf: number, bhn: number, woT: number, bo: number, gh: number, scratch: number,
  ): void;
  backwardStep(
    mem: Uint8Array, b: number, t: number, s: number, d: number, hp: number, k: number, x: number, hs: number, cache: number,
    dOut: number, woT: number, dG: number, dhNext: number, dhPrev: number, gX: number, gGi: number, gHn: number,
    gWoT: number, gBo: number, scratch: number,
  ): void;
}

type KoffiFn = (...args: unknown[]) => unknown;
interface Koffi { load(path: string): { func(signature: string): KoffiFn } }

/** Builds the library when missing or stale, then loads it. */
function load(): NativeKernels {
  const stale = !process.env.ICL_NATIVE_LIB &&
    (!existsSync(NATIVE_PATH) || (existsSync(SOURCE) && statSync(SOURCE).mtimeMs > statSync(NATIVE_PATH).mtimeMs));
  if (stale) {
    try {
      execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-native.mjs'), '--if-stale', '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (e) {
      const why = (e as { stderr?: Buffer }).stderr?.toString().trim() || String(e);
      if (!existsSync(NATIVE_PATH)) throw new Error(`cannot build ${NATIVE_PATH}: ${why}`);
      process.emitWarning(`native: ${NATIVE_PATH} is older than csrc/ and rebuilding failed (${why}); using it anyway`);
    }
  }
  let koffi: Koffi;
  try {
    koffi = require('koffi') as Koffi;
  } catch (e) {
    throw new Error(`the npm package koffi does not load (${e instanceof Error ? e.message.split('\n')[0] : String(e)}); run npm ci`);
  }
  let lib: ReturnType<Koffi['load']>;
  try {
    lib = koffi.load(NATIVE_PATH);
  } catch (e) {
    throw new Error(`${NATIVE_PATH}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const sz = (names: string) => names.split(' ').map((n) => `size_t ${n}`).join(', ');
  const fwd = lib.func(`void forward_step(uint8_t *mem, int b, int t, int s, int d, int hp, int k, ${sz('x hs cache out wf bf bhn woT bo gh scratch')})`);
  const bwd = lib.func(`void backward_step(uint8_t *mem, int b, int t, int s, int d, int hp, int k, ${sz('x hs cache dOut woT dG dhNext dhPrev gX gGi gHn gWoT gBo scratch')})`);
  return { forwardStep: fwd, backwardStep: bwd };
}

const kernels = lazy('native kernels', load);

/**
 * The kernels, loaded (and built when missing or stale) on first call.
 * @throws naming what is missing: koffi, a C compiler, or the library
 */
export const nativeKernels = (): NativeKernels => kernels.get();

/** True when `nativeKernels()` loads (never throws). */
export const nativeAvailable = (): boolean => kernels.available();
/** Why the kernels are unavailable, or null when they load. */
export const nativeFailure = (): string | null => kernels.failure();
