/**
 * The `tfjs` engine: `reference.ts` (explicit tfjs ops, autodiff gradients) behind the engine interface, so the
 * whole model can run on any tfjs backend, including tfjs-node's native `tensorflow` where installed. Slow on the
 * wasm backend (per-op overhead; BENCHMARKS.md), hence never the automatic choice. No tensor outlives a call.
 */
import * as tf from '@tensorflow/tfjs';
import type { Engine } from './engine';
import type { ParamLayout } from './layout';
import { referenceForward, referenceGradients, referenceStep, tfParams } from './reference';

/** Creates a `tfjs` engine for one network (uses the active tfjs backend). */
export function createTfjsEngine(layout: ParamLayout): Engine {
  const { inputSize: D, hiddenSize: H, outputSize: K } = layout;
  let last: { params: Float32Array; x: Float32Array; batch: number; steps: number; h0: Float32Array | undefined } | null = null;
  return {
    kind: 'tfjs',
    forward(params, x, B, T, h0) {
      const copy = params.slice();
      const out = tf.tidy(() => {
        const h = h0 ? tf.tensor2d(h0, [B, H]) : (tf.zeros([B, H]) as tf.Tensor2D);
        return referenceForward(layout, tfParams(layout, copy), tf.tensor3d(x, [B, T, D]), h).out.dataSync() as Float32Array;
      });
      last = { params: copy, x: x.slice(), batch: B, steps: T, h0: h0?.slice() };
      return out.slice();
    },
    backward(dOut) {
      if (!last) throw new Error('GruNet.backward: call forward first (backward differentiates the last forward)');
      if (dOut.length !== last.batch * last.steps * K) {
        throw new RangeError(`GruNet.backward: dOut must have B*T*K = ${last.batch * last.steps * K} entries, got ${dOut.length}`);
      }
      return referenceGradients(layout, last.params, last.x, last.batch, last.steps, last.h0, dOut);
    },
    step(params, h, x, B) {
      return tf.tidy(() => {
        const r = referenceStep(layout, tfParams(layout, params), tf.tensor2d(h, [B, H]), tf.tensor2d(x, [B, D]));
        return { h: (r.h.dataSync() as Float32Array).slice(), out: (r.out.dataSync() as Float32Array).slice() };
      });
    },
    dispose() {
      last = null;
    },
  };
}
