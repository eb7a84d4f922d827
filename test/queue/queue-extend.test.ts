/**
 * `--extend` through the queue, on loopback: a PPI Step-1 run done by a worker at 2 phases is lengthened to 4 by
 * enqueuing it again with `--extend` (the ended job is replaced), and ends byte for byte where a local 4-phase run
 * ends. Without the flag the longer run is refused with the hint, at enqueueing or, when the queue has no job of the
 * run, by the worker without retries; a job still queued is not replaced, nor one that a queued later step starts
 * from.
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
  const waitFor = async (what: string, ok: (j: JobView) => boolean): Promise<JobView> => {
    for (const deadline = Date.now() + 120_000; Date.now() < deadline; await sleep(200)) {
      const j = await job(ID);
      if (j && ok(j)) return j;
    }
    assert.fail(`${what}: not within 120 s: ${JSON.stringify(await job(ID))}\n${log}`);
  };
  const enqueue = (experiment: string, seed: number, more: string[], extend = false) =>
    runCli([experiment, '--algo', 'ppi', '--preset', 'smoke', '--seeds', String(seed), ...sets([...SETTINGS, ...more]), ...(extend ? ['--extend'] : []), '--queue', redis.url]);
  try {
    assert.equal((await enqueue('step1', 4, [])).code, 0);
    worker = startWorker();
    const first = await waitFor('the 2-phase run done', (j) => j.state === 'completed');
    assert.equal(first.outcome?.unitsDone, 2);

    const plain = await enqueue('step1', 4, ['phases=4']);
    assert.equal(plain.code, 2, plain.out);
    assert.match(plain.out, /already queued \(completed\) with other settings: .*or lengthen its run with --extend once it has ended/);

    const extended = await enqueue('step1', 4, ['phases=4'], true);
    assert.equal(extended.code, 0, extended.out);
    assert.match(extended.out, /removed {2}step1\/ppi\/smoke\/seed-4 \(completed\), to lengthen its run: phases=2 → 4 \(--extend\)/);
    assert.match(extended.out, /added {4}step1\/ppi\/smoke\/seed-4 \(--set .*phases=4 --extend\)/);
    const done = await waitFor('the run lengthened to 4 phases', (j) => j.state === 'completed' && j.outcome?.unitsDone === 4 &&
      j.log.some((l) => /finished at phase 2; lengthening it to 4 \(--extend\)/.test(l)));
    assert.equal(done.started, 1);

    // With its job gone from the queue, a longer run without --extend reaches a worker, whose seed process refuses
    // it: the job fails at once, not retried (the run directory would refuse every retry alike).
    await (await q.queue.getJob(ID))!.remove();
    assert.equal((await enqueue('step1', 4, ['phases=6'])).code, 0);
    const refused = await waitFor('the longer run refused', (j) => j.state === 'failed');
    assert.match(refused.failedReason ?? '', /^refused: step1\/ppi\/smoke\/seed-4 was run with phases=4 .*lengthen it to 6 phases with --extend/);
    assert.equal(refused.started, 1, 'a refused run is not retried');

    // A later step queued on it (not run: the worker is stopped) keeps it from being lengthened.
    worker.kill('SIGTERM');
    assert.equal((await finished(worker)).code, 0, log);
    const step2 = await enqueue('step2', 4, ['phases=4']);
    assert.equal(step2.code, 0, step2.out);
    assert.match(step2.out, /present {2}step1\/ppi\/smoke\/seed-4 \(failed\)/);
    const dependent = await enqueue('step1', 4, ['phases=8'], true);
    assert.equal(dependent.code, 2, dependent.out);
    assert.match(dependent.out, /step1\/ppi\/smoke\/seed-4: the queued job step2\/ppi\/smoke\/seed-4 starts from its agents/);
    // A job that has not ended is not replaced.
    assert.equal((await enqueue('step1', 5, [])).code, 0);
    const waiting = await enqueue('step1', 5, ['phases=4'], true);
    assert.equal(waiting.code, 2, waiting.out);
    assert.match(waiting.out, /step1\/ppi\/smoke\/seed-5 is queued \(waiting\) with phases=2: --extend replaces a job that has ended/);
    assert.equal(JSON.parse(readFileSync(join(root, ID, 'status.json'), 'utf8')).unitsDone, 4, 'the refused commands changed nothing');

    // The same run locally at 4 phases from the start: the same curve and final agent (the evaluations differ by design).
    const r = await runCli(['step1', '--algo', 'ppi', '--preset', 'smoke', '--seeds', '4', '--root', local, ...sets([...SETTINGS, 'phases=4'])], { ICL_THREADS: '1' });
    assert.equal(r.code, 0, r.out);
    const a = join(root, ID), b = join(local, ID);
    for (const f of ['train.csv', ...readdirSync(join(b, 'final/learner-0')).map((x) => `final/learner-0/${x}`)]) {
      assert.ok(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), `${f} differs from the local 4-phase run's`);
    }
  } finally {
    if (worker?.pid && running(worker.pid)) process.kill(-worker.pid, 'SIGTERM');
    await q.close();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
