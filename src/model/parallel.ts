/**
 * Data parallelism over two cores: `DataParallelGruNet` splits every batch between the main thread and one worker
 * thread, each running its own replica of the network on its own wasm instance, and sums the two gradients.
 * Same synchronous `forward` / `backward` / `step` as `GruNet` (the main thread blocks in `Atomics.wait` while
 * the worker finishes its half, which it computes at the same time as the main thread computes the other).
 *
 * Off by default: the experiments run one seed per core, which uses both cores without any communication. Use it
 * when a single run should finish sooner (a notebook, the bench's (e)). Results are deterministic but not
 * bit-identical to the single-threaded `GruNet` (the two halves' gradients are summed in float32).
 *
 * The worker loads `parallel-worker.ts` through tsx's CommonJS register hook (a devDependency-free project would
 * compile it first); if it cannot start, `create` throws naming the reason.
 */
import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { join } from 'node:path';
import type { GruNet } from './gru-net';
import type { WorkerRequest } from './parallel-worker';

/** A `GruNet` whose batches are split between the main thread and a worker thread. */
export class DataParallelGruNet {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag: Int32Array;
  private seq = 0;
  private split: { main: number; worker: number; steps: number } | null = null;

  private constructor(readonly net: GruNet) {
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
      workerData: { parallelGru: true, port: port2, flag: this.flag, config: net.config, engine: net.engineKind },
      transferList: [port2],
    });
    this.worker.unref();
    const deadline = Date.now() + 120_000;
    while (Atomics.load(this.flag, 1) === 0 && Date.now() < deadline) Atomics.wait(this.flag, 1, 0, 1000);
    const state = Atomics.load(this.flag, 1);
    if (state !== -1) {
      const msg = receiveMessageOnPort(this.port)?.message as { error?: string } | undefined;
      void this.worker.terminate();
      throw new Error(`DataParallelGruNet: the worker thread did not start: ${msg?.error ?? 'no answer within 120 s'}`);
    }
  }

  /** Wraps `net` (its `params` stay the authoritative weights; optimizers update them as usual). */
  static create(net: GruNet): DataParallelGruNet {
    return new DataParallelGruNet(net);
  }

  /** The weights (those of the main replica). */
  get params(): Float32Array {
    return this.net.params;
  }

  /** The network's sizes. */
  get config(): GruNet['config'] {
    return this.net.config;
  }

  /** Zeros [B, H], as `GruNet.zeroState`. */
  zeroState(batch: number): Float32Array {
    return this.net.zeroState(batch);
  }

  private send(req: WorkerRequest, transfer: ArrayBuffer[]): void {
    this.port.postMessage(req, transfer);
    this.seq++;
    Atomics.store(this.flag, 0, this.seq);
    Atomics.notify(this.flag, 0);
  }

  private receive<T>(): T {
    const deadline = Date.now() + 600_000;
    for (;;) {
      const done = Atomics.load(this.flag, 1);
      if (done === this.seq) break;
      if (Date.now() > deadline) throw new Error('DataParallelGruNet: the worker did not answer within 600 s (did it crash?)');
      Atomics.wait(this.flag, 1, done, 1000);
    }
    const got = receiveMessageOnPort(this.port);
    if (!got) throw new Error('DataParallelGruNet: the worker answered without a message');
    const msg = got.message as T & { error?: string };
    if (msg.error) throw new Error(`DataParallelGruNet worker: ${msg.error}`);
    return msg;
  }

  /** As `GruNet.forward`: the first ⌈B/2⌉ histories on this thread, the rest on the worker. */
  forward(x: Float32Array, batch: number, steps: number, h0?: Float32Array): Float32Array {
    const { inputSize: D, hiddenSize: H, outputSize: K } = this.net.config;
    const bw = Math.floor(batch / 2), bm = batch - bw;
    if (x.length !== batch * steps * D) {
      throw new RangeError(`DataParallelGruNet.forward: x must have B*T*D = ${batch * steps * D} entries, got ${x.length}`);
    }
    this.split = { main: bm, worker: bw, steps };
    if (bw === 0) return this.net.forward(x, batch, steps, h0);
    const xw = x.slice(bm * steps * D), params = this.net.params.slice();
    const h0w = h0 ? h0.slice(bm * H) : undefined;
    this.send({ op: 'forward', params, x: xw, batch: bw, steps, ...(h0w ? { h0: h0w } : {}) }, []);
    const outMain = this.net.forward(x.subarray(0, bm * steps * D), bm, steps, h0?.subarray(0, bm * H));
    const { out } = this.receive<{ out: Float32Array }>();
    const all = new Float32Array(batch * steps * K);
    all.set(outMain);
    all.set(out, bm * steps * K);
    return all;
  }

  /** As `GruNet.backward`: the sum of both halves' gradients. */
  backward(dOut: Float32Array): Float32Array {
    if (!this.split) throw new Error('DataParallelGruNet.backward: call forward first');
    const { main: bm, worker: bw, steps } = this.split;
    const K = this.net.config.outputSize;
    if (bw === 0) return this.net.backward(dOut);
    this.send({ op: 'backward', dOut: dOut.slice(bm * steps * K) }, []);
    const g = this.net.backward(dOut.subarray(0, bm * steps * K));
    const { grads } = this.receive<{ grads: Float32Array }>();
    for (let i = 0; i < g.length; i++) g[i] += grads[i];
    return g;
  }

  /** As `GruNet.step`, split the same way. */
  step(h: Float32Array, x: Float32Array, batch: number): { h: Float32Array; out: Float32Array } {
    const { inputSize: D, hiddenSize: H, outputSize: K } = this.net.config;
    const bw = Math.floor(batch / 2), bm = batch - bw;
    if (bw === 0) return this.net.step(h, x, batch);
    this.send({ op: 'step', params: this.net.params.slice(), h: h.slice(bm * H), x: x.slice(bm * D), batch: bw }, []);
    const mine = this.net.step(h.subarray(0, bm * H), x.subarray(0, bm * D), bm);
    const theirs = this.receive<{ h: Float32Array; out: Float32Array }>();
    const hAll = new Float32Array(batch * H), out = new Float32Array(batch * K);
    hAll.set(mine.h); hAll.set(theirs.h, bm * H);
    out.set(mine.out); out.set(theirs.out, bm * K);
    return { h: hAll, out };
  }

  /** Stops the worker and frees both replicas' engines. */
  async dispose(): Promise<void> {
    this.net.dispose();
    await this.worker.terminate();
  }
}
