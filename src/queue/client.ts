/**
 * The queue in Redis, through BullMQ: opening it for a command (enqueue, status, retry, cancel), with a clear error
 * when Redis cannot be reached or refuses the password. Only the queue's modules import this, and the experiment
 * CLI loads them only with `--queue`: the local runner never loads bullmq or ioredis.
 */
import { FlowProducer, Queue } from 'bullmq';
import { QUEUE_NAME } from './jobs';
import { redisOptions, type RedisTarget } from './connection';

/** How long a command waits for Redis before it gives up. */
const CONNECT_TIMEOUT_MS = 15_000;

/** An error that says which queue could not be used, without BullMQ's or ioredis' stack. */
export function queueError(t: RedisTarget, e: unknown): Error {
  const m = e instanceof Error ? e.message : String(e);
  const hint = /WRONGPASS|NOAUTH|invalid password|AUTH/i.test(m)
    ? ' (a wrong or missing password: put it in the URL, redis://:PASSWORD@HOST:PORT, or in ICL_REDIS_PASSWORD)'
    : /certificate|self.signed|SSL|TLS|EPROTO/i.test(m)
      ? ' (TLS: for a private CA, set NODE_EXTRA_CA_CERTS=/path/ca.pem)'
      : '';
  return new Error(`the queue at ${t.display}: ${m}${hint}`);
}

/** Resolves `p`, or rejects when it takes longer than `ms`. */
export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms); }),
  ]);
}

/** Resolves `p`, or rejects with the connection's error (or a timeout) when Redis cannot be used. */
export async function withConnection<T>(t: RedisTarget, p: Promise<T>, errors: { last?: unknown }): Promise<T> {
  try {
    return await withTimeout(p, CONNECT_TIMEOUT_MS);
  } catch (e) {
    throw queueError(t, errors.last ?? e);
  }
}

export interface QueueHandle {
  readonly target: RedisTarget;
  readonly queue: Queue;
  /** A flow producer on the same connection settings, made on first use. */
  flows(): FlowProducer;
  /** Runs `p` with this queue's connection errors reported clearly. */
  call<T>(p: Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Opens the queue at `t` for a command; rejects clearly when Redis cannot be reached or refuses us. */
export async function openQueue(t: RedisTarget): Promise<QueueHandle> {
  const errors: { last?: unknown } = {};
  const connection = redisOptions(t, 'command');
  const queue = new Queue(QUEUE_NAME, { connection });
  queue.on('error', (e) => { errors.last = e; });
  let flows: FlowProducer | undefined;
  const handle: QueueHandle = {
    target: t,
    queue,
    flows() {
      if (!flows) {
        flows = new FlowProducer({ connection });
        flows.on('error', (e) => { errors.last = e; });
      }
      return flows;
    },
    call: (p) => withConnection(t, p, errors),
    async close() {
      await Promise.allSettled([queue.close(), flows?.close()]);
    },
  };
  try {
    await handle.call(queue.waitUntilReady().then(() => queue.getJobCounts()));
  } catch (e) {
    await handle.close();
    throw e;
  }
  return handle;
}
