/**
 * The job queue end to end, on loopback: a Redis started here (with a password), `step1` and `step2` smoke runs of
 * two seeds enqueued through the experiment CLI (Step 2 waits for its Step 1), two workers, one of them killed with
 * SIGKILL (with its seed process, as when its machine dies) in the middle of a Step-2 job. Every job ends done, the
 * results are byte-identical to a local run of the same seeds (one thread per seed in both: bit-identical only at the
 * same thread count), no row is written twice, and `queue status` tells what happened. A job with code in its data
 * is refused before anything runs. The local runs here cannot load bullmq or ioredis.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { FAST, finished, PROJECT, running, runCli, sets, sleep, type Finished } from '../experiments/cli-helpers';
import { openQueue } from '../../src/queue/client';
import { parseRedisUrl, redisOptions } from '../../src/queue/connection';
import { QUEUE_NAME } from '../../src/queue/jobs';
import { queueView, type QueueView } from '../../src/queue/status';
import { startRedis } from './redis-helpers';

const NO_REDIS = join(PROJECT, 'test/queue/fixtures/no-redis.cjs');
const ONE_THREAD = { ICL_THREADS: '1' };
const STEP1 = [...FAST, 'iterations=30'];
/** Long enough that a progress report (one a second) lands while the job is well under way, on a quiet machine too. */
const STEP2_ITERATIONS = 600;
const STEP2 = [...FAST, `iterations=${STEP2_ITERATIONS}`];
const RUNS = ['step1', 'step2'].flatMap((e) => [0, 1].map((s) => `${e}/a2c/smoke/seed-${s}`));

/** A worker in its own process group (its seed processes with it), one run at a time. */
function startWorker(url: string, root: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', join(PROJECT, 'src/bin/worker.ts'), '--queue', url, '--root', root, '--jobs', '1', '--lock-seconds', '3'], {
    cwd: PROJECT, stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, ...ONE_THREAD },
  });
}

const npmQueue = (args: readonly string[]) =>
  finished(spawn('npm', ['run', '-s', 'queue', '--', ...args], { cwd: PROJECT, stdio: ['ignore', 'pipe', 'pipe'] }));

/** Polls the queue until `done(view)` or `ms` pass. */
async function until(url: string, ms: number, done: (v: QueueView) => boolean, what: string, logs: () => string): Promise<QueueView> {
  const q = await openQueue(parseRedisUrl(url));
  try {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await queueView(q);
      if (done(v)) return v;
      if (Date.now() > deadline) assert.fail(`${what}: not within ${ms / 1000} s; the queue: ${JSON.stringify(v.jobs.map((j) => [j.id, j.state, j.progress?.done, j.failedReason]))}\n${logs()}`);
      await sleep(200);
    }
  } finally {
    await q.close();
  }
}

/** The rows of a CSV file, checked to hold no key (its first `keyColumns` cells) twice. */
function uniqueRows(path: string, keyColumns: number): number {
  const rows = readFileSync(path, 'utf8').trim().split('\n').slice(1);
  const keys = rows.map((r) => r.split(',').slice(0, keyColumns).join(','));
  assert.equal(new Set(keys).size, keys.length, `${path} holds a row twice`);
  return rows.length;
}

test('queue: two workers, one killed with SIGKILL mid-job; every job done, byte-identical to a local run, status tells it', { timeout: 300_000 }, async () => {
  const t0 = Date.now();
  const password = 'test-pw:@/x';
  const redis = await startRedis({ password });
  const queued = mkdtempSync(join(tmpdir(), 'icl-queue-'));
  const local = mkdtempSync(join(tmpdir(), 'icl-local-'));
  const workers: { p: ChildProcess; out: Promise<Finished>; text: () => string }[] = [];
  try {
    // Enqueue through the experiment CLI; it returns at once. Twice the same adds nothing.
    const s1 = await runCli(['step1', '--preset', 'smoke', '--seeds', '0,1', ...sets(STEP1), '--queue', redis.url]);
    assert.equal(s1.code, 0, s1.out);
    assert.match(s1.out, /added {4}step1\/a2c\/smoke\/seed-0 \(--set hiddenSize=16 embedSize=8 iterations=30\)/);
    const s2 = await runCli(['step2', '--preset', 'smoke', '--seeds', '0,1', ...sets(STEP2), '--queue', redis.url]);
    assert.equal(s2.code, 0, s2.out);
    assert.match(s2.out, /added {4}step2\/a2c\/smoke\/seed-1 .*, after step1\/a2c\/smoke\/seed-1/);
    assert.match(s2.out, /2 jobs added/);
    const again = await runCli(['step2', '--preset', 'smoke', '--seeds', '0,1', ...sets(STEP2), '--queue', redis.url]);
    assert.equal(again.code, 0, again.out);
    assert.match(again.out, /0 jobs added/);
    const other = await runCli(['step1', '--preset', 'smoke', '--seeds', '1', '--queue', redis.url]);
    assert.equal(other.code, 2, 'the same run with other settings is refused');
    assert.match(other.out, /already queued \(waiting\) with other settings/);
    for (const r of [s1, s2, again, other]) assert.ok(!r.out.includes(password), 'the password is never printed');

    // Someone who can write to Redis adds a job with code in it: refused before anything runs.
    const raw = new Queue(QUEUE_NAME, { connection: redisOptions(parseRedisUrl(redis.url), 'command') });
    await raw.add('run', { v: 1, experiment: 'step1', algo: 'a2c', preset: 'smoke', seed: 7, overrides: ['hiddenSize=16'],
      script: 'require("node:fs").writeFileSync("/tmp/icl-pwned", "")' }, { jobId: 'intruder' });
    await raw.close();

    for (let i = 0; i < 2; i++) {
      const p = startWorker(redis.url, queued);
      let text = '';
      p.stdout!.on('data', (d: Buffer) => (text += d.toString()));
      p.stderr!.on('data', (d: Buffer) => (text += d.toString()));
      workers.push({ p, out: finished(p), text: () => text });
    }
    const logs = () => workers.map((w, i) => `--- worker ${i} (pid ${w.p.pid}):\n${w.text()}`).join('\n');

    // Kill the worker running a Step-2 job once it is well into it (past a checkpoint), with its seed process.
    const mid = await until(redis.url, 120_000, (v) => v.jobs.some((j) => j.state === 'active' && j.id.startsWith('step2/') &&
      (j.progress?.done ?? 0) >= 10 && (j.progress?.done ?? 0) <= STEP2_ITERATIONS - 150), 'a Step-2 job under way', logs);
    const victimJob = mid.jobs.find((j) => j.state === 'active' && j.id.startsWith('step2/') && (j.progress?.done ?? 0) >= 10)!;
    const victimPid = Number(victimJob.progress!.worker.split(':').at(-1));
    const victim = workers.find((w) => w.p.pid === victimPid);
    assert.ok(victim, `the job's worker ${victimJob.progress!.worker} is one of ours`);
    process.kill(-victimPid, 'SIGKILL');
    const killedAt = victimJob.progress!.done;

    const end = await until(redis.url, 150_000, (v) => RUNS.every((id) => v.jobs.find((j) => j.id === id)?.state === 'completed') &&
      v.jobs.find((j) => j.id === 'intruder')?.state === 'failed', 'every job finished', logs);
    assert.equal((await victim!.out).signal, 'SIGKILL');

    // What happened, as status tells it: the killed job started twice, its worker lost once, resumed from its checkpoint.
    const killed = end.jobs.find((j) => j.id === victimJob.id)!;
    assert.equal(killed.started, 2, JSON.stringify(killed));
    assert.equal(killed.stalled, 1);
    assert.ok(killed.log.some((l) => new RegExp(`resuming .* from iteration \\d+/${STEP2_ITERATIONS}`).test(l)), killed.log.join('\n'));
    assert.ok(killed.log.some((l) => /taking over the lock of process \d+/.test(l)), killed.log.join('\n'));
    const intruder = end.jobs.find((j) => j.id === 'intruder')!;
    assert.match(intruder.failedReason ?? '', /refused before anything ran: not a run job: .*script/);
    assert.equal(intruder.started, 1, 'a refused job is not retried');
    assert.ok(!existsSync(join(queued, 'step1/a2c/smoke/seed-7')) && !existsSync('/tmp/icl-pwned'), 'the refused job ran nothing');
    const status = await npmQueue(['status', '--queue', redis.url]);
    assert.equal(status.code, 0, status.out);
    assert.ok(!status.out.includes(password));
    assert.match(status.out, /5 jobs: 1 failed, 4 done/);
    assert.match(status.out, new RegExp(`${victimJob.id.replace(/\//g, '\\/')} +iteration ${STEP2_ITERATIONS}\\/${STEP2_ITERATIONS} +done on \\S+ .*started 2×, its worker lost 1×`));
    assert.match(status.out, /attempt 2 on \S+, after 1 worker stopped answering/);
    assert.match(status.out, /intruder .*refused before anything ran/);
    console.log(status.out.trim());

    // cancel removes the failed intruder; retry of a done job runs it again, which finds it done.
    const cancel = await npmQueue(['cancel', 'intruder', '--queue', redis.url]);
    assert.match(cancel.out, /intruder: removed from the queue/);
    const retry = await npmQueue(['retry', 'step2/a2c/smoke/seed-0', '--queue', redis.url]);
    assert.match(retry.out, /step2\/a2c\/smoke\/seed-0: done, back in the queue/);
    const after = await until(redis.url, 60_000, (v) => v.jobs.length === 4 && v.jobs.every((j) => j.state === 'completed') &&
      v.jobs.find((j) => j.id === 'step2/a2c/smoke/seed-0')?.outcome?.status === 'already-done', 'the retried job done', logs);
    assert.equal(after.jobs.length, 4);

    // The same runs locally, with bullmq and ioredis made unloadable, one thread per seed.
    const noRedis = { ...ONE_THREAD, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${NO_REDIS}`.trim() };
    for (const [exp, settings] of [['step1', STEP1], ['step2', STEP2]] as const) {
      const r = await runCli([exp, '--preset', 'smoke', '--seeds', '0,1', '--jobs', '2', '--root', local, ...sets(settings)], noRedis);
      assert.equal(r.code, 0, r.out);
    }
    for (const run of RUNS) {
      const a = join(queued, run), b = join(local, run);
      assert.equal(JSON.parse(readFileSync(join(a, 'status.json'), 'utf8')).state, 'done');
      for (const f of ['train.csv', 'episode.csv', ...readdirSync(join(b, 'final/learner-0')).map((x) => `final/learner-0/${x}`)]) {
        assert.ok(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), `${run}/${f} differs from the local run's`);
      }
      assert.equal(uniqueRows(join(a, 'train.csv'), 3), run.startsWith('step1') ? 30 : STEP2_ITERATIONS);
      uniqueRows(join(a, 'episode.csv'), 4);
    }
    console.log(`# queue end to end: killed ${victimJob.id} at iteration ${killedAt}/${STEP2_ITERATIONS}; ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    for (const w of workers) if (w.p.pid && running(w.p.pid)) process.kill(-w.p.pid, 'SIGTERM');
    const ends = await Promise.all(workers.map((w) => w.out));
    await redis.stop();
    rmSync(queued, { recursive: true, force: true });
    rmSync(local, { recursive: true, force: true });
    for (const w of workers) if (w.p.pid) assert.ok(!running(w.p.pid));
    void ends;
  }
});

test('the local runner does not load bullmq or ioredis; --queue does (the fixture that forbids them works)', async () => {
  const env = { NODE_OPTIONS: `--require ${NO_REDIS}` };
  const r = await runCli(['step1', '--preset', 'smoke', '--seeds', '0', '--queue', 'redis://127.0.0.1:1'], env);
  assert.equal(r.code, 2);
  assert.match(r.out, /bullmq was loaded, and this process must not need it/);
});
