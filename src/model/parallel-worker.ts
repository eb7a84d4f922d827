/**
 * The worker side of the two-thread engine (parallel.ts): one replica of a network's engine on its own wasm
 * instance, serving requests for the second half of each batch. Requests and answers travel through shared memory
 * (`Channel`), not messages: an acting step is a round trip of a few microseconds, and A2C makes hundreds of them per
 * iteration. The thread blocks in `Atomics.wait` between requests.
 */
import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { Engine, EngineKind } from './engine';
import { createEngine } from './engines';
import type { ParamLayout } from './layout';

/** Operations, as the codes written to the control array. */
export const OP = { forward: 1, beginSequence: 2, sequenceStep: 3, sequenceOutputs: 4, backward: 5, step: 6, beginSteps: 7, nextStep: 8, stepState: 9 } as const;

/**
 * The control words of a channel (Int32Array over a SharedArrayBuffer): the request counter, the answer counter, the
 * operation, its integer arguments, the version of the weights in `params`, and the state of the answer.
 */
export const CTL = { request: 0, answer: 1, op: 2, batch: 3, steps: 4, s: 5, hasH: 6, paramsVersion: 7, status: 8, dataVersion: 9 } as const;
const CTL_WORDS = 16;

/** Shared memory of one main-thread/worker pair: control words, the weights, and a data area for inputs and outputs. */
export interface Channel {
  readonly ctl: Int32Array;
  readonly params: Float32Array;
  /** Inputs from the start, outputs after them; replaced by a larger one when a request needs more. */
  data: Float32Array;
}

/**
 * Spins up to `SPIN_MS` while `ctl[index]` still equals `value`, before the caller sleeps in `Atomics.wait`: acting
 * sends a request every few hundred microseconds, and waking a sleeping thread costs tens of microseconds each time
 * (more when the core is busy), which a short spin avoids.
 */
export function spinWhile(ctl: Int32Array, index: number, value: number): void {
  const end = performance.now() + SPIN_MS;
  while (Atomics.load(ctl, index) === value) {
    for (let i = 0; i < 64; i++) if (Atomics.load(ctl, index) !== value) return;
    if (performance.now() > end) return;
  }
}
const SPIN_MS = 0.2;

/**
 * Blocks until the request counter differs from `seen` and returns it. A wake-up alone does not mean a new request:
 * the notify of a request already served also wakes a sleeping thread (the worker can see a request while spinning,
 * serve it and fall asleep before the main thread, descheduled between its store and its notify, gets to notify);
 * serving on that wake-up would run the request twice.
 */
export function nextRequest(ctl: Int32Array, seen: number): number {
  for (;;) {
    const now = Atomics.load(ctl, CTL.request);
    if (now !== seen) return now;
    Atomics.wait(ctl, CTL.request, seen);
  }
}

/** A channel for a network with `paramCount` weights. */
export function createChannel(paramCount: number): Channel {
  return {
    ctl: new Int32Array(new SharedArrayBuffer(CTL_WORDS * 4)),
    params: new Float32Array(new SharedArrayBuffer(paramCount * 4)),
    data: new Float32Array(new SharedArrayBuffer(1 << 20)),
  };
}

interface Init { port: MessagePort; channel: Channel; layout: ParamLayout; engine: EngineKind }

/** Runs one request on `engine`, reading its inputs from and writing its outputs to the channel. */
function serveOne(engine: Engine, ch: Channel, params: Float32Array, layout: ParamLayout): void {
  const { ctl, data } = ch;
  const D = layout.inputSize, H = layout.hiddenSize, K = layout.outputSize;
  const B = ctl[CTL.batch], T = ctl[CTL.steps], hasH = ctl[CTL.hasH] === 1;
  switch (ctl[CTL.op]) {
    case OP.forward: {
      const x = data.subarray(0, B * T * D), h0 = hasH ? data.subarray(B * T * D, B * T * D + B * H) : undefined;
      data.set(engine.forward(params, x, B, T, h0), B * T * D + (hasH ? B * H : 0));
      break;
    }
    case OP.beginSequence:
      engine.beginSequence!(params, B, T, hasH ? data.subarray(0, B * H) : undefined);
      break;
    case OP.sequenceStep:
      data.set(engine.sequenceStep!(data.subarray(0, B * D), ctl[CTL.s]), B * D);
      break;
    case OP.sequenceOutputs:
      data.set(engine.sequenceOutputs!(), 0);
      break;
    case OP.backward:
      data.set(engine.backward(data.subarray(0, B * T * K)), B * T * K);
      break;
    case OP.step: {
      const r = engine.step(params, data.subarray(0, B * H), data.subarray(B * H, B * H + B * D), B);
      data.set(r.h, B * H + B * D);
      data.set(r.out, 2 * B * H + B * D);
      break;
    }
    case OP.beginSteps:
      engine.beginSteps!(params, B, hasH ? data.subarray(0, B * H) : undefined);
      break;
    case OP.nextStep:
      data.set(engine.nextStep!(data.subarray(0, B * D)), B * D);
      break;
    case OP.stepState:
      data.set(engine.stepState!(), 0);
      break;
    default:
      throw new Error(`worker: unknown operation ${ctl[CTL.op]}`);
  }
}

/** Serves requests until the worker is terminated. Errors go back as a message (status −1). */
function serve({ port, channel, layout, engine: kind }: Init): void {
  const engine = createEngine(kind, layout, 1);
  const params = new Float32Array(layout.size);
  let paramsVersion = -1, dataVersion = 0;
  const { ctl } = channel;
  let seen = 0;
  Atomics.store(ctl, CTL.answer, -1);              // ready
  Atomics.notify(ctl, CTL.answer);
  for (;;) {
    spinWhile(ctl, CTL.request, seen);
    seen = nextRequest(ctl, seen);
    try {
      if (ctl[CTL.dataVersion] !== dataVersion) {
        // A larger data area was made for this request: its buffer comes as a message, which may still be on its way.
        for (;;) {
          const got = receiveMessageOnPort(port);
          if (got) {
            const m = got.message as { data: Float32Array; version: number };
            channel.data = m.data;
            dataVersion = m.version;
            if (dataVersion === ctl[CTL.dataVersion]) break;
          } else Atomics.wait(ctl, CTL_WORDS - 1, 0, 0.02);
        }
      }
      if (ctl[CTL.paramsVersion] !== paramsVersion) {
        params.set(channel.params);
        paramsVersion = ctl[CTL.paramsVersion];
      }
      serveOne(engine, channel, params, layout);
      ctl[CTL.status] = 0;
    } catch (e) {
      ctl[CTL.status] = -1;
      port.postMessage({ error: e instanceof Error ? e.message : String(e) });
    }
    Atomics.store(ctl, CTL.answer, seen);
    Atomics.notify(ctl, CTL.answer);
  }
}

if (workerData && (workerData as { parallelGru?: boolean }).parallelGru) serve(workerData as Init);
