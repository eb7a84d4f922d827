/**
 * The fault-injection suite of README "Guarantees of a run": a run killed at every write, rename and removal of a
 * checkpoint (not at random moments), or several times in a row, resumes to exactly the uninterrupted result; two
 * processes never write one run.
 *
 * Kills come from src/fault-injection.ts: `ICL_FAULT_AT=n` makes a process SIGKILL itself right after its n-th
 * on-disk step, `ICL_FAULT_TRACE` lists the steps. The killed processes are one seed's process (`--child`, what
 * the CLI forks per seed), which keeps each of the many kills to a fraction of a second.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { readStatus, runDir, runExperiment, type RunOptions } from '../../src/experiments/run';
import { cli, copyRoot, FAST, finished, readTrace, runCli, sets, sleep } from './cli-helpers';

const seedArgs = (o: RunOptions, root: string) => [o.experiment, '--algo', o.algo, '--preset', o.preset, '--seeds', String(o.seed), '--root', root, ...sets(o.overrides ?? [])];

/** One seed's process of the CLI, as the CLI forks it, with fault injection. */
const seedProcess = (o: RunOptions, root: string, env: Record<string, string>, resume = true) =>
  runCli([...seedArgs(o, root), '--child', ...(resume ? ['--resume'] : [])], env);

/** The files that must come out byte for byte the same as the uninterrupted run's. */
function assertSameResults(dir: string, whole: string, what: string): void {
  for (const f of ['train.csv', 'episode.csv']) assert.equal(readFileSync(join(dir, f), 'utf8'), readFileSync(join(whole, f), 'utf8'), `${what}: ${f}`);
  const finals = (d: string) => readdirSync(join(d, 'final')).flatMap((l) => readdirSync(join(d, 'final', l)).map((f) => `${l}/${f}`)).sort();
  assert.deepEqual(finals(dir), finals(whole), `${what}: the files of final/`);
  for (const f of finals(whole)) assert.ok(readFileSync(join(dir, 'final', f)).equals(readFileSync(join(whole, 'final', f))), `${what}: final/${f}`);
  assert.equal(readStatus(dir)?.state, 'done', what);
  // Nothing of the interruptions is left: no checkpoint, no lock, no half-made or discarded directory.
  assert.ok(!existsSync(join(dir, 'resume')), `${what}: resume/ removed`);
  assert.deepEqual(readdirSync(dirname(dir)).sort(), ['seed-0'], `${what}: leftovers beside the run`);
}

test('a run killed right after each write, rename and removal of a checkpoint resumes to the uninterrupted result, byte for byte', { timeout: 300_000 }, async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'faults-'));
  // Evaluations at units 0, 2 and 4, a row per unit, checkpoints at 2 and 4.
  const o: RunOptions = { experiment: 'step1', algo: 'a2c', preset: 'smoke', seed: 0, overrides: [...FAST, 'iterations=4', 'checkpointEvery=2', 'logEvery=1', 'evalAt=0.5'] };
  const whole = (await runExperiment({ ...o, root: join(tmp, 'whole') })).dir;

  // The state to resume from: killed after unit 3's rows, past the checkpoint at unit 2, so that the resumed session
  // also cuts rows back. Where that is, a traced run of the same settings says.
  const freshTrace = join(tmp, 'fresh.trace');
  assert.equal((await seedProcess(o, join(tmp, 'traced'), { ICL_FAULT_TRACE: freshTrace }, false)).code, 0);
  const fresh = readTrace(freshTrace);
  const committed = fresh.findIndex((s) => s.label === 'rename into place checkpoint.json');
  const afterUnit3 = fresh.findIndex((s, i) => i > committed && s.label === 'append timing.csv');
  assert.ok(committed > 0 && afterUnit3 > committed, fresh.map((s) => s.label).join('\n'));
  const base = join(tmp, 'base');
  const killed = await seedProcess(o, base, { ICL_FAULT_AT: String(fresh[afterUnit3].n) }, false);
  assert.equal(killed.signal, 'SIGKILL', killed.out);
  const baseDir = runDir({ ...o, root: base });
  assert.equal(JSON.parse(readFileSync(join(baseDir, 'resume/checkpoint.json'), 'utf8')).unitsDone, 2);
  assert.match(readFileSync(join(baseDir, 'train.csv'), 'utf8'), /\n3,0,tabular,[^\n]*\n$/, 'rows past the checkpoint');

  // Every step of the session that resumes it to the end.
  const resumeTrace = join(tmp, 'resume.trace');
  assert.equal((await seedProcess(o, copyRoot(base, join(tmp, 'traced-resume')), { ICL_FAULT_TRACE: resumeTrace })).code, 0);
  const steps = readTrace(resumeTrace);
  const labels = new Set(steps.map((s) => s.label.replace(/\.tmp-\d+$|\.\d+\.tmp$/, '.tmp')));
  for (const kind of ['truncate train.csv', 'append train.csv', 'append episode.csv', 'write params.bin', 'write adam-m.bin', 'write manifest.json',
    'rename into place learner-0', 'write checkpoint.json.tmp', 'rename into place checkpoint.json', 'remove older generations',
    'rename into place status.json', 'remove resume/']) {
    assert.ok(labels.has(kind), `the resumed session passes '${kind}':\n${[...labels].join('\n')}`);
  }

  for (const { n, label } of steps) {
    const root = copyRoot(base, join(tmp, `kill-${n}`));
    const dir = runDir({ ...o, root });
    const r = await seedProcess(o, root, { ICL_FAULT_AT: String(n) });
    assert.equal(r.signal, 'SIGKILL', `step ${n} (${label}): ${r.out}`);
    // A kill in the middle of an append leaves a line cut short: the resume must drop it too.
    if (readStatus(dir)?.state === 'running' && existsSync(join(dir, 'train.csv'))) appendFileSync(join(dir, 'train.csv'), '4,0,tabular,0.51');
    const logs: string[] = [];
    const stale = existsSync(`${dir}.lock`); // (absent when the kill came while the lock changed hands)
    const again = await runExperiment({ ...o, root, resume: true }, { log: (m) => logs.push(m) });
    assert.ok(again.status === 'done' || again.status === 'already-done', `step ${n} (${label})`);
    if (stale) assert.ok(logs.some((m) => /taking over the lock of process \d+ on host .*no longer running/.test(m)), `step ${n} (${label}): ${logs.join('\n')}`);
    assertSameResults(dir, whole, `killed after step ${n} (${label})`);
  }
});

test('several kills in a row, each followed by a resume, end byte for byte where the uninterrupted run ends', { timeout: 300_000 }, async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'kills-'));
  const o: RunOptions = { experiment: 'step1', algo: 'a2c', preset: 'smoke', seed: 0, overrides: [...FAST, 'iterations=9', 'checkpointEvery=2', 'logEvery=2', 'evalAt=0.35'] };
  const whole = (await runExperiment({ ...o, root: join(tmp, 'whole') })).dir;
  const root = join(tmp, 'killed');
  const dir = runDir({ ...o, root });
  // Each session dies at its n-th step (counted from its start): inside checkpoints, appends and the start itself.
  const where: string[] = [];
  for (const [i, n] of [17, 12, 20, 9, 15, 23, 11].entries()) {
    const trace = join(tmp, `session-${i}.trace`);
    const r = await seedProcess(o, root, { ICL_FAULT_AT: String(n), ICL_FAULT_TRACE: trace }, i > 0);
    assert.equal(r.signal, 'SIGKILL', `session ${i}: ${r.out}`);
    where.push(readTrace(trace).at(-1)!.label);
  }
  assert.ok(new Set(where).size >= 4, `the kills landed at ${where.join(', ')}`);
  assert.ok(where.some((w) => /params\.bin|adam-|manifest|learner-0|checkpoint\.json/.test(w)), `a kill inside a checkpoint: ${where.join(', ')}`);
  assert.equal(readStatus(dir)?.state, 'running');
  const last = await seedProcess(o, root, {});
  assert.equal(last.code, 0, last.out);
  assertSameResults(dir, whole, `after kills at ${where.join(', ')}`);
});

test('PPI killed inside its checkpoints (models, data sets, the commit) resumes to identical curves, data and weights; timings stay out of train.csv', { timeout: 300_000 }, async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'ppi-kills-'));
  const o: RunOptions = { experiment: 'mixed', algo: 'ppi', preset: 'smoke', seed: 1, overrides: [...FAST, 'rolloutRounds=4', 'evalEpisodes=4', 'phases=3', 'checkpointEvery=1', 'evalAt=0,0.4'] };
  const whole = (await runExperiment({ ...o, root: join(tmp, 'whole') })).dir;
  const trace = join(tmp, 'fresh.trace');
  assert.equal((await seedProcess(o, join(tmp, 'traced'), { ICL_FAULT_TRACE: trace }, false)).code, 0);
  const steps = readTrace(trace);
  // In the checkpoint after phase 2: a data set written, a model in place, the commit written but not yet renamed.
  const second = steps.filter((s) => s.label === 'rename into place checkpoint.json')[1].n;
  const last = (label: RegExp) => [...steps].reverse().find((s) => s.n < second && label.test(s.label))!;
  let dir = '';
  for (const p of [last(/^write ppi-data\.bin/), last(/^rename into place learner-0$/), last(/^write checkpoint\.json/)]) {
    const root = join(tmp, `killed-${p.n}`);
    const r = await seedProcess(o, root, { ICL_FAULT_AT: String(p.n) }, false);
    assert.equal(r.signal, 'SIGKILL', `${p.label}: ${r.out}`);
    const resumed = await seedProcess(o, root, {});
    assert.equal(resumed.code, 0, resumed.out);
    dir = runDir({ ...o, root });
    for (const f of ['train.csv', 'episode.csv']) assert.equal(readFileSync(join(dir, f), 'utf8'), readFileSync(join(whole, f), 'utf8'), `${p.label}: ${f}`);
    for (const learner of [0, 1]) {
      for (const f of ['params.bin', 'ppi-data.bin', 'manifest.json']) {
        assert.ok(readFileSync(join(dir, `final/learner-${learner}`, f)).equals(readFileSync(join(whole, `final/learner-${learner}`, f))), `${p.label}: learner ${learner} ${f}`);
      }
    }
  }
  // The wall-clock seconds differ between the two runs: they are in timing.csv only.
  assert.match(readFileSync(join(dir, 'timing.csv'), 'utf8'), /^phase,learner,unitSeconds,refitSeconds,rolloutSeconds\n/);
});

test('a finished PPI run killed at each step of its reopening (--extend) ends where the unkilled extension ends, byte for byte', { timeout: 300_000 }, async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'extend-kills-'));
  const o: RunOptions = { experiment: 'mixed', algo: 'ppi', preset: 'smoke', seed: 0, overrides: [...FAST, 'rolloutRounds=4', 'evalEpisodes=4', 'checkpointEvery=1', 'evalAt=0,0.5'] };
  const longer: RunOptions = { ...o, overrides: [...o.overrides!, 'phases=3'] };
  const base = join(tmp, 'base');
  assert.equal((await runExperiment({ ...o, root: base })).status, 'done');
  const extend = (root: string, env: Record<string, string>) => runCli([...seedArgs(longer, root), '--child', '--extend'], env);
  const trace = join(tmp, 'extend.trace');
  const reference = copyRoot(base, join(tmp, 'reference'));
  assert.equal((await extend(reference, { ICL_FAULT_TRACE: trace })).code, 0);
  const steps = readTrace(trace);
  // The reopening: final/ copied into a checkpoint, status.json running, final/ removed, config.json; then phase 3's first rows.
  const reopened = steps.findIndex((s) => s.label === 'append train.csv');
  assert.deepEqual(steps.slice(9, reopened).map((s) => s.label.replace(/\.tmp-\d+$/, '.tmp')), [
    'write checkpoint.json.tmp', 'rename into place checkpoint.json', 'write status.json.tmp', 'rename into place status.json', 'remove final/',
    'write config.json.tmp', 'rename into place config.json', 'write status.json.tmp', 'rename into place status.json',
  ]);
  for (const { n, label } of steps.slice(0, reopened + 1)) {
    const root = copyRoot(base, join(tmp, `kill-${n}`));
    const r = await extend(root, { ICL_FAULT_AT: String(n) });
    assert.equal(r.signal, 'SIGKILL', `step ${n} (${label}): ${r.out}`);
    const again = await runExperiment({ ...longer, root, extend: true });
    assert.equal(again.status, 'done', `step ${n} (${label})`);
    assertSameResults(runDir({ ...o, root }), runDir({ ...o, root: reference }), `killed after step ${n} (${label})`);
  }
  rmSync(tmp, { recursive: true, force: true });
});

test('two concurrent starts of one run: one is refused naming the holder, a resume meanwhile too, and no row is written twice', { timeout: 300_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'concurrent-'));
  const args = ['step1', '--preset', 'smoke', '--seeds', '0', '--root', root, ...sets([...FAST, 'iterations=1500', 'logEvery=3', 'checkpointEvery=60', 'evalAt=0.5'])];
  // One thread per seed: two lone seeds would each take two threads on this machine's two cores (README "The engine").
  const env = { ICL_THREADS: '1' };
  const [a, b] = [finished(cli(args, env)), finished(cli(args, env))];
  const dir = runDir({ experiment: 'step1', algo: 'a2c', preset: 'smoke', seed: 0, root });
  for (let i = 0; i < 300 && !existsSync(join(dir, 'status.json')); i++) await sleep(50);
  const meanwhile = await runCli([...args, '--resume'], env);
  const results = await Promise.all([a, b]);
  const refused = results.filter((r) => r.code !== 0);
  assert.equal(refused.length, 1, results.map((r) => r.out).join('\n---\n'));
  const holder = /is locked by process (\d+) on host (\S+) \(started \S+\): another start or resume of this run is under way/;
  assert.match(refused[0].out, holder);
  assert.equal(refused[0].out.match(holder)![2], hostname());
  assert.notEqual(meanwhile.code, 0, 'a resume while the run is under way');
  assert.match(meanwhile.out, holder);
  const units = readFileSync(join(dir, 'train.csv'), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[0]));
  assert.deepEqual(units, Array.from({ length: 500 }, (_, i) => 3 * (i + 1)), 'every row once, in order');
  const evaluations = readFileSync(join(dir, 'episode.csv'), 'utf8').trim().split('\n').slice(1).filter((l) => /^\d+,0,tft,0,/.test(l)).map((l) => Number(l.split(',')[0]));
  assert.deepEqual(evaluations, [750, 1500], 'each evaluation once');
  assert.ok(!existsSync(`${dir}.lock`), 'the lock is released');
});

test('the lock: a holder on another host is refused with how to clear it; a dead holder on this host is taken over, a live one is not', async () => {
  const root = mkdtempSync(join(tmpdir(), 'lock-'));
  const o: RunOptions = { experiment: 'step1', algo: 'a2c', preset: 'smoke', seed: 0, root, overrides: [...FAST, 'iterations=2'] };
  const lock = `${runDir(o)}.lock`;
  const hold = (holder: object) => {
    writeFileSync(lock, JSON.stringify(holder));
  };
  mkdirSync(dirname(lock), { recursive: true });
  hold({ pid: process.pid, host: 'elsewhere', startedAt: '2026-01-01T00:00:00.000Z' });
  await assert.rejects(runExperiment(o), /step1\/a2c\/smoke\/seed-0 is locked by process \d+ on host elsewhere .* If that process is gone, remove .*seed-0\.lock by hand/);
  hold({ pid: process.pid, host: hostname(), startedAt: '2026-01-01T00:00:00.000Z' });
  await assert.rejects(runExperiment(o), new RegExp(`is locked by process ${process.pid} on host ${hostname()}`));
  assert.ok(!existsSync(runDir(o)), 'nothing written under a live lock');
  const deadPid = spawnSync('true').pid!; // a process that has exited: its pid is not running
  hold({ pid: deadPid, host: hostname(), startedAt: '2026-01-01T00:00:00.000Z' });
  const logs: string[] = [];
  assert.equal((await runExperiment(o, { log: (m) => logs.push(m) })).status, 'done');
  assert.ok(logs.some((m) => m === `step1/a2c/smoke/seed-0: taking over the lock of process ${deadPid} on host ${hostname()} (started 2026-01-01T00:00:00.000Z), which is no longer running`), logs.join('\n'));
  assert.ok(!existsSync(lock));
});
