/**
 * A native single-precision matrix product for the `blas` engine: `cblas_sgemm` of a system BLAS, called through
 * koffi (an FFI whose prebuilt binary ships inside its npm package, so nothing is compiled or downloaded).
 *
 * Why: the GRU's products are 70 % of an update, and 128-bit WebAssembly SIMD caps them at ~37 GFLOP/s here, while
 * OpenBLAS's AVX-512 kernels reach 100–150 GFLOP/s on one thread for exactly these shapes (BENCHMARKS.md). The
 * operands live in a `WebAssembly.Memory`: `Float32Array` views of it pass to C as pointers without a copy, with
 * ~0.2 µs of overhead per call.
 *
 * Which library: `ICL_BLAS_LIB` (a file name or path) when set, else Debian's OpenBLAS (`libopenblas0-pthread`,
 * `libopenblas.so.0`). Threads: `ICL_BLAS_THREADS` (default 1: a run uses its two cores through two threads of its
 * own, and two BLAS threads on two shared cores measured slower than one).
 */
/** Row-major C = α·op(A)·op(B) + β·C on float32 arrays at byte offsets of one buffer. */
export interface Blas {
  /** What was loaded, e.g. `OpenBLAS 0.3.21 … (Cooperlake kernel), 1 thread`. */
  readonly description: string;
  /**
   * Whether a row of C comes out the same, bit for bit, wherever it sits in a product and however many rows share
   * it (measured once at load). True for OpenBLAS's AVX-512 kernels; false for its Haswell kernel, which OpenBLAS
   * also picks on AMD Zen: that one rounds a row differently by its place in a tile of 12 rows and in the last,
   * partial tile. Where false, a batch split between two threads, or matchups played together rather than one by
   * one, agree with one call only to float32 rounding.
   */
  readonly rowsIndependent: boolean;
  sgemm(
    buffer: ArrayBuffer, transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
    a: number, lda: number, b: number, ldb: number, beta: number, c: number, ldc: number,
  ): void;
}

import { lazy } from './lazy';
import { seeded } from '../rng';

const ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112;

/** The library names tried, in order. */
function candidates(): string[] {
  const forced = process.env.ICL_BLAS_LIB;
  return forced ? [forced] : ['libopenblas.so.0', 'libopenblas.so'];
}

const library = lazy('blas engine', load);

/**
 * The BLAS, loaded on first call.
 * @throws naming what is missing (koffi, the library, or its `cblas_sgemm`) and how to install it
 */
export const blas = (): Blas => library.get();
/** True when `blas()` loads (never throws). */
export const blasAvailable = (): boolean => library.available();
/** Why the BLAS is unavailable, or null when it loads. */
export const blasFailure = (): string | null => library.failure();

type KoffiFn = (...args: unknown[]) => unknown;
interface KoffiLib { func(signature: string): KoffiFn }
interface Koffi { load(path: string): KoffiLib }

function load(): Blas {
  let koffi: Koffi;
  try {
    koffi = require('koffi') as Koffi;
  } catch (e) {
    throw new Error(`the npm package koffi does not load (${e instanceof Error ? e.message.split('\n')[0] : String(e)}); run npm ci`);
  }
  let lib: KoffiLib | null = null;
  let name = '';
  const errors: string[] = [];
  for (const c of candidates()) {
    try {
      lib = koffi.load(c);
      name = c;
      break;
    } catch (e) {
      errors.push(`${c}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (!lib) {
    throw new Error(`no BLAS library found (${errors.join('; ')}); on Debian: apt-get install libopenblas0-pthread`);
  }
  const gemm = lib.func('void cblas_sgemm(int order, int transA, int transB, int m, int n, int k, float alpha, ' +
    'float *a, int lda, float *b, int ldb, float beta, _Inout_ float *c, int ldc)');
  const optional = (sig: string): KoffiFn | null => {
    try {
      return lib!.func(sig);
    } catch {
      return null;
    }
  };
  const threads = Number(process.env.ICL_BLAS_THREADS ?? 1);
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`ICL_BLAS_THREADS must be a positive integer, got '${process.env.ICL_BLAS_THREADS}'`);
  const setThreads = optional('void openblas_set_num_threads(int n)');
  // OpenBLAS's thread count is per process; every thread of ours sets the same value, so the order does not matter.
  if (setThreads) setThreads(threads);
  const config = optional('const char *openblas_get_config()');
  const core = optional('const char *openblas_get_corename()');
  const what = config ? `${String(config())}${core ? ` (${String(core())} kernel)` : ''}` : name;
  const description = `${what}, ${threads} thread${threads === 1 ? '' : 's'}`;
  const call = (m: number, n: number, k: number, a: Float32Array, b: Float32Array, c: Float32Array): void => {
    gemm(ROW_MAJOR, NO_TRANS, NO_TRANS, m, n, k, 1, a, k, b, n, 0, c, n);
  };
  return {
    description,
    rowsIndependent: rowsIndependent(call),
    sgemm(buffer, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) {
      // Views sized to what the product reads or writes (koffi passes their start as the pointer, no copy).
      const aRows = transA ? k : m, bRows = transB ? n : k;
      gemm(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k, alpha,
        new Float32Array(buffer, a, (aRows - 1) * lda + (transA ? m : k)), lda,
        new Float32Array(buffer, b, (bRows - 1) * ldb + (transB ? k : n)), ldb, beta,
        new Float32Array(buffer, c, (m - 1) * ldc + n), ldc);
    },
  };
}

/**
 * Probes a row-major C = A·B for rows whose result depends on their neighbours: products of 1 to 20 rows taken at
 * several offsets of one 48-row A, each row compared with the same row of the 48-row product.
 */
export function rowsIndependent(gemm: (m: number, n: number, k: number, a: Float32Array, b: Float32Array, c: Float32Array) => void): boolean {
  const M = 48, K = 64, N = 48;
  const r = seeded('rows-independent'), next = (): number => r.normal();
  const a = Float32Array.from({ length: M * K }, next), b = Float32Array.from({ length: K * N }, next);
  const whole = new Float32Array(M * N);
  gemm(M, N, K, a, b, whole);
  for (const [from, rows] of [[0, 1], [0, 5], [0, 7], [1, 12], [3, 4], [5, 3], [6, 6], [0, 13], [7, 20]]) {
    const c = new Float32Array(rows * N);
    gemm(rows, N, K, a.subarray(from * K, (from + rows) * K), b, c);
    for (let i = 0; i < rows * N; i++) if (c[i] !== whole[from * N + i]) return false;
  }
  return true;
}
