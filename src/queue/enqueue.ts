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
import { dependencyChain, jobId, jobIdentity, lengthening, parseRunJob, runFlow, runJob, type RunJob } from './jobs';

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

/** Job states in which a job is over: a job of the run can then replace it (`--extend`). */
const ENDED = new Set(['completed', 'failed']);

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
    const plan: { job: RunJob; present?: string; replaces?: { job: Job; state: string; what: string } }[] = [];
    const refused: string[] = [];
    for (const j of jobs) {
      const e = await existing(j);
      if (!e) { plan.push({ job: j }); continue; }
      let before: RunJob | undefined;
      try {
        before = parseRunJob(e.job.data);
      } catch {
        before = undefined;
      }
      if (before && jobIdentity(before) === jobIdentity(j)) { plan.push({ job: j, present: e.state }); continue; }
      const longer = before && r.extend ? lengthening(before, j) : undefined;
      if (!longer) {
        refused.push(`${jobId(j)} is already queued (${e.state}) with other settings: ${describe(e.job.data)}, now ${describe(j)}; ` +
          `cancel it first (npm run queue -- cancel ${jobId(j)} --queue …)` +
          (before && !r.extend && lengthening(before, j) ? `, or lengthen its run with --extend once it has ended` : ''));
        continue;
      }
      const what = `${longer.setting}=${longer.from} → ${longer.to}`;
      // A job that waits for it (a later step) would start from agents that a longer run replaces.
      const parentId = e.job.parent?.id;
      const dependent = parentId ? await q.call(q.queue.getJob(parentId)) : undefined;
      if (!ENDED.has(e.state)) refused.push(`${jobId(j)} is queued (${e.state}) with ${longer.setting}=${longer.from}: --extend replaces a job that has ended; wait for it, then enqueue again`);
      else if (dependent) refused.push(`${jobId(j)}: the queued job ${dependent.id} starts from its agents, which a longer run would replace; cancel that job first`);
      else plan.push({ job: j, replaces: { job: e.job, state: e.state, what } });
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
        console.log(`  removed  ${jobId(job)} (${replaces.state}), to lengthen its run: ${replaces.what} (--extend)`);
      }
      const chain = [job, ...dependencyChain(job)];
      const before = await Promise.all(chain.map(existing));
      await q.call(q.flows().add(runFlow(job)));
      chain.forEach((x, i) => {
        const waitsFor = chain[i + 1] ? `, after ${jobId(chain[i + 1])}` : '';
        if (before[i]) console.log(`  present  ${jobId(x)} (${before[i]!.state})${waitsFor}`);
        else {
          added++;
          console.log(`  added    ${jobId(x)}${describe(x) === 'preset settings' ? '' : ` (${describe(x)})`}${waitsFor}`);
        }
      });
    }
    console.log(`${added} job${added === 1 ? '' : 's'} added. Run them: npm run worker -- --queue URL --root DIR; watch: npm run queue -- status --queue URL`);
    return 0;
  } finally {
    await q.close();
  }
}

/** A job's settings in a few words, for messages. */
function describe(data: unknown): string {
  const d = data as Partial<RunJob>;
  const parts = [
    ...(Array.isArray(d.overrides) && d.overrides.length > 0 ? [`--set ${d.overrides.join(' ')}`] : []),
    ...(d.initFrom ? [`--init-from ${d.initFrom}`] : []),
    ...(d.frozenFrom ? [`--frozen-from ${d.frozenFrom}`] : []),
    ...(d.extend ? ['--extend'] : []),
  ];
  return parts.length > 0 ? parts.join(' ') : 'preset settings';
}
