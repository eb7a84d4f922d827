/**
 * The worker side of the two-thread engine (parallel.ts): one replica of a network's engine on its own wasm
 * instance, serving requests for the second half of each batch. It blocks in `Atomics.wait` between requests and
 * reads them with `receiveMessageOnPort`, so the main thread's API stays synchronous. It keeps the last weights it
 * was sent (requests carry them only when they changed).
 */
import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { EngineKind } from './engine';
import { createEngine } from './engines';
import type { ParamLayout } from './layout';

interface Init { port: MessagePort; flag: Int32Array; layout: ParamLayout; engine: EngineKind }

/** A request from the main thread (`params` is absent when the weights did not change since the last one). */
export type WorkerRequest =
  | { op: 'forward'; params?: Float32Array; x: Float32Array; batch: number; steps: number; h0?: Float32Array }
  | { op: 'beginSequence'; params?: Float32Array; batch: number; steps: number; h0?: Float32Array }
  | { op: 'sequenceStep'; x: Float32Array; s: number }
  | { op: 'sequenceOutputs' }
  | { op: 'backward'; dOut: Float32Array }
  | { op: 'step'; params?: Float32Array; h: Float32Array; x: Float32Array; batch: number };

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * The next message on `port`, waiting for it: the flag that announces a message can become visible to this thread
 * before the message itself is queued on the port (postMessage is asynchronous), so an empty port right after the
 * flag means "not yet", not "nothing". Throws after `timeoutMs`.
 */
export function nextMessage(port: MessagePort, what: string, timeoutMs = 60_000): unknown {
  const deadline = Date.now() + timeoutMs;
  for (let spins = 0; ; spins++) {
    const got = receiveMessageOnPort(port);
    if (got) return got.message;
    if (Date.now() > deadline) throw new Error(`two-thread engine: ${what} did not arrive within ${timeoutMs / 1000} s`);
    Atomics.wait(pause, 0, 0, spins < 100 ? 0.02 : 1);   // sleep 20 µs (then 1 ms): the message is on its way
  }
}

/** Serves requests until the worker is terminated. */
function serve({ port, flag, layout, engine: kind }: Init): void {
  const engine = createEngine(kind, layout, 1);
  let params: Float32Array = new Float32Array(layout.size);
  let seen = 0;
  Atomics.store(flag, 1, -1);                      // ready
  Atomics.notify(flag, 1);
  for (;;) {
    Atomics.wait(flag, 0, seen);
    seen = Atomics.load(flag, 0);
    let reply: unknown;
    try {
      const req = nextMessage(port, 'the request') as WorkerRequest;
      if ('params' in req && req.params) params = req.params;
      switch (req.op) {
        case 'forward': reply = { out: engine.forward(params, req.x, req.batch, req.steps, req.h0) }; break;
        case 'beginSequence': engine.beginSequence!(params, req.batch, req.steps, req.h0); reply = {}; break;
        case 'sequenceStep': reply = { out: engine.sequenceStep!(req.x, req.s) }; break;
        case 'sequenceOutputs': reply = { out: engine.sequenceOutputs!() }; break;
        case 'backward': reply = { grads: engine.backward(req.dOut) }; break;
        case 'step': reply = engine.step(params, req.h, req.x, req.batch); break;
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
