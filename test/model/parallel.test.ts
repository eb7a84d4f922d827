import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seeded } from '../../src/rng';
import { GruNet } from '../../src/model/gru-net';
import { DataParallelGruNet } from '../../src/model/parallel';

function randomArray(n: number, seed: string): Float32Array {
  const r = seeded(seed), a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = r.normal();
  return a;
}

function rel(a: Float32Array, b: Float32Array): number {
  let n = 0, d = 0;
  for (let i = 0; i < a.length; i++) { n += (a[i] - b[i]) ** 2; d += b[i] ** 2; }
  return Math.sqrt(n / d);
}

test('two worker-thread halves give the outputs, summed gradients and acting steps of the whole batch (B=7, T=9)', async () => {
  const cfg = { inputSize: 6, embedSize: 5, hiddenSize: 11, outputSize: 3 }, B = 7, T = 9;
  const net = GruNet.create(cfg, seeded('par'), { engine: 'wasm-simd' });
  const single = net.clone();
  const par = DataParallelGruNet.create(net);
  try {
    const x = randomArray(B * T * cfg.inputSize, 'x'), h0 = randomArray(B * cfg.hiddenSize, 'h0');
    const d = randomArray(B * T * cfg.outputSize, 'd');
    const out = par.forward(x, B, T, h0), ref = single.forward(x, B, T, h0);
    assert.ok(rel(out, ref) < 1e-6, `outputs ${rel(out, ref)}`);
    const g = par.backward(d), gRef = single.backward(d);
    assert.ok(rel(g, gRef) < 1e-5, `gradients ${rel(g, gRef)}`);
    par.params[0] += 0.25;                          // the worker gets the current weights with every request
    single.params[0] += 0.25;
    const s = par.step(h0, x.subarray(0, B * cfg.inputSize), B), sRef = single.step(h0, x.subarray(0, B * cfg.inputSize), B);
    assert.ok(rel(s.h, sRef.h) < 1e-6 && rel(s.out, sRef.out) < 1e-6);
  } finally {
    await par.dispose();
  }
});
