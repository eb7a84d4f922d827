/**
 * Picks and builds the engine that runs a network's arithmetic (see `engine.ts` for the four kinds).
 *
 * Order of precedence: an explicit `engine` option, else the `ICL_ENGINE` environment variable
 * (`blas` | `wasm-simd` | `js` | `tfjs`), else the fastest available: `blas` when its WebAssembly kernels load and
 * a BLAS library is found (`blas.ts`), else `wasm-simd` (one warning line says why), else `js`. `tfjs` is never
 * chosen automatically: on this machine's wasm backend it is far slower than `js` (BENCHMARKS.md); it exists as the
 * autodiff reference.
 */
import type { Engine, EngineKind } from './engine';
import { ENGINE_KINDS } from './engine';
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
function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  process.emitWarning(message, 'IclEngineWarning');
}

/** The engine a new network gets: `preferred`, else `ICL_ENGINE`, else the fastest available. */
export function resolveEngineKind(preferred?: EngineKind): EngineKind {
  const fromEnv = process.env.ICL_ENGINE;
  const kind = preferred ?? (fromEnv ? parseEngineKind(fromEnv) : undefined);
  if (kind) {
    ensureLoaded(kind);
    // A forced engine that cannot run surfaces its reason instead of silently running a slower one.
    if (kind === 'wasm-simd' || kind === 'blas') (require('./engine-wasm') as typeof import('./engine-wasm')).wasmModule();
    if (kind === 'blas') (require('./blas') as typeof import('./blas')).blas();
    return kind;
  }
  ensureLoaded('wasm-simd');
  if (probes['wasm-simd']?.()) {
    ensureLoaded('blas');
    if (probes.blas?.()) return 'blas';
    warnOnce(`using the wasm-simd engine, ~2-3x slower than blas: ${(require('./blas') as typeof import('./blas')).blasFailure()}`);
    return 'wasm-simd';
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

/** Builds an engine of `kind` for `layout`. */
export function createEngine(kind: EngineKind, layout: ParamLayout): Engine {
  ensureLoaded(kind);
  const f = factories[kind];
  if (!f) throw new Error(`engine '${kind}' is not available`);
  return f(layout);
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
  } else if (kind === 'tfjs') {
    const m = require('./engine-tfjs') as typeof import('./engine-tfjs');
    registerEngine('tfjs', m.createTfjsEngine, () => true);
  }
}

/** A one-line description of an engine kind, for start-up reports. */
export function describeEngine(kind: EngineKind): string {
  switch (kind) {
    case 'blas': return `blas (matrix products in ${(require('./blas') as typeof import('./blas')).blas().description}; elementwise work in the WebAssembly-SIMD kernels)`;
    case 'wasm-simd': return 'wasm-simd (fused AssemblyScript WebAssembly-SIMD kernels)';
    case 'js': return 'js (plain TypeScript loops)';
    case 'tfjs': return 'tfjs (explicit tfjs ops + autodiff, on the active tfjs backend)';
  }
}
