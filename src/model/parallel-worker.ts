/**
 * The worker side of `DataParallelGruNet` (parallel.ts): one replica of the network on its own wasm instance,
 * serving forward / backward / step requests for its share of the batch. It blocks in `Atomics.wait` between
 * requests and reads them with `receiveMessageOnPort`, so the main thread's API stays synchronous.
 */
import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { GruNet } from './gru-net';
import type { EngineKind, GruNetConfig } from './gru-net';

interface Init { port: MessagePort; flag: Int32Array; config: GruNetConfig; engine: EngineKind }

/** A request from the main thread. */
export type WorkerRequest =
  | { op: 'forward'; params: Float32Array; x: Float32Array; batch: number; steps: number; h0?: Float32Array }
  | { op: 'backward'; dOut: Float32Array }
  | { op: 'step'; params: Float32Array; h: Float32Array; x: Float32Array; batch: number };

/** Serves requests until the worker is terminated. */
function serve({ port, flag, config, engine }: Init): void {
  const net = GruNet.fromParams(config, new Float32Array(GruNet.paramCount(config)), { engine });
  let seen = 0;
  Atomics.store(flag, 1, -1);                      // ready
  Atomics.notify(flag, 1);
  for (;;) {
    Atomics.wait(flag, 0, seen);
    seen = Atomics.load(flag, 0);
    const got = receiveMessageOnPort(port);
    let reply: unknown;
    try {
      if (!got) throw new Error('worker: woken without a request');
      const req = got.message as WorkerRequest;
      if (req.op === 'forward') {
        net.params.set(req.params);
        const out = net.forward(req.x, req.batch, req.steps, req.h0);
        reply = { out };
      } else if (req.op === 'backward') {
        reply = { grads: net.backward(req.dOut) };
      } else {
        net.params.set(req.params);
        reply = net.step(req.h, req.x, req.batch);
      }
    } catch (e) {
      reply = { error: e instanceof Error ? e.message : String(e) };
    }
    port.postMessage(reply);
    Atomics.store(flag, 1, seen);
    Atomics.notify(flag, 1);
  }
}

if (workerData && (workerData as { parallelGru?: boolean }).parallelGru) serve(workerData as Init);
