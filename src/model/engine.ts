/**
 * The engine interface: the arithmetic of one GRU sequence model (forward, backpropagation through time, acting
 * step), separate from the model object that owns the weights. Five engines implement it:
 *
 * - `native`: as `blas`, with the elementwise passes in C compiled for this machine (`csrc/gru.c`, `native.ts`),
 *   the fastest where a C compiler and the BLAS are installed;
 * - `blas`: the kernels below for the elementwise work, with every matrix product of a step in a native BLAS
 *   (Debian's OpenBLAS through koffi, `blas.ts`), the fastest where that library is installed;
 * - `wasm-simd`: fused AssemblyScript WebAssembly-SIMD kernels (`asm/gru.ts`, built by `scripts/build-wasm.mjs`),
 *   the fast path;
 * - `js`: plain TypeScript loops over Float32Array, always available, no build step;
 * - `tfjs`: the network written with explicit `@tensorflow/tfjs` ops and differentiated by tfjs autodiff, on the
 *   current tfjs backend (see `backend.ts`); it is the correctness reference for the other two.
 *
 * Every engine instance belongs to one `GruNet` and keeps the caches of that net's last `forward` for `backward`.
 */
import type { ParamLayout } from './layout';

/** Which implementation runs the arithmetic. */
export type EngineKind = 'native' | 'blas' | 'wasm-simd' | 'js' | 'tfjs';

/** All engine kinds, fastest first. */
export const ENGINE_KINDS: readonly EngineKind[] = ['native', 'blas', 'wasm-simd', 'js', 'tfjs'];

/** The arithmetic of one network. Shapes use B = batch, T = steps, D/H/K from the layout. */
export interface Engine {
  readonly kind: EngineKind;
  /** Threads it runs on (2 for the split engine of `parallel.ts`; default 1). */
  readonly threads?: number;
  /**
   * Whole sequences, batch-major `x` [B, T, D]; `h0` [B, H] or zeros. Keeps what `backward` needs.
   * @returns outputs [B, T, K]
   */
  forward(params: Float32Array, x: Float32Array, batch: number, steps: number, h0: Float32Array | undefined): Float32Array;
  /**
   * Gradient of Σ dOut ⊙ out with respect to the parameters, through the last `forward` (with the weights it used).
   * @param dOut [B, T, K]
   * @returns gradients, same layout as the parameters
   */
  backward(dOut: Float32Array): Float32Array;
  /**
   * A training forward fed one step at a time, so that acting computes the update's forward as it plays (A2C is
   * on-policy: the same weights act and are differentiated). `beginSequence` lays out B histories of T steps,
   * `sequenceStep(x [B, D], s)` runs step s (in order) and returns its outputs [B, K], `sequenceOutputs` returns all
   * outputs [B, T, K] once every step is fed; `backward` then differentiates it like a `forward`. Optional: GruNet
   * emulates it with `step` and a final `forward` for engines without it.
   */
  beginSequence?(params: Float32Array, batch: number, steps: number, h0: Float32Array | undefined): void;
  sequenceStep?(x: Float32Array, s: number): Float32Array;
  sequenceOutputs?(): Float32Array;
  /**
   * Where a two-thread engine runs its rows (`parallel.ts`): `split` halves every batch between this thread and its
   * worker; `main` keeps them all here, `worker` sends them all to the worker. Two networks placed `main` and `worker`
   * run side by side, each on one core, with the results of one thread (`GruNet.placeRows`). Two-thread engines only.
   */
  placeRows?(placement: RowPlacement): void;
  /**
   * `sequenceStep` and `backward` that return before their result is ready when the rows run on the worker (placed
   * `worker`), so that this thread can work meanwhile; calling the returned function waits for the result.
   */
  sequenceStepDeferred?(x: Float32Array, s: number): () => Float32Array;
  backwardDeferred?(dOut: Float32Array): () => Float32Array;
  /**
   * Acting in place: B histories whose states stay in the engine between steps, where `step` copies every state in
   * and out. `beginSteps` starts them from `h0` [B, H] (or zeros), `nextStep(x [B, D])` advances all of them and
   * returns the outputs [B, K], `stepState` copies the current states out. Optional: GruNet falls back to `step`.
   */
  beginSteps?(params: Float32Array, batch: number, h0: Float32Array | undefined): void;
  nextStep?(x: Float32Array): Float32Array;
  stepState?(): Float32Array;
  /** One step for B independent histories: `h` [B, H] (not modified), `x` [B, D] → new state [B, H], outputs [B, K]. */
  step(params: Float32Array, h: Float32Array, x: Float32Array, batch: number): { h: Float32Array; out: Float32Array };
  /** Bytes of WebAssembly linear memory this engine holds (0 for engines without any). */
  memoryBytes?(): number;
  /** Releases caches and any wasm memory. */
  dispose(): void;
}

/** Where a two-thread engine runs a network's rows: halves on both threads, all on this thread, or all on the worker. */
export type RowPlacement = 'split' | 'main' | 'worker';

/** Builds an engine for one network's layout. */
export type EngineFactory = (layout: ParamLayout) => Engine;
