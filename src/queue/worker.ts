/**
 * A queue worker: takes run jobs from the queue and runs each exactly as the local runner would, by forking the same
 * per-seed process the experiment CLI forks (src/experiments/seed-process.ts), always with `--resume`, into the root
 * it is given (a filesystem all workers share).
 *
 * - A job's data is checked (src/queue/jobs.ts) and its run planned (`planRun`: settings, memory for `--jobs` runs at
 *   once, saved agents present) before anything starts; a job refused there fails at once, without retries, and so
 *   does one whose run directory its seed process refuses (`RunRefused`: other settings than the run's, say).
 * - Progress goes back to the queue (`job.updateProgress`: units done and total, rate, ETA, what is under way), and
 *   the seed's messages into the job's log.
 * - A worker that dies (SIGKILL, a lost machine) stops renewing its jobs' locks in Redis; after `lockSeconds` another
 *   worker's stall check puts them back in the queue, and the next one to take a job resumes the run from its last
 *   checkpoint. Its seed process, if still running, finishes its unit, checkpoints and exits (its IPC channel closed);
 *   until then the run's lock (src/experiments/lock.ts) refuses the second writer and the job is retried later.
 * - SIGINT/SIGTERM: no new jobs; the running seeds stop after a checkpoint and their jobs go back to the queue.
 * - `npm run queue -- cancel` of a running job: its seed stops after a checkpoint and the job fails as cancelled.
 */
import type { ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import { planRun, type Progress, type RunOptions, type RunResult } from '../experiments/run';
import { forkSeed, threadsPerSeed, type SeedMessage } from '../experiments/seed-process';
import { queueError, withTimeout } from './client';
import { redisOptions, type RedisTarget } from './connection';
import { CANCEL_KEY, jobRunOptions, parseRunJob, QUEUE_NAME, type JobOutcome, type JobProgressRecord, type RunJob } from './jobs';

/** How often a running job's progress goes to the queue, and its cancel request is looked for. */
const PROGRESS_MS = 1000;
/** Worker deaths a job survives (each resumes from the checkpoint) before it fails. */
const MAX_STALLED = 5;

export interface WorkerSettings {
  readonly target: RedisTarget;
  readonly root: string;
  /** Runs at once (one seed process each). */
  readonly jobs: number;
  /** Seconds after which a job whose worker stopped renewing its lock is put back in the queue. */
  readonly lockSeconds: number;
}

const clock = () => new Date().toISOString().slice(11, 19);

/** Runs a worker until SIGINT/SIGTERM; resolves with the exit code. */
export async function runWorker(s: WorkerSettings): Promise<number> {
  const name = `${hostname()}:${process.pid}`;
  const threads = threadsPerSeed(s.jobs);
  const say = (line: string) => console.log(`${clock()} ${line}`);
  const running = new Map<string, { child: ChildProcess; cancelled: boolean; lost: boolean }>();
  let stopping = false;
  let lastError = '';

  const worker = new Worker<RunJob, JobOutcome>(QUEUE_NAME, (job, token) => processJob(job, token), {
    connection: redisOptions(s.target, 'worker'), name, concurrency: s.jobs, autorun: false,
    lockDuration: s.lockSeconds * 1000, stalledInterval: s.lockSeconds * 1000, maxStalledCount: MAX_STALLED,
  });
  worker.on('error', (e) => {
    // ioredis repeats the same error on every reconnect: say each once.
    if (e.message !== lastError) say(`queue: ${queueError(s.target, e).message}`);
    lastError = e.message;
  });
  worker.on('failed', (job, e) => { if (job) say(`${job.id}: failed: ${e.message.split('\n')[0]}`); });
  worker.on('stalled', (id) => say(`${id}: its worker stopped answering: back in the queue, to resume from its checkpoint`));
  // A job whose lock this worker could not renew is no longer its own (put back after a stall): stop its seed after a
  // checkpoint, which frees the run for the worker that has the job now.
  worker.on('lockRenewalFailed', (ids) => {
    for (const id of ids) {
      const r = running.get(id);
      if (!r || r.lost) continue;
      r.lost = true;
      say(`${id}: this worker lost the job (its lock in Redis expired): stopping its seed after a checkpoint`);
      r.child.kill('SIGTERM');
    }
  });

  const stop = (sig: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    say(`${sig}: taking no new jobs; ${running.size} running seed${running.size === 1 ? '' : 's'} stop after a checkpoint and go back to the queue`);
    for (const r of running.values()) r.child.kill('SIGTERM');
    void worker.close();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  await withTimeout(worker.waitUntilReady(), 15_000).catch((e) => { throw queueError(s.target, lastError || e); });
  say(`worker ${name}: runs jobs of ${s.target.display} into ${s.root}, ${s.jobs} at a time, ${threads} thread${threads === 1 ? '' : 's'} each`);
  await worker.run();
  say('worker stopped');
  return 0;

  async function processJob(job: Job<RunJob, JobOutcome>, token?: string): Promise<JobOutcome> {
    const id = job.id ?? '?';
    let options: RunOptions;
    try {
      options = jobRunOptions(parseRunJob(job.data), s.root);
      planRun(options, s.jobs);
    } catch (e) {
      throw new UnrecoverableError(`refused before anything ran: ${(e as Error).message}`);
    }
    if (stopping && token) { // taken just as this worker was stopping: not started, straight back
      await job.moveToWait(token);
      throw new WaitingError();
    }
    const stalls = job.stalledCounter > 0 ? `, after ${job.stalledCounter} worker${job.stalledCounter === 1 ? '' : 's'} stopped answering` : '';
    await job.log(`${new Date().toISOString()} attempt ${job.attemptsStarted} on ${name}${stalls}`);
    say(`${id}: started (attempt ${job.attemptsStarted}${stalls})`);

    const child = forkSeed(options, threads, 'pipe');
    const entry = { child, cancelled: false, lost: false };
    running.set(id, entry);
    let stderr = '';
    let result: RunResult | undefined;
    let refused: string | undefined;
    let latest: Progress | undefined;
    let sent: Progress | undefined;
    let lastSaid = 0;
    const prefix = (d: Buffer) => d.toString().split('\n').filter(Boolean).map((l) => `${id}: ${l}`).join('\n');
    child.stdout!.on('data', (d: Buffer) => console.log(prefix(d)));
    child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
    child.on('message', (m: SeedMessage) => {
      if (m.type === 'progress') latest = m.progress;
      else if (m.type === 'log') {
        say(`${id}: ${m.message}`);
        job.log(`${new Date().toISOString()} ${m.message}`).catch(() => {});
      } else if (m.type === 'result') result = m.result;
      else if (m.type === 'refused') refused = m.message;
    });
    const report = async () => {
      if (latest && latest !== sent) {
        sent = latest;
        const p = latest;
        const record: JobProgressRecord = {
          unit: p.unit, done: p.done, total: p.total, rate: p.rate, eta: Number.isFinite(p.eta) ? p.eta : null,
          ...(p.message ? { message: p.message } : {}), worker: name, at: Date.now(),
        };
        await job.updateProgress(record as unknown as object).catch(() => {});
        if (Date.now() - lastSaid > 30_000) {
          lastSaid = Date.now();
          say(`${id}: ${p.unit} ${p.done}/${p.total}${p.message ? ` [${p.message}]` : ''}`);
        }
      }
      if (!entry.cancelled && (await cancelRequested(id))) {
        entry.cancelled = true;
        say(`${id}: cancelled from the queue: stopping after a checkpoint`);
        child.kill('SIGTERM');
      }
    };
    const ticker = setInterval(() => void report(), PROGRESS_MS);
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((done) => {
      child.on('exit', (code, signal) => done({ code, signal }));
      child.on('error', (error) => { if (child.pid === undefined) done({ code: null, signal: null, error }); }); // not started
    });
    clearInterval(ticker);
    running.delete(id);
    await report();
    if (entry.cancelled) await clearCancel(id);

    if (exit.code === 0 && result && result.status !== 'stopped') {
      say(`${id}: ${result.status} (${result.dir})`);
      return { status: result.status, dir: result.dir, unitsDone: result.unitsDone, worker: name };
    }
    if (exit.code === 0 && result?.status === 'stopped') {
      const at = `${latest?.unit ?? 'unit'} ${result.unitsDone}`;
      if (entry.cancelled) throw new UnrecoverableError(`cancelled (npm run queue -- cancel); stopped after a checkpoint at ${at}: npm run queue -- retry continues it`);
      if (entry.lost) throw new Error(`lost to another worker; stopped after a checkpoint at ${at}`);
      if (stopping && token) {
        await job.log(`${new Date().toISOString()} ${name} stopped (a signal): back in the queue at ${at}`);
        await job.moveToWait(token);
        throw new WaitingError();
      }
      throw new Error(`the seed process was stopped by a signal at ${at}; the run resumes from its checkpoint on the next attempt`);
    }
    if (refused !== undefined) {
      throw new UnrecoverableError(`refused: ${refused}\n(in the queue, --force is not taken: to discard the run, remove its directory under the workers' root, ` +
        `then npm run queue -- retry ${id}; to lengthen a PPI run, enqueue it again with --extend)`);
    }
    const why = exit.error ? `could not start: ${exit.error.message}` : exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
    throw new Error(`the seed process failed (${why}): ${stderr.trim().split('\n').slice(-6).join('\n') || '(no message)'}`);
  }

  async function cancelRequested(id: string): Promise<boolean> {
    try {
      return (await (await worker.getBackend().client).hexists(CANCEL_KEY, id)) === 1;
    } catch {
      return false;
    }
  }

  async function clearCancel(id: string): Promise<void> {
    await (await worker.getBackend().client).hdel(CANCEL_KEY, id).catch(() => 0);
  }
}
