/**
 * `npm run experiment -- <experiment> … --queue URL`: adds one job per seed (and one per step it depends on, as a
 * BullMQ flow whose parent waits for its child) and returns at once, printing what it queued. A run already in the
 * queue is not added again; one queued with other settings is refused, and then nothing is added. With `--extend`, a
 * finished (or failed) job of a PPI run with fewer phases is replaced by one that lengthens the run, unless a job in
 * the queue starts from it. The experiment CLI loads this module only with `--queue`.
 */
import type { Job } from 'bullmq';
import type { Algo, ExperimentName } from '../experiments/experiments';
import type { PresetName } from '../experiments/presets';
import { openQueue } from './client';
import { exposureWarning, parseRedisUrl } from './connection';
import { dependencyChain, describeJob, ENDED_STATES, enqueueDecision, jobId, parseRunJob, runFlow, runJob, startsFromByPath, type JobOutcome, type RunJob } from './jobs';
import { jobsNow, STATES } from './status';

export interface EnqueueRequest {
  readonly experiment: ExperimentName;
  readonly algo: Algo;
  readonly preset: PresetName;
  readonly seeds: readonly number[];
  readonly overrides: readonly string[];
  readonly initFrom?: string;
  readonly frozenFrom?: string;
  readonly force: boolean;
  /** `--extend`: lengthen finished PPI runs to this command's phases. */
  readonly extend?: boolean;
  readonly root?: string;
}

/** Flags of the local runner that mean nothing for queued runs, with what to do instead. */
const LOCAL_ONLY: Record<string, string> = {
  '--force': 'a queued run is never discarded; remove its directory under the workers\' --root, then enqueue it',
  '--root': 'queued runs go under the root each worker is given (npm run worker -- --root DIR)',
  '--jobs': 'each worker says how many runs it takes at once (npm run worker -- --jobs N)',
  '--until': 'stop workers with Ctrl-C or SIGTERM instead: their runs checkpoint and go back to the queue',
};

/** Enqueues the runs of `r` into the queue at `url`; returns the exit code (2 when refused). */
export async function enqueueRuns(url: string, r: EnqueueRequest, given: { readonly jobs?: string; readonly until?: string }): Promise<number> {
  const used = { '--force': r.force, '--root': r.root !== undefined, '--jobs': given.jobs !== undefined, '--until': given.until !== undefined };
  for (const [flag, on] of Object.entries(used)) if (on) throw new RangeError(`${flag} does not go with --queue: ${LOCAL_ONLY[flag]}`);
  const target = parseRedisUrl(url);
  const warning = exposureWarning(target);
  if (warning) console.error(warning);
  const jobs = r.seeds.map((seed) => parseRunJob(runJob({ ...r, seed })));

  const q = await openQueue(target);
  try {
    const existing = async (j: RunJob) => {
      const job = await q.call(q.queue.getJob(jobId(j)));
      return job ? { job, state: await q.call(job.getState()) } : undefined;
    };
    // Jobs not yet ended, read once with their states: a run they start from by path is not lengthened under them.
    const pending = r.extend
      ? (await jobsNow(q, STATES.filter((st) => !ENDED_STATES.has(st)))).flatMap(({ job, state }) => {
        try {
          return [{ id: job.id!, state, run: parseRunJob(job.data) }];
        } catch {
          return []; // not a run job: it runs nothing
        }
      })
      : [];
    const plan: { job: RunJob; present?: string; replaces?: { job: Job; state: string; what: string } }[] = [];
    const refused: string[] = [];
    for (const j of jobs) {
      const e = await existing(j);
      if (!e) { plan.push({ job: j }); continue; }
      const dependents: { id: string; state: string }[] = [];
      if (r.extend) {
        // The check, the removal and the new job are separate calls to Redis: two enqueuers racing on one run can
        // interleave; the worker's runner checks the run directory again before it lengthens anything.
        const parentId = e.job.parent?.id;
        const parent = parentId ? await q.call(q.queue.getJob(parentId)) : undefined;
        if (parent && !(parent.data as Partial<RunJob>).frozenFrom) dependents.push({ id: parent.id!, state: await q.call(parent.getState()) });
        for (const x of pending) if (startsFromByPath(x.run, jobId(j))) dependents.push({ id: x.id, state: x.state });
      }
      const outcome = e.state === 'completed' ? (e.job.returnvalue as Partial<JobOutcome> | null | undefined) : undefined;
      const d = enqueueDecision(j, r.extend === true, { data: e.job.data, state: e.state, unitsDone: outcome?.unitsDone }, dependents);
      if (d.kind === 'present') plan.push({ job: j, present: e.state });
      else if (d.kind === 'refuse') refused.push(d.why);
      else plan.push({ job: j, replaces: { job: e.job, state: e.state, what: d.what } });
    }
    console.log(`queue ${target.display}: ${r.experiment} --algo ${r.algo} --preset ${r.preset}, seeds ${r.seeds.join(',')}`);
    if (refused.length > 0) {
      for (const line of refused) console.log(`  refused  ${line}`);
      console.log('nothing added');
      return 2;
    }
    let added = 0;
    for (const { job, present, replaces } of plan) {
      if (present) {
        console.log(`  present  ${jobId(job)} (${present}): not added again`);
        continue;
      }
      if (replaces) {
        // Its dependencies stay (removeChildren: false) and become the new job's.
        await q.call(replaces.job.remove({ removeChildren: false }));
        console.log(`  removed  ${jobId(job)} (${replaces.state}): ${replaces.what}`);
      }
      const chain = [job, ...dependencyChain(job)];
      const before = await Promise.all(chain.map(existing));
      await q.call(q.flows().add(runFlow(job)));
      chain.forEach((x, i) => {
        const waitsFor = chain[i + 1] ? `, after ${jobId(chain[i + 1])}` : '';
        if (before[i]) console.log(`  present  ${jobId(x)} (${before[i]!.state})${waitsFor}`);
        else {
          added++;
          console.log(`  added    ${jobId(x)}${describeJob(x) === 'preset settings' ? '' : ` (${describeJob(x)})`}${waitsFor}`);
        }
      });
    }
    console.log(`${added} job${added === 1 ? '' : 's'} added. Run them: npm run worker -- --queue URL --root DIR; watch: npm run queue -- status --queue URL`);
    return 0;
  } finally {
    await q.close();
  }
}
