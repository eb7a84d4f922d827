/**
 * Picks and builds the engine that runs a network's arithmetic (see `engine.ts` for the five kinds).
 *
 * Order of precedence: an explicit `engine` option, else the `ICL_ENGINE` environment variable
 * (`native` | `blas` | `wasm-simd` | `js` | `tfjs`), else the fastest available: `native` when the WebAssembly
 * kernels load, a BLAS library is found (`blas.ts`) and the C kernels build (`native.ts`), else `blas`, else
 * `wasm-simd` (one warning line says why), else `js`. `tfjs` is never
 * chosen automatically: on this machine's wasm backend it is far slower than `js` (BENCHMARKS.md); it exists as the
 * autodiff reference.
 */
import type { Engine, EngineKind } from './engine';
import { ENGINE_KINDS } from './engine';
import { projectRelative } from '../paths';
import type { ParamLayout } from './layout';
import { createJsEngine } from './engine-js';

const factories: Partial<Record<EngineKind, (layout: ParamLayout) => Engine>> = { js: createJsEngine };
const probes: Partial<Record<EngineKind, () => boolean>> = { js: () => true };

/** Registers an engine implementation (used by the engine modules themselves). */
export function registerEngine(kind: EngineKind, factory: (layout: ParamLayout) => Engine, available: () => boolean): void {
  factories[kind] = factory;
  probes[kind] = available;
}

/** Parses an engine name; throws naming the allowed values. */
export function parseEngineKind(name: string, where = 'ICL_ENGINE'): EngineKind {
  if ((ENGINE_KINDS as readonly string[]).includes(name)) return name as EngineKind;
  throw new RangeError(`${where}: unknown engine '${name}' (allowed: ${ENGINE_KINDS.join(', ')})`);
}

const warned = new Set<string>();
/** One line on stderr, once per process (a slower engine is worth knowing about, not worth a stack trace). */
function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  process.stderr.write(`engine: ${message}\n`);
}

/** The engine a new network gets: `preferred`, else `ICL_ENGINE`, else the fastest available. */
export function resolveEngineKind(preferred?: EngineKind): EngineKind {
  const fromEnv = process.env.ICL_ENGINE;
  const kind = preferred ?? (fromEnv ? parseEngineKind(fromEnv) : undefined);
  if (kind) {
    ensureLoaded(kind);
    // A forced engine that cannot run surfaces its reason instead of silently running a slower one.
    if (kind === 'native' || kind === 'blas' || kind === 'wasm-simd') (require('./engine-wasm') as typeof import('./engine-wasm')).wasmModule();
    if (kind === 'native' || kind === 'blas') (require('./blas') as typeof import('./blas')).blas();
    if (kind === 'native') (require('./native') as typeof import('./native')).nativeKernels();
    return kind;
  }
  ensureLoaded('wasm-simd');
  if (probes['wasm-simd']?.()) {
    ensureLoaded('blas');
    if (!probes.blas?.()) {
      warnOnce(`using the wasm-simd engine, ~3x slower than native on an A2C iteration (BENCHMARKS.md): ${(require('./blas') as typeof import('./blas')).blasFailure()}`);
      return 'wasm-simd';
    }
    ensureLoaded('native');
    if (probes.native?.()) return 'native';
    warnOnce(`using the blas engine, slower than native (BENCHMARKS.md): ${(require('./native') as typeof import('./native')).nativeFailure()}`);
    return 'blas';
  }
  let why = '';
  try {
    (require('./engine-wasm') as typeof import('./engine-wasm')).wasmModule();
  } catch (e) {
    why = e instanceof Error ? e.message : String(e);
  }
  warnOnce(`falling back to the js engine, ~100x slower: ${why}`);
  return 'js';
}

/**
 * Threads per network: `preferred`, else `ICL_THREADS` (1 or 2), else 1. The runner sets `ICL_THREADS` for each
 * seed from the cores and `--jobs`; two threads split every batch with a worker thread (`parallel.ts`).
 */
export function resolveThreads(preferred?: number): number {
  const raw = preferred ?? (process.env.ICL_THREADS ? Number(process.env.ICL_THREADS) : 1);
  if (raw !== 1 && raw !== 2) {
    throw new RangeError(`${preferred === undefined ? 'ICL_THREADS' : 'threads'}: must be 1 or 2, got '${preferred ?? process.env.ICL_THREADS}'`);
  }
  return raw;
}

/** Builds an engine of `kind` for `layout`, on `threads` threads (2 splits each batch with a worker thread). */
export function createEngine(kind: EngineKind, layout: ParamLayout, threads = 1): Engine {
  ensureLoaded(kind);
  const f = factories[kind];
  if (!f) throw new Error(`engine '${kind}' is not available`);
  const engine = f(layout);
  if (threads < 2 || kind === 'js' || kind === 'tfjs') return engine;
  return (require('./parallel') as typeof import('./parallel')).createSplitEngine(engine, layout);
}

/** Loads the module of an engine on first need (keeps tfjs out of processes that never use it). */
function ensureLoaded(kind: EngineKind): void {
  if (factories[kind]) return;
  if (kind === 'wasm-simd') {
    const m = require('./engine-wasm') as typeof import('./engine-wasm');
    registerEngine('wasm-simd', m.createWasmEngine, m.wasmAvailable);
  } else if (kind === 'blas') {
    const m = require('./engine-wasm') as typeof import('./engine-wasm');
    const b = require('./blas') as typeof import('./blas');
    registerEngine('blas', (layout) => m.createKernelEngine(layout, b.blas()), () => m.wasmAvailable() && b.blasAvailable());
  } else if (kind === 'native') {
    const m = require('./engine-wasm') as typeof import('./engine-wasm');
    const b = require('./blas') as typeof import('./blas');
    const n = require('./native') as typeof import('./native');
    registerEngine('native', (layout) => m.createKernelEngine(layout, b.blas(), n.nativeKernels()),
      () => m.wasmAvailable() && b.blasAvailable() && n.nativeAvailable());
  } else if (kind === 'tfjs') {
    const m = require('./engine-tfjs') as typeof import('./engine-tfjs');
    registerEngine('tfjs', m.createTfjsEngine, () => true);
  }
}

/**
 * Whether an engine computes each row of a batch exactly as it would alone: then splitting a batch between two threads,
 * or playing several matchups in one batch, gives one call's outputs bit for bit. The WebAssembly and plain-TypeScript
 * kernels loop over rows; `native` and `blas` hold only where the BLAS's kernel does (`Blas.rowsIndependent`);
 * tfjs's products make no such promise.
 */
export function rowsIndependent(kind: EngineKind): boolean {
  if (kind === 'native' || kind === 'blas') return (require('./blas') as typeof import('./blas')).blas().rowsIndependent;
  return kind === 'wasm-simd' || kind === 'js';
}

/** A one-line description of an engine kind (and its threads per network), for start-up reports and config.json. */
export function describeEngine(kind: EngineKind, threads = 1): string {
  const what = engineWhat(kind);
  return threads > 1 ? `${what}, ${threads} threads (a network's batches split with a worker thread; two A2C learners side by side, one per thread)` : what;
}

function engineWhat(kind: EngineKind): string {
  switch (kind) {
    case 'native': return `native (matrix products in ${(require('./blas') as typeof import('./blas')).blas().description}; elementwise work in C compiled for this CPU, ${projectRelative((require('./native') as typeof import('./native')).NATIVE_PATH)})`;
    case 'blas': return `blas (matrix products in ${(require('./blas') as typeof import('./blas')).blas().description}; elementwise work in the WebAssembly-SIMD kernels)`;
    case 'wasm-simd': return 'wasm-simd (fused AssemblyScript WebAssembly-SIMD kernels)';
    case 'js': return 'js (plain TypeScript loops)';
    case 'tfjs': return 'tfjs (explicit tfjs ops + autodiff, on the active tfjs backend)';
  }
}
