/**
 * Chooses the tfjs backend: the only module that knows about tfjs-node or the wasm backend package.
 *
 * `initBackend()` picks, in order: the `preferred` argument, else the `ICL_BACKEND` environment variable
 * (`tensorflow` | `wasm` | `cpu`), else the fastest that loads: `tensorflow` when `@tensorflow/tfjs-node` is
 * resolvable (a user with web access may install it; it is not a dependency, and its absence is never an error),
 * then `wasm` (`@tensorflow/tfjs-backend-wasm`, SIMD, one thread in Node), then tfjs's pure-JS `cpu`.
 * A backend that was asked for explicitly and cannot load is an error naming it.
 *
 * The tfjs backend matters for the `tfjs` engine (the autodiff reference) and for any tfjs code a user writes;
 * the default `wasm-simd` engine runs its own WebAssembly kernels, independent of tfjs.
 * `describeBackend()` is the one-line report the CLI and the bench print at start-up.
 */
import * as tf from '@tensorflow/tfjs';
import { describeEngine, resolveEngineKind } from './engines';

/** The tfjs backends this project knows, fastest first. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
/** The order `initBackend` tries them in. */
export const BACKEND_NAMES: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

const notes: string[] = [];

/** True when `@tensorflow/tfjs-node` can be resolved from this project (it is optional and usually absent). */
export function hasTfjsNode(): boolean {
  try {
    require.resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

function parseBackend(name: string, where: string): BackendName {
  if ((BACKEND_NAMES as readonly string[]).includes(name)) return name as BackendName;
  throw new RangeError(`${where}: unknown tfjs backend '${name}' (allowed: ${BACKEND_NAMES.join(', ')})`);
}

async function tryBackend(name: BackendName): Promise<string | null> {
  try {
    if (name === 'tensorflow') {
      if (!hasTfjsNode()) return '@tensorflow/tfjs-node is not installed';
      require('@tensorflow/tfjs-node');
    } else if (name === 'wasm') {
      require('@tensorflow/tfjs-backend-wasm');
    }
    const ok = await tf.setBackend(name);
    await tf.ready();
    return ok && tf.getBackend() === name ? null : `tf.setBackend('${name}') failed`;
  } catch (e) {
    return (e instanceof Error ? e.message : String(e)).split('\n')[0];
  }
}

/**
 * Selects and initialises the tfjs backend (see the module comment for the order).
 * @returns the backend now active
 * @throws if a backend asked for by `preferred` or `ICL_BACKEND` cannot load
 */
export async function initBackend(preferred?: BackendName): Promise<BackendName> {
  const fromEnv = process.env.ICL_BACKEND;
  const forced = preferred ?? (fromEnv ? parseBackend(fromEnv, 'ICL_BACKEND') : undefined);
  notes.length = 0;
  if (forced) {
    const why = await tryBackend(forced);
    if (why) throw new Error(`initBackend: the tfjs backend '${forced}' was requested (${preferred ? 'argument' : 'ICL_BACKEND'}) but cannot load: ${why}`);
    return forced;
  }
  for (const name of BACKEND_NAMES) {
    const why = await tryBackend(name);
    if (!why) return name;
    notes.push(`${name}: ${why}`);
  }
  throw new Error(`initBackend: no tfjs backend loads (${notes.join('; ')})`);
}

/**
 * One line saying what runs: the tfjs version and backend (with wasm's SIMD/thread flags), why faster backends
 * were skipped, and the engine new networks get. E.g.
 * `tfjs 4.22.0 backend=wasm (SIMD, 1 thread; skipped tensorflow: @tensorflow/tfjs-node is not installed); engine=wasm-simd (...)`.
 */
export function describeBackend(): string {
  const name = tf.getBackend();
  const details: string[] = [];
  if (name === 'wasm') {
    details.push(tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'SIMD' : 'no SIMD');
    details.push(tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') ? 'multi-threaded' : '1 thread');
  }
  if (notes.length) details.push(`skipped ${notes.join('; ')}`);
  let engine: string;
  try {
    engine = describeEngine(resolveEngineKind());
  } catch (e) {
    engine = `unavailable (${e instanceof Error ? e.message : String(e)})`;
  }
  return `tfjs ${tf.version_core} backend=${name ?? 'none'}${details.length ? ` (${details.join(', ')})` : ''}; engine=${engine}`;
}
