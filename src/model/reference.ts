/**
 * The reference implementation: the same network as `gru-net.ts`, written with explicit `@tensorflow/tfjs` ops and
 * differentiated by tfjs autodiff (`tf.grads`). It shares no arithmetic with the `js` and `wasm-simd` engines,
 * which the tests check against it. Runs on whatever tfjs backend is active (`backend.ts`). Every function wraps
 * its work in `tf.tidy`; the returned tensors are the caller's to dispose.
 */
import * as tf from '@tensorflow/tfjs';
import type { ParamLayout, ParamName } from './layout';
import { PARAM_NAMES } from './layout';

/** The parameter blocks as tensors, with their natural shapes ([in, out] kernels, vector biases). */
export type TfParams = Record<ParamName, tf.Tensor>;

/** Tensors for the flat `params` (caller disposes them, or call inside `tf.tidy`). */
export function tfParams(layout: ParamLayout, params: Float32Array): TfParams {
  const { inputSize: D, embedSize: E, hiddenSize: H, outputSize: K } = layout;
  const shapes: Record<ParamName, number[]> = {
    'embed.kernel': [D, E], 'embed.bias': [E], 'gru.inputKernel': [E, 3 * H], 'gru.recurrentKernel': [H, 3 * H],
    'gru.bias': [3 * H], 'gru.hnBias': [H], 'head.kernel': [H, K], 'head.bias': [K],
  };
  const out = {} as TfParams;
  for (const name of PARAM_NAMES) {
    const b = layout.blocks[name];
    out[name] = tf.tensor(params.slice(b.offset, b.offset + b.length), shapes[name]);
  }
  return out;
}

/** One GRU cell: e [B, E], h [B, H] → h' [B, H] (gate order r, z, n; r multiplies W_hn h + b_hn). */
function cell(p: TfParams, H: number, e: tf.Tensor2D, h: tf.Tensor2D): tf.Tensor2D {
  const B = e.shape[0];
  const gi = tf.add(tf.matMul(e, p['gru.inputKernel'] as tf.Tensor2D), p['gru.bias']);
  const gh = tf.matMul(h, p['gru.recurrentKernel'] as tf.Tensor2D);
  const part = (m: tf.Tensor, g: number) => tf.slice(m, [0, g * H], [B, H]);
  const r = tf.sigmoid(tf.add(part(gi, 0), part(gh, 0)));
  const z = tf.sigmoid(tf.add(part(gi, 1), part(gh, 1)));
  const n = tf.tanh(tf.add(part(gi, 2), tf.mul(r, tf.add(part(gh, 2), p['gru.hnBias']))));
  return tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, h)) as tf.Tensor2D;
}

/** Heads: h [N, H] → swish → [N, K]. */
function heads(p: TfParams, h: tf.Tensor2D): tf.Tensor2D {
  const y = tf.mul(h, tf.sigmoid(h)) as tf.Tensor2D;
  return tf.add(tf.matMul(y, p['head.kernel'] as tf.Tensor2D), p['head.bias']) as tf.Tensor2D;
}

/**
 * Whole sequences. @param x [B, T, D] @param h0 [B, H] @returns outputs [B, T, K] and the last state [B, H].
 */
export function referenceForward(layout: ParamLayout, p: TfParams, x: tf.Tensor3D, h0: tf.Tensor2D): { out: tf.Tensor3D; h: tf.Tensor2D } {
  return tf.tidy(() => {
    const [B, T, D] = x.shape;
    const { embedSize: E, hiddenSize: H, outputSize: K } = layout;
    const e = tf.reshape(tf.add(tf.matMul(tf.reshape(x, [B * T, D]), p['embed.kernel'] as tf.Tensor2D), p['embed.bias']), [B, T, E]);
    let h = h0;
    const hs: tf.Tensor2D[] = [];
    for (let t = 0; t < T; t++) {
      h = cell(p, H, tf.reshape(tf.slice(e, [0, t, 0], [B, 1, E]), [B, E]) as tf.Tensor2D, h);
      hs.push(h);
    }
    const all = tf.reshape(tf.stack(hs, 1), [B * T, H]) as tf.Tensor2D;
    return { out: tf.reshape(heads(p, all), [B, T, K]) as tf.Tensor3D, h };
  });
}

/** One acting step. @param h [B, H] @param x [B, D] @returns new state [B, H], outputs [B, K]. */
export function referenceStep(layout: ParamLayout, p: TfParams, h: tf.Tensor2D, x: tf.Tensor2D): { h: tf.Tensor2D; out: tf.Tensor2D } {
  return tf.tidy(() => {
    const e = tf.add(tf.matMul(x, p['embed.kernel'] as tf.Tensor2D), p['embed.bias']) as tf.Tensor2D;
    const hNext = cell(p, layout.hiddenSize, e, h);
    return { h: hNext, out: heads(p, hNext) };
  });
}

/**
 * Autodiff gradient of Σ dOut ⊙ forward(x, h0) with respect to every parameter, flattened in the layout's order.
 * @param x [B, T, D] batch-major @param h0 [B, H] or zeros @param dOut [B, T, K]
 */
export function referenceGradients(
  layout: ParamLayout, params: Float32Array, x: Float32Array, batch: number, steps: number,
  h0: Float32Array | undefined, dOut: Float32Array,
): Float32Array {
  const grads = new Float32Array(layout.size);
  tf.tidy(() => {
    const p = tfParams(layout, params);
    const xt = tf.tensor3d(x, [batch, steps, layout.inputSize]);
    const h0t = h0 ? tf.tensor2d(h0, [batch, layout.hiddenSize]) : tf.zeros([batch, layout.hiddenSize]) as tf.Tensor2D;
    const d = tf.tensor3d(dOut, [batch, steps, layout.outputSize]);
    const f = (...ts: tf.Tensor[]) => {
      const q = {} as TfParams;
      PARAM_NAMES.forEach((name, i) => { q[name] = ts[i]; });
      return tf.sum(tf.mul(referenceForward(layout, q, xt, h0t).out, d));
    };
    const gs = tf.grads(f)(PARAM_NAMES.map((name) => p[name]));
    PARAM_NAMES.forEach((name, i) => grads.set(gs[i].dataSync() as Float32Array, layout.blocks[name].offset));
  });
  return grads;
}
