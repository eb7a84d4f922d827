/**
 * The paper's sequence model (§4, App. A.3), one definition for both learners:
 *
 *   e  = W_e x + b_e                                   linear embedding, D → E (paper E = 32)
 *   r  = σ(W_ir e + W_hr h + b_r)
 *   z  = σ(W_iz e + W_hz h + b_z)
 *   n  = tanh(W_in e + b_in + r ⊙ (W_hn h + b_hn))     PyTorch/Flax convention: r multiplies the recurrent term
 *   h' = (1 − z) ⊙ n + z ⊙ h                           GRU state, H (paper 128)
 *   y  = swish(h') = h' σ(h')
 *   out = W_o y + b_o                                   all heads concatenated, K outputs, no nonlinearity
 *
 * **Per-modality embeddings.** The paper gives each modality (observation, action, reward) its own linear layer
 * into a shared 32-d embedding. The learner realises this through its input layout: the step input x is the
 * concatenation of all modalities' columns, zero where a modality is absent at that step. For a one-hot modality
 * m with its own columns, W_e restricted to those columns *is* m's embedding matrix, and m's bias b_m folds into
 * it (exactly one of its columns is 1, so adding b_m to each of its columns of W_e is the same function). A scalar
 * modality (the reward) comes with an indicator column that is 1 on steps carrying it: the indicator's column of
 * W_e is that modality's bias. The shared b_e is then redundant but harmless. So W_e x + b_e spans exactly the
 * functions of the per-modality layers. Initialisation can match too: `inputGroups` gives each modality's column
 * count so its rows get LeCun-normal with its own fan-in, as a separate layer would.
 *
 * **Acting vs training.** `step` advances B independent histories by one step (state passed in and returned, never
 * hidden in the object, so rollouts can branch from a copy). `forward` + `backward` run whole sequences and
 * backpropagate through time a loss the learner supplies as dLoss/dOut.
 *
 * The arithmetic runs in an engine (`engines.ts`): fused WebAssembly SIMD kernels by default, plain JS or tfjs on
 * request (`ICL_ENGINE` or the `engine` option).
 */
import type { Rng } from '../rng';
import { integer } from '../check';
import type { Engine, EngineKind, RowPlacement } from './engine';
import { createEngine, resolveEngineKind, resolveThreads } from './engines';
import { lecunNormal, orthogonal, uniformBound } from './init';
import { PARAM_NAMES, paramLayout } from './layout';
import type { ParamLayout, ParamName } from './layout';

export { Adam, ADAM_DEFAULTS, NonFiniteGradientError, checkFinite, globalNorm } from './adam';
export type { AdamState, OptimizerConfig } from './adam';
export type { EngineKind, RowPlacement } from './engine';

/** Sizes of the network. */
export interface GruNetConfig {
  /** D: per-step input width (the learner concatenates modalities; see the module comment). */
  readonly inputSize: number;
  /** E: embedding width. Paper: `PAPER_NET.embedSize` (32). */
  readonly embedSize: number;
  /** H: GRU state width. Paper: `PAPER_NET.hiddenSize` (128). */
  readonly hiddenSize: number;
  /** K: all heads' outputs concatenated (A2C: 2 policy logits + 1 value; PPI: 5 obs + 1 reward + 2 action). */
  readonly outputSize: number;
  /**
   * Optional: column counts of the input modalities, summing to `inputSize` (e.g. PPI `[5, 2, 1, 1]`). Each
   * group's embedding rows are initialised LeCun-normal with the group's own fan-in, as the paper's separate
   * per-modality layers would be. Default: one group of `inputSize` columns.
   */
  readonly inputGroups?: readonly number[];
}

/** The paper's sizes (App. A.3): 32-d embedding, 128-d GRU state. */
export const PAPER_NET: Pick<GruNetConfig, 'embedSize' | 'hiddenSize'> = Object.freeze({ embedSize: 32, hiddenSize: 128 });

/** Options of `GruNet.create`. */
export interface GruNetOptions {
  /** Force an engine; default `ICL_ENGINE` or the fastest available (`engines.ts`). */
  readonly engine?: EngineKind;
  /** Threads: 2 splits every batch with a worker thread (`parallel.ts`); default `ICL_THREADS` or 1. */
  readonly threads?: number;
}

/**
 * How `GruNet.create` draws the first weights. `flax` (the default) is the paper's JAX stack; `pytorch` is
 * PyTorch's `nn.Linear` / `nn.GRU` default, for comparing with PyTorch implementations (a study setting).
 */
export const WEIGHT_INITS = ['flax', 'pytorch'] as const;
export type WeightInit = (typeof WEIGHT_INITS)[number];

/** Options of `GruNet.create`: an engine, and the initialisation scheme. */
export interface GruNetCreateOptions extends GruNetOptions {
  readonly init?: WeightInit;
}

function validateConfig(config: GruNetConfig): GruNetConfig {
  const where = 'GruNet';
  for (const f of ['inputSize', 'embedSize', 'hiddenSize', 'outputSize'] as const) integer(where, f, config[f], 1, 1 << 16);
  let groups: readonly number[] | undefined;
  if (config.inputGroups !== undefined) {
    groups = config.inputGroups.map((g, i) => integer(where, `inputGroups[${i}]`, g, 1));
    const sum = groups.reduce((a, b) => a + b, 0);
    if (sum !== config.inputSize) {
      throw new RangeError(`${where}: inputGroups must sum to inputSize ${config.inputSize}, got ${sum}`);
    }
    groups = Object.freeze([...groups]);
  }
  const c: GruNetConfig = {
    inputSize: config.inputSize, embedSize: config.embedSize, hiddenSize: config.hiddenSize, outputSize: config.outputSize,
    ...(groups ? { inputGroups: groups } : {}),
  };
  return Object.freeze(c);
}

/** The GRU sequence model: weights in one flat Float32Array, arithmetic in an engine. */
export class GruNet {
  /** Sizes (frozen). */
  readonly config: GruNetConfig;
  /** Where each named block lives in `params`. */
  readonly layout: ParamLayout;
  /** All weights, one flat array (layout: `layout.ts`); optimizers update it in place. */
  readonly params: Float32Array;
  /** The engine kind running this network. */
  readonly engineKind: EngineKind;
  /** Threads the engine runs on (1 or 2). */
  readonly threads: number;
  private engine: Engine | null = null;
  private placement: RowPlacement = 'split';
  /** Histories stepped in place (`beginSteps`): their number, and their states where the engine cannot keep them. */
  private stepped: { batch: number; h: Float32Array | null } | null = null;
  /** A sequence fed step by step on an engine without `beginSequence`: kept here, run as one `forward` at the end. */
  private emulated: { batch: number; steps: number; fed: number; x: Float32Array; h: Float32Array; h0?: Float32Array } | null = null;

  private constructor(config: GruNetConfig, params: Float32Array, engineKind: EngineKind, threads: number) {
    this.config = config;
    this.layout = paramLayout(config.inputSize, config.embedSize, config.hiddenSize, config.outputSize);
    if (params.length !== this.layout.size) {
      throw new RangeError(`GruNet: expected ${this.layout.size} parameters for this config, got ${params.length}`);
    }
    this.params = params;
    this.engineKind = engineKind;
    this.threads = threads;
  }

  /**
   * A freshly initialised network. Flax defaults (the paper's stack, `init: 'flax'`): LeCun-normal embedding, GRU
   * input and head kernels; orthogonal recurrent kernels (one H×H matrix per gate); zero biases. PyTorch defaults
   * (`init: 'pytorch'`): every weight and bias uniform on ±1/√fanIn, with fanIn = H for every GRU tensor.
   */
  static create(config: GruNetConfig, rng: Rng, options: GruNetCreateOptions = {}): GruNet {
    const c = validateConfig(config);
    const init = options.init ?? 'flax';
    if (!WEIGHT_INITS.includes(init)) throw new RangeError(`GruNet: init must be one of ${WEIGHT_INITS.join(', ')}, got '${String(init)}'`);
    const net = new GruNet(c, new Float32Array(paramLayout(c.inputSize, c.embedSize, c.hiddenSize, c.outputSize).size),
      resolveEngineKind(options.engine), resolveThreads(options.threads));
    if (init === 'pytorch') initPytorch(net.paramViews(), c, rng);
    else initFlax(net.paramViews(), c, rng);
    return net;
  }

  /** Number of parameters of a network of this configuration (the length of `params`). */
  static paramCount(config: GruNetConfig): number {
    const c = validateConfig(config);
    return paramLayout(c.inputSize, c.embedSize, c.hiddenSize, c.outputSize).size;
  }

  /** A network with the given weights (copied), e.g. from a checkpoint. */
  static fromParams(config: GruNetConfig, params: Float32Array, options: GruNetOptions = {}): GruNet {
    const c = validateConfig(config);
    return new GruNet(c, params.slice(), resolveEngineKind(options.engine), resolveThreads(options.threads));
  }

  /** Named subarray views into `params` (writes go through). */
  paramViews(): Record<ParamName, Float32Array> {
    const out = {} as Record<ParamName, Float32Array>;
    for (const name of PARAM_NAMES) {
      const b = this.layout.blocks[name];
      out[name] = this.params.subarray(b.offset, b.offset + b.length);
    }
    return out;
  }

  /** Names a flat parameter index, e.g. `'gru.recurrentKernel[17]'` (for error messages). */
  describeIndex = (index: number): string => {
    for (const name of PARAM_NAMES) {
      const b = this.layout.blocks[name];
      if (index >= b.offset && index < b.offset + b.length) return `${name}[${index - b.offset}]`;
    }
    return `index ${index}`;
  };

  /** A deep copy with its own weights and engine (e.g. a frozen copy of an agent). */
  clone(options: GruNetOptions = {}): GruNet {
    return new GruNet(this.config, this.params.slice(), options.engine ?? this.engineKind, resolveThreads(options.threads ?? this.threads));
  }

  /** The initial state for `batch` histories: zeros [B, H]. */
  zeroState(batch: number): Float32Array {
    integer('GruNet.zeroState', 'batch', batch, 1);
    return new Float32Array(batch * this.config.hiddenSize);
  }

  private getEngine(): Engine {
    if (!this.engine) {
      this.engine = createEngine(this.engineKind, this.layout, this.threads);
      if (this.placement !== 'split') this.engine.placeRows!(this.placement);
    }
    return this.engine;
  }

  /** Whether `placeRows` applies: a two-thread network on an engine that splits its batches (not js, not tfjs). */
  get canPlaceRows(): boolean {
    return this.threads === 2 && this.getEngine().placeRows !== undefined;
  }

  /** Where a two-thread network runs its rows (`split` unless `placeRows` said otherwise). */
  get rowPlacement(): RowPlacement {
    return this.placement;
  }

  /**
   * Two learners, two cores: instead of halving every batch between this thread and the network's worker thread
   * (`split`, the default), run all rows on this thread (`main`) or all on the worker (`worker`). Two networks placed
   * `main` and `worker` then run side by side, each with the results of one thread, when their calls are deferred
   * (`sequenceStepDeferred`, `backwardDeferred`). Takes effect from the next forward or sequence.
   */
  placeRows(placement: RowPlacement): void {
    if (!this.canPlaceRows) throw new Error(`GruNet.placeRows: needs a two-thread network on a splitting engine (this one: ${this.engineKind}, ${this.threads} thread(s))`);
    this.getEngine().placeRows!(placement);
    this.placement = placement;
  }

  /**
   * Acting: one GRU step for `batch` independent histories.
   * @param h state [B, H] (not modified)
   * @param x inputs [B, D]
   * @returns the new state `h` [B, H] and the outputs `out` [B, K] (fresh arrays)
   */
  step(h: Float32Array, x: Float32Array, batch: number): { h: Float32Array; out: Float32Array } {
    const { inputSize: D, hiddenSize: H } = this.config;
    integer('GruNet.step', 'batch', batch, 1);
    if (h.length !== batch * H) throw new RangeError(`GruNet.step: h must have B*H = ${batch * H} entries, got ${h.length}`);
    if (x.length !== batch * D) throw new RangeError(`GruNet.step: x must have B*D = ${batch * D} entries, got ${x.length}`);
    return this.getEngine().step(this.params, h, x, batch);
  }

  /**
   * Acting in place: `batch` histories whose states stay inside the engine between steps (`step` copies every state
   * in and out: megabytes per step at thousands of rows). Starts them from `h0` [B, H] (default zeros).
   */
  beginSteps(batch: number, h0?: Float32Array): void {
    integer('GruNet.beginSteps', 'batch', batch, 1);
    if (h0 && h0.length !== batch * this.config.hiddenSize) throw new RangeError(`GruNet.beginSteps: h0 must have B*H = ${batch * this.config.hiddenSize} entries, got ${h0.length}`);
    const engine = this.getEngine();
    if (engine.beginSteps) {
      engine.beginSteps(this.params, batch, h0);
      this.stepped = { batch, h: null };
    } else this.stepped = { batch, h: h0 ? h0.slice() : this.zeroState(batch) };
  }

  /** One step of the histories begun by `beginSteps`, inputs x [B, D]; @returns their outputs [B, K] (a fresh array). */
  nextStep(x: Float32Array): Float32Array {
    const e = this.stepped;
    if (!e) throw new Error('GruNet.nextStep: call beginSteps first');
    if (x.length !== e.batch * this.config.inputSize) throw new RangeError(`GruNet.nextStep: x must have B*D = ${e.batch * this.config.inputSize} entries, got ${x.length}`);
    if (!e.h) return this.getEngine().nextStep!(x);
    const r = this.step(e.h, x, e.batch);
    e.h = r.h;
    return r.out;
  }

  /** The current states [B, H] of the histories begun by `beginSteps` (a copy). */
  stepState(): Float32Array {
    const e = this.stepped;
    if (!e) throw new Error('GruNet.stepState: call beginSteps first');
    return e.h ? e.h.slice() : this.getEngine().stepState!();
  }

  /**
   * Training: whole sequences, batch-major. Keeps what `backward` needs (for the weights as they are now).
   * @param x inputs [B, T, D], index (b·T + t)·D + i
   * @param h0 initial states [B, H]; default zeros
   * @returns outputs [B, T, K], index (b·T + t)·K + k (a fresh array)
   */
  forward(x: Float32Array, batch: number, steps: number, h0?: Float32Array): Float32Array {
    const { inputSize: D, hiddenSize: H } = this.config;
    integer('GruNet.forward', 'batch', batch, 1);
    integer('GruNet.forward', 'steps', steps, 1);
    if (x.length !== batch * steps * D) {
      throw new RangeError(`GruNet.forward: x must have B*T*D = ${batch * steps * D} entries, got ${x.length}`);
    }
    if (h0 && h0.length !== batch * H) throw new RangeError(`GruNet.forward: h0 must have B*H = ${batch * H} entries, got ${h0.length}`);
    return this.getEngine().forward(this.params, x, batch, steps, h0);
  }

  /**
   * Starts a training forward over `batch` histories of `steps` steps that is fed one step at a time: acting with
   * `sequenceStep` computes exactly what `forward` would, and `backward` then differentiates it, so an on-policy
   * learner need not run the forward twice. The weights must not change until `backward`.
   * @param h0 initial states [B, H]; default zeros
   */
  beginSequence(batch: number, steps: number, h0?: Float32Array): void {
    integer('GruNet.beginSequence', 'batch', batch, 1);
    integer('GruNet.beginSequence', 'steps', steps, 1);
    if (h0 && h0.length !== batch * this.config.hiddenSize) throw new RangeError(`GruNet.beginSequence: h0 must have B*H = ${batch * this.config.hiddenSize} entries, got ${h0.length}`);
    const engine = this.getEngine();
    if (engine.beginSequence) {
      engine.beginSequence(this.params, batch, steps, h0);
      this.emulated = null;
    } else {
      this.emulated = { batch, steps, fed: 0, x: new Float32Array(batch * steps * this.config.inputSize), h: h0 ? h0.slice() : this.zeroState(batch), h0 };
    }
  }

  /**
   * Step `s` (0, 1, … in order) of the sequence begun: inputs x [B, D].
   * @returns the outputs [B, K] of this step (a fresh array)
   */
  sequenceStep(x: Float32Array, s: number): Float32Array {
    const D = this.config.inputSize;
    const e = this.emulated;
    if (!e) {
      const engine = this.getEngine();
      if (!engine.sequenceStep) throw new Error('GruNet.sequenceStep: call beginSequence first');
      return engine.sequenceStep(x, s);
    }
    if (s !== e.fed) throw new Error(`GruNet.sequenceStep: expected step ${e.fed}, got ${s}`);
    if (x.length !== e.batch * D) throw new RangeError(`GruNet.sequenceStep: x must have B*D = ${e.batch * D} entries, got ${x.length}`);
    for (let b = 0; b < e.batch; b++) e.x.set(x.subarray(b * D, (b + 1) * D), (b * e.steps + s) * D);
    const r = this.step(e.h, x, e.batch);
    e.h = r.h;
    e.fed++;
    return r.out;
  }

  /**
   * `sequenceStep`, returning at once when the rows run on the worker thread (`placeRows('worker')`): call the
   * returned function for the outputs. Elsewhere it computes now. No other call on this network before that.
   */
  sequenceStepDeferred(x: Float32Array, s: number): () => Float32Array {
    const engine = this.emulated ? null : this.getEngine();
    if (engine?.sequenceStepDeferred) return engine.sequenceStepDeferred(x, s);
    const out = this.sequenceStep(x, s);
    return () => out;
  }

  /** The outputs [B, T, K] of the whole sequence, once every step is fed (then `backward` applies to it). */
  sequenceOutputs(): Float32Array {
    const e = this.emulated;
    if (!e) {
      const engine = this.getEngine();
      if (!engine.sequenceOutputs) throw new Error('GruNet.sequenceOutputs: call beginSequence first');
      return engine.sequenceOutputs();
    }
    if (e.fed !== e.steps) throw new Error(`GruNet.sequenceOutputs: only ${e.fed} of ${e.steps} steps fed`);
    this.emulated = null;
    return this.forward(e.x, e.batch, e.steps, e.h0);
  }

  /**
   * Backpropagation through time of the last `forward`.
   * @param dOut dLoss/dOut [B, T, K] (same layout as forward's result)
   * @returns dLoss/dParams, same layout as `params` (a fresh array)
   */
  backward(dOut: Float32Array): Float32Array {
    return this.getEngine().backward(dOut);
  }

  /** `backward`, returning at once when the rows run on the worker thread: call the returned function for the gradients. */
  backwardDeferred(dOut: Float32Array): () => Float32Array {
    const engine = this.getEngine();
    if (engine.backwardDeferred) return engine.backwardDeferred(dOut);
    const g = engine.backward(dOut);
    return () => g;
  }

  /** Bytes of WebAssembly linear memory the engine holds now (0 for the js and tfjs engines). */
  memoryBytes(): number {
    return this.engine?.memoryBytes?.() ?? 0;
  }

  /** Frees the engine's caches and wasm memory; the network stays usable (a new engine is made on demand). */
  dispose(): void {
    if (this.engine) this.engine.dispose();
    this.engine = null;
    this.stepped = null;
  }
}

function initFlax(v: Record<ParamName, Float32Array>, c: GruNetConfig, rng: Rng): void {
  const D = c.inputSize, E = c.embedSize, H = c.hiddenSize;
  let row = 0;
  for (const [gi, width] of (c.inputGroups ?? [D]).entries()) {
    lecunNormal(v['embed.kernel'].subarray(row * E, (row + width) * E), width, rng.child(`embed-${gi}`));
    row += width;
  }
  // Per gate, as Flax's GRUCell builds three Dense layers: [E, H] input kernels, [H, H] recurrent ones.
  const wi = v['gru.inputKernel'], wh = v['gru.recurrentKernel'];
  const block = new Float32Array(E * H);
  for (let g = 0; g < 3; g++) {
    lecunNormal(block, E, rng.child(`input-${g}`));
    for (let i = 0; i < E; i++) for (let j = 0; j < H; j++) wi[i * 3 * H + g * H + j] = block[i * H + j];
    const q = orthogonal(H, rng.child(`recurrent-${g}`));
    for (let i = 0; i < H; i++) for (let j = 0; j < H; j++) wh[i * 3 * H + g * H + j] = q[i * H + j];
  }
  lecunNormal(v['head.kernel'], H, rng.child('head'));
}

function initPytorch(v: Record<ParamName, Float32Array>, c: GruNetConfig, rng: Rng): void {
  const D = c.inputSize, H = c.hiddenSize, E = c.embedSize;
  let row = 0;
  for (const [gi, width] of (c.inputGroups ?? [D]).entries()) {
    uniformBound(v['embed.kernel'].subarray(row * E, (row + width) * E), 1 / Math.sqrt(width), rng.child(`torch-embed-${gi}`));
    row += width;
  }
  uniformBound(v['embed.bias'], 1 / Math.sqrt(D), rng.child('torch-embed-bias'));
  const k = 1 / Math.sqrt(H);
  uniformBound(v['gru.inputKernel'], k, rng.child('torch-gru-input'));
  uniformBound(v['gru.recurrentKernel'], k, rng.child('torch-gru-recurrent'));
  // PyTorch's GRU has two biases per gate, b_i and b_h. For the reset and update gates they only ever appear as
  // b_i + b_h (our gru.bias); for the candidate, b_in is gru.bias and b_hn (inside the reset product) is gru.hnBias.
  const bi = new Float32Array(3 * H), bh = new Float32Array(2 * H);
  uniformBound(bi, k, rng.child('torch-gru-bias-i'));
  uniformBound(bh, k, rng.child('torch-gru-bias-h'));
  for (let j = 0; j < 3 * H; j++) v['gru.bias'][j] = bi[j] + (j < 2 * H ? bh[j] : 0);
  uniformBound(v['gru.hnBias'], k, rng.child('torch-gru-bias-hn'));
  uniformBound(v['head.kernel'], k, rng.child('torch-head'));
  uniformBound(v['head.bias'], k, rng.child('torch-head-bias'));
}
