/**
 * Adam / AdamW with global-norm gradient clipping, over one flat Float32Array of parameters.
 *
 * Semantics follow optax (the paper's JAX stack), which agree with PyTorch's `Adam`/`AdamW` up to where ε sits:
 *   g ← g · min(1, maxGradNorm / ‖g‖₂)                              (optax `clip_by_global_norm`)
 *   m ← β₁ m + (1 − β₁) g,  v ← β₂ v + (1 − β₂) g²,  t ← t + 1
 *   p ← p − lr · ( m/(1 − β₁ᵗ) / (√(v/(1 − β₂ᵗ)) + ε) + weightDecay · p )   (decoupled weight decay, AdamW)
 * Arithmetic is float64 per element; parameters and moments are stored as float32.
 *
 * A gradient containing NaN or ±Infinity throws a `NonFiniteGradientError` *before* anything is modified, so a
 * diverging loss stops training with a message instead of silently corrupting the weights and the moments.
 */
import { field, integer, rules, settings } from '../check';

/** Hyperparameters of `Adam`, each with its rule (`OptimizerConfig` is this schema's type). */
export const OPTIMIZER_SETTINGS = settings({
  /** Step size (lr). */
  learningRate: field.number(rules.finite, rules.above(0)),
  /** Decay of the first moment, in [0, 1). PyTorch/optax default 0.9. */
  beta1: field.number(rules.halfOpen(0, 1)),
  /** Decay of the second moment, in [0, 1). PyTorch/optax default 0.999. */
  beta2: field.number(rules.halfOpen(0, 1)),
  /** Added to √v̂ in the denominator (> 0). */
  epsilon: field.number(rules.finite, rules.above(0)),
  /** Decoupled (AdamW) weight decay per unit learning rate; 0 = plain Adam. */
  weightDecay: field.number(rules.atLeast(0)),
  /** Clip the gradient to this global L2 norm before the update; `Infinity` = no clipping. */
  maxGradNorm: field.number(rules.above(0, ' (Infinity = no clipping)')),
});
export type OptimizerConfig = ReturnType<typeof OPTIMIZER_SETTINGS.parse>;

/** Adam's usual defaults (PyTorch/optax): lr 1e-3, β = (0.9, 0.999), ε = 1e-8, no decay, no clipping. */
export const ADAM_DEFAULTS: OptimizerConfig = Object.freeze({
  learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0, maxGradNorm: Infinity,
});

/** Everything needed to continue an `Adam` exactly (the moments are copies). */
export interface AdamState {
  readonly config: OptimizerConfig;
  /** Updates taken so far (t). */
  readonly step: number;
  /** First moments, one per parameter. */
  readonly m: Float32Array;
  /** Second moments, one per parameter. */
  readonly v: Float32Array;
}

/** Thrown when a gradient (or loss) contains NaN or ±Infinity. */
export class NonFiniteGradientError extends Error {
  constructor(
    message: string,
    /** Index of the first offending entry. */
    readonly index: number,
    /** Its value (NaN, Infinity or -Infinity). */
    readonly value: number,
  ) {
    super(message);
    this.name = 'NonFiniteGradientError';
  }
}

/**
 * Throws `NonFiniteGradientError` naming the first NaN/±Infinity entry of `values`.
 * @param where  the caller, for the message (e.g. `'Adam.step'`)
 * @param locate optional: names an index (e.g. `'gru.recurrentKernel[17]'`)
 */
export function checkFinite(where: string, values: ArrayLike<number>, locate?: (index: number) => string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      const at = locate ? `${locate(i)} (index ${i})` : `index ${i}`;
      throw new NonFiniteGradientError(
        `${where}: gradient is not finite: ${v} at ${at}; training stopped, parameters and optimizer state left unchanged`,
        i, v,
      );
    }
  }
}

/** The global L2 norm √Σ gᵢ², in float64. NaN if any entry is NaN, Infinity if any is infinite. */
export function globalNorm(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] * values[i];
  return Math.sqrt(s);
}

/** Adam/AdamW with global-norm clipping (see the module comment for the exact update). */
export class Adam {
  readonly config: OptimizerConfig;
  private m: Float32Array;
  private v: Float32Array;
  private t = 0;

  /** @param paramCount number of parameters it will update (the length of `params`). */
  constructor(readonly paramCount: number, cfg: OptimizerConfig) {
    integer('Adam', 'paramCount', paramCount, 1);
    this.config = Object.freeze(OPTIMIZER_SETTINGS.parse('Adam', cfg));
    this.m = new Float32Array(paramCount);
    this.v = new Float32Array(paramCount);
  }

  /** Updates taken so far. */
  get stepCount(): number {
    return this.t;
  }

  /**
   * One update of `params` in place from `grads` (not modified).
   * @param locate optional: names a parameter index in error messages (`GruNet.describeIndex`)
   * @returns the global gradient norm before clipping
   * @throws NonFiniteGradientError if a gradient is NaN/±Infinity (nothing is changed)
   */
  step(params: Float32Array, grads: Float32Array, locate?: (index: number) => string): { gradNorm: number } {
    if (params.length !== this.paramCount || grads.length !== this.paramCount) {
      throw new RangeError(`Adam.step: expected ${this.paramCount} parameters and gradients, got ${params.length} and ${grads.length}`);
    }
    const gradNorm = globalNorm(grads);
    if (!Number.isFinite(gradNorm)) checkFinite('Adam.step', grads, locate);
    if (!Number.isFinite(gradNorm)) {
      // Every entry is finite but their squares overflow float64: cannot happen for float32 inputs; kept for safety.
      throw new NonFiniteGradientError(`Adam.step: gradient norm overflowed (${gradNorm}); parameters left unchanged`, -1, gradNorm);
    }
    const { learningRate: lr, beta1: b1, beta2: b2, epsilon: eps, weightDecay: wd, maxGradNorm } = this.config;
    const scale = gradNorm > maxGradNorm ? maxGradNorm / gradNorm : 1;
    const t = this.t + 1;
    const bc1 = 1 - Math.pow(b1, t), bc2 = 1 - Math.pow(b2, t);
    const m = this.m, v = this.v;
    for (let i = 0; i < params.length; i++) {
      const g = grads[i] * scale;
      const mi = b1 * m[i] + (1 - b1) * g;
      const vi = b2 * v[i] + (1 - b2) * g * g;
      m[i] = mi;
      v[i] = vi;
      const p = params[i];
      params[i] = p - lr * ((mi / bc1) / (Math.sqrt(vi / bc2) + eps) + wd * p);
    }
    this.t = t;
    return { gradNorm };
  }

  /** A copy of the optimizer's state (config, step count, moments). */
  state(): AdamState {
    return { config: this.config, step: this.t, m: this.m.slice(), v: this.v.slice() };
  }

  /** An optimizer that continues exactly from `state`. */
  static restore(state: AdamState): Adam {
    if (state.m.length !== state.v.length) {
      throw new RangeError(`Adam.restore: moment lengths differ (${state.m.length} vs ${state.v.length})`);
    }
    const a = new Adam(state.m.length, state.config);
    a.m.set(state.m);
    a.v.set(state.v);
    a.t = integer('Adam.restore', 'step', state.step, 0);
    return a;
  }
}
