/**
 * The queue's jobs: one per run, i.e. per (experiment, algo, preset, seed), its id the run's name
 * (`step2/a2c/smoke/seed-0`, as its directory under the workers' root), so that enqueuing a run twice adds nothing.
 *
 * A job is data, never code: the experiment, algorithm and preset by name, the seed, the `--set` overrides as
 * `name=value` strings, and `--init-from`/`--frozen-from` as absolute paths on the shared filesystem. `parseRunJob`
 * checks all of it, the setting names and values by the same rules as the command line (`applyOverrides`), before a
 * worker starts anything; a job it refuses fails at once without a retry.
 *
 * The steps a run depends on (Step 2 on Step 1 of the same seed, Step 3 on Step 2) become a BullMQ flow: the
 * dependency is a child job, and the parent waits for it. The dependency carries what the local runner gives it
 * (`planRun` in src/experiments/run.ts): the preset's settings, no overrides, no `--init-from`.
 * Pure: nothing here touches Redis.
 */
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { ALGOS, EXPERIMENTS, experimentSpec } from '../experiments/experiments';
import { allowedSettings, PRESETS } from '../experiments/presets';
import { ALGORITHMS, resolveSettings, runName, type Progress, type RunOptions, type RunResult } from '../experiments/run';

/** The queue's name in Redis (keys `bull:icl-runs:…`). */
export const QUEUE_NAME = 'icl-runs';
/** Every job has this name; its id names the run. */
export const JOB_NAME = 'run';

/**
 * Retries of a job that failed: a run resumes from its checkpoint, so a retry loses nothing. The backoff lets a run
 * whose lock is still held (by the seed process of a worker that died, finishing its unit and checkpointing) be
 * freed before the next try: 15 s, 30 s, 60 s, 120 s.
 */
export const JOB_OPTIONS = { attempts: 5, backoff: { type: 'exponential', delay: 15_000 } } as const;

const path = (option: string) =>
  z.string().max(4096).refine((p) => isAbsolute(p) && !/[\0\r\n]/.test(p), `${option} must be an absolute path (one line)`);

/** The shape of a job's data; names and values are checked further by `parseRunJob`. */
const RUN_JOB = z.object({
  v: z.literal(1),
  experiment: z.enum(EXPERIMENTS),
  algo: z.enum(ALGOS),
  preset: z.enum(PRESETS),
  seed: z.number().int().min(0).max(2 ** 31 - 1),
  overrides: z.array(z.string().max(1000)).max(200),
  initFrom: path('initFrom').optional(),
  frozenFrom: path('frozenFrom').optional(),
  /** `--extend`: the run may be lengthened to this job's length setting (PPI's `phases`). */
  extend: z.literal(true).optional(),
}).strict();

export type RunJob = z.infer<typeof RUN_JOB>;

/** A job's data for run options (the root and resume flag are the worker's). */
export function runJob(o: Pick<RunOptions, 'experiment' | 'algo' | 'preset' | 'seed' | 'overrides' | 'initFrom' | 'frozenFrom' | 'extend'>): RunJob {
  return {
    v: 1, experiment: o.experiment, algo: o.algo, preset: o.preset, seed: o.seed, overrides: [...(o.overrides ?? [])],
    ...(o.initFrom ? { initFrom: o.initFrom } : {}),
    ...(o.frozenFrom ? { frozenFrom: o.frozenFrom } : {}),
    ...(o.extend ? { extend: true as const } : {}),
  };
}

/** The job id of a run: its name, as its directory under the root. */
export const jobId = (j: RunJob): string => runName(j);

/**
 * Checks a job's data as the command line checks its flags: the shape (no other field), the experiment, algorithm
 * and preset, each override's name against the algorithm's settings and its value by the setting's rule, and the
 * options the experiment takes. Returns the job, or throws a RangeError saying what is wrong.
 */
export function parseRunJob(data: unknown): RunJob {
  const r = RUN_JOB.safeParse(data);
  if (!r.success) {
    throw new RangeError(`not a run job: ${r.error.issues.map((i) => `${i.path.join('.') || '(data)'}: ${i.message}`).join('; ')}`);
  }
  const job = r.data;
  const allowed = allowedSettings(job.algo);
  for (const o of job.overrides) {
    const name = o.slice(0, Math.max(0, o.indexOf('=')));
    if (!allowed.includes(name)) throw new RangeError(`override '${o.slice(0, 80)}' does not name a setting of ${job.algo}; allowed: ${allowed.join(', ')}`);
  }
  resolveSettings({ ...job, overrides: job.overrides }); // every value by its setting's rule
  const uses = experimentSpec(job.experiment).dependsOn?.use;
  if (job.frozenFrom && uses !== 'frozen-opponent') throw new RangeError(`--frozen-from: only Step 2 plays against a frozen agent, not ${job.experiment}`);
  if (job.initFrom && uses === 'initialise-learners') throw new RangeError(`--init-from: ${job.experiment} already starts its learners from the ${experimentSpec(job.experiment).dependsOn!.experiment} agent`);
  return job;
}

/**
 * The run options of a job, for a worker writing under `root`: always resumed (a retry continues from the
 * checkpoint), and lengthened where the job says `extend`.
 */
export function jobRunOptions(j: RunJob, root: string): RunOptions {
  return { ...j, overrides: j.overrides, root, resume: true, extend: j.extend === true };
}

/** The steps a job waits for, nearest first: Step 3 → [Step 2, Step 1] (none with `--frozen-from`). */
export function dependencyChain(j: RunJob): RunJob[] {
  const out: RunJob[] = [];
  let at = j;
  for (let dep = j.frozenFrom ? undefined : experimentSpec(j.experiment).dependsOn; dep; dep = experimentSpec(dep.experiment).dependsOn) {
    // A dependency is never lengthened (as locally: `runDependency`).
    at = runJob({ ...at, experiment: dep.experiment, overrides: [], initFrom: undefined, frozenFrom: undefined, extend: false });
    out.push(at);
  }
  return out;
}

/** A BullMQ flow: a job and the one it waits for. */
export interface RunFlow {
  readonly name: string;
  readonly queueName: string;
  readonly data: RunJob;
  readonly opts: { readonly jobId: string } & typeof JOB_OPTIONS;
  readonly children?: RunFlow[];
}

/** The flow of a job: the job, with its dependency chain below it (each waits for the one it starts from). */
export function runFlow(j: RunJob): RunFlow {
  const node = (x: RunJob, rest: RunJob[]): RunFlow => ({
    name: JOB_NAME, queueName: QUEUE_NAME, data: x, opts: { jobId: jobId(x), ...JOB_OPTIONS },
    ...(rest.length > 0 ? { children: [node(rest[0], rest.slice(1))] } : {}),
  });
  return node(j, dependencyChain(j));
}

/**
 * What makes two jobs of one run the same run: the resolved settings (so `iterations=60` and `iterations=6e1` agree)
 * and the saved agents it starts from. Compared as JSON.
 */
export function jobIdentity(j: RunJob): string {
  const { learner, run } = resolveSettings(j);
  return JSON.stringify({ learner, run, initFrom: j.initFrom ?? null, frozenFrom: j.frozenFrom ?? null });
}

/**
 * Whether `now` lengthens the run of `before` (`--extend`): the same run, the same settings but for a larger value of
 * the algorithm's length setting than the run has: `doneUnits` when known (a finished job's outcome: a preset that
 * grew leaves the job's data as it was), else `before`'s. Returns the setting, both values, and `problem` when the run
 * cannot be lengthened exactly (its length not a multiple of `logEvery`, as the runner refuses); undefined for
 * another run, other settings, a length not larger, or an algorithm whose runs are not lengthened.
 */
export function lengthening(before: RunJob, now: RunJob, doneUnits?: number): { setting: string; from: number; to: number; problem?: string } | undefined {
  const setting = ALGORITHMS[now.algo].lengthSetting;
  if (!setting || jobId(before) !== jobId(now)) return undefined;
  const at = (j: RunJob) => {
    const { learner, run } = resolveSettings(j);
    const { [setting]: length, ...rest } = learner as unknown as Record<string, unknown>;
    return { length: Number(length), logEvery: run.logEvery, rest: JSON.stringify({ rest, run, initFrom: j.initFrom ?? null, frozenFrom: j.frozenFrom ?? null }) };
  };
  const [a, b] = [at(before), at(now)];
  const from = doneUnits ?? a.length;
  if (a.rest !== b.rest || !(b.length > from)) return undefined;
  const problem = from % b.logEvery === 0 ? undefined
    : `its run was run to ${from}, not a multiple of logEvery=${b.logEvery}: a longer run would log other windows; run it again instead`;
  return { setting, from, to: b.length, ...(problem ? { problem } : {}) };
}

/** Job states in which a job is over: one of the run can then replace it (`--extend`). */
export const ENDED_STATES: ReadonlySet<string> = new Set(['completed', 'failed']);

/** A job of the same run already in the queue, as `enqueueDecision` needs it. */
export interface QueuedJob {
  readonly data: unknown;
  readonly state: string;
  /** A finished job's units done (its outcome). */
  readonly unitsDone?: number;
}

/** What enqueuing a job does about a job of the same run already queued. */
export type EnqueueDecision =
  | { readonly kind: 'present' }
  | { readonly kind: 'replace'; readonly what: string }
  | { readonly kind: 'refuse'; readonly why: string };

/**
 * Enqueuing `now` where `old` is queued for the same run: the same run and settings are present (not added again);
 * other settings are refused. With `extend`, an ended job is replaced by `now` when `now` lengthens its run, or when it
 * failed without `extend` (a worker refused a longer run and said to use `--extend`); refused while `old` has not
 * ended, and while a job that has not ended starts from the run (`dependents`: a later step waiting for it, a job
 * `--init-from`/`--frozen-from` its directory), since it would start from agents that the longer run replaces.
 */
export function enqueueDecision(now: RunJob, extend: boolean, old: QueuedJob, dependents: readonly { readonly id: string; readonly state: string }[]): EnqueueDecision {
  const id = jobId(now);
  let before: RunJob | undefined;
  try {
    before = parseRunJob(old.data);
  } catch {
    before = undefined;
  }
  const same = before !== undefined && jobIdentity(before) === jobIdentity(now);
  const longer = before && extend ? lengthening(before, now, old.state === 'completed' ? old.unitsDone : undefined) : undefined;
  const again = extend && same && old.state === 'failed' && before?.extend !== true;
  if (!longer && !again) {
    if (same) return { kind: 'present' };
    const hint = before && !extend && lengthening(before, now) ? ', or lengthen its run with --extend once it has ended' : '';
    return { kind: 'refuse', why: `${id} is already queued (${old.state}) with other settings: ${describeJob(old.data)}, now ${describeJob(now)}; cancel it first (npm run queue -- cancel ${id} --queue …)${hint}` };
  }
  if (longer?.problem) return { kind: 'refuse', why: `${id}: --extend: ${longer.problem}` };
  const what = longer ? `to lengthen its run, ${longer.setting}=${longer.from} → ${longer.to}` : 'to run it again with --extend';
  if (!ENDED_STATES.has(old.state)) return { kind: 'refuse', why: `${id} is queued (${old.state}) at ${longer ? `${longer.setting}=${longer.from}` : 'this length'}: --extend replaces a job that has ended; wait for it, then enqueue again` };
  const pending = dependents.filter((d) => !ENDED_STATES.has(d.state));
  if (pending.length > 0) {
    return { kind: 'refuse', why: `${id}: ${pending.map((d) => `${d.id} (${d.state})`).join(', ')} start${pending.length === 1 ? 's' : ''} from its agents, which a longer run would replace; cancel ${pending.length === 1 ? 'it' : 'them'} first (npm run queue -- cancel ID --queue …)` };
  }
  return { kind: 'replace', what };
}

/** A job's settings in a few words, for messages. */
export function describeJob(data: unknown): string {
  const d = data as Partial<RunJob>;
  const parts = [
    ...(Array.isArray(d.overrides) && d.overrides.length > 0 ? [`--set ${d.overrides.join(' ')}`] : []),
    ...(d.initFrom ? [`--init-from ${d.initFrom}`] : []),
    ...(d.frozenFrom ? [`--frozen-from ${d.frozenFrom}`] : []),
    ...(d.extend ? ['--extend'] : []),
  ];
  return parts.length > 0 ? parts.join(' ') : 'preset settings';
}

/**
 * Whether a job starts from the saved agents of the run `id` by path (`--init-from`/`--frozen-from` its directory,
 * its final/ or a learner in it), wherever the workers' root is: the path holds `/<id>` as whole segments.
 */
export function startsFromByPath(j: RunJob, id: string): boolean {
  const at = (p: string) => {
    const path = p.replace(/\/+$/, '');
    return path.endsWith(`/${id}`) || path.includes(`/${id}/`);
  };
  return [j.initFrom, j.frozenFrom].some((p) => p !== undefined && at(p));
}

/** Redis hash of cancel requests (job id → when), read by the worker running the job. */
export const CANCEL_KEY = `bull:${QUEUE_NAME}:icl-cancel`;

/** What a job's progress holds in the queue. */
export interface JobProgressRecord {
  readonly unit: Progress['unit'];
  readonly done: number;
  readonly total: number;
  /** Units per second in this attempt. */
  readonly rate: number;
  /** Seconds to go at that rate, or null. */
  readonly eta: number | null;
  readonly message?: string;
  readonly worker: string;
  /** When it was reported (ms since the epoch). */
  readonly at: number;
}

/** A finished job's return value. */
export interface JobOutcome {
  readonly status: RunResult['status'];
  readonly dir: string;
  readonly unitsDone: number;
  readonly worker: string;
}
