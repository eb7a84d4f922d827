/**
 * `--extend` through the queue, on loopback: a PPI Step-1 run done by a worker at 2 phases is lengthened to 4 and
 * then 6 by enqueuing it again with `--extend` (the ended job is replaced), and a Step 2 over it from 2 to 4 phases
 * (its Step-1 job kept); each ends byte for byte where a local run of that length ends. Without the flag the longer
 * run is refused with the hint, at enqueueing or, when the queue has no job of the run, by the worker without
 * retries; a job still queued is not replaced, nor one that a queued later step or an `--init-from` job starts from.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAST, finished, PROJECT, running, runCli, sets, sleep } from '../experiments/cli-helpers';
import { openQueue } from '../../src/queue/client';
import { parseRedisUrl } from '../../src/queue/connection';
import { queueView, type JobView } from '../../src/queue/status';
import { startRedis } from './redis-helpers';

const ID = 'step1/ppi/smoke/seed-4';
const SETTINGS = [...FAST, 'evalAt=0,0.5'];

test('queue --extend: an ended PPI job is replaced by one that lengthens its run, byte for byte a longer local run; refused while queued or depended on', { timeout: 240_000 }, async () => {
  const redis = await startRedis({ password: 'ext-pw' });
  const dir = mkdtempSync(join(tmpdir(), 'icl-queue-extend-'));
  const root = join(dir, 'queued'), local = join(dir, 'local');
  const q = await openQueue(parseRedisUrl(redis.url));
  let worker: ChildProcess | undefined;
  let log = '';
  const startWorker = () => {
    const p = spawn(process.execPath, ['--import', 'tsx', join(PROJECT, 'src/bin/worker.ts'), '--queue', redis.url, '--root', root, '--jobs', '1', '--lock-seconds', '3'],
      { cwd: PROJECT, stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, ICL_THREADS: '1' } });
    p.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    p.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    return p;
  };
  const job = async (id: string): Promise<JobView | undefined> => (await queueView(q)).jobs.find((j) => j.id === id);
  const waitFor = async (id: string, what: string, ok: (j: JobView) => boolean): Promise<JobView> => {
    for (const deadline = Date.now() + 120_000; Date.now() < deadline; await sleep(200)) {
      const j = await job(id);
      if (j && ok(j)) return j;
    }
    assert.fail(`${what}: not within 120 s: ${JSON.stringify(await job(id))}\n${log}`);
  };
  const enqueue = (experiment: string, seed: number, more: string[], extend = false, extra: string[] = []) =>
    runCli([experiment, '--algo', 'ppi', '--preset', 'smoke', '--seeds', String(seed), ...sets([...SETTINGS, ...more]), ...(extend ? ['--extend'] : []), ...extra, '--queue', redis.url]);
  const lengthened = (from: number, to: number) => (j: JobView) => j.state === 'completed' && j.outcome?.unitsDone === to &&
    j.log.some((l) => new RegExp(`finished at phase ${from}; lengthening it to ${to} \\(--extend\\)`).test(l));
  try {
    assert.equal((await enqueue('step1', 4, [])).code, 0);
    worker = startWorker();
    const first = await waitFor(ID, 'the 2-phase run done', (j) => j.state === 'completed');
    assert.equal(first.outcome?.unitsDone, 2);

    const plain = await enqueue('step1', 4, ['phases=4']);
    assert.equal(plain.code, 2, plain.out);
    assert.match(plain.out, /already queued \(completed\) with other settings: .*or lengthen its run with --extend once it has ended/);

    const extended = await enqueue('step1', 4, ['phases=4'], true);
    assert.equal(extended.code, 0, extended.out);
    assert.match(extended.out, /removed {2}step1\/ppi\/smoke\/seed-4 \(completed\): to lengthen its run, phases=2 → 4/);
    assert.match(extended.out, /added {4}step1\/ppi\/smoke\/seed-4 \(--set .*phases=4 --extend\)/);
    assert.equal((await waitFor(ID, 'the run lengthened to 4 phases', lengthened(2, 4))).started, 1);

    // With its job gone from the queue, a longer run without --extend reaches a worker, whose seed process refuses
    // it: the job fails at once, not retried (the run directory would refuse every retry alike). Doing what the
    // message says, enqueuing it with --extend, replaces the failed job and lengthens the run.
    await (await q.queue.getJob(ID))!.remove();
    assert.equal((await enqueue('step1', 4, ['phases=6'])).code, 0);
    const refused = await waitFor(ID, 'the longer run refused', (j) => j.state === 'failed');
    assert.match(refused.failedReason ?? '', /^refused: step1\/ppi\/smoke\/seed-4 was run with phases=4 .*lengthen it to 6 phases with --extend/);
    assert.match(refused.failedReason ?? '', /in the queue, --force is not taken/);
    assert.equal(refused.started, 1, 'a refused run is not retried');
    const hinted = await enqueue('step1', 4, ['phases=6'], true);
    assert.equal(hinted.code, 0, hinted.out);
    assert.match(hinted.out, /removed {2}step1\/ppi\/smoke\/seed-4 \(failed\): to run it again with --extend/);
    await waitFor(ID, 'the run lengthened to 6 phases', lengthened(4, 6));

    // A job with a dependency: Step 2 over the finished Step 1, lengthened; the Step-1 job stays and is waited for again.
    const S2 = 'step2/ppi/smoke/seed-4';
    const step2 = await enqueue('step2', 4, ['phases=2']);
    assert.match(step2.out, /present {2}step1\/ppi\/smoke\/seed-4 \(completed\)/);
    await waitFor(S2, 'Step 2 done', (j) => j.state === 'completed' && j.outcome?.unitsDone === 2);
    const step2Longer = await enqueue('step2', 4, ['phases=4'], true);
    assert.equal(step2Longer.code, 0, step2Longer.out);
    assert.match(step2Longer.out, /removed {2}step2\/ppi\/smoke\/seed-4 \(completed\): to lengthen its run, phases=2 → 4[\s\S]*present {2}step1\/ppi\/smoke\/seed-4 \(completed\)/);
    await waitFor(S2, 'Step 2 lengthened to 4 phases', lengthened(2, 4));
    assert.equal((await job(ID))?.state, 'completed', 'Step 1 ran once');

    // Jobs that start from a run and have not run yet (the worker is stopped) keep it from being lengthened: a later
    // step waiting for it, and a job --init-from its directory.
    worker.kill('SIGTERM');
    assert.equal((await finished(worker)).code, 0, log);
    assert.equal((await enqueue('step3', 4, ['phases=2'])).code, 0);
    const underStep3 = await enqueue('step2', 4, ['phases=6'], true);
    assert.equal(underStep3.code, 2, underStep3.out);
    assert.match(underStep3.out, /step2\/ppi\/smoke\/seed-4: step3\/ppi\/smoke\/seed-4 \(waiting\) starts from its agents/);
    assert.equal((await enqueue('mixed', 9, [], false, ['--init-from', join(root, ID)])).code, 0);
    const byPath = await enqueue('step1', 4, ['phases=8'], true);
    assert.equal(byPath.code, 2, byPath.out);
    assert.match(byPath.out, /step1\/ppi\/smoke\/seed-4: mixed\/ppi\/smoke\/seed-9 \(waiting\) starts from its agents/);
    // A job that has not ended is not replaced.
    assert.equal((await enqueue('step1', 5, [])).code, 0);
    const waiting = await enqueue('step1', 5, ['phases=4'], true);
    assert.equal(waiting.code, 2, waiting.out);
    assert.match(waiting.out, /step1\/ppi\/smoke\/seed-5 is queued \(waiting\) at phases=2: --extend replaces a job that has ended/);
    assert.equal(JSON.parse(readFileSync(join(root, ID, 'status.json'), 'utf8')).unitsDone, 6, 'the refused commands changed nothing');

    // The same runs locally at their lengths from the start: the same curves and final agents (the evaluations
    // differ by design).
    for (const [experiment, phases] of [['step1', 6], ['step2', 4]] as const) {
      const r = await runCli([experiment, '--algo', 'ppi', '--preset', 'smoke', '--seeds', '4', '--root', local, ...sets([...SETTINGS, `phases=${phases}`])], { ICL_THREADS: '1' });
      assert.equal(r.code, 0, r.out);
      const a = join(root, `${experiment}/ppi/smoke/seed-4`), b = join(local, `${experiment}/ppi/smoke/seed-4`);
      for (const f of ['train.csv', ...readdirSync(join(b, 'final/learner-0')).map((x) => `final/learner-0/${x}`)]) {
        assert.ok(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), `${experiment}: ${f} differs from the local ${phases}-phase run's`);
      }
    }
  } finally {
    if (worker?.pid && running(worker.pid)) process.kill(-worker.pid, 'SIGTERM');
    await q.close();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
