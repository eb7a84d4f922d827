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
 * Whether `now` is `before` lengthened (`--extend`): the same run and the same identity but for a larger value of the
 * algorithm's length setting. Returns that setting and both values, or undefined (another run, other settings, the
 * same length or a shorter one, or an algorithm whose runs are not lengthened).
 */
export function lengthening(before: RunJob, now: RunJob): { setting: string; from: number; to: number } | undefined {
  const setting = ALGORITHMS[now.algo].lengthSetting;
  if (!setting || jobId(before) !== jobId(now)) return undefined;
  const at = (j: RunJob) => {
    const { learner, run } = resolveSettings(j);
    const { [setting]: length, ...rest } = learner as unknown as Record<string, unknown>;
    return { length: Number(length), rest: JSON.stringify({ rest, run, initFrom: j.initFrom ?? null, frozenFrom: j.frozenFrom ?? null }) };
  };
  const [a, b] = [at(before), at(now)];
  return a.rest === b.rest && b.length > a.length ? { setting, from: a.length, to: b.length } : undefined;
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
