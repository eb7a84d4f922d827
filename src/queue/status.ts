/**
 * `npm run queue -- status|retry|cancel --queue URL`: what the queue holds and what happened to it, and the two
 * remedies for what is stuck.
 *
 * - status: every job by state (active, waiting, delayed, waiting for the step it starts from, failed, done), with
 *   units done, rate and ETA from the progress its worker reports, the worker, how often it was started and how
 *   often its worker stopped answering; for a job started more than once or failed, its log (which worker ran each
 *   attempt, where it resumed, why it failed). `--json` prints the same as data.
 * - retry: a failed (or done) job runs again, resuming from its checkpoint; a delayed one (waiting out its backoff)
 *   runs now. A running job is not touched: if its worker is gone, a running worker puts it back in the queue.
 * - cancel: a job not yet running is removed, with the jobs that wait for it (they could not start without it); a
 *   running job's worker stops its seed after a checkpoint and the job fails as cancelled (retry continues it,
 *   cancel again removes it). Done jobs stay.
 */
import type { Job } from 'bullmq';
import type { QueueHandle } from './client';
import { formatDuration, formatRate } from '../experiments/progress-format';
import { CANCEL_KEY, QUEUE_NAME, type JobOutcome, type JobProgressRecord, type RunJob } from './jobs';

/** Job states in the order status lists them. */
export const STATES = ['active', 'waiting', 'prioritized', 'delayed', 'waiting-children', 'failed', 'completed'] as const;
export type State = (typeof STATES)[number];

export interface JobView {
  readonly id: string;
  readonly state: State;
  readonly data: RunJob;
  readonly progress?: JobProgressRecord;
  /** Times a worker took it. */
  readonly started: number;
  /** Times its worker stopped answering while running it (each resumed from the checkpoint). */
  readonly stalled: number;
  readonly worker?: string;
  readonly failedReason?: string;
  readonly outcome?: JobOutcome;
  readonly addedAt: number;
  readonly startedAt?: number;
  readonly finishedAt?: number;
  /** Jobs it waits for (waiting-children). */
  readonly waitsFor: string[];
  readonly log: string[];
}

export interface QueueView {
  readonly queue: string;
  readonly workers: string[];
  readonly jobs: JobView[];
}

const KEY_PREFIX = `bull:${QUEUE_NAME}:`;

async function view(q: QueueHandle, job: Job, state: State): Promise<JobView> {
  const id = job.id!;
  const { logs } = await q.call(q.queue.getJobLogs(id));
  const deps = state === 'waiting-children' ? await q.call(job.getDependencies()) : undefined;
  const progress = typeof job.progress === 'object' && job.progress !== null ? (job.progress as unknown as JobProgressRecord) : undefined;
  return {
    id, state, data: job.data as RunJob, ...(progress ? { progress } : {}),
    started: job.attemptsStarted, stalled: job.stalledCounter,
    ...(job.processedBy ? { worker: job.processedBy } : {}),
    ...(job.failedReason ? { failedReason: job.failedReason } : {}),
    ...(state === 'completed' && job.returnvalue ? { outcome: job.returnvalue as JobOutcome } : {}),
    addedAt: job.timestamp,
    ...(job.processedOn ? { startedAt: job.processedOn } : {}),
    ...(job.finishedOn ? { finishedAt: job.finishedOn } : {}),
    waitsFor: (deps?.unprocessed ?? []).map((k) => k.replace(KEY_PREFIX, '')),
    log: logs,
  };
}

/**
 * The jobs in `states`, each with its state and its data read after it. The ids come from one read of all the states
 * (one script in Redis): read state by state, a job moving between two reads (waiting → active) could be missed or
 * seen twice. Its data is read after its state, so that a job seen failed carries its reason, one seen done its outcome.
 */
export async function jobsNow(q: QueueHandle, states: readonly State[]): Promise<{ job: Job; state: State }[]> {
  const out: { job: Job; state: State }[] = [];
  for (const listed of await q.call(q.queue.getJobs([...states], 0, -1, true))) {
    if (!listed?.id) continue;
    const state = await q.call(q.queue.getJobState(listed.id));
    const job = await q.call(q.queue.getJob(listed.id));
    if (job && (states as readonly string[]).includes(state)) out.push({ job, state: state as State });
  }
  return out;
}

/** Everything the queue holds, by state. */
export async function queueView(q: QueueHandle): Promise<QueueView> {
  const jobs: JobView[] = [];
  for (const { job, state } of await jobsNow(q, STATES)) jobs.push(await view(q, job, state));
  jobs.sort((a, b) => STATES.indexOf(a.state) - STATES.indexOf(b.state));
  // A worker's Redis client is named `bull:<queue in base64>:w:<worker name>`; the name is `host:pid`.
  const workers = (await q.call(q.queue.getWorkers())).map((w) => w.rawname?.split(':w:')[1] ?? w.addr ?? '?');
  return { queue: q.target.display, workers, jobs };
}

/** One job as a line (and its log below it when it was started more than once or failed). */
function jobLines(j: JobView, now: number): string[] {
  const p = j.progress;
  const units = p ? `${p.unit} ${p.done}/${p.total}` : j.outcome ? `${j.outcome.unitsDone} units` : '';
  const runs = j.started > 1 || j.stalled > 0 ? `started ${j.started}×${j.stalled > 0 ? `, its worker lost ${j.stalled}×` : ''}` : '';
  let detail: string;
  switch (j.state) {
    case 'active': {
      const age = p ? (now - p.at) / 1000 : undefined;
      detail = [p ? `${formatRate(p.rate)}  ETA ${formatDuration(p.eta)}` : 'starting', `on ${j.worker ?? '?'}`,
        age !== undefined && age > 10 ? `last report ${formatDuration(age)} ago` : '', p?.message ? `[${p.message}]` : ''].filter(Boolean).join('  ');
      break;
    }
    case 'completed': {
      const took = j.finishedAt && j.startedAt ? ` in ${formatDuration((j.finishedAt - j.startedAt) / 1000)}` : '';
      detail = `${j.outcome?.status ?? 'done'} on ${j.outcome?.worker ?? j.worker ?? '?'}${took}`;
      break;
    }
    case 'waiting-children':
      detail = `waits for ${j.waitsFor.join(', ') || '(nothing left)'}`;
      break;
    case 'failed':
      detail = (j.failedReason ?? '').split('\n')[0];
      break;
    case 'delayed':
      detail = 'retried after a backoff';
      break;
    default:
      detail = '';
  }
  const line = `  ${j.id.padEnd(32)} ${units.padEnd(18)} ${[detail, runs].filter(Boolean).join('  ')}`.trimEnd();
  const history = j.started > 1 || j.stalled > 0 || j.state === 'failed' ? j.log.map((l) => `      ${l}`) : [];
  return [line, ...history];
}

/** The status report as text. */
export function formatView(v: QueueView, now = Date.now()): string {
  const by = new Map<State, JobView[]>();
  for (const j of v.jobs) by.set(j.state, [...(by.get(j.state) ?? []), j]);
  const counts = STATES.filter((s) => by.has(s)).map((s) => `${by.get(s)!.length} ${s === 'completed' ? 'done' : s}`);
  const active = by.get('active') ?? [];
  const rate = active.reduce((a, j) => a + (j.progress?.rate ?? 0), 0);
  const out = [
    `queue ${v.queue}: ${v.jobs.length} job${v.jobs.length === 1 ? '' : 's'}${counts.length ? `: ${counts.join(', ')}` : ''}`,
    `workers connected: ${v.workers.length}${v.workers.length ? ` (${v.workers.join(', ')})` : ''}`,
  ];
  if (active.length > 0) {
    const etas = active.map((j) => j.progress?.eta).filter((e): e is number => typeof e === 'number');
    out.push(`running: ${active.length} job${active.length === 1 ? '' : 's'}, ${formatRate(rate, 'units')} together${etas.length ? `, the last of them done in about ${formatDuration(Math.max(...etas))}` : ''}`);
  }
  for (const s of STATES) {
    const list = by.get(s);
    if (!list) continue;
    out.push(`${s === 'completed' ? 'done' : s} (${list.length})`);
    for (const j of list) out.push(...jobLines(j, now));
  }
  return out.join('\n');
}

/** The jobs `ids` names, or with `all` those in `states`; each id must exist. */
async function pick(q: QueueHandle, ids: readonly string[], all: readonly State[] | undefined): Promise<{ job: Job; state: State }[]> {
  if (all) {
    return jobsNow(q, all);
  }
  return Promise.all(ids.map(async (id) => {
    const job = await q.call(q.queue.getJob(id));
    if (!job) throw new RangeError(`no job ${id} in the queue (npm run queue -- status lists them)`);
    return { job, state: (await q.call(job.getState())) as State };
  }));
}

/** `retry`: failed or done jobs run again (resuming from their checkpoints); delayed ones run now. Returns messages. */
export async function retryJobs(q: QueueHandle, ids: readonly string[], allFailed: boolean): Promise<string[]> {
  const out: string[] = [];
  for (const { job, state } of await pick(q, ids, allFailed ? ['failed'] : undefined)) {
    const id = job.id!;
    if (state === 'failed' || state === 'completed') {
      await q.call(job.retry(state, { resetAttemptsMade: true }));
      out.push(`${id}: ${state === 'failed' ? 'failed' : 'done'}, back in the queue (it resumes from its checkpoint)`);
    } else if (state === 'delayed') {
      await q.call(job.promote());
      out.push(`${id}: was waiting out a backoff; runs now`);
    } else if (state === 'active') {
      out.push(`${id}: running on ${job.processedBy ?? '?'}; if that worker is gone, a running worker puts it back in the queue once its lock expires (--lock-seconds)`);
    } else if (state === 'waiting-children') {
      const deps = await q.call(job.getDependencies());
      out.push(`${id}: waits for ${(deps.unprocessed ?? []).map((k) => k.replace(KEY_PREFIX, '')).join(', ') || '(nothing)'}; retry that one if it failed`);
    } else {
      out.push(`${id}: already waiting for a worker`);
    }
  }
  if (out.length === 0) out.push('nothing to retry');
  return out;
}

/** The jobs that wait for `job`, nearest first (its parent, its parent's parent, …). */
async function waitingOn(q: QueueHandle, job: Job): Promise<Job[]> {
  const out: Job[] = [];
  for (let at: Job | undefined = job; at?.parentKey?.startsWith(KEY_PREFIX); ) {
    at = await q.call(q.queue.getJob(at.parentKey.slice(KEY_PREFIX.length)));
    if (at) out.push(at);
  }
  return out;
}

/** `cancel`: removes jobs not running (with the jobs waiting for them); running ones stop after a checkpoint. */
export async function cancelJobs(q: QueueHandle, ids: readonly string[], all: boolean): Promise<string[]> {
  const out: string[] = [];
  const targets = await pick(q, ids, all ? ['active', 'waiting', 'prioritized', 'delayed', 'waiting-children', 'failed'] : undefined);
  const client = await q.queue.getBackend().client;
  for (const { job, state } of targets) {
    const id = job.id!;
    if (state === 'completed') { out.push(`${id}: done; nothing to cancel`); continue; }
    if (state === 'active') {
      await q.call(client.hset(CANCEL_KEY, { [id]: new Date().toISOString() }));
      out.push(`${id}: running on ${job.processedBy ?? '?'}, asked to stop after a checkpoint; it then shows as failed (cancelled)`);
      continue;
    }
    // Those waiting for it first: removing a job a parent waits for would let the parent start.
    const removed: string[] = [];
    for (const parent of [...(await waitingOn(q, job)).reverse(), job]) {
      const s = await q.call(parent.getState());
      if (s === 'unknown') continue; // removed with an earlier target
      if (s === 'active' || s === 'completed') { out.push(`${parent.id}: ${s === 'active' ? 'running' : 'done'}; left as it is`); continue; }
      if ((await q.call(q.queue.remove(parent.id!, { removeChildren: false }))) === 1) removed.push(parent.id!);
      else out.push(`${parent.id}: could not be removed (taken by a worker meanwhile?); cancel it again`);
    }
    if (removed.length) out.push(`${removed.join(', ')}: removed from the queue`);
  }
  if (out.length === 0) out.push('nothing to cancel');
  return out;
}
