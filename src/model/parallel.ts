/**
 * Two cores for one network: the `split` engine wrapper runs the first half of every batch on this thread and the
 * second half on a worker thread with its own replica (its own wasm instance), at the same time, and sums the two
 * halves' gradients. It wraps the `blas` and `wasm-simd` engines when a network is made with `threads: 2` (or
 * `ICL_THREADS=2`); the runner does that for every seed when the cores allow (`--jobs`).
 *
 * Rows are independent in the forward pass and in acting, so outputs and states are the same as on one thread; the
 * gradient is the float32 sum of the two halves' gradients, so it differs from one thread in the last bits.
 * Results are deterministic for a given thread count.
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
import type { Engine, EngineKind } from './engine';
import type { ParamLayout } from './layout';
import { createChannel, CTL, OP, type Channel } from './parallel-worker';

/** The worker thread holding the second half's replica, and the shared memory both threads work through. */
class Remote {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly ch: Channel;
  private seq = 0;
  private sent: Float32Array | null = null;
  private dataVersion = 0;

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
    const ctl = this.ch.ctl;
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

/** Concatenates two row blocks. */
function join2(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * An engine that splits every batch between `local` (this thread) and a replica of the same kind on a worker
 * thread. Batches of one row run on this thread alone.
 */
export function createSplitEngine(local: Engine, layout: ParamLayout): Engine {
  const D = layout.inputSize, H = layout.hiddenSize, K = layout.outputSize;
  const remote = new Remote(local.kind, layout);
  /** How the last training forward (or sequence) was split: `bw` rows on the worker. */
  let split: { bm: number; bw: number; steps: number } | null = null;
  const halves = (batch: number) => ({ bw: Math.floor(batch / 2), bm: batch - Math.floor(batch / 2) });

  return {
    kind: local.kind,
    threads: 2,

    forward(params, x, B, T, h0) {
      const { bm, bw } = halves(B);
      split = { bm, bw, steps: T };
      if (bw === 0) return local.forward(params, x, B, T, h0);
      remote.weights(params);
      const inputs = bw * T * D + (h0 ? bw * H : 0), data = remote.data(inputs + bw * T * K);
      data.set(x.subarray(bm * T * D, B * T * D));
      if (h0) data.set(h0.subarray(bm * H, B * H), bw * T * D);
      remote.send(OP.forward, bw, T, 0, h0 !== undefined);
      const mine = local.forward(params, x.subarray(0, bm * T * D), bm, T, h0?.subarray(0, bm * H));
      return join2(mine, remote.receive().subarray(inputs, inputs + bw * T * K));
    },

    beginSequence(params, B, T, h0) {
      const { bm, bw } = halves(B);
      split = { bm, bw, steps: T };
      if (bw > 0) {
        remote.weights(params);
        if (h0) remote.data(bw * H).set(h0.subarray(bm * H, B * H));
        remote.send(OP.beginSequence, bw, T, 0, h0 !== undefined);
      }
      local.beginSequence!(params, bm, T, h0?.subarray(0, bm * H));
      if (bw > 0) remote.receive();
    },

    sequenceStep(x, s) {
      if (!split) throw new Error('GruNet.sequenceStep: call beginSequence first');
      const { bm, bw } = split;
      if (bw === 0) return local.sequenceStep!(x, s);
      remote.data(bw * (D + K)).set(x.subarray(bm * D, (bm + bw) * D));
      remote.send(OP.sequenceStep, bw, 0, s);
      const mine = local.sequenceStep!(x.subarray(0, bm * D), s);
      return join2(mine, remote.receive().subarray(bw * D, bw * (D + K)));
    },

    sequenceOutputs() {
      if (!split) throw new Error('GruNet.sequenceOutputs: no sequence begun');
      const { bw, steps } = split;
      if (bw === 0) return local.sequenceOutputs!();
      remote.data(bw * steps * K);
      remote.send(OP.sequenceOutputs, bw, steps);
      const mine = local.sequenceOutputs!();
      return join2(mine, remote.receive().subarray(0, bw * steps * K));
    },

    backward(dOut) {
      if (!split) throw new Error('GruNet.backward: call forward first (backward differentiates the last forward)');
      const { bm, bw, steps } = split;
      if (bw === 0) return local.backward(dOut);
      if (dOut.length !== (bm + bw) * steps * K) {
        throw new RangeError(`GruNet.backward: dOut must have B*T*K = ${(bm + bw) * steps * K} entries, got ${dOut.length}`);
      }
      const n = bw * steps * K;
      remote.data(n + layout.size).set(dOut.subarray(bm * steps * K));
      remote.send(OP.backward, bw, steps);
      const g = local.backward(dOut.subarray(0, bm * steps * K));
      const grads = remote.receive();
      for (let i = 0; i < g.length; i++) g[i] += grads[n + i];
      return g;
    },

    step(params, h, x, B) {
      const { bm, bw } = halves(B);
      if (bw === 0) return local.step(params, h, x, B);
      remote.weights(params);
      const data = remote.data(bw * (2 * H + D + K));
      data.set(h.subarray(bm * H, B * H));
      data.set(x.subarray(bm * D, B * D), bw * H);
      remote.send(OP.step, bw);
      const mine = local.step(params, h.subarray(0, bm * H), x.subarray(0, bm * D), bm);
      const out = remote.receive();
      const at = bw * (H + D);
      return { h: join2(mine.h, out.subarray(at, at + bw * H)), out: join2(mine.out, out.subarray(at + bw * H, at + bw * (H + K))) };
    },

    memoryBytes() {
      return local.memoryBytes?.() ?? 0;
    },

    dispose() {
      split = null;
      local.dispose();
      remote.dispose();
    },
  };
}
