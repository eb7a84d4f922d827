/**
 * `npm run bench`: the speed of the sequence-model engine on this machine against the best PyTorch, in one run
 * (issue 26, BENCHMARKS.md). Every ratio is PyTorch-time / our-time with both measured in this run, PyTorch at the
 * faster of 1 and 2 threads.
 *
 * Kernel level, per engine (`native`, `blas`, `wasm-simd`) and threads per network (1, 2):
 *   (a) A2C-shaped update: B=256 episodes × T=100 rounds, one-hot(5) → 32 → GRU 128 → swish → 2 logits + value;
 *       forward, the A2C loss and dLoss/dOut in JS, BPTT, global-norm clip, Adam;
 *   (b) acting: one GRU step + heads + softmax + sampling at B=4096;
 *   (c) PPI-shaped update: B=256 sequences × 300 tokens, 9 input columns → 32 → 128 → 8 outputs.
 * End to end:
 *   (e) one A2C iteration of `step1` and of `mixed` at batch 256 per learner (acting + every learner's update), ours
 *       against `scripts/crosscheck/a2c_iteration_torch.py`, an independent PyTorch implementation of the same
 *       iteration;
 *   (f) one PPI phase of `step1` at the `reduced` sizes (refit on D0, acting with rollouts), with its breakdown, on
 *       the default engine against `wasm-simd` on one thread (the engine before issue 26).
 * PyTorch: `.venv-bench/` (git-ignored) with torch 2.13.0 from pip, made on first use; else /usr/bin/python3's
 * torch (Debian's python3-torch); else the PyTorch lines are skipped with the reason.
 *
 * Flags: --runs N (default 7), --skip-torch, --skip-ppi, --naive (add the tf.layers.gru baseline).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { seeded } from '../rng';
import type { Rng } from '../rng';
import { Adam, GruNet, PAPER_NET } from '../model/gru-net';
import type { EngineKind, OptimizerConfig } from '../model/gru-net';
import { initBackend } from '../model/backend';
import { wasmMatmul } from '../model/engine-wasm';
import { blas, blasAvailable } from '../model/blas';
import { describeEngine, resolveEngineKind } from '../model/engines';
import { a2cIteration, createA2cAgent, placeLearnersSideBySide } from '../learners/a2c';
import { a2cPreset, ppiPreset } from '../experiments/presets';
import { EXPERIMENT_SPECS, matchupsFor, type ExperimentName } from '../experiments/experiments';
import { ppiPhase, pretrainingData, type PpiAgent } from '../learners/ppi';

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(name);
const option = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const RUNS = Number(option('--runs') ?? 7);
if (!Number.isInteger(RUNS) || RUNS < 1) {
  console.error(`bench: --runs must be a positive integer, got '${option('--runs')}'`);
  process.exit(2);
}
const ROOT = resolve(__dirname, '..', '..');
const OPT: OptimizerConfig = { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-5, weightDecay: 0, maxGradNorm: 1 };

let peakRss = 0;
let peakWasm = 0;
const notePeaks = (net?: GruNet) => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  if (net) peakWasm = Math.max(peakWasm, net.memoryBytes());
};

/** Median wall time (ms) of `fn` over `runs` runs after `warmup` unmeasured ones. */
function time(fn: () => void, runs: number, warmup = 2, net?: GruNet): number {
  for (let i = 0; i < warmup; i++) fn();
  const ts: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
    notePeaks(net);
  }
  ts.sort((a, b) => a - b);
  return ts[Math.floor(ts.length / 2)];
}

function line(label: string, ms: number, tokens: number): void {
  const rate = tokens / (ms / 1000);
  console.log(`${label.padEnd(46)} ${ms.toFixed(ms < 10 ? 3 : 1).padStart(9)} ms   ${(rate / 1000).toFixed(1).padStart(9)} k token-steps/s`);
}

function oneHot(B: number, T: number, D: number, rng: Rng): Float32Array {
  const x = new Float32Array(B * T * D);
  for (let i = 0; i < B * T; i++) x[i * D + rng.int(D)] = 1;
  return x;
}

/** The A2C loss of the torch script: −mean(log π(a)·adv) + ½·mean((ret − v)²), adv = ret − v (no gradient). */
export function a2cLossGrad(out: Float32Array, actions: Uint8Array, returns: Float32Array): { loss: number; dOut: Float32Array } {
  const n = actions.length, dOut = new Float32Array(out.length);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const l0 = out[3 * i], l1 = out[3 * i + 1], v = out[3 * i + 2];
    const m = Math.max(l0, l1), e0 = Math.exp(l0 - m), e1 = Math.exp(l1 - m), z = e0 + e1;
    const p0 = e0 / z, p1 = e1 / z, a = actions[i];
    const adv = returns[i] - v;
    loss += -Math.log(a === 0 ? p0 : p1) * adv + 0.5 * adv * adv;
    dOut[3 * i] = -(adv / n) * ((a === 0 ? 1 : 0) - p0);
    dOut[3 * i + 1] = -(adv / n) * ((a === 1 ? 1 : 0) - p1);
    dOut[3 * i + 2] = -adv / n;
  }
  return { loss: loss / n, dOut };
}

/** One network of the A2C shape on `engine` with `threads` threads per network. */
function a2cNet(engine: EngineKind, threads: number): GruNet {
  return GruNet.create({ inputSize: 5, ...PAPER_NET, outputSize: 3 }, seeded('bench-a2c').child('net'), { engine, threads });
}

function benchA2c(B: number, T: number, net: GruNet): number {
  const rng = seeded('bench-a2c');
  const adam = new Adam(net.params.length, OPT);
  const x = oneHot(B, T, 5, rng.child('x'));
  const actions = new Uint8Array(B * T).map(() => rng.int(2));
  const returns = new Float32Array(B * T).map(() => rng.normal());
  const ms = time(() => {
    const out = net.forward(x, B, T);
    const { dOut } = a2cLossGrad(out, actions, returns);
    adam.step(net.params, net.backward(dOut));
  }, RUNS, 2, net);
  return ms;
}

/**
 * One acting step of B histories with sampling: through `step` (every state copied in and out, as PyTorch's
 * `h = cell(x, h)` returns a new state), or `inPlace` with the states kept in the engine (`beginSteps`: how PPI's
 * rollouts act).
 */
function benchAct(net: GruNet, B: number, inPlace = false): number {
  const rng = seeded(`bench-act-${B}`);
  const x = new Float32Array(B * 5);
  for (let b = 0; b < B; b++) x[b * 5 + rng.int(5)] = 1;
  let h: Float32Array = new Float32Array(B * PAPER_NET.hiddenSize);
  const actions = new Uint8Array(B);
  const sample = (out: Float32Array) => {
    for (let b = 0; b < B; b++) {
      const p0 = 1 / (1 + Math.exp(out[3 * b + 1] - out[3 * b]));
      actions[b] = rng.uniform() < p0 ? 0 : 1;
    }
  };
  if (inPlace) {
    net.beginSteps(B, h);
    return time(() => sample(net.nextStep(x)), Math.max(RUNS, 50), 5, net);
  }
  return time(() => {
    const r = net.step(h, x, B);
    sample(r.out);
    h = r.h;
  }, Math.max(RUNS, 50), 5, net);
}

function benchPpi(B: number, T: number, engine: EngineKind, threads: number): number {
  const rng = seeded('bench-ppi');
  const D = 9, K = 8;
  const net = GruNet.create({ inputSize: D, ...PAPER_NET, outputSize: K, inputGroups: [5, 2, 1, 1] }, rng.child('net'), { engine, threads });
  const adam = new Adam(net.params.length, OPT);
  // Interleaved tokens o, r, a: one-hot observation, reward scalar + indicator, one-hot action.
  const x = new Float32Array(B * T * D);
  const obs = new Uint8Array(B * T), act = new Uint8Array(B * T), rew = new Float32Array(B * T);
  for (let i = 0; i < B * T; i++) {
    obs[i] = rng.int(5); act[i] = rng.int(2); rew[i] = rng.int(4) - 1;
    const kind = i % 3;
    if (kind === 0) x[i * D + obs[i]] = 1;
    else if (kind === 1) { x[i * D + 7] = rew[i]; x[i * D + 8] = 1; }
    else x[i * D + 5 + act[i]] = 1;
  }
  const n = B * T;
  const dOut = new Float32Array(n * K);
  const ms = time(() => {
    const out = net.forward(x, B, T);
    for (let i = 0; i < n; i++) {
      const o = i * K;
      let m = -Infinity;
      for (let k = 0; k < 5; k++) m = Math.max(m, out[o + k]);
      let z = 0;
      for (let k = 0; k < 5; k++) z += Math.exp(out[o + k] - m);
      for (let k = 0; k < 5; k++) dOut[o + k] = (Math.exp(out[o + k] - m) / z - (k === obs[i] ? 1 : 0)) / n;
      dOut[o + 5] = (out[o + 5] - rew[i]) / n;
      const pa = 1 / (1 + Math.exp(out[o + 7] - out[o + 6]));
      dOut[o + 6] = (pa - (act[i] === 0 ? 1 : 0)) / n;
      dOut[o + 7] = (1 - pa - (act[i] === 1 ? 1 : 0)) / n;
    }
    adam.step(net.params, net.backward(dOut));
  }, Math.max(3, Math.ceil(RUNS / 2)), 1, net);
  net.dispose();
  return ms;
}

async function benchNaive(B: number, T: number): Promise<number> {
  const rng = seeded('bench-naive');
  const input = tf.input({ shape: [T, 5] });
  const emb = tf.layers.dense({ units: PAPER_NET.embedSize }).apply(input) as tf.SymbolicTensor;
  const seq = tf.layers.gru({ units: PAPER_NET.hiddenSize, returnSequences: true }).apply(emb) as tf.SymbolicTensor;
  const act = tf.layers.activation({ activation: 'swish' }).apply(seq) as tf.SymbolicTensor;
  const heads = tf.layers.dense({ units: 3 }).apply(act) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: heads });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'meanSquaredError' });
  const x = tf.tensor3d(oneHot(B, T, 5, rng), [B, T, 5]);
  const y = tf.tensor3d(new Float32Array(B * T * 3).map(() => rng.normal()), [B, T, 3]);
  const runs = Math.max(2, Math.min(3, RUNS));
  for (let i = 0; i < 1; i++) await model.trainOnBatch(x, y);
  const ts: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await model.trainOnBatch(x, y);
    ts.push(performance.now() - t0);
    notePeaks();
  }
  tf.dispose([x, y]);
  model.dispose();
  ts.sort((a, b) => a - b);
  return ts[Math.floor(ts.length / 2)];
}

// ------------------------------------------------------------------------------------------------- end to end

/** Runs `fn` with ICL_ENGINE / ICL_THREADS set (the learners build their networks from them), then restores them. */
function withEngine<T>(engine: EngineKind, threads: number, fn: () => T): T {
  const saved = { e: process.env.ICL_ENGINE, t: process.env.ICL_THREADS };
  process.env.ICL_ENGINE = engine;
  process.env.ICL_THREADS = String(threads);
  try {
    return fn();
  } finally {
    if (saved.e === undefined) delete process.env.ICL_ENGINE; else process.env.ICL_ENGINE = saved.e;
    if (saved.t === undefined) delete process.env.ICL_THREADS; else process.env.ICL_THREADS = saved.t;
  }
}

/**
 * Median ms of one A2C iteration (acting + every learner's update) of `experiment` at batch 256 per learner. Two
 * learners on two threads run side by side as `trainA2c` runs them, unless `split` (each halving its batches).
 */
function benchA2cIteration(experiment: ExperimentName, engine: EngineKind, threads: number, split = false): number {
  return withEngine(engine, threads, () => {
    const cfg = { ...a2cPreset(experiment, 'reduced'), batchEpisodes: 256 };
    const spec = EXPERIMENT_SPECS[experiment];
    const rng = seeded('bench-e2e');
    const agents = Array.from({ length: spec.learners }, (_, i) => createA2cAgent(cfg, spec.opponentId, rng.child(`init-${i}`)));
    if (!split) placeLearnersSideBySide(agents);
    const matchups = matchupsFor(spec, cfg.batchEpisodes);
    let i = 0;
    const ms = time(() => { a2cIteration(agents, matchups, cfg, rng.child(`it-${i++}`)); }, Math.max(5, RUNS), 2);
    for (const a of agents) a.net.dispose();
    return ms;
  });
}

/** One PPI phase of step1 at the reduced sizes: the first fit (on D0) and phase 1's acting. */
function benchPpiPhase(engine: EngineKind, threads: number): { refitS: number; actingS: number; totalS: number } {
  return withEngine(engine, threads, () => {
    const cfg = ppiPreset('step1', 'reduced');
    const rng = seeded('bench-ppi-phase');
    const agent: PpiAgent = { net: null, data: pretrainingData(cfg.pretrainEpisodes, { noTabular: false, opponentId: false }, rng.child('D0')), fittedEpisodes: 0, opponentId: false };
    const t0 = performance.now();
    const r = ppiPhase([agent], matchupsFor(EXPERIMENT_SPECS.step1, cfg.episodesPerPhase), cfg, rng.child('unit-0'));
    const totalS = (performance.now() - t0) / 1000;
    agent.net?.dispose();
    return { refitS: agent.lastFit?.seconds ?? NaN, actingS: r.actingSeconds, totalS };
  });
}

// ------------------------------------------------------------------------------------------------- PyTorch

/** A Python with torch: `.venv-bench` (made here with torch 2.13.0 from pip on first use), else Debian's. */
function torchPython(): { python: string; version: string } | string {
  const venv = join(ROOT, '.venv-bench'), py = join(venv, 'bin', 'python');
  const version = (p: string) => {
    const r = spawnSync(p, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim() : null;
  };
  if (!existsSync(py) || !version(py)) {
    console.log('  setting up .venv-bench with torch==2.13.0 (pip install --retries 0; seconds from a local wheel) …');
    const mk = spawnSync('python3', ['-m', 'venv', venv], { encoding: 'utf8' });
    const pip = mk.status === 0 ? spawnSync(join(venv, 'bin', 'pip'), ['install', '--retries', '0', '-q', 'torch==2.13.0'], { encoding: 'utf8' }) : mk;
    if (pip.status !== 0) console.log(`  could not install torch 2.13.0: ${(pip.stderr || pip.stdout || '').trim().split('\n').pop()}`);
  }
  const v = existsSync(py) ? version(py) : null;
  if (v) return { python: py, version: v };
  const debian = version('/usr/bin/python3');
  if (debian) return { python: '/usr/bin/python3', version: debian };
  return 'no PyTorch: neither .venv-bench (pip install torch==2.13.0) nor /usr/bin/python3 (apt-get install python3-torch) has it';
}

interface TorchKernel { trainMs: number; act4096: number }

function torchKernel(python: string, threads: number): TorchKernel | string {
  const script = resolve(ROOT, '..', 'shared', 'bench', 'torch_gru_bench.py');
  if (!existsSync(script)) return `${script} not found`;
  const n = String(threads);
  const env = { ...process.env, OMP_NUM_THREADS: n, OPENBLAS_NUM_THREADS: n, MKL_NUM_THREADS: n };
  const out = execFileSync(python, [script, n, '256', '100'], { env, encoding: 'utf8' });
  process.stdout.write(out.split('\n').filter(Boolean).map((l) => `  | ${l}`).join('\n') + '\n');
  const train = /train .*?: ([\d.]+) ms\/update/.exec(out), act = /act B=4096: ([\d.]+) us\/step/.exec(out);
  if (!train || !act) return `could not parse the torch output:\n${out}`;
  return { trainMs: Number(train[1]), act4096: Number(act[1]) / 1000 };
}

function torchIteration(python: string, experiment: string, threads: number): number | string {
  const script = join(ROOT, 'scripts', 'crosscheck', 'a2c_iteration_torch.py');
  const n = String(threads);
  const env = { ...process.env, OMP_NUM_THREADS: n, OPENBLAS_NUM_THREADS: n, MKL_NUM_THREADS: n };
  const r = spawnSync(python, [script, '--experiment', experiment, '--threads', n, '--iterations', String(Math.max(5, RUNS)), '--warmup', '2'], { env, encoding: 'utf8' });
  if (r.status !== 0) return `a2c_iteration_torch.py failed: ${(r.stderr || '').trim().split('\n').pop()}`;
  const line = r.stdout.trim().split('\n').pop() ?? '';
  process.stdout.write(`  | ${line}\n`);
  return (JSON.parse(line) as { ms_per_iteration: number }).ms_per_iteration;
}

// ------------------------------------------------------------------------------------------------- main

const ratio = (torchMs: number, ours: number): string => (torchMs / ours).toFixed(2);

async function main(): Promise<void> {
  console.log(`icl-coop engine benchmark — ${new Date().toISOString()}`);
  console.log(`machine: ${cpus()[0]?.model ?? '?'} × ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB; node ${process.version}`);
  const best = resolveEngineKind();
  console.log(`default engine: ${describeEngine(best, 2)}`);
  console.log(`runs: median of ${RUNS} (acting: ${Math.max(RUNS, 50)}); load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);

  {
    const r = seeded('bench-mm'), [m, kd, n] = [256, 128, 384];
    const a = new Float32Array(m * kd).map(() => r.normal()), b = new Float32Array(kd * n).map(() => r.normal());
    wasmMatmul(a, b, m, kd, n, 50);                      // warm-up: lets V8 tier the kernel up to TurboFan
    const { seconds } = wasmMatmul(a, b, m, kd, n, 300);
    console.log(`products 256×128×384 (one step's recurrent product): wasm f32x4 ${(2 * m * kd * n / seconds / 1e9).toFixed(1)} GFLOP/s`);
    if (blasAvailable()) {
      const buffer = new ArrayBuffer((m * kd + kd * n + m * n) * 4);
      new Float32Array(buffer, 0, m * kd).set(a);
      new Float32Array(buffer, m * kd * 4, kd * n).set(b);
      const run = () => blas().sgemm(buffer, false, false, m, n, kd, 1, 0, kd, m * kd * 4, n, 0, (m * kd + kd * n) * 4, n);
      for (let i = 0; i < 50; i++) run();
      const t0 = performance.now();
      for (let i = 0; i < 300; i++) run();
      console.log(`                                                   BLAS ${(2 * m * kd * n / ((performance.now() - t0) / 300 / 1000) / 1e9).toFixed(1)} GFLOP/s (${blas().description})`);
    }
  }

  const engines = (['native', 'blas', 'wasm-simd'] as EngineKind[]).filter((e) => {
    try {
      resolveEngineKind(e);
      return true;
    } catch {
      return false;
    }
  });
  const kernel: Record<string, { a: number; b: number; bInPlace: number }> = {};
  console.log('\nkernel level');
  for (const engine of engines) {
    for (const threads of [1, 2]) {
      const net = a2cNet(engine, threads);
      const key = `${engine}/${threads}`;
      kernel[key] = { a: benchA2c(256, 100, net), b: benchAct(net, 4096), bInPlace: benchAct(net, 4096, true) };
      net.dispose();
      line(`(a) A2C update B=256 T=100 [${key}]`, kernel[key].a, 256 * 100);
      line(`(b) acting step B=4096 [${key}]`, kernel[key].b, 4096);
      line(`(b) acting step B=4096, in place [${key}]`, kernel[key].bInPlace, 4096);
    }
  }
  const ppiKernel = { best: benchPpi(256, 300, best, 2), wasm: benchPpi(256, 300, 'wasm-simd', 1) };
  line(`(c) PPI update B=256 × 300 tokens [${best}/2]`, ppiKernel.best, 256 * 300);
  line('(c) PPI update B=256 × 300 tokens [wasm-simd/1]', ppiKernel.wasm, 256 * 300);

  console.log('\nend to end: one A2C iteration at batch 256 per learner (acting + updates)');
  const e2e: Record<string, Record<string, number>> = { step1: {}, mixed: {} };
  for (const experiment of ['step1', 'mixed'] as const) {
    for (const [engine, threads] of [[best, 1], [best, 2], ['wasm-simd', 1]] as [EngineKind, number][]) {
      const ms = benchA2cIteration(experiment, engine, threads);
      e2e[experiment][`${engine}/${threads}`] = ms;
      const how = experiment === 'mixed' && threads === 2 ? ', learners side by side' : '';
      line(`(e) ${experiment} iteration [${engine}/${threads}${how}]`, ms, (experiment === 'mixed' ? 384 : 256) * 100);
    }
  }
  const halves = benchA2cIteration('mixed', best, 2, true);
  line(`(e) mixed iteration [${best}/2, batches halved]`, halves, 384 * 100);

  let ppi: Record<string, { refitS: number; actingS: number; totalS: number }> | undefined;
  if (!flag('--skip-ppi')) {
    console.log('\nend to end: one PPI phase of step1 at the reduced sizes (refit on 8,192 episodes × 10 epochs; 512 episodes with 2×4 rollouts of 15 rounds)');
    ppi = {};
    for (const [engine, threads] of [[best, 2], ['wasm-simd', 1]] as [EngineKind, number][]) {
      const r = benchPpiPhase(engine, threads);
      ppi[`${engine}/${threads}`] = r;
      console.log(`(f) PPI phase [${engine}/${threads}]: ${r.totalS.toFixed(1)} s (refit ${r.refitS.toFixed(1)} s, acting with rollouts ${r.actingS.toFixed(1)} s)`);
    }
    const a = ppi[`${best}/2`], b = ppi['wasm-simd/1'];
    console.log(`    speed-up over wasm-simd on one core: ${(b.totalS / a.totalS).toFixed(2)}x (refit ${(b.refitS / a.refitS).toFixed(2)}x, acting ${(b.actingS / a.actingS).toFixed(2)}x); target ≥ 2`);
  }

  if (flag('--naive')) {
    await initBackend();
    const naive = await benchNaive(256, 100);
    line('(d) tf.layers.gru + trainOnBatch [tfjs]', naive, 256 * 100);
  }
  console.log(`\npeak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB; peak wasm linear memory of one net ${(peakWasm / 2 ** 20).toFixed(0)} MiB`);

  if (flag('--skip-torch')) return;
  console.log('\nPyTorch (same machine, same run):');
  const py = torchPython();
  if (typeof py === 'string') {
    console.log(`  skipped: ${py}`);
    return;
  }
  console.log(`  ${py.python}: torch ${py.version}`);
  const t1 = torchKernel(py.python, 1), t2 = torchKernel(py.python, 2);
  const ours = (k: string) => kernel[k] ?? kernel[`${best}/1`];
  const headline = `${best}/2`;
  if (typeof t1 !== 'string' && typeof t2 !== 'string') {
    const tb = { trainMs: Math.min(t1.trainMs, t2.trainMs), act4096: Math.min(t1.act4096, t2.act4096) };
    console.log(`  PyTorch best: update ${tb.trainMs.toFixed(1)} ms, acting B=4096 ${tb.act4096.toFixed(2)} ms`);
    for (const k of Object.keys(kernel)) {
      console.log(`  ratio vs ours [${k}]: (a) update ${ratio(tb.trainMs, ours(k).a)}, (b) acting B=4096 ${ratio(tb.act4096, ours(k).b)}, in place ${ratio(tb.act4096, ours(k).bInPlace)}`);
    }
    console.log(`  targets: (a) ≥ 2.5, (b) ≥ 1.5 — ours [${headline}]: ${ratio(tb.trainMs, ours(headline).a)}, ${ratio(tb.act4096, ours(headline).b)} (in place ${ratio(tb.act4096, ours(headline).bInPlace)})`);
  } else console.log(`  kernel lines skipped: ${typeof t1 === 'string' ? t1 : t2}`);
  for (const experiment of ['step1', 'mixed'] as const) {
    const a = torchIteration(py.python, experiment, 1), b = torchIteration(py.python, experiment, 2);
    if (typeof a === 'string' || typeof b === 'string') {
      console.log(`  ${experiment}: skipped: ${typeof a === 'string' ? a : b}`);
      continue;
    }
    const tb = Math.min(a, b);
    const parts = Object.entries(e2e[experiment]).map(([k, ms]) => `[${k}] ${ratio(tb, ms)}`);
    console.log(`  (e) ${experiment} iteration: PyTorch ${a.toFixed(0)} ms (1 thread), ${b.toFixed(0)} ms (2 threads); ratio vs ours ${parts.join(', ')}${experiment === 'mixed' ? '; target ≥ 2.0' : ''}`);
  }
}
if (require.main === module) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.stack : e);
    process.exit(1);
  });
}
