import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seeded } from '../../src/rng';
import { Adam, GruNet, NonFiniteGradientError, PAPER_NET } from '../../src/model/gru-net';
import type { EngineKind, GruNetConfig } from '../../src/model/gru-net';

// Every engine that runs in this process is checked by the same tests (ENGINES below).
const ENGINES: EngineKind[] = ['native', 'blas', 'wasm-simd', 'js'];

const ODD: GruNetConfig = { inputSize: 6, embedSize: 5, hiddenSize: 11, outputSize: 3 };

function randomArray(n: number, seed: string, scale = 1): Float32Array {
  const r = seeded(seed), a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = scale * r.normal();
  return a;
}

/** A net whose biases are random too (the init zeroes them, which would hide bias-gradient bugs). */
function randomNet(config: GruNetConfig, engine: EngineKind, seed = 'net'): GruNet {
  const net = GruNet.create(config, seeded(seed), { engine });
  const noise = randomArray(net.params.length, `${seed}/noise`, 0.3);
  for (let i = 0; i < noise.length; i++) net.params[i] += noise[i];
  return net;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

for (const engine of ENGINES) {
  test(`[${engine}] stepping B=7 histories one step at a time equals the whole-sequence forward (T=13, D=6, K=3, from h0)`, () => {
    const B = 7, T = 13, { inputSize: D, hiddenSize: H, outputSize: K } = ODD;
    const net = randomNet(ODD, engine);
    const x = randomArray(B * T * D, 'x');
    const h0 = randomArray(B * H, 'h0', 0.5);
    const whole = net.forward(x, B, T, h0);
    let h: Float32Array = h0.slice();
    for (let t = 0; t < T; t++) {
      const xt = new Float32Array(B * D);
      for (let b = 0; b < B; b++) xt.set(x.subarray((b * T + t) * D, (b * T + t + 1) * D), b * D);
      const hBefore = h.slice();
      const r = net.step(h, xt, B);
      assert.deepEqual(h, hBefore, 'step must not modify its input state');
      for (let b = 0; b < B; b++) {
        for (let k = 0; k < K; k++) {
          const w = whole[(b * T + t) * K + k], s = r.out[b * K + k];
          assert.ok(Math.abs(w - s) <= 1e-5 * (1 + Math.abs(w)), `t=${t} b=${b} k=${k}: ${s} vs ${w}`);
        }
      }
      h = r.h;
    }
    net.dispose();
  });

  test(`[${engine}] a sequence fed step by step (beginSequence/sequenceStep) gives forward's outputs and gradients exactly`, () => {
    const B = 7, T = 9, { inputSize: D, hiddenSize: H } = ODD;
    const net = randomNet(ODD, engine, 'seq');
    const x = randomArray(B * T * D, 'seq-x');
    const h0 = randomArray(B * H, 'seq-h0', 0.5);
    const whole = net.forward(x, B, T, h0);
    const dOut = randomArray(whole.length, 'seq-d');
    const grads = net.backward(dOut);
    net.beginSequence(B, T, h0);
    assert.throws(() => net.sequenceOutputs(), /0 of 9 steps fed/);
    for (let t = 0; t < T; t++) {
      const xt = new Float32Array(B * D);
      for (let b = 0; b < B; b++) xt.set(x.subarray((b * T + t) * D, (b * T + t + 1) * D), b * D);
      const out = net.sequenceStep(xt, t);
      for (let b = 0; b < B; b++) assert.deepEqual(out.subarray(b * 3, b * 3 + 3), whole.subarray((b * T + t) * 3, (b * T + t + 1) * 3), `t=${t} b=${b}`);
      if (t === 2) assert.throws(() => net.sequenceStep(xt, 5), /expected step 3, got 5/);
    }
    assert.deepEqual(net.sequenceOutputs(), whole);
    assert.deepEqual(net.backward(dOut), grads);
    net.dispose();
  });

  test(`[${engine}] backward matches central finite differences of Σ c⊙out (every parameter block, B=3, T=5)`, () => {
    const B = 3, T = 5, cfg = { inputSize: 4, embedSize: 3, hiddenSize: 6, outputSize: 2 };
    const net = randomNet(cfg, engine, 'fd');
    const x = randomArray(B * T * cfg.inputSize, 'fd-x');
    const h0 = randomArray(B * cfg.hiddenSize, 'fd-h0', 0.5);
    const c = randomArray(B * T * cfg.outputSize, 'fd-c');
    const loss = (): number => {
      const out = net.forward(x, B, T, h0);
      let s = 0;
      for (let i = 0; i < out.length; i++) s += c[i] * out[i];
      return s;
    };
    loss();
    const g = net.backward(c);
    const eps = 1e-2;
    let checked = 0;
    for (const [name, b] of Object.entries(net.layout.blocks)) {
      for (const j of [0, Math.floor(b.length / 2), b.length - 1]) {
        const i = b.offset + j, p = net.params[i];
        net.params[i] = p + eps; const up = loss();
        net.params[i] = p - eps; const down = loss();
        net.params[i] = p;
        const fd = (up - down) / (2 * eps);
        assert.ok(Math.abs(fd - g[i]) <= 2e-3 + 1e-2 * Math.abs(fd), `${name}[${j}]: backward ${g[i]} vs finite difference ${fd}`);
        checked++;
      }
    }
    assert.equal(checked, 24);
  });

  test(`[${engine}] the same seed gives bit-identical weights, outputs and gradients`, () => {
    const run = () => {
      const net = GruNet.create({ inputSize: 5, ...PAPER_NET, outputSize: 3 }, seeded(42), { engine });
      const x = randomArray(4 * 6 * 5, 'det-x');
      const out = net.forward(x, 4, 6);
      const g = net.backward(randomArray(out.length, 'det-d'));
      net.dispose();
      return { p: net.params, out, g };
    };
    const a = run(), b = run();
    assert.deepEqual(a.p, b.p);
    assert.deepEqual(a.out, b.out);
    assert.deepEqual(a.g, b.g);
  });
}

test('initialisation: orthogonal recurrent blocks, LeCun-normal kernels (variance 1/fan-in), zero biases', () => {
  const cfg = { inputSize: 8, ...PAPER_NET, outputSize: 3 };
  const net = GruNet.create(cfg, seeded(1), { engine: 'js' });
  const v = net.paramViews();
  const H = cfg.hiddenSize;
  for (let g = 0; g < 3; g++) {
    let worst = 0;
    for (let a = 0; a < H; a += 7) {
      for (let b = 0; b < H; b += 5) {
        let dot = 0;
        for (let i = 0; i < H; i++) dot += v['gru.recurrentKernel'][i * 3 * H + g * H + a] * v['gru.recurrentKernel'][i * 3 * H + g * H + b];
        worst = Math.max(worst, Math.abs(dot - (a === b ? 1 : 0)));
      }
    }
    assert.ok(worst < 1e-5, `gate ${g}: QᵀQ deviates from I by ${worst}`);
  }
  const variance = (a: Float32Array) => a.reduce((s, x) => s + x * x, 0) / a.length;
  // Sample variance of n draws has relative s.e. ≈ √(2/n); allow 5 s.e.
  for (const [name, fanIn] of [['gru.inputKernel', cfg.embedSize], ['head.kernel', H], ['embed.kernel', cfg.inputSize]] as const) {
    const a = v[name], tol = 5 * Math.sqrt(2 / a.length);
    assert.ok(Math.abs(variance(a) * fanIn - 1) < tol, `${name}: variance·fanIn = ${variance(a) * fanIn}`);
    assert.ok(a.every((x) => Math.abs(x) <= 2 * Math.sqrt(1 / fanIn) / 0.8796256610342398 + 1e-6), `${name} truncated at 2σ`);
  }
  for (const name of ['embed.bias', 'gru.bias', 'gru.hnBias', 'head.bias'] as const) assert.ok(v[name].every((x) => x === 0), name);
});

test("init: 'pytorch' draws every weight and bias uniformly within PyTorch's default bounds", () => {
  const cfg: GruNetConfig = { inputSize: 5, embedSize: 32, hiddenSize: 128, outputSize: 3 };
  const net = GruNet.create(cfg, seeded(7), { engine: 'js', init: 'pytorch' });
  const v = net.paramViews();
  const k = 1 / Math.sqrt(128);
  const bounds: [keyof typeof v, number][] = [
    ['embed.kernel', 1 / Math.sqrt(5)], ['embed.bias', 1 / Math.sqrt(5)], ['gru.inputKernel', k], ['gru.recurrentKernel', k],
    ['gru.hnBias', k], ['head.kernel', k], ['head.bias', k],
  ];
  for (const [name, b] of bounds) {
    const a = v[name];
    const max = a.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    assert.ok(max <= b + 1e-7, `${name} within ±${b}`);
    if (a.length >= 100) {
      assert.ok(max > 0.95 * b, `${name} reaches its bound (uniform, not normal)`);
      const variance = a.reduce((s, x) => s + x * x, 0) / a.length;
      assert.ok(Math.abs(variance / (b * b / 3) - 1) < 0.1, `${name}: variance of U(±b) is b²/3, got ${variance}`);
    }
  }
  // Reset and update gates carry PyTorch's b_i + b_h (a sum of two uniforms), the candidate gate b_in alone.
  const bias = v['gru.bias'];
  assert.ok(bias.subarray(0, 256).some((x) => Math.abs(x) > k), 'r/z biases are sums of two U(±k)');
  assert.ok(bias.subarray(0, 256).every((x) => Math.abs(x) <= 2 * k + 1e-7));
  assert.ok(bias.subarray(256).every((x) => Math.abs(x) <= k + 1e-7), 'candidate bias b_in within ±k');
  // Deterministic per seed, and a different draw from the Flax default.
  assert.deepEqual(GruNet.create(cfg, seeded(7), { engine: 'js', init: 'pytorch' }).params, net.params);
  const flax = GruNet.create(cfg, seeded(7), { engine: 'js' });
  assert.ok(flax.paramViews()['head.bias'].every((x) => x === 0));
  assert.deepEqual(GruNet.create(cfg, seeded(7), { engine: 'js', init: 'flax' }).params, flax.params);
  assert.throws(() => GruNet.create(cfg, seeded(7), { init: 'xavier' as never }), /init must be one of flax, pytorch, got 'xavier'/);
});

test('inputGroups initialises each modality with its own fan-in, and must sum to inputSize', () => {
  const net = GruNet.create({ inputSize: 6, embedSize: 400, hiddenSize: 4, outputSize: 2, inputGroups: [5, 1] }, seeded(3), { engine: 'js' });
  const we = net.paramViews()['embed.kernel'];
  const rowVar = (r0: number, r1: number) => { let s = 0; for (let i = r0 * 400; i < r1 * 400; i++) s += we[i] * we[i]; return s / ((r1 - r0) * 400); };
  assert.ok(Math.abs(rowVar(0, 5) * 5 - 1) < 0.15);
  assert.ok(Math.abs(rowVar(5, 6) - 1) < 0.35);
  assert.throws(() => GruNet.create({ inputSize: 6, embedSize: 4, hiddenSize: 4, outputSize: 2, inputGroups: [5, 2] }, seeded(3)),
    /inputGroups must sum to inputSize 6, got 7/);
});

test('shape errors name the argument and the expected size', () => {
  const net = GruNet.create(ODD, seeded(0), { engine: 'js' });
  assert.throws(() => net.step(net.zeroState(2), new Float32Array(5), 2), /x must have B\*D = 12 entries, got 5/);
  assert.throws(() => net.forward(new Float32Array(12), 2, 1, new Float32Array(3)), /h0 must have B\*H = 22 entries, got 3/);
  assert.throws(() => GruNet.create({ ...ODD, hiddenSize: 0 }, seeded(0)), /hiddenSize must be an integer/);
  assert.throws(() => net.backward(new Float32Array(3)), /call forward first/);
});

test('clone is a deep copy', () => {
  const a = GruNet.create(ODD, seeded(0), { engine: 'js' });
  const b = a.clone();
  b.params[0] += 1;
  assert.notEqual(a.params[0], b.params[0]);
  assert.deepEqual(b.config, a.config);
});

// ---------------------------------------------------------------- Adam

const CFG = { learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0, maxGradNorm: Infinity };

test('Adam: two steps against hand-computed values', () => {
  const p = new Float32Array([1, -2]);
  const adam = new Adam(2, CFG);
  adam.step(p, new Float32Array([0.5, -0.25]));
  // t=1: m̂ = g, v̂ = g², so the update is lr·sign(g)·|g|/(|g|+ε) ≈ 0.1·sign(g).
  assert.ok(Math.abs(p[0] - 0.9) < 1e-6 && Math.abs(p[1] - -1.9) < 1e-6, `${p}`);
  adam.step(p, new Float32Array([-0.5, 0]));
  // t=2, coordinate 0: m = 0.9·0.05 + 0.1·(−0.5) = −0.005, m̂ = −0.005/0.19 = −0.0263158;
  // v = 0.999·0.00025 + 0.001·0.25 = 0.00049975, v̂ = 0.00049975/0.001999 = 0.25000; update = −0.0263158/0.5 = −0.0526316.
  assert.ok(Math.abs(p[0] - (0.9 + 0.1 * 0.0526316)) < 1e-6, `${p[0]}`);
  // coordinate 1: m = 0.9·(−0.025) = −0.0225, m̂ = −0.118421; v = 0.999·0.0000625, v̂ = 0.0312344; update = −0.118421/0.176733 = −0.670059.
  assert.ok(Math.abs(p[1] - (-1.9 + 0.1 * 0.670059)) < 1e-5, `${p[1]}`);
  assert.equal(adam.stepCount, 2);
});

test('Adam: global-norm clipping scales the gradient to maxGradNorm and reports the unclipped norm', () => {
  const adam = new Adam(2, { ...CFG, maxGradNorm: 1 });
  const { gradNorm } = adam.step(new Float32Array(2), new Float32Array([3, 4]));
  assert.equal(gradNorm, 5);
  const m = adam.state().m;                     // m = (1 − β₁)·g_clipped = 0.1·(0.6, 0.8)
  assert.ok(Math.abs(m[0] - 0.06) < 1e-7 && Math.abs(m[1] - 0.08) < 1e-7, `${m}`);
  const small = new Adam(2, { ...CFG, maxGradNorm: 10 });
  small.step(new Float32Array(2), new Float32Array([3, 4]));
  assert.ok(Math.abs(small.state().m[0] - 0.3) < 1e-7, 'a gradient under the limit is not scaled');
});

test('Adam: decoupled weight decay subtracts lr·wd·p', () => {
  const p = new Float32Array([2]);
  new Adam(1, { ...CFG, weightDecay: 0.5 }).step(p, new Float32Array([1]));
  assert.ok(Math.abs(p[0] - (2 - 0.1 * (1 + 0.5 * 2))) < 1e-6, `${p[0]}`);
});

test('Adam: a NaN or Infinity gradient throws naming the parameter, and changes neither weights nor moments', () => {
  const net = GruNet.create(ODD, seeded(0), { engine: 'js' });
  const adam = new Adam(net.params.length, CFG);
  adam.step(net.params, randomArray(net.params.length, 'g'));
  const before = net.params.slice(), state = adam.state();
  for (const bad of [NaN, Infinity]) {
    const g = randomArray(net.params.length, 'g2');
    g[net.layout.blocks['gru.recurrentKernel'].offset + 17] = bad;
    assert.throws(() => adam.step(net.params, g, net.describeIndex),
      (e: unknown) => e instanceof NonFiniteGradientError && new RegExp(`not finite: ${bad} at gru\\.recurrentKernel\\[17\\]`).test(e.message));
    assert.deepEqual(net.params, before);
    assert.deepEqual(adam.state(), state);
  }
});

test('Adam: state/restore continues exactly; bad hyperparameters are rejected', () => {
  const a = new Adam(3, CFG), p = new Float32Array([1, 2, 3]);
  a.step(p, new Float32Array([0.1, -0.2, 0.3]));
  const b = Adam.restore(a.state()), q = p.slice();
  a.step(p, new Float32Array([0.3, 0.2, 0.1]));
  b.step(q, new Float32Array([0.3, 0.2, 0.1]));
  assert.deepEqual(p, q);
  assert.throws(() => new Adam(3, { ...CFG, beta1: 1 }), /beta1 must lie in \[0, 1\), got 1/);
  assert.throws(() => new Adam(3, { ...CFG, maxGradNorm: 0 }), /maxGradNorm must be > 0/);
});
