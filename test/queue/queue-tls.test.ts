/**
 * The queue over TLS with a password (a Redis on loopback with a self-signed certificate), and a job's life through a
 * worker stopped with SIGTERM (the job goes back to the queue), a `queue cancel` while it runs (it stops after a
 * checkpoint and fails as cancelled) and a `queue retry` (it resumes and finishes, no row written twice).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAST, finished, PROJECT, runCli, sets, sleep } from '../experiments/cli-helpers';
import { openQueue } from '../../src/queue/client';
import { parseRedisUrl } from '../../src/queue/connection';
import { queueView, type JobView } from '../../src/queue/status';
import { selfSignedCert, startRedis } from './redis-helpers';

const ID = 'step1/a2c/smoke/seed-5';

test('queue over rediss:// with a password: worker SIGTERM puts the job back, cancel stops it, retry finishes it', { timeout: 240_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'icl-tls-'));
  const password = 'tls-secret';
  const redis = await startRedis({ password, tls: selfSignedCert(dir) });
  const ca = { NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem') };
  const bare = `rediss://127.0.0.1:${redis.port}/0`; // the password from ICL_REDIS_PASSWORD
  const queueCmd = (args: readonly string[], env: Record<string, string>) => finished(spawn(process.execPath,
    ['--import', 'tsx', join(PROJECT, 'src/bin/queue.ts'), ...args], { cwd: PROJECT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } }));
  const root = join(dir, 'runs');
  let worker: ChildProcess | undefined;
  try {
    const untrusted = await queueCmd(['status', '--queue', redis.url], {});
    assert.equal(untrusted.code, 2);
    assert.match(untrusted.out, /certificate.*NODE_EXTRA_CA_CERTS/);
    const wrong = await queueCmd(['status', '--queue', bare], { ...ca, ICL_REDIS_PASSWORD: 'wrong' });
    assert.equal(wrong.code, 2);
    assert.match(wrong.out, /wrong or missing password/);
    const ok = await queueCmd(['status', '--queue', redis.url], ca);
    assert.equal(ok.code, 0, ok.out);
    assert.match(ok.out, new RegExp(`queue rediss://:\\*\\*\\*@127\\.0\\.0\\.1:${redis.port}/0: 0 jobs`));

    // 64 episodes per iteration keep the run going for seconds on the fast engines, so the cancel lands mid-run.
    const added = await runCli(['step1', '--preset', 'smoke', '--seeds', '5', ...sets([...FAST, 'iterations=300', 'batchEpisodes=64']), '--queue', bare], { ...ca, ICL_REDIS_PASSWORD: password });
    assert.equal(added.code, 0, added.out);
    assert.match(added.out, /added {4}step1\/a2c\/smoke\/seed-5/);

    // This process started without NODE_EXTRA_CA_CERTS: its connection is given the certificate.
    const q = await openQueue({ ...parseRedisUrl(redis.url, {}), tls: { ca: readFileSync(ca.NODE_EXTRA_CA_CERTS, 'utf8') } });
    let log = '';
    const startWorker = () => {
      const p = spawn(process.execPath, ['--import', 'tsx', join(PROJECT, 'src/bin/worker.ts'), '--queue', bare, '--root', root, '--jobs', '1', '--lock-seconds', '3'],
        { cwd: PROJECT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...ca, ICL_REDIS_PASSWORD: password, ICL_THREADS: '1' } });
      p.stdout!.on('data', (d: Buffer) => (log += d.toString()));
      p.stderr!.on('data', (d: Buffer) => (log += d.toString()));
      return p;
    };
    const job = async (): Promise<JobView | undefined> => (await queueView(q)).jobs.find((j) => j.id === ID);
    const waitFor = async (what: string, ok: (j: JobView) => boolean): Promise<JobView> => {
      for (const deadline = Date.now() + 90_000; Date.now() < deadline; await sleep(200)) {
        const j = await job();
        if (j && ok(j)) return j;
      }
      assert.fail(`${what}: not within 90 s: ${JSON.stringify(await job())}\n${log}`);
    };
    try {
      // A worker stopped with SIGTERM mid-run: the seed checkpoints, the job goes back to the queue.
      worker = startWorker();
      let exited = finished(worker);
      const first = await waitFor('running', (j) => j.state === 'active' && (j.progress?.done ?? 0) >= 10);
      worker.kill('SIGTERM');
      assert.equal((await exited).code, 0, log);
      const stoppedLine = (j: JobView) => j.log.some((l) => /stopped \(a signal\): back in the queue at iteration \d+/.test(l));
      const back = await waitFor('back in the queue', (j) => j.state === 'waiting' && stoppedLine(j));
      assert.ok(stoppedLine(back), back.log.join('\n'));

      // Another worker resumes it; cancelled while it runs, it stops after a checkpoint and fails as cancelled.
      worker = startWorker();
      exited = finished(worker);
      // The job's log lines reach Redis a moment after its progress: wait for both.
      const resumed = (j: JobView) => j.log.some((l) => /resuming .* from iteration \d+\/300/.test(l));
      const again = await waitFor('running again', (j) => j.state === 'active' && (j.progress?.done ?? 0) >= first.progress!.done + 10 && resumed(j));
      assert.ok(resumed(again), again.log.join('\n'));
      const cancel = await queueCmd(['cancel', ID, '--queue', bare], { ...ca, ICL_REDIS_PASSWORD: password });
      assert.match(cancel.out, /asked to stop after a checkpoint/);
      const cancelled = await waitFor('cancelled', (j) => j.state === 'failed');
      assert.match(cancelled.failedReason ?? '', /^cancelled .*stopped after a checkpoint at iteration \d+/);

      // retry: it resumes and finishes.
      const retry = await queueCmd(['retry', '--failed', '--queue', redis.url], ca);
      assert.match(retry.out, new RegExp(`${ID}: failed, back in the queue`));
      const done = await waitFor('done', (j) => j.state === 'completed');
      assert.equal(done.outcome?.status, 'done');
      assert.equal(done.progress?.done, 300);
      const rows = readFileSync(join(root, ID, 'train.csv'), 'utf8').trim().split('\n').slice(1).map((r) => r.split(',').slice(0, 3).join(','));
      assert.equal(rows.length, 300);
      assert.equal(new Set(rows).size, 300, 'no row written twice');
      worker.kill('SIGTERM');
      assert.equal((await exited).code, 0, log);
      assert.ok(!log.includes(password), 'the password is never printed');
    } finally {
      await q.close();
    }
  } finally {
    if (worker?.exitCode === null) worker.kill('SIGKILL');
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
