/**
 * Two cores for one network: the `split` engine wrapper runs the first half of every batch on this thread and the
 * second half on a worker thread with its own replica (its own wasm instance), at the same time, and sums the two
 * halves' gradients. It wraps the `native`, `blas` and `wasm-simd` engines when a network is made with `threads: 2`
 * (or `ICL_THREADS=2`); the runner does that for every seed when the cores allow (`--jobs`).
 *
 * Rows are independent in the forward pass and in acting, so outputs and states are the same as on one thread; the
 * gradient is the float32 sum of the two halves' gradients, so it differs from one thread in the last bits.
 * Results are deterministic for a given thread count. Two networks can instead run side by side, one on each
 * thread (`placeRows`), with exactly the results of one thread: how two-learner A2C runs use the two cores.
 *
 * The API stays synchronous: a request is written to shared memory (a `SharedArrayBuffer` channel: control words,
 * the weights, a data area) and flagged with `Atomics.notify`; this thread, once its own half is done, blocks in
 * `Atomics.wait` until the worker flags its answer. No message is copied on the way, so an acting step costs a few
 * microseconds more than its arithmetic. The weights are shared only when they changed since the last request. The worker loads `parallel-worker.ts` through tsx's CommonJS
 * hook; if it cannot start, creating the engine throws naming the reason.
 */
import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { join } from 'node:path';
import type { Engine, EngineKind, RowPlacement } from './engine';
import type { ParamLayout } from './layout';
import { createChannel, CTL, OP, spinWhile, type Channel } from './parallel-worker';

/** The worker thread holding the second half's replica, and the shared memory both threads work through. */
class Remote {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly ch: Channel;
  private seq = 0;
  private sent: Float32Array | null = null;
  private dataVersion = 0;
  /** Whether a request was sent whose answer has not been taken yet. */
  private pending = false;

  constructor(kind: EngineKind, layout: ParamLayout) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.ch = createChannel(layout.size);
    // The worker reports a failure to load (answer word −2 and the error as a message) or readiness (−1).
    const bootstrap = `const { workerData } = require('node:worker_threads');
      try {
        require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register();
        require(${JSON.stringify(join(__dirname, 'parallel-worker.ts'))});
      } catch (e) {
        workerData.port.postMessage({ error: String((e && e.stack) || e) });
        Atomics.store(workerData.channel.ctl, ${CTL.answer}, -2);
        Atomics.notify(workerData.channel.ctl, ${CTL.answer});
      }`;
    this.worker = new Worker(bootstrap, {
      eval: true,
      workerData: { parallelGru: true, port: port2, channel: this.ch, layout, engine: kind },
      transferList: [port2],
    });
    this.worker.unref();
    const ctl = this.ch.ctl;
    const deadline = Date.now() + 120_000;
    while (Atomics.load(ctl, CTL.answer) === 0 && Date.now() < deadline) Atomics.wait(ctl, CTL.answer, 0, 1000);
    if (Atomics.load(ctl, CTL.answer) !== -1) {
      const msg = receiveMessageOnPort(this.port)?.message as { error?: string } | undefined;
      void this.worker.terminate();
      throw new Error(`two-thread engine: the worker thread did not start: ${msg?.error ?? 'no answer within 120 s'}`);
    }
    Atomics.store(ctl, CTL.answer, 0);
  }

  /** Shares the weights unless the worker already has exactly these (a byte comparison, ~20 µs). */
  weights(params: Float32Array): void {
    const s = this.sent;
    if (s && s.length === params.length &&
      Buffer.from(s.buffer, s.byteOffset, s.byteLength).equals(Buffer.from(params.buffer, params.byteOffset, params.byteLength))) {
      return;
    }
    this.sent = params.slice();
    this.ch.params.set(params);
    this.ch.ctl[CTL.paramsVersion]++;
  }

  /** The data area, at least `floats` long (a larger one is made and handed to the worker when needed). */
  data(floats: number): Float32Array {
    if (this.pending) throw new Error('two-thread engine: a request was sent before the answer to the last one was taken (a deferred result not awaited)');
    if (this.ch.data.length < floats) {
      this.ch.data = new Float32Array(new SharedArrayBuffer(Math.ceil(floats * 1.25) * 4));
      this.dataVersion++;
      this.port.postMessage({ data: this.ch.data, version: this.dataVersion });
      this.ch.ctl[CTL.dataVersion] = this.dataVersion;
    }
    return this.ch.data;
  }

  /** Starts operation `op` on the worker (its inputs already in `data`). */
  send(op: number, batch: number, steps = 0, s = 0, hasH = false): void {
    if (this.pending) throw new Error('two-thread engine: a request was sent before the answer to the last one was taken (a deferred result not awaited)');
    this.pending = true;
    const ctl = this.ch.ctl;
    ctl[CTL.op] = op;
    ctl[CTL.batch] = batch;
    ctl[CTL.steps] = steps;
    ctl[CTL.s] = s;
    ctl[CTL.hasH] = hasH ? 1 : 0;
    this.seq++;
    Atomics.store(ctl, CTL.request, this.seq);
    Atomics.notify(ctl, CTL.request);
  }

  /** Waits for the worker's answer to the last request; its outputs are then in `data`. */
  receive(): Float32Array {
    if (!this.pending) throw new Error('two-thread engine: no request to wait for');
    this.pending = false;
    const ctl = this.ch.ctl;
    spinWhile(ctl, CTL.answer, this.seq - 1);
    const deadline = Date.now() + 600_000;
    for (;;) {
      const done = Atomics.load(ctl, CTL.answer);
      if (done === this.seq) break;
      if (Date.now() > deadline) throw new Error('two-thread engine: the worker did not answer within 600 s (did it crash?)');
      Atomics.wait(ctl, CTL.answer, done, 1000);
    }
    if (ctl[CTL.status] !== 0) {
      const msg = nextMessage(this.port, "the worker's error") as { error?: string };
      throw new Error(`two-thread engine worker: ${msg.error ?? 'unknown error'}`);
    }
    return this.ch.data;
  }

  dispose(): void {
    this.sent = null;
    void this.worker.terminate();
  }
}

/** The next message on `port`, waiting for it (a message can arrive after the flag that announced it). */
function nextMessage(port: MessagePort, what: string, timeoutMs = 60_000): unknown {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = receiveMessageOnPort(port);
    if (got) return got.message;
    if (Date.now() > deadline) throw new Error(`two-thread engine: ${what} did not arrive within ${timeoutMs / 1000} s`);
    Atomics.wait(pause, 0, 0, 1);
  }
}

/** No rows (the part of a batch on this thread when all its rows run on the worker). */
const NONE = new Float32Array(0);

/** Concatenates two row blocks. */
function join2(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * An engine that splits every batch between `local` (this thread) and a replica of the same kind on a worker
 * thread. Batches of one row run on this thread alone. `placeRows` moves all rows to one side instead: a network
 * placed `worker` computes while this thread works on another network placed `main` (`sequenceStepDeferred`,
 * `backwardDeferred`), and either gives exactly the results of one thread (the same engine on all rows).
 */
export function createSplitEngine(local: Engine, layout: ParamLayout): Engine {
  const D = layout.inputSize, H = layout.hiddenSize, K = layout.outputSize;
  const remote = new Remote(local.kind, layout);
  let placement: RowPlacement = 'split';
  /** How the last training forward (or sequence) was divided: the first `bm` rows here, the other `bw` on the worker. */
  let split: { bm: number; bw: number; steps: number } | null = null;
  /** The same for the histories stepped in place (`beginSteps`): each side keeps its rows' states. */
  let stepping: { bm: number; bw: number } | null = null;
  const rowsOf = (batch: number) => {
    const bw = placement === 'worker' ? batch : placement === 'main' ? 0 : Math.floor(batch / 2);
    return { bm: batch - bw, bw };
  };

  const sequenceStepDeferred = (x: Float32Array, s: number): (() => Float32Array) => {
    if (!split) throw new Error('GruNet.sequenceStep: call beginSequence first');
    const { bm, bw } = split;
    if (bw === 0) {
      const out = local.sequenceStep!(x, s);
      return () => out;
    }
    remote.data(bw * (D + K)).set(x.subarray(bm * D, (bm + bw) * D));
    remote.send(OP.sequenceStep, bw, 0, s);
    const mine = bm > 0 ? local.sequenceStep!(x.subarray(0, bm * D), s) : NONE;
    return () => join2(mine, remote.receive().subarray(bw * D, bw * (D + K)));
  };

  const backwardDeferred = (dOut: Float32Array): (() => Float32Array) => {
    if (!split) throw new Error('GruNet.backward: call forward first (backward differentiates the last forward)');
    const { bm, bw, steps } = split;
    if (bw === 0) {
      const g = local.backward(dOut);
      return () => g;
    }
    if (dOut.length !== (bm + bw) * steps * K) {
      throw new RangeError(`GruNet.backward: dOut must have B*T*K = ${(bm + bw) * steps * K} entries, got ${dOut.length}`);
    }
    const n = bw * steps * K;
    remote.data(n + layout.size).set(dOut.subarray(bm * steps * K));
    remote.send(OP.backward, bw, steps);
    const g = bm > 0 ? local.backward(dOut.subarray(0, bm * steps * K)) : null;
    return () => {
      const grads = remote.receive();
      if (!g) return grads.slice(n, n + layout.size);
      for (let i = 0; i < g.length; i++) g[i] += grads[n + i];
      return g;
    };
  };

  return {
    kind: local.kind,
    threads: 2,

    placeRows(p) {
      if (p !== 'split' && p !== 'main' && p !== 'worker') throw new RangeError(`placeRows: 'split', 'main' or 'worker', got '${String(p)}'`);
      placement = p;
      split = null; // a forward, sequence or stepping begun under the old placement cannot be continued
      stepping = null;
    },

    forward(params, x, B, T, h0) {
      const { bm, bw } = rowsOf(B);
      split = { bm, bw, steps: T };
      if (bw === 0) return local.forward(params, x, B, T, h0);
      remote.weights(params);
      const inputs = bw * T * D + (h0 ? bw * H : 0), data = remote.data(inputs + bw * T * K);
      data.set(x.subarray(bm * T * D, B * T * D));
      if (h0) data.set(h0.subarray(bm * H, B * H), bw * T * D);
      remote.send(OP.forward, bw, T, 0, h0 !== undefined);
      const mine = bm > 0 ? local.forward(params, x.subarray(0, bm * T * D), bm, T, h0?.subarray(0, bm * H)) : NONE;
      return join2(mine, remote.receive().subarray(inputs, inputs + bw * T * K));
    },

    beginSequence(params, B, T, h0) {
      const { bm, bw } = rowsOf(B);
      split = { bm, bw, steps: T };
      if (bw > 0) {
        remote.weights(params);
        if (h0) remote.data(bw * H).set(h0.subarray(bm * H, B * H));
        remote.send(OP.beginSequence, bw, T, 0, h0 !== undefined);
      }
      if (bm > 0) local.beginSequence!(params, bm, T, h0?.subarray(0, bm * H));
      if (bw > 0) remote.receive();
    },

    sequenceStep: (x, s) => sequenceStepDeferred(x, s)(),
    sequenceStepDeferred,

    sequenceOutputs() {
      if (!split) throw new Error('GruNet.sequenceOutputs: no sequence begun');
      const { bm, bw, steps } = split;
      if (bw === 0) return local.sequenceOutputs!();
      remote.data(bw * steps * K);
      remote.send(OP.sequenceOutputs, bw, steps);
      const mine = bm > 0 ? local.sequenceOutputs!() : NONE;
      return join2(mine, remote.receive().subarray(0, bw * steps * K));
    },

    backward: (dOut) => backwardDeferred(dOut)(),
    backwardDeferred,

    beginSteps(params, B, h0) {
      const { bm, bw } = rowsOf(B);
      stepping = { bm, bw };
      if (bw > 0) {
        remote.weights(params);
        if (h0) remote.data(bw * H).set(h0.subarray(bm * H, B * H));
        remote.send(OP.beginSteps, bw, 0, 0, h0 !== undefined);
      }
      if (bm > 0) local.beginSteps!(params, bm, h0?.subarray(0, bm * H));
      if (bw > 0) remote.receive();
    },

    nextStep(x) {
      if (!stepping) throw new Error('GruNet.nextStep: call beginSteps first');
      const { bm, bw } = stepping;
      if (bw === 0) return local.nextStep!(x);
      remote.data(bw * (D + K)).set(x.subarray(bm * D, (bm + bw) * D));
      remote.send(OP.nextStep, bw);
      const mine = bm > 0 ? local.nextStep!(x.subarray(0, bm * D)) : NONE;
      return join2(mine, remote.receive().subarray(bw * D, bw * (D + K)));
    },

    stepState() {
      if (!stepping) throw new Error('GruNet.stepState: call beginSteps first');
      const { bm, bw } = stepping;
      if (bw === 0) return local.stepState!();
      remote.data(bw * H);
      remote.send(OP.stepState, bw);
      const mine = bm > 0 ? local.stepState!() : NONE;
      return join2(mine, remote.receive().subarray(0, bw * H));
    },

    step(params, h, x, B) {
      const { bm, bw } = rowsOf(B);
      if (bw === 0) return local.step(params, h, x, B);
      remote.weights(params);
      const data = remote.data(bw * (2 * H + D + K));
      data.set(h.subarray(bm * H, B * H));
      data.set(x.subarray(bm * D, B * D), bw * H);
      remote.send(OP.step, bw);
      const mine = bm > 0 ? local.step(params, h.subarray(0, bm * H), x.subarray(0, bm * D), bm) : { h: NONE, out: NONE };
      const out = remote.receive();
      const at = bw * (H + D);
      return { h: join2(mine.h, out.subarray(at, at + bw * H)), out: join2(mine.out, out.subarray(at + bw * H, at + bw * (H + K))) };
    },

    memoryBytes() {
      return local.memoryBytes?.() ?? 0;
    },

    dispose() {
      split = null;
      stepping = null;
      local.dispose();
      remote.dispose();
    },
  };
}
