/**
 * The `wasm-simd` engine: the host side of the fused AssemblyScript kernels in `asm/gru.ts`.
 *
 * The kernels run the whole training forward (all T steps), the whole backpropagation through time, and the
 * acting step, each in one call, with 4×8 register-tiled f32x4 matrix products and the gates, swish and heads
 * fused per row. This module owns their memory: each engine instance (one per `GruNet`) has its own
 * `WebAssembly.Instance` and linear memory, laid out in three regions that are reused across calls and grow only
 * when a larger batch arrives (so memory is flat over repeated updates of one size):
 *   params: the weights in the kernels' padded layout (H rounded up to a multiple of 8);
 *   train:  inputs, the forward's caches (every h_t and the gates) and the backward's work and gradient arrays;
 *   act:    one acting step's state, inputs and outputs (separate, so acting between `forward` and `backward`
 *           leaves the training caches intact).
 * The embedding is folded into the GRU's input kernel (W_f = W_e·W_i, both linear), so a one-hot input costs one
 * row lookup instead of two matrix products; the host turns the kernels' Σ xᵀ·dgi back into the gradients of
 * W_e, b_e and W_i in float64 (a few hundred thousand multiply-adds per update).
 *
 * The module `build/gru.wasm` is compiled from `asm/` by `scripts/build-wasm.mjs`; it loads lazily on first use
 * and is built then if missing or older than its sources.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Engine } from './engine';
import type { ParamLayout } from './layout';
import type { Blas } from './blas';
import type { NativeKernels } from './native';

/** Project root (this file is src/model/engine-wasm.ts). */
const ROOT = resolve(__dirname, '..', '..');
/** The compiled kernels. */
export const WASM_PATH = join(ROOT, 'build', 'gru.wasm');

/**
 * The few WebAssembly JS-API members used here. Node provides the `WebAssembly` global, but its types come only
 * with TypeScript's DOM library, which this project must not use (tslab compiles without it): so it is read from
 * `globalThis` with a local type.
 */
interface WasmMemory { readonly buffer: ArrayBuffer; grow(pages: number): number }
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, unknown>) => { readonly exports: Record<string, unknown> };
}
const WASM = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface Kernels {
  memory: WasmMemory;
  heapBase(): number;
  forward(
    b: number, t: number, d: number, hp: number, k: number, x: number, hs: number, cache: number, out: number,
    wf: number, bf: number, wh: number, bhn: number, woT: number, bo: number, scratch: number,
  ): void;
  matmul(m: number, kd: number, n: number, a: number, b: number, c: number): void;
  forwardAt(
    b: number, t: number, s: number, d: number, hp: number, k: number, x: number, hs: number, cache: number, out: number,
    wf: number, bf: number, wh: number, bhn: number, woT: number, bo: number, scratch: number,
  ): void;
  forwardStep(
    b: number, t: number, s: number, d: number, hp: number, k: number, x: number, hs: number, cache: number, out: number,
    wf: number, bf: number, bhn: number, woT: number, bo: number, gh: number, scratch: number,
  ): void;
  backwardStep(
    b: number, t: number, s: number, d: number, hp: number, k: number, x: number, hs: number, cache: number, dOut: number,
    woT: number, dG: number, dhNext: number, dhPrev: number, gX: number, gGi: number, gHn: number, gWoT: number, gBo: number,
    scratch: number,
  ): void;
  backward(
    b: number, t: number, d: number, hp: number, k: number, x: number, hs: number, cache: number, dOut: number,
    whT: number, woT: number, dG: number, dhA: number, dhB: number, hT: number,
    gWh: number, gX: number, gGi: number, gHn: number, gWoT: number, gBo: number, scratch: number,
  ): void;
}

let compiled: object | null = null;
let loadFailure: string | null = null;

function stale(): boolean {
  if (!existsSync(WASM_PATH)) return true;
  const dir = join(ROOT, 'asm');
  if (!existsSync(dir)) return false;
  const built = statSync(WASM_PATH).mtimeMs;
  return readdirSync(dir).some((f) => f.endsWith('.ts') && statSync(join(dir, f)).mtimeMs > built);
}

/**
 * The compiled kernel module, loading it on first call (and building it first when missing or stale).
 * @throws with the reason when it can neither be built nor loaded
 */
export function wasmModule(): object {
  if (compiled) return compiled;
  if (loadFailure) throw new Error(loadFailure);
  try {
    if (stale()) {
      try {
        execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-wasm.mjs'), '--if-stale', '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
      } catch (e) {
        const why = (e as { stderr?: Buffer }).stderr?.toString().trim() || String(e);
        if (!existsSync(WASM_PATH)) throw new Error(`cannot build ${WASM_PATH}: ${why}`);
        process.emitWarning(`wasm-simd: ${WASM_PATH} is older than asm/ and rebuilding failed (${why}); using it anyway`);
      }
    }
    compiled = new WASM.Module(readFileSync(WASM_PATH));
    return compiled;
  } catch (e) {
    loadFailure = `wasm-simd engine unavailable: ${e instanceof Error ? e.message : String(e)}`;
    throw new Error(loadFailure);
  }
}

/** True when the kernels load (building them if needed); false (never an exception) otherwise. */
export function wasmAvailable(): boolean {
  try {
    wasmModule();
    return true;
  } catch {
    return false;
  }
}

/** n rounded up to a multiple of 16 (arithmetic, not bit operations: offsets may exceed 2³¹). */
const align16 = (n: number): number => Math.ceil(n / 16) * 16;
const pad8 = (n: number): number => (n + 7) & ~7;

/** Named byte offsets inside one region, each array 16-byte aligned. */
function plan(sizes: Record<string, number>): { offsets: Record<string, number>; bytes: number } {
  let at = 0;
  const offsets: Record<string, number> = {};
  for (const [name, floats] of Object.entries(sizes)) {
    offsets[name] = at;
    at += align16(floats * 4);
  }
  return { offsets, bytes: at };
}

/** Creates a `wasm-simd` engine for one network (its own instance and memory). */
export function createWasmEngine(layout: ParamLayout): Engine {
  return createKernelEngine(layout, null);
}

/**
 * Steps per large dW_h product in the `blas` backward: enough stacked rows (≥ 4096) for the BLAS to run at full
 * speed, few enough that the stacked dG stays small (16 steps at B = 256: 6 MiB).
 */
/** Steps between two copies of the state ring of acting in place (`beginSteps`): 8 costs one state copy per 8 steps. */
const STEP_RING = 8;
const stackedSteps = (batch: number, steps: number): number => Math.min(steps, Math.max(1, Math.ceil(4096 / batch)));

/**
 * The host of the kernels, for the three engines that use them: `wasm-simd` (blas = null: every product in the fused
 * kernels), `blas` (the products of each step in a native BLAS, the elementwise work in the WebAssembly kernels'
 * per-step passes `forwardStep` / `backwardStep`) and `native` (the same, with those passes in C: `native.ts`).
 */
export function createKernelEngine(layout: ParamLayout, blas: Blas | null, native: NativeKernels | null = null): Engine {
  if (native && !blas) throw new Error('createKernelEngine: the native elementwise passes go with a BLAS (the products between them)');
  const D = layout.inputSize, E = layout.embedSize, H = layout.hiddenSize, K = layout.outputSize;
  const Hp = pad8(H), G = 3 * Hp;
  let kernels: Kernels | null = null;
  let top = 0;
  const regions: Record<string, { offset: number; capacity: number }> = {};

  const off = (name: string) => layout.blocks[name as keyof ParamLayout['blocks']].offset;
  const paramPlan = plan({ wf: D * G, bf: G, wh: Hp * G, whT: G * Hp, bhn: Hp, woT: K * Hp, bo: K });
  /** The weights currently in wasm memory (a private copy; replaced, never mutated). */
  let prepared: Float32Array | null = null;
  /** The training forward whose caches are in memory; `fed` counts the steps computed so far. */
  let last: { batch: number; steps: number; params: Float32Array; offsets: Record<string, number>; base: number; fed: number } | null = null;
  /** The histories being stepped in place (`beginSteps`): their region, and the ring slot holding their states. */
  let stepping: { batch: number; params: Float32Array; o: Record<string, number>; base: number; slot: number } | null = null;

  function k(): Kernels {
    if (!kernels) {
      const instance = new WASM.Instance(wasmModule(), {});
      kernels = instance.exports as unknown as Kernels;
      top = align16(kernels.heapBase());
    }
    return kernels;
  }

  /** A region of at least `bytes`, reused when large enough; memory grows only for a larger request. */
  function reserve(name: string, bytes: number): number {
    const kk = k();
    const r = regions[name];
    if (r && r.capacity >= bytes) return r.offset;
    const capacity = align16(Math.ceil(bytes * 1.125));
    let offset: number;
    if (r && r.offset + r.capacity === top) {
      offset = r.offset;                         // the topmost region grows in place
      top = offset + capacity;
    } else {
      offset = top;
      top += capacity;
    }
    regions[name] = { offset, capacity };
    const need = top - kk.memory.buffer.byteLength;
    if (need > 0) {
      if (top > 4 * 2 ** 30) {
        throw new RangeError(`wasm-simd: this call needs ${(top / 2 ** 30).toFixed(2)} GiB of wasm memory, over the 4 GiB a ` +
          'wasm32 instance can address; split the batch (the training caches take ~3 KiB per token at H = 128)');
      }
      kk.memory.grow(Math.ceil(need / 65536));
    }
    return offset;
  }

  function f32(byteOffset: number, length: number): Float32Array {
    return new Float32Array(k().memory.buffer, byteOffset, length);
  }

  /** Writes `params` into wasm memory in the kernels' layout, unless those exact weights are already there. */
  function prepare(params: Float32Array): Float32Array {
    // The copy itself (what a training forward keeps) needs no comparison: it is never mutated.
    if (params === prepared) return prepared;
    if (prepared && prepared.length === params.length &&
      Buffer.from(prepared.buffer, prepared.byteOffset, prepared.byteLength).equals(
        Buffer.from(params.buffer, params.byteOffset, params.byteLength))) {
      return prepared;
    }
    const copy = params.slice(0, layout.size);
    const base = reserve('params', paramPlan.bytes);
    const o = paramPlan.offsets;
    const we = off('embed.kernel'), be = off('embed.bias'), wi = off('gru.inputKernel'), whSrc = off('gru.recurrentKernel');
    const bi = off('gru.bias'), bhnSrc = off('gru.hnBias'), wo = off('head.kernel'), boSrc = off('head.bias');
    const wf = new Float32Array(D * G), bf = new Float32Array(G), wh = new Float32Array(Hp * G), whT = new Float32Array(G * Hp);
    const woT = new Float32Array(K * Hp), bhn = new Float32Array(Hp);
    for (let g = 0; g < 3; g++) {
      for (let j = 0; j < H; j++) {
        const src = g * H + j, dst = g * Hp + j;
        let s = copy[bi + src];
        for (let e = 0; e < E; e++) s += copy[be + e] * copy[wi + e * 3 * H + src];
        bf[dst] = s;
        for (let d = 0; d < D; d++) {
          let acc = 0;
          for (let e = 0; e < E; e++) acc += copy[we + d * E + e] * copy[wi + e * 3 * H + src];
          wf[d * G + dst] = acc;
        }
        for (let i = 0; i < H; i++) {
          const v = copy[whSrc + i * 3 * H + src];
          wh[i * G + dst] = v;
          whT[dst * Hp + i] = v;
        }
      }
    }
    for (let j = 0; j < H; j++) {
      bhn[j] = copy[bhnSrc + j];
      for (let q = 0; q < K; q++) woT[q * Hp + j] = copy[wo + j * K + q];
    }
    f32(base + o.wf, wf.length).set(wf);
    f32(base + o.bf, G).set(bf);
    f32(base + o.wh, wh.length).set(wh);
    f32(base + o.whT, whT.length).set(whT);
    f32(base + o.bhn, Hp).set(bhn);
    f32(base + o.woT, woT.length).set(woT);
    f32(base + o.bo, K).set(copy.subarray(boSrc, boSrc + K));
    prepared = copy;
    return copy;
  }

  function paramPtr(name: string): number {
    return regions.params.offset + paramPlan.offsets[name];
  }

  /** Copies an [B][H] state into an [B][Hp] array in wasm memory (zero padding), or zeros. */
  function putState(dst: number, h: Float32Array | undefined, batch: number): void {
    const view = f32(dst, batch * Hp);
    if (!h) view.fill(0);
    else if (Hp === H) view.set(h.subarray(0, batch * H));
    else {
      view.fill(0);
      for (let b = 0; b < batch; b++) view.set(h.subarray(b * H, (b + 1) * H), b * Hp);
    }
  }

  function getState(src: number, batch: number): Float32Array {
    const view = f32(src, batch * Hp);
    if (Hp === H) return view.slice();
    const h = new Float32Array(batch * H);
    for (let b = 0; b < batch; b++) h.set(view.subarray(b * Hp, b * Hp + H), b * H);
    return h;
  }

  const scratchFloats = 4 * G + 6 * Hp + 2 * D + 4 * K + 8;

  /** A byte view of the whole linear memory for the C passes (re-made after the memory grows). */
  let memBytes: Uint8Array | null = null;
  const memView = (): Uint8Array => {
    const buffer = k().memory.buffer;
    if (!memBytes || memBytes.buffer !== buffer) memBytes = new Uint8Array(buffer);
    return memBytes;
  };
  /** The per-step elementwise passes of the `blas` and `native` engines: in C when loaded, else in WebAssembly. */
  const elementwise: Pick<Kernels, 'forwardStep' | 'backwardStep'> = native
    ? {
      forwardStep: (...a) => native.forwardStep(memView(), ...a),
      backwardStep: (...a) => native.backwardStep(memView(), ...a),
    }
    : {
      forwardStep: (...a) => k().forwardStep(...a),
      backwardStep: (...a) => k().backwardStep(...a),
    };

  /** Lays out the training region for B histories of T steps and writes h0; `last` then describes it. */
  function beginTrain(params: Float32Array, B: number, T: number, h0: Float32Array | undefined): { base: number; o: Record<string, number> } {
    const used = prepare(params);
    const C = blas ? stackedSteps(B, T) : 1;
    const p = plan({
      x: B * T * D, hs: (T + 1) * B * Hp, cache: T * B * 5 * Hp, out: B * T * K, dOut: B * T * K,
      dG: C * B * G, dhA: B * Hp, dhB: B * Hp, hT: blas ? 0 : Hp * B, gWh: Hp * G, gX: D * G, gGi: G, gHn: Hp, gWoT: K * Hp,
      gBo: K, scratch: scratchFloats,
    });
    const base = reserve('train', p.bytes);
    const o = p.offsets;
    putState(base + o.hs, h0, B);
    last = { batch: B, steps: T, params: used, offsets: o, base, fed: 0 };
    return { base, o };
  }

  /** Step s of the training forward begun by `beginTrain` (inputs already in place). */
  function trainStep(s: number): void {
    const { batch: B, steps: T, base, offsets: o } = last!;
    const kk = k();
    prepare(last!.params);                     // a no-op unless an acting step with other weights came between
    if (blas) {
      // gh = h_s·W_h for all rows at once (dG's space is free until the backward), then the gates.
      blas.sgemm(kk.memory.buffer, false, false, B, G, Hp, 1, base + o.hs + s * B * Hp * 4, Hp, paramPtr('wh'), G, 0, base + o.dG, G);
      elementwise.forwardStep(B, T, s, D, Hp, K, base + o.x, base + o.hs, base + o.cache, base + o.out,
        paramPtr('wf'), paramPtr('bf'), paramPtr('bhn'), paramPtr('woT'), paramPtr('bo'), base + o.dG, base + o.scratch);
    } else {
      kk.forwardAt(B, T, s, D, Hp, K, base + o.x, base + o.hs, base + o.cache, base + o.out,
        paramPtr('wf'), paramPtr('bf'), paramPtr('wh'), paramPtr('bhn'), paramPtr('woT'), paramPtr('bo'), base + o.scratch);
    }
  }

  /**
   * Backpropagation through time with the products in the BLAS: per step the kernels' elementwise pass, then
   * dh_{s−1} += dG_s·W_hᵀ; every `stackedSteps` steps one product gW_h += [h_s …]ᵀ·[dG_s …] over the stacked rows.
   */
  function blasBackward(B: number, T: number, base: number, o: Record<string, number>): void {
    const kk = k(), lib = blas!;
    for (const [name, n] of [['gWh', Hp * G], ['gX', D * G], ['gGi', G], ['gHn', Hp], ['gWoT', K * Hp], ['gBo', K], ['dhA', B * Hp]] as const) {
      f32(base + o[name], n).fill(0);
    }
    const C = stackedSteps(B, T);
    let dhNext = base + o.dhA, dhPrev = base + o.dhB;
    for (let s = T - 1; s >= 0; s--) {
      const s0 = Math.floor(s / C) * C;
      const dG = base + o.dG + (s - s0) * B * G * 4;
      elementwise.backwardStep(B, T, s, D, Hp, K, base + o.x, base + o.hs, base + o.cache, base + o.dOut, paramPtr('woT'),
        dG, dhNext, dhPrev, base + o.gX, base + o.gGi, base + o.gHn, base + o.gWoT, base + o.gBo, base + o.scratch);
      if (s > 0) lib.sgemm(kk.memory.buffer, false, false, B, Hp, G, 1, dG, G, paramPtr('whT'), Hp, 1, dhPrev, Hp);
      if (s === s0) {
        const rows = Math.min(C, T - s0) * B;
        lib.sgemm(kk.memory.buffer, true, false, Hp, G, rows, 1, base + o.hs + s0 * B * Hp * 4, Hp, base + o.dG, G, 1, base + o.gWh, G);
      }
      const tmp = dhNext; dhNext = dhPrev; dhPrev = tmp;
    }
  }

  return {
    kind: native ? 'native' : blas ? 'blas' : 'wasm-simd',

    forward(params, x, B, T, h0) {
      const { base, o } = beginTrain(params, B, T, h0);
      f32(base + o.x, B * T * D).set(x.subarray(0, B * T * D));
      if (blas) for (let s = 0; s < T; s++) trainStep(s);
      else {
        k().forward(B, T, D, Hp, K, base + o.x, base + o.hs, base + o.cache, base + o.out,
          paramPtr('wf'), paramPtr('bf'), paramPtr('wh'), paramPtr('bhn'), paramPtr('woT'), paramPtr('bo'), base + o.scratch);
      }
      last!.fed = T;
      return f32(base + o.out, B * T * K).slice();
    },

    beginSequence(params, B, T, h0) {
      beginTrain(params, B, T, h0);
      f32(last!.base + last!.offsets.x, B * T * D).fill(0);
    },

    sequenceStep(x, s) {
      if (!last || last.fed !== s) {
        throw new Error(`GruNet.sequenceStep: expected step ${last ? last.fed : '(none: call beginSequence first)'}, got ${s}`);
      }
      const { batch: B, steps: T, base, offsets: o } = last;
      const xs = f32(base + o.x, B * T * D);
      for (let b = 0; b < B; b++) xs.set(x.subarray(b * D, (b + 1) * D), (b * T + s) * D);
      trainStep(s);
      last.fed = s + 1;
      const all = f32(base + o.out, B * T * K), out = new Float32Array(B * K);
      for (let b = 0; b < B; b++) out.set(all.subarray((b * T + s) * K, (b * T + s + 1) * K), b * K);
      return out;
    },

    sequenceOutputs() {
      if (!last || last.fed !== last.steps) throw new Error(`GruNet.sequenceOutputs: ${last ? `only ${last.fed} of ${last.steps} steps fed` : 'no sequence begun'}`);
      return f32(last.base + last.offsets.out, last.batch * last.steps * K).slice();
    },

    backward(dOut) {
      if (!last || last.fed !== last.steps) throw new Error('GruNet.backward: call forward first (backward differentiates the last forward)');
      const { batch: B, steps: T, offsets: o, base } = last;
      if (dOut.length !== B * T * K) {
        throw new RangeError(`GruNet.backward: dOut must have B*T*K = ${B * T * K} entries, got ${dOut.length}`);
      }
      const w = prepare(last.params);          // a no-op unless an acting step with other weights came between
      f32(base + o.dOut, B * T * K).set(dOut);
      if (blas) blasBackward(B, T, base, o);
      else {
        k().backward(B, T, D, Hp, K, base + o.x, base + o.hs, base + o.cache, base + o.dOut,
          paramPtr('whT'), paramPtr('woT'), base + o.dG, base + o.dhA, base + o.dhB, base + o.hT,
          base + o.gWh, base + o.gX, base + o.gGi, base + o.gHn, base + o.gWoT, base + o.gBo, base + o.scratch);
      }
      const gWh = f32(base + o.gWh, Hp * G), gX = f32(base + o.gX, D * G), gGi = f32(base + o.gGi, G);
      const gHn = f32(base + o.gHn, Hp), gWoT = f32(base + o.gWoT, K * Hp), gBo = f32(base + o.gBo, K);
      const grads = new Float32Array(layout.size);
      const we = off('embed.kernel'), be = off('embed.bias'), wi = off('gru.inputKernel'), wh = off('gru.recurrentKernel');
      const bi = off('gru.bias'), bhn = off('gru.hnBias'), wo = off('head.kernel'), bo = off('head.bias');
      for (let g = 0; g < 3; g++) {
        for (let j = 0; j < H; j++) {
          const c = g * H + j, cp = g * Hp + j;
          grads[bi + c] = gGi[cp];
          for (let i = 0; i < H; i++) grads[wh + i * 3 * H + c] = gWh[i * G + cp];
          // dW_i[e][c] = Σ_d W_e[d][e]·gX[d][c] + b_e[e]·Σ dgi[c]
          for (let e = 0; e < E; e++) {
            let s = w[be + e] * gGi[cp];
            for (let d = 0; d < D; d++) s += w[we + d * E + e] * gX[d * G + cp];
            grads[wi + e * 3 * H + c] = s;
          }
        }
      }
      // dW_e[d][e] = Σ_c gX[d][c]·W_i[e][c];  db_e[e] = Σ_c Σdgi[c]·W_i[e][c]
      for (let e = 0; e < E; e++) {
        const row = wi + e * 3 * H;
        let sb = 0;
        for (let g = 0; g < 3; g++) for (let j = 0; j < H; j++) sb += gGi[g * Hp + j] * w[row + g * H + j];
        grads[be + e] = sb;
        for (let d = 0; d < D; d++) {
          let s = 0;
          for (let g = 0; g < 3; g++) for (let j = 0; j < H; j++) s += gX[d * G + g * Hp + j] * w[row + g * H + j];
          grads[we + d * E + e] = s;
        }
      }
      for (let j = 0; j < H; j++) {
        grads[bhn + j] = gHn[j];
        for (let q = 0; q < K; q++) grads[wo + j * K + q] = gWoT[q * Hp + j];
      }
      for (let q = 0; q < K; q++) grads[bo + q] = gBo[q];
      return grads;
    },

    // Acting in place: the states live in a ring of STEP_RING + 1 slots, step s reading slot s and writing slot s + 1
    // (the layout of a training forward of STEP_RING steps, without its caches); when the ring is full its last
    // slot is copied to slot 0. Inputs and outputs use the same [B][STEP_RING] layout.
    beginSteps(params, B, h0) {
      const used = prepare(params);
      const R = STEP_RING;
      const p = plan({ x: B * R * D, hs: (R + 1) * B * Hp, out: B * R * K, gh: blas ? B * G : 0, scratch: scratchFloats });
      const base = reserve('steps', p.bytes);
      f32(base + p.offsets.x, B * R * D).fill(0);
      putState(base + p.offsets.hs, h0, B);
      stepping = { batch: B, params: used, base, o: p.offsets, slot: 0 };
    },

    nextStep(x) {
      if (!stepping) throw new Error('GruNet.nextStep: call beginSteps first');
      const { batch: B, base, o } = stepping;
      const R = STEP_RING;
      prepare(stepping.params);                  // a no-op unless a call with other weights came between
      if (stepping.slot === R) {
        f32(base + o.hs, (R + 1) * B * Hp).copyWithin(0, R * B * Hp);
        stepping.slot = 0;
      }
      const s = stepping.slot;
      const xs = f32(base + o.x, B * R * D);
      for (let b = 0, src = 0; b < B; b++) for (let d = 0, dst = (b * R + s) * D; d < D; d++) xs[dst + d] = x[src++];
      if (blas) {
        blas.sgemm(k().memory.buffer, false, false, B, G, Hp, 1, base + o.hs + s * B * Hp * 4, Hp, paramPtr('wh'), G, 0, base + o.gh, G);
        elementwise.forwardStep(B, R, s, D, Hp, K, base + o.x, base + o.hs, 0, base + o.out,
          paramPtr('wf'), paramPtr('bf'), paramPtr('bhn'), paramPtr('woT'), paramPtr('bo'), base + o.gh, base + o.scratch);
      } else {
        k().forwardAt(B, R, s, D, Hp, K, base + o.x, base + o.hs, 0, base + o.out,
          paramPtr('wf'), paramPtr('bf'), paramPtr('wh'), paramPtr('bhn'), paramPtr('woT'), paramPtr('bo'), base + o.scratch);
      }
      stepping.slot = s + 1;
      const all = f32(base + o.out, B * R * K), out = new Float32Array(B * K);
      for (let b = 0, dst = 0; b < B; b++) for (let q = 0, src = (b * R + s) * K; q < K; q++) out[dst++] = all[src + q];
      return out;
    },

    stepState() {
      if (!stepping) throw new Error('GruNet.stepState: call beginSteps first');
      return getState(stepping.base + stepping.o.hs + stepping.slot * stepping.batch * Hp * 4, stepping.batch);
    },

    step(params, h, x, B) {
      prepare(params);
      const p = plan({ x: B * D, hs: 2 * B * Hp, out: B * K, gh: blas ? B * G : 0, scratch: scratchFloats });
      const base = reserve('act', p.bytes);
      const o = p.offsets;
      f32(base + o.x, B * D).set(x.subarray(0, B * D));
      putState(base + o.hs, h, B);
      if (blas) {
        const kk = k();
        blas.sgemm(kk.memory.buffer, false, false, B, G, Hp, 1, base + o.hs, Hp, paramPtr('wh'), G, 0, base + o.gh, G);
        elementwise.forwardStep(B, 1, 0, D, Hp, K, base + o.x, base + o.hs, 0, base + o.out,
          paramPtr('wf'), paramPtr('bf'), paramPtr('bhn'), paramPtr('woT'), paramPtr('bo'), base + o.gh, base + o.scratch);
      } else {
        k().forward(B, 1, D, Hp, K, base + o.x, base + o.hs, 0, base + o.out,
          paramPtr('wf'), paramPtr('bf'), paramPtr('wh'), paramPtr('bhn'), paramPtr('woT'), paramPtr('bo'), base + o.scratch);
      }
      return { h: getState(base + o.hs + B * Hp * 4, B), out: f32(base + o.out, B * K).slice() };
    },

    memoryBytes() {
      return kernels ? kernels.memory.buffer.byteLength : 0;
    },

    dispose() {
      kernels = null;
      prepared = null;
      last = null;
      stepping = null;
      top = 0;
      for (const name of Object.keys(regions)) delete regions[name];
    },
  };
}

/**
 * The kernels' tiled matrix product alone, C = A·B for row-major A [M, Kd] and B [Kd, N] (N a multiple of 8), on a
 * fresh instance: for the kernel's unit test and the bench's raw-throughput line.
 * @param repeats run the product this many times (for timing)
 * @returns C [M, N] and the mean seconds per product
 */
export function wasmMatmul(a: Float32Array, b: Float32Array, m: number, kd: number, n: number, repeats = 1): { c: Float32Array; seconds: number } {
  if (n % 8 !== 0) throw new RangeError(`wasmMatmul: N must be a multiple of 8, got ${n}`);
  const k = new WASM.Instance(wasmModule(), {}).exports as unknown as Kernels;
  const base = align16(k.heapBase()), pb = base + align16(m * kd * 4), pc = pb + align16(kd * n * 4);
  const need = pc + m * n * 4 - k.memory.buffer.byteLength;
  if (need > 0) k.memory.grow(Math.ceil(need / 65536));
  new Float32Array(k.memory.buffer, base, m * kd).set(a);
  new Float32Array(k.memory.buffer, pb, kd * n).set(b);
  const t0 = performance.now();
  for (let i = 0; i < repeats; i++) k.matmul(m, kd, n, base, pb, pc);
  const seconds = (performance.now() - t0) / 1000 / repeats;
  return { c: new Float32Array(k.memory.buffer, pc, m * n).slice(), seconds };
}
