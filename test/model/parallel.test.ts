import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seeded } from '../../src/rng';
import { GruNet } from '../../src/model/gru-net';
import type { EngineKind } from '../../src/model/gru-net';
import { CTL, nextRequest } from '../../src/model/parallel-worker';
import { rowsIndependent } from '../../src/model/engines';
import { Worker } from 'node:worker_threads';

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

/**
 * Two threads split a batch's rows: bit for bit the rows of one thread where the engine computes each row alike
 * wherever it sits (`rowsIndependent`), else equal to float32 rounding (OpenBLAS's Haswell kernel, also used on AMD Zen).
 */
function sameRows(exact: boolean, actual: Float32Array, expected: Float32Array, message?: string): void {
  if (exact) {
    assert.deepEqual(actual, expected, message);
    return;
  }
  assert.equal(actual.length, expected.length, message);
  const r = rel(actual, expected);
  assert.ok(r < 1e-6, `${message ?? 'rows'}: relative difference ${r}`);
}

for (const engine of ['native', 'blas', 'wasm-simd'] as EngineKind[]) {
  test(`[${engine}] two threads give the outputs, summed gradients, recorded sequences and acting steps of one thread (B=7, T=9)`, () => {
    const cfg = { inputSize: 6, embedSize: 5, hiddenSize: 11, outputSize: 3 }, B = 7, T = 9;
    const net = GruNet.create(cfg, seeded('par'), { engine, threads: 2 });
    const single = net.clone({ threads: 1 });
    assert.equal(net.threads, 2);
    assert.equal(single.threads, 1);
    const exact = rowsIndependent(engine);
    try {
      const x = randomArray(B * T * cfg.inputSize, 'x'), h0 = randomArray(B * cfg.hiddenSize, 'h0');
      const d = randomArray(B * T * cfg.outputSize, 'd');
      const out = net.forward(x, B, T, h0), ref = single.forward(x, B, T, h0);
      sameRows(exact, out, ref, 'the outputs are those of one thread');
      const g = net.backward(d), gRef = single.backward(d);
      assert.ok(rel(g, gRef) < 1e-6, `gradients ${rel(g, gRef)}`);
      net.params[0] += 0.25;                        // the worker gets the weights that changed
      single.params[0] += 0.25;
      const xs = x.subarray(0, B * cfg.inputSize);
      const s = net.step(h0, xs, B), sRef = single.step(h0, xs, B);
      sameRows(exact, s.h, sRef.h);
      sameRows(exact, s.out, sRef.out);
      net.beginSequence(B, 2, h0);
      single.beginSequence(B, 2, h0);
      for (let t = 0; t < 2; t++) sameRows(exact, net.sequenceStep(xs, t), single.sequenceStep(xs, t));
      sameRows(exact, net.sequenceOutputs(), single.sequenceOutputs());
      const d2 = d.subarray(0, B * 2 * cfg.outputSize);
      assert.ok(rel(net.backward(d2), single.backward(d2)) < 1e-6);
      assert.equal(net.forward(x.subarray(0, T * cfg.inputSize), 1, T).length, T * cfg.outputSize, 'one row runs on this thread alone');
    } finally {
      net.dispose();
    }
  });
}

test('two threads survive thousands of small requests back to back (a message may arrive after its flag)', () => {
  const cfg = { inputSize: 5, embedSize: 4, hiddenSize: 8, outputSize: 3 }, B = 4;
  const net = GruNet.create(cfg, seeded('many'), { threads: 2 });
  const single = net.clone({ threads: 1 });
  const exact = rowsIndependent(net.engineKind);
  try {
    const x = randomArray(B * cfg.inputSize, 'many-x');
    let h = net.zeroState(B), hRef = single.zeroState(B);
    for (let i = 0; i < 3000; i++) {
      const r = net.step(h, x, B), rRef = single.step(hRef, x, B);
      h = r.h;
      hRef = rRef.h;
      if (i % 500 === 0) sameRows(exact, r.out, rRef.out, `step ${i}`);
    }
    sameRows(exact, h, hRef);
  } finally {
    net.dispose();
  }
});

test('the worker serves a request once: a notify that comes after the request was served does not count as a new one', async () => {
  const ctl = new Int32Array(new SharedArrayBuffer(16 * 4));
  Atomics.store(ctl, CTL.request, 5); // request 5 already served
  // Another thread first notifies without a new request (the late notify of request 5), then sends request 6.
  const other = new Worker(`const { workerData: ctl } = require('node:worker_threads');
    const pause = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
    pause(100);
    Atomics.notify(ctl, ${CTL.request});
    pause(100);
    Atomics.store(ctl, ${CTL.request}, 6);
    Atomics.notify(ctl, ${CTL.request});`, { eval: true, workerData: ctl });
  try {
    const t0 = performance.now();
    assert.equal(nextRequest(ctl, 5), 6);
    assert.ok(performance.now() - t0 >= 150, 'it waited through the stale notify for the new request');
  } finally {
    await other.terminate();
  }
});

for (const placement of ['main', 'worker'] as const) {
  test(`rows placed '${placement}': outputs, gradients, sequences and steps are those of one thread, bit for bit`, () => {
    const cfg = { inputSize: 6, embedSize: 5, hiddenSize: 11, outputSize: 3 }, B = 7, T = 9;
    const net = GruNet.create(cfg, seeded('place'), { threads: 2 });
    const single = net.clone({ threads: 1 });
    try {
      assert.equal(net.rowPlacement, 'split');
      net.placeRows(placement);
      assert.equal(net.rowPlacement, placement);
      const x = randomArray(B * T * cfg.inputSize, 'x'), h0 = randomArray(B * cfg.hiddenSize, 'h0');
      const d = randomArray(B * T * cfg.outputSize, 'd');
      assert.deepEqual(net.forward(x, B, T, h0), single.forward(x, B, T, h0));
      assert.deepEqual(net.backwardDeferred(d)(), single.backward(d), 'the gradients of one engine on all rows');
      const xs = x.subarray(0, B * cfg.inputSize);
      const s = net.step(h0, xs, B), sRef = single.step(h0, xs, B);
      assert.deepEqual([s.h, s.out], [sRef.h, sRef.out]);
      net.beginSequence(B, 3, h0);
      single.beginSequence(B, 3, h0);
      for (let t = 0; t < 3; t++) assert.deepEqual(net.sequenceStepDeferred(xs, t)(), single.sequenceStep(xs, t));
      assert.deepEqual(net.sequenceOutputs(), single.sequenceOutputs());
      const d3 = d.subarray(0, B * 3 * cfg.outputSize);
      assert.deepEqual(net.backward(d3), single.backward(d3));
      net.dispose(); // a new engine keeps the placement
      assert.equal(net.rowPlacement, placement);
      assert.deepEqual(net.forward(x, B, T, h0), single.forward(x, B, T, h0));
    } finally {
      net.dispose();
      single.dispose();
    }
  });
}

test('a deferred result must be taken before the next call on that network; one-thread networks cannot be placed', () => {
  const cfg = { inputSize: 4, embedSize: 3, hiddenSize: 5, outputSize: 2 }, B = 3;
  const net = GruNet.create(cfg, seeded('pending'), { threads: 2 });
  try {
    net.placeRows('worker');
    net.beginSequence(B, 2);
    const x = randomArray(B * cfg.inputSize, 'px');
    const first = net.sequenceStepDeferred(x, 0);
    assert.throws(() => net.sequenceStep(x, 1), /before the answer to the last one was taken/);
    assert.equal(first().length, B * cfg.outputSize);
    assert.throws(() => GruNet.create(cfg, seeded('one'), { threads: 1 }).placeRows('main'), /needs a two-thread network/);
  } finally {
    net.dispose();
  }
});

for (const engine of ['native', 'blas', 'wasm-simd', 'js'] as EngineKind[]) {
  for (const threads of engine === 'js' ? [1] : [1, 2]) {
    test(`[${engine}/${threads}] acting in place (beginSteps/nextStep) gives the outputs and states of step across the state ring's wrap (bit for bit where rows are independent)`, () => {
      const cfg = { inputSize: 6, embedSize: 5, hiddenSize: 11, outputSize: 3 }, B = 5;
      const net = GruNet.create(cfg, seeded('inplace'), { engine, threads });
      const ref = net.clone({ threads: 1 });
      const exact = threads === 1 || rowsIndependent(engine);
      try {
        let h = randomArray(B * cfg.hiddenSize, 'inplace-h0');
        net.beginSteps(B, h);
        for (let t = 0; t < 21; t++) {                 // 21 steps: the ring of 8 wraps twice
          const x = randomArray(B * cfg.inputSize, `inplace-x${t}`);
          const r = ref.step(h, x, B);
          sameRows(exact, net.nextStep(x), r.out, `outputs at step ${t}`);
          h = r.h;
          if (t % 7 === 3) {
            sameRows(exact, net.stepState(), h, `states at step ${t}`);
            net.step(h, x, B);                         // an acting step in between does not disturb the histories
          }
        }
        sameRows(exact, net.stepState(), h);
        assert.throws(() => net.nextStep(new Float32Array(3)), /x must have B\*D = 30 entries, got 3/);
      } finally {
        net.dispose();
        ref.dispose();
      }
    });
  }
}
