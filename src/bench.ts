/**
 * `npm run bench`: speed of the sequence-model engine on this machine, in one run (issue 3, BENCHMARKS.md).
 *
 *   (a) A2C-shaped update: B=256 episodes × T=100 rounds, one-hot(5) → 32 → GRU 128 → swish → 2 logits + value;
 *       forward, the A2C loss and dLoss/dOut in JS, BPTT, global-norm clip, Adam;
 *   (b) acting: one GRU step + heads + softmax + sampling (in JS, from `Rng`) at B=256 and B=4096;
 *   (c) PPI-shaped update: B=256 sequences × 300 tokens, 9 input columns → 32 → 128 → 8 outputs
 *       (5 observation logits, 1 reward, 2 action logits), cross-entropy + MSE + cross-entropy;
 *   (e) (a) and (b) at B=4096 split over the main thread and a worker thread (`DataParallelGruNet`, two cores);
 *   (d) (a) with `tf.layers.gru` and `model.trainOnBatch` on the active tfjs backend, the naive baseline (same sizes
 *       and work; Keras's reset-before GRU variant and an MSE loss, which do not change its cost);
 * First the raw throughput of the kernels' matrix product. Each is the median over several runs, with token-steps per second; then peak RSS and wasm memory. When
 * `/usr/bin/python3` has torch, ../shared/bench/torch_gru_bench.py runs too (one thread: OMP/OpenBLAS/MKL
 * threads = 1) and the ratios PyTorch-time / our-time are printed for (a) and (b).
 *
 * Flags: --runs N (default 7), --skip-naive, --skip-torch, --skip-workers, --engine wasm-simd|js|tfjs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { seeded } from './rng';
import type { Rng } from './rng';
import { Adam, GruNet, PAPER_NET } from './model/gru-net';
import type { EngineKind, OptimizerConfig } from './model/gru-net';
import { describeBackend, initBackend } from './model/backend';
import { parseEngineKind } from './model/engines';
import { DataParallelGruNet } from './model/parallel';
import { wasmMatmul } from './model/engine-wasm';

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(name);
const option = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const RUNS = Number(option('--runs') ?? 7);
const ENGINE: EngineKind | undefined = option('--engine') ? parseEngineKind(option('--engine')!, '--engine') : undefined;
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

/** The part of `GruNet` the A2C and acting benchmarks use (`DataParallelGruNet` has it too). */
interface Trainable {
  readonly params: Float32Array;
  forward(x: Float32Array, batch: number, steps: number): Float32Array;
  backward(dOut: Float32Array): Float32Array;
  step(h: Float32Array, x: Float32Array, batch: number): { h: Float32Array; out: Float32Array };
}

function a2cNet(): GruNet {
  return GruNet.create({ inputSize: 5, ...PAPER_NET, outputSize: 3 }, seeded('bench-a2c').child('net'), ENGINE ? { engine: ENGINE } : {});
}

function benchA2c(B: number, T: number, net: Trainable = a2cNet()): number {
  const rng = seeded('bench-a2c');
  const adam = new Adam(net.params.length, OPT);
  const x = oneHot(B, T, 5, rng.child('x'));
  const actions = new Uint8Array(B * T).map(() => rng.int(2));
  const returns = new Float32Array(B * T).map(() => rng.normal());
  const ms = time(() => {
    const out = net.forward(x, B, T);
    const { dOut } = a2cLossGrad(out, actions, returns);
    adam.step(net.params, net.backward(dOut));
  }, RUNS, 2, net instanceof GruNet ? net : undefined);
  return ms;
}

function benchAct(net: Trainable, B: number): number {
  const rng = seeded(`bench-act-${B}`);
  const x = new Float32Array(B * 5);
  for (let b = 0; b < B; b++) x[b * 5 + rng.int(5)] = 1;
  let h: Float32Array = new Float32Array(B * PAPER_NET.hiddenSize);
  const actions = new Uint8Array(B);
  return time(() => {
    const r = net.step(h, x, B);
    for (let b = 0; b < B; b++) {
      const p0 = 1 / (1 + Math.exp(r.out[3 * b + 1] - r.out[3 * b]));
      actions[b] = rng.uniform() < p0 ? 0 : 1;
    }
    h = r.h;
  }, Math.max(RUNS, 50), 5, net instanceof GruNet ? net : undefined);
}

function benchPpi(B: number, T: number): number {
  const rng = seeded('bench-ppi');
  const D = 9, K = 8;
  const net = GruNet.create({ inputSize: D, ...PAPER_NET, outputSize: K, inputGroups: [5, 2, 1, 1] }, rng.child('net'), ENGINE ? { engine: ENGINE } : {});
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
  return time(() => {
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

interface TorchFigures { version: string; trainMs: number; act: Record<number, number> }

function runTorch(threads: number): TorchFigures | string {
  const script = resolve(__dirname, '..', '..', 'shared', 'bench', 'torch_gru_bench.py');
  if (!existsSync('/usr/bin/python3')) return 'no /usr/bin/python3';
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' });
  } catch {
    return 'torch is not installed for /usr/bin/python3 (apt-get install -y python3-torch)';
  }
  if (!existsSync(script)) return `${script} not found`;
  const n = String(threads);
  const env = { ...process.env, OMP_NUM_THREADS: n, OPENBLAS_NUM_THREADS: n, MKL_NUM_THREADS: n };
  const out = execFileSync('/usr/bin/python3', [script, n, '256', '100'], { env, encoding: 'utf8' });
  process.stdout.write(out.split('\n').filter(Boolean).map((l) => `  | ${l}`).join('\n') + '\n');
  const train = /torch (\S+) threads=\d+ train .*?: ([\d.]+) ms\/update/.exec(out);
  const act: Record<number, number> = {};
  for (const m of out.matchAll(/act B=(\d+): ([\d.]+) us\/step/g)) act[Number(m[1])] = Number(m[2]) / 1000;
  if (!train) return `could not parse the torch output:\n${out}`;
  return { version: train[1], trainMs: Number(train[2]), act };
}

async function main(): Promise<void> {
  const backend = await initBackend();
  console.log(`icl-coop engine benchmark — ${new Date().toISOString()}`);
  console.log(`machine: ${cpus()[0]?.model ?? '?'} × ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB; node ${process.version}`);
  console.log(describeBackend());
  console.log(`runs: median of ${RUNS} (acting: ${Math.max(RUNS, 50)}); tfjs backend for (d): ${backend}\n`);

  {
    const r = seeded('bench-mm'), [m, kd, n] = [256, 128, 384];
    const a = new Float32Array(m * kd).map(() => r.normal()), b = new Float32Array(kd * n).map(() => r.normal());
    wasmMatmul(a, b, m, kd, n, 50);                      // warm-up: lets V8 tier the kernel up to TurboFan
    const { seconds } = wasmMatmul(a, b, m, kd, n, 300);
    console.log(`raw kernel: tiled f32x4 product 256×128×384 (the recurrent product of one step) ${(seconds * 1e3).toFixed(3)} ms, ${(2 * m * kd * n / seconds / 1e9).toFixed(1)} GFLOP/s\n`);
  }
  const net = a2cNet();
  const a = { ms: benchA2c(256, 100, net) };
  line(`(a) A2C update B=256 T=100 [${net.engineKind}]`, a.ms, 256 * 100);
  const act256 = benchAct(net, 256);
  line('(b) acting step B=256', act256, 256);
  const act4096 = benchAct(net, 4096);
  line('(b) acting step B=4096', act4096, 4096);
  net.dispose();
  const ppi = benchPpi(256, 300);
  line('(c) PPI update B=256 × 300 tokens, K=8', ppi, 256 * 300);
  let workers: { train: number; act: number } | undefined;
  if (!flag('--skip-workers')) {
    const par = DataParallelGruNet.create(a2cNet());
    workers = { train: benchA2c(256, 100, par), act: benchAct(par, 4096) };
    await par.dispose();
    line('(e) (a) on two threads (DataParallelGruNet)', workers.train, 256 * 100);
    line('(e) (b) B=4096 on two threads', workers.act, 4096);
  }
  let naive: number | undefined;
  if (!flag('--skip-naive')) {
    naive = await benchNaive(256, 100);
    line(`(d) tf.layers.gru + trainOnBatch [tfjs ${backend}]`, naive, 256 * 100);
  }
  console.log(`\npeak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB; peak wasm linear memory of one net ${(peakWasm / 2 ** 20).toFixed(0)} MiB`);
  if (naive) console.log(`speed-up of (a) over the naive tfjs baseline (d): ${(naive / a.ms).toFixed(1)}x`);

  if (flag('--skip-torch')) return;
  console.log('\nPyTorch reference (same machine, same run, one thread):');
  const t = runTorch(1);
  if (typeof t === 'string') {
    console.log(`  skipped: ${t}`);
    return;
  }
  const ratio = (torchMs: number, ours: number) => (torchMs / ours).toFixed(2);
  console.log(`  ratio PyTorch-time / our-time: (a) A2C update ${ratio(t.trainMs, a.ms)}; (b) acting B=256 ${ratio(t.act[256], act256)}, B=4096 ${ratio(t.act[4096], act4096)}`);
  if (workers) {
    console.log('PyTorch on two threads, against (e):');
    const t2 = runTorch(2);
    if (typeof t2 === 'string') console.log(`  skipped: ${t2}`);
    else {
      const best = { train: Math.min(t.trainMs, t2.trainMs), act: Math.min(t.act[4096], t2.act[4096]) };
      console.log(`  ratio PyTorch-time (its faster of 1 and 2 threads) / our two-thread time: (a) ${ratio(best.train, workers.train)}; (b) B=4096 ${ratio(best.act, workers.act)}`);
    }
  }
  console.log(`  targets (issue 3): ≥ 0.5, moonshot ≥ 1.0. torch ${t.version}: ${t.trainMs} ms/update, act ${t.act[256]?.toFixed(3)} / ${t.act[4096]?.toFixed(3)} ms`);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.stack : e);
    process.exit(1);
  });
}
