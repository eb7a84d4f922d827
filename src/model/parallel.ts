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
 * The API stays synchronous: a request goes through a MessagePort, and this thread, once its own half is done,
 * blocks in `Atomics.wait` until the worker flags its answer (read with `receiveMessageOnPort`). The weights are
 * sent only when they changed since the last request. The worker loads `parallel-worker.ts` through tsx's CommonJS
 * hook; if it cannot start, creating the engine throws naming the reason.
 */
import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { join } from 'node:path';
import type { Engine, EngineKind } from './engine';
import type { ParamLayout } from './layout';
import { nextMessage, type WorkerRequest } from './parallel-worker';

/** The worker thread holding the second half's replica. */
class Remote {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag: Int32Array;
  private seq = 0;
  private sent: Float32Array | null = null;

  constructor(kind: EngineKind, layout: ParamLayout) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.flag = new Int32Array(new SharedArrayBuffer(8));
    // The worker reports a failure to load (flag[1] = −2 and the error) or readiness (flag[1] = −1).
    const bootstrap = `const { workerData } = require('node:worker_threads');
      try {
        require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register();
        require(${JSON.stringify(join(__dirname, 'parallel-worker.ts'))});
      } catch (e) {
        workerData.port.postMessage({ error: String((e && e.stack) || e) });
        Atomics.store(workerData.flag, 1, -2);
        Atomics.notify(workerData.flag, 1);
      }`;
    this.worker = new Worker(bootstrap, {
      eval: true,
      workerData: { parallelGru: true, port: port2, flag: this.flag, layout, engine: kind },
      transferList: [port2],
    });
    this.worker.unref();
    const deadline = Date.now() + 120_000;
    while (Atomics.load(this.flag, 1) === 0 && Date.now() < deadline) Atomics.wait(this.flag, 1, 0, 1000);
    const state = Atomics.load(this.flag, 1);
    if (state !== -1) {
      const msg = receiveMessageOnPort(this.port)?.message as { error?: string } | undefined;
      void this.worker.terminate();
      throw new Error(`two-thread engine: the worker thread did not start: ${msg?.error ?? 'no answer within 120 s'}`);
    }
  }

  /** The weights for a request: undefined when the worker already has exactly these. */
  weights(params: Float32Array): Float32Array | undefined {
    const s = this.sent;
    if (s && s.length === params.length &&
      Buffer.from(s.buffer, s.byteOffset, s.byteLength).equals(Buffer.from(params.buffer, params.byteOffset, params.byteLength))) {
      return undefined;
    }
    this.sent = params.slice();
    return this.sent;
  }

  send(req: WorkerRequest): void {
    this.port.postMessage(req);
    this.seq++;
    Atomics.store(this.flag, 0, this.seq);
    Atomics.notify(this.flag, 0);
  }

  receive<T>(): T {
    const deadline = Date.now() + 600_000;
    for (;;) {
      const done = Atomics.load(this.flag, 1);
      if (done === this.seq) break;
      if (Date.now() > deadline) throw new Error('two-thread engine: the worker did not answer within 600 s (did it crash?)');
      Atomics.wait(this.flag, 1, done, 1000);
    }
    const msg = nextMessage(this.port, "the worker's answer") as T & { error?: string };
    if (msg.error) throw new Error(`two-thread engine worker: ${msg.error}`);
    return msg;
  }

  dispose(): void {
    this.sent = null;
    void this.worker.terminate();
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
      remote.send({ op: 'forward', params: remote.weights(params), x: x.slice(bm * T * D, B * T * D), batch: bw, steps: T, h0: h0?.slice(bm * H, B * H) });
      const mine = local.forward(params, x.subarray(0, bm * T * D), bm, T, h0?.subarray(0, bm * H));
      return join2(mine, remote.receive<{ out: Float32Array }>().out);
    },

    beginSequence(params, B, T, h0) {
      const { bm, bw } = halves(B);
      split = { bm, bw, steps: T };
      if (bw > 0) remote.send({ op: 'beginSequence', params: remote.weights(params), batch: bw, steps: T, h0: h0?.slice(bm * H, B * H) });
      local.beginSequence!(params, bm, T, h0?.subarray(0, bm * H));
      if (bw > 0) remote.receive<object>();
    },

    sequenceStep(x, s) {
      if (!split) throw new Error('GruNet.sequenceStep: call beginSequence first');
      const { bm, bw } = split;
      if (bw === 0) return local.sequenceStep!(x, s);
      remote.send({ op: 'sequenceStep', x: x.slice(bm * D, (bm + bw) * D), s });
      const mine = local.sequenceStep!(x.subarray(0, bm * D), s);
      return join2(mine, remote.receive<{ out: Float32Array }>().out);
    },

    sequenceOutputs() {
      if (!split) throw new Error('GruNet.sequenceOutputs: no sequence begun');
      if (split.bw === 0) return local.sequenceOutputs!();
      remote.send({ op: 'sequenceOutputs' });
      const mine = local.sequenceOutputs!();
      return join2(mine, remote.receive<{ out: Float32Array }>().out);
    },

    backward(dOut) {
      if (!split) throw new Error('GruNet.backward: call forward first (backward differentiates the last forward)');
      const { bm, bw, steps } = split;
      if (bw === 0) return local.backward(dOut);
      if (dOut.length !== (bm + bw) * steps * K) {
        throw new RangeError(`GruNet.backward: dOut must have B*T*K = ${(bm + bw) * steps * K} entries, got ${dOut.length}`);
      }
      remote.send({ op: 'backward', dOut: dOut.slice(bm * steps * K) });
      const g = local.backward(dOut.subarray(0, bm * steps * K));
      const { grads } = remote.receive<{ grads: Float32Array }>();
      for (let i = 0; i < g.length; i++) g[i] += grads[i];
      return g;
    },

    step(params, h, x, B) {
      const { bm, bw } = halves(B);
      if (bw === 0) return local.step(params, h, x, B);
      remote.send({ op: 'step', params: remote.weights(params), h: h.slice(bm * H, B * H), x: x.slice(bm * D, B * D), batch: bw });
      const mine = local.step(params, h.subarray(0, bm * H), x.subarray(0, bm * D), bm);
      const theirs = remote.receive<{ h: Float32Array; out: Float32Array }>();
      return { h: join2(mine.h, theirs.h), out: join2(mine.out, theirs.out) };
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
