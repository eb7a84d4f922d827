import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { seeded } from '../../src/rng';
import { Adam, GruNet, NonFiniteGradientError } from '../../src/model/gru-net';
import type { EngineKind, OptimizerConfig } from '../../src/model/gru-net';
import { initBackend } from '../../src/model/backend';

const CFG = { inputSize: 5, embedSize: 6, hiddenSize: 10, outputSize: 3 };
const OPT: OptimizerConfig = { learningRate: 1e-2, beta1: 0.9, beta2: 0.999, epsilon: 1e-5, weightDecay: 0, maxGradNorm: 1 };

function oneHot(B: number, T: number, seed: string): Float32Array {
  const r = seeded(seed), x = new Float32Array(B * T * CFG.inputSize);
  for (let i = 0; i < B * T; i++) x[i * CFG.inputSize + r.int(CFG.inputSize)] = 1;
  return x;
}

/** One update with a fixed pseudo-loss: dLoss/dOut = out − target (a squared error). */
function update(net: GruNet, adam: Adam, x: Float32Array, B: number, T: number): void {
  const out = net.forward(x, B, T);
  const d = new Float32Array(out.length);
  for (let i = 0; i < d.length; i++) d[i] = (out[i] - (i % 3 === 0 ? 1 : 0)) / out.length;
  adam.step(net.params, net.backward(d), net.describeIndex);
}

test.before(async () => {
  await initBackend();
});

for (const engine of ['native', 'blas', 'wasm-simd'] as EngineKind[]) test(`${engine}: linear memory stays flat over 1000 updates and acting steps (B alternating 3 and 7)`, () => {
  const net = GruNet.create(CFG, seeded('mem'), { engine });
  const adam = new Adam(net.params.length, OPT);
  const xs = { 3: oneHot(3, 4, 'a'), 7: oneHot(7, 4, 'b') };
  let h = net.zeroState(7);
  const run = (n: number) => {
    for (let i = 0; i < n; i++) {
      const B = i % 2 === 0 ? 3 : 7;
      update(net, adam, xs[B], B, 4);
      h = net.step(h, xs[7].subarray(0, 7 * CFG.inputSize), 7).h;
    }
  };
  run(10);
  const after10 = net.memoryBytes();
  assert.ok(after10 > 0);
  run(990);
  assert.equal(net.memoryBytes(), after10, 'wasm memory grew');
  net.dispose();
  assert.equal(net.memoryBytes(), 0);
  update(net, adam, xs[3], 3, 4);               // usable again after dispose
});

test('tfjs engine: the tensor count is flat over 1000 updates', () => {
  const net = GruNet.create({ ...CFG, hiddenSize: 4 }, seeded('leak'), { engine: 'tfjs' });
  const adam = new Adam(net.params.length, OPT);
  const x = oneHot(2, 2, 'leak');
  update(net, adam, x, 2, 2);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 1000; i++) update(net, adam, x, 2, 2);
  assert.equal(tf.memory().numTensors, before, 'tensors leaked');
});

for (const engine of ['wasm-simd', 'js'] as EngineKind[]) {
  test(`[${engine}] 20 updates from the same seed give bit-identical weights and optimizer state`, () => {
    const train = () => {
      const net = GruNet.create(CFG, seeded(11), { engine });
      const adam = new Adam(net.params.length, OPT);
      for (let i = 0; i < 20; i++) update(net, adam, oneHot(5, 6, `it-${i}`), 5, 6);
      net.dispose();
      return { p: net.params, s: adam.state() };
    };
    const a = train(), b = train();
    assert.deepEqual(a.p, b.p);
    assert.deepEqual(a.s, b.s);
  });

  test(`[${engine}] a NaN input gives NaN gradients; Adam stops with a clear message and the weights stay as they were`, () => {
    const net = GruNet.create(CFG, seeded(12), { engine });
    const adam = new Adam(net.params.length, OPT);
    update(net, adam, oneHot(3, 4, 'ok'), 3, 4);
    const before = net.params.slice(), state = adam.state();
    const x = oneHot(3, 4, 'nan');
    x[7] = NaN;
    assert.throws(() => update(net, adam, x, 3, 4),
      (e: unknown) => e instanceof NonFiniteGradientError && /Adam\.step: gradient is not finite: NaN at [a-zA-Z.]+\[\d+\] \(index \d+\); training stopped/.test(e.message));
    assert.deepEqual(net.params, before);
    assert.deepEqual(adam.state(), state);
  });

  test(`[${engine}] acting with other weights between forward and backward does not disturb the backward`, () => {
    const net = GruNet.create(CFG, seeded(13), { engine });
    const x = oneHot(4, 5, 'fb'), d = new Float32Array(4 * 5 * 3).fill(0.1);
    net.forward(x, 4, 5);
    const clean = net.backward(d);
    net.forward(x, 4, 5);
    const saved = net.params.slice();
    net.params[3] += 0.5;                          // e.g. an optimizer step, then acting with the new weights
    net.step(net.zeroState(9), oneHot(9, 1, 'act'), 9);
    net.params.set(saved);
    assert.deepEqual(net.backward(d), clean);
  });
}
