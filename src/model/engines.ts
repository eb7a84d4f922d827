/**
 * Picks and builds the engine that runs a network's arithmetic (see `engine.ts` for the three kinds).
 *
 * Order of precedence: an explicit `engine` option, else the `ICL_ENGINE` environment variable
 * (`wasm-simd` | `js` | `tfjs`), else the fastest available: `wasm-simd` when its WebAssembly module loads (it is
 * built on first use if missing), otherwise `js`. `tfjs` is never chosen automatically: on this machine's wasm
 * backend it is far slower than `js` (BENCHMARKS.md); it exists as the autodiff reference.
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

let warnedFallback = false;

/** The engine a new network gets: `preferred`, else `ICL_ENGINE`, else the fastest available. */
export function resolveEngineKind(preferred?: EngineKind): EngineKind {
  const fromEnv = process.env.ICL_ENGINE;
  const kind = preferred ?? (fromEnv ? parseEngineKind(fromEnv) : undefined);
  if (kind) {
    ensureLoaded(kind);
    const probe = probes[kind];
    if (kind === 'wasm-simd' && probe && !probe()) {
      // Surfaces the reason (e.g. the build failed) instead of silently running a slower engine.
      (require('./engine-wasm') as typeof import('./engine-wasm')).wasmModule();
    }
    return kind;
  }
  ensureLoaded('wasm-simd');
  if (probes['wasm-simd']?.()) return 'wasm-simd';
  if (!warnedFallback) {
    warnedFallback = true;
    let why = '';
    try {
      (require('./engine-wasm') as typeof import('./engine-wasm')).wasmModule();
    } catch (e) {
      why = e instanceof Error ? e.message : String(e);
    }
    process.emitWarning(`falling back to the js engine, ~100x slower: ${why}`, 'IclEngineWarning');
  }
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
  } else if (kind === 'tfjs') {
    const m = require('./engine-tfjs') as typeof import('./engine-tfjs');
    registerEngine('tfjs', m.createTfjsEngine, () => true);
  }
}

/** A one-line description of an engine kind, for start-up reports. */
export function describeEngine(kind: EngineKind): string {
  switch (kind) {
    case 'wasm-simd': return 'wasm-simd (fused AssemblyScript WebAssembly-SIMD kernels)';
    case 'js': return 'js (plain TypeScript loops)';
    case 'tfjs': return 'tfjs (explicit tfjs ops + autodiff, on the active tfjs backend)';
  }
}
