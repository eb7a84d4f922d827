import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { seeded } from '../../src/rng';
import { GruNet } from '../../src/model/gru-net';
import type { EngineKind, GruNetConfig } from '../../src/model/gru-net';
import { initBackend } from '../../src/model/backend';
import { referenceGradients } from '../../src/model/reference';

const FAST_ENGINES: EngineKind[] = ['native', 'blas', 'wasm-simd', 'js'];

function randomArray(n: number, seed: string, scale = 1): Float32Array {
  const r = seeded(seed), a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = scale * r.normal();
  return a;
}

/** ‖a − b‖ / ‖b‖ in float64. */
function relError(a: Float32Array, b: Float32Array): number {
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) { num += (a[i] - b[i]) ** 2; den += b[i] ** 2; }
  return Math.sqrt(num / den);
}

const CASES: { name: string; cfg: GruNetConfig; B: number; T: number; oneHot: boolean }[] = [
  { name: 'odd sizes', cfg: { inputSize: 6, embedSize: 5, hiddenSize: 11, outputSize: 3 }, B: 7, T: 13, oneHot: false },
  { name: 'A2C-shaped (one-hot 5 → 32 → 128 → 3)', cfg: { inputSize: 5, embedSize: 32, hiddenSize: 128, outputSize: 3 }, B: 9, T: 20, oneHot: true },
  { name: 'PPI-shaped (9 → 32 → 128 → 8)', cfg: { inputSize: 9, embedSize: 32, hiddenSize: 128, outputSize: 8 }, B: 5, T: 17, oneHot: false },
];

test.before(async () => {
  await initBackend();
});

for (const engine of FAST_ENGINES) {
  for (const c of CASES) {
    test(`[${engine}] outputs and BPTT gradients match tfjs autodiff of the reference network to ≤1e-4 relative (${c.name})`, () => {
      const { B, T, cfg } = c;
      const net = GruNet.create(cfg, seeded(c.name), { engine });
      const noise = randomArray(net.params.length, `${c.name}/p`, 0.2);
      for (let i = 0; i < noise.length; i++) net.params[i] += noise[i];
      const x = new Float32Array(B * T * cfg.inputSize);
      if (c.oneHot) {
        const r = seeded(`${c.name}/x`);
        for (let i = 0; i < B * T; i++) x[i * cfg.inputSize + r.int(cfg.inputSize)] = 1;
      } else x.set(randomArray(x.length, `${c.name}/x`));
      const h0 = randomArray(B * cfg.hiddenSize, `${c.name}/h0`, 0.5);
      const dOut = randomArray(B * T * cfg.outputSize, `${c.name}/d`);
      const out = net.forward(x, B, T, h0);
      const g = net.backward(dOut);
      const ref = GruNet.fromParams(cfg, net.params, { engine: 'tfjs' });
      const outRef = ref.forward(x, B, T, h0);
      const gRef = referenceGradients(net.layout, net.params, x, B, T, h0, dOut);
      assert.ok(relError(out, outRef) <= 1e-4, `outputs: relative error ${relError(out, outRef)}`);
      assert.ok(relError(g, gRef) <= 1e-4, `gradients: relative error ${relError(g, gRef)}`);
      for (const [name, b] of Object.entries(net.layout.blocks)) {
        const e = relError(g.subarray(b.offset, b.offset + b.length), gRef.subarray(b.offset, b.offset + b.length));
        assert.ok(e <= 1e-3, `${name}: relative error ${e}`);
      }
      net.dispose();
    });
  }

  test(`[${engine}] acting steps match the reference step (B=6, two steps from a random state)`, () => {
    const cfg = { inputSize: 7, embedSize: 8, hiddenSize: 12, outputSize: 8 }, B = 6;
    const net = GruNet.create(cfg, seeded('act'), { engine });
    const ref = GruNet.fromParams(cfg, net.params, { engine: 'tfjs' });
    let h = randomArray(B * cfg.hiddenSize, 'act-h'), hr = h;
    for (let s = 0; s < 2; s++) {
      const x = randomArray(B * cfg.inputSize, `act-x${s}`);
      const a = net.step(h, x, B), b = ref.step(hr, x, B);
      assert.ok(relError(a.out, b.out) <= 1e-5 && relError(a.h, b.h) <= 1e-5);
      h = a.h; hr = b.h;
    }
  });
}

test('the tfjs reference path leaks no tensors over many forward/backward/step calls', () => {
  const cfg = { inputSize: 3, embedSize: 4, hiddenSize: 5, outputSize: 2 };
  const net = GruNet.create(cfg, seeded(0), { engine: 'tfjs' });
  const x = randomArray(2 * 3 * 3, 'leak');
  const once = () => {
    net.forward(x, 2, 3);
    net.backward(randomArray(2 * 3 * 2, 'leak-d'));
    net.step(net.zeroState(2), x.subarray(0, 6), 2);
  };
  once();
  const before = tf.memory().numTensors;
  for (let i = 0; i < 50; i++) once();
  assert.equal(tf.memory().numTensors, before, 'tensors leaked');
});
