import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EXPERIMENTS } from '../../src/experiments/experiments';
import { a2cPreset, RUN_SETTINGS } from '../../src/experiments/presets';
import { writeJsonAtomic } from '../../src/experiments/files';
import { applyOverrides, estimateRemainingSeconds, parseUntil, readComputeTime, readStatus, recordedPath, runDir, runExperiment } from '../../src/experiments/run';
import { summarise } from '../../src/experiments/read-runs';
import { cli, FAST, finished, PROJECT, sleep } from './cli-helpers';

const ROOT = PROJECT;

test('a smoke run of every A2C experiment writes config, curves, evaluations and final weights', async () => {
  const root = mkdtempSync(join(tmpdir(), 'runs-'));
  const logs: string[] = [];
  for (const experiment of EXPERIMENTS) {
    const r = await runExperiment({ experiment, algo: 'a2c', preset: 'smoke', seed: 0, root, overrides: FAST }, { log: (m) => logs.push(m) });
    assert.equal(r.status, 'done', experiment);
    for (const f of ['config.json', 'train.csv', 'episode.csv', 'final/learner-0/manifest.json']) assert.ok(existsSync(join(r.dir, f)), `${experiment}: ${f}`);
    assert.ok(!existsSync(join(r.dir, 'resume')), `${experiment}: the resume checkpoint is removed when done`);
    const episode = readFileSync(join(r.dir, 'episode.csv'), 'utf8');
    for (const co of ['allc', 'alld', 'tft', 'tabular']) assert.match(episode, new RegExp(`,${co},`), `${experiment} evaluated against ${co}`);
    if (experiment !== 'step1') assert.match(episode, /,learner,/, `${experiment} evaluated against the learning/frozen co-player`);
    assert.ok((readStatus(r.dir)?.computeSeconds ?? 0) > 0, `${experiment}: status.json records the compute time`);
  }
  // Step 2 and 3 said which agent they started from.
  assert.ok(logs.some((l) => /step2 seed 0: using the step1 agent at .*step1\/a2c\/smoke\/seed-0\/final/.test(l)), logs.join('\n'));
  assert.ok(logs.some((l) => /step3 seed 0: using the step2 agent/.test(l)));
  const config = JSON.parse(readFileSync(join(runDir({ experiment: 'step3', algo: 'a2c', preset: 'smoke', seed: 0, root }), 'config.json'), 'utf8'));
  assert.equal(config.a2c.hiddenSize, 16);
  assert.match(config.dependsOn.dir, /step2\/a2c\/smoke\/seed-0\/final$/);
  // A finished run is not re-run.
  const again = await runExperiment({ experiment: 'step1', algo: 'a2c', preset: 'smoke', seed: 0, root, overrides: FAST });
  assert.equal(again.status, 'already-done');
  // The summary has the documented shape.
  const s = summarise('mixed', 'a2c', 'smoke', root);
  assert.equal(s.seeds, 1);
  assert.deepEqual(Object.keys(s.train).sort(), ['learner', 'tabular']);
  assert.ok(s.train.learner.reward.mean >= -1 && s.train.learner.reward.mean <= 2);
  assert.deepEqual(Object.keys(s.episode).sort(), ['allc', 'alld', 'learner', 'tabular', 'tft']);
  assert.equal(typeof s.episode.tft.late.cooperation, 'number');
});

test('unknown or ill-typed settings are refused with the allowed names', () => {
  const cfg = a2cPreset('step1', 'smoke');
  assert.throws(() => applyOverrides('a2c', cfg, RUN_SETTINGS.smoke, ['learningrate=1']), /unknown setting 'learningrate' for a2c; allowed: batchEpisodes, learningRate/);
  assert.throws(() => applyOverrides('a2c', cfg, RUN_SETTINGS.smoke, ['batchEpisodes=abc']), /invalid a2c settings: batchEpisodes/);
  assert.throws(() => applyOverrides('a2c', cfg, RUN_SETTINGS.smoke, ['centerAdvantages=maybe']), /centerAdvantages/);
  const ok = applyOverrides('a2c', cfg, RUN_SETTINGS.smoke, ['learningRate=0.01', 'centerAdvantages=false', 'evalEpisodes=3']);
  assert.equal(ok.learner.learningRate, 0.01);
  assert.equal(ok.learner.centerAdvantages, false);
  assert.equal(ok.run.evalEpisodes, 3);
  assert.equal(cfg.init, undefined, 'the paper (Flax defaults) unless asked');
  assert.equal(applyOverrides('a2c', cfg, RUN_SETTINGS.smoke, ['init=pytorch']).learner.init, 'pytorch');
  assert.equal(applyOverrides('a2c', cfg, RUN_SETTINGS.smoke, ['scaleAdvantages=true']).learner.scaleAdvantages, true);
  assert.equal(applyOverrides('a2c', cfg, RUN_SETTINGS.smoke, ['sumOverRounds=true']).learner.sumOverRounds, true);
  assert.throws(() => applyOverrides('a2c', cfg, RUN_SETTINGS.smoke, ['init=xavier']), /invalid a2c settings: init/);
});

test('status.json records the compute time, summed over the sessions of a resumed run; the gap between them does not count', async () => {
  const root = mkdtempSync(join(tmpdir(), 'runs-'));
  const o = { experiment: 'step1', algo: 'a2c', preset: 'smoke', seed: 0, root, overrides: [...FAST, 'iterations=6'] } as const;
  const wall = async <T>(f: () => Promise<T>): Promise<[T, number]> => {
    const t0 = performance.now();
    const value = await f();
    return [value, (performance.now() - t0) / 1000];
  };
  const [first, firstWall] = await wall(() => runExperiment(o, { shouldStop: () => true }));
  assert.equal(first.status, 'stopped');
  const held = readStatus(first.dir)?.computeSeconds;
  assert.ok(held !== undefined && held > 0 && held <= firstWall, `first session: ${held} s of ${firstWall} s`);
  assert.deepEqual(readComputeTime(first.dir), { seconds: held, approximate: false });
  // Make what the first session held large, so that a resume that reset the count could not pass for one that adds to it.
  writeJsonAtomic(join(first.dir, 'status.json'), { ...readStatus(first.dir), computeSeconds: 1000 });
  await new Promise((r) => setTimeout(r, 300)); // time between the sessions: not compute
  const firstConfig = JSON.parse(readFileSync(join(first.dir, 'config.json'), 'utf8'));
  const [second, secondWall] = await wall(() => runExperiment({ ...o, resume: true }));
  assert.equal(second.status, 'done');
  // The first session's provenance stays; the resumed session is appended after it.
  const config = JSON.parse(readFileSync(join(second.dir, 'config.json'), 'utf8'));
  assert.equal(config.startedAt, firstConfig.startedAt);
  assert.deepEqual(config.code, firstConfig.code);
  assert.equal(config.resumed.length, 1);
  assert.ok(Date.parse(config.resumed[0].startedAt) > Date.parse(firstConfig.startedAt), JSON.stringify(config.resumed));
  assert.deepEqual(Object.keys(config.resumed[0]).sort(), ['code', 'engine', 'node', 'startedAt']);
  const total = readStatus(second.dir)?.computeSeconds ?? 0;
  assert.ok(total > 1000 && total <= 1000 + secondWall, `after the resume: ${total} s, the second session took ${secondWall} s`);
  // A run written before the field existed: the wall time from the last session's start to status.json's updatedAt, approximate.
  const { computeSeconds: _, ...legacy } = readStatus(second.dir)!;
  writeJsonAtomic(join(second.dir, 'status.json'), legacy);
  const started = Date.parse(config.resumed[0].startedAt);
  assert.deepEqual(readComputeTime(second.dir), { seconds: (Date.parse(legacy.updatedAt) - started) / 1000, approximate: true });
});

test('a run whose checkpoint was lost starts again from the beginning and counts only its own compute time', async () => {
  const root = mkdtempSync(join(tmpdir(), 'runs-'));
  const o = { experiment: 'step1', algo: 'a2c', preset: 'smoke', seed: 0, root, overrides: [...FAST, 'iterations=6'] } as const;
  const first = await runExperiment(o, { shouldStop: () => true });
  assert.equal(first.status, 'stopped');
  writeJsonAtomic(join(first.dir, 'status.json'), { ...readStatus(first.dir), computeSeconds: 1000 });
  rmSync(join(first.dir, 'resume'), { recursive: true }); // as in a fresh checkout: resume/ is git-ignored
  const t0 = performance.now();
  const logs: string[] = [];
  const again = await runExperiment({ ...o, resume: true }, { log: (m) => logs.push(m) });
  const wallSeconds = (performance.now() - t0) / 1000;
  assert.equal(again.status, 'done');
  assert.ok(logs.some((l) => /no checkpoint yet, starting from the beginning/.test(l)), logs.join('\n'));
  const seconds = readStatus(again.dir)?.computeSeconds ?? Infinity;
  assert.ok(seconds > 0 && seconds <= wallSeconds, `restarted run: ${seconds} s recorded, ${wallSeconds} s of wall time`);
});

/** The exit code of a CLI process (its output drained). */
const exitCode = async (p: ReturnType<typeof cli>) => (await finished(p)).code;

test('a run killed with SIGKILL resumes from its checkpoint to the same end, with the same curves and no gaps or duplicates', { timeout: 300_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'runs-'));
  const args = (extra: string[]) => ['step1', '--preset', 'smoke', '--seeds', '0', '--jobs', '1', ...extra,
    ...[...FAST, 'iterations=1500', 'checkpointEvery=40', 'logEvery=3', 'evalAt=0.5'].flatMap((s) => ['--set', s])];
  // The uninterrupted reference.
  const reference = await finished(cli([...args(['--root', join(root, 'whole')])]));
  assert.equal(reference.code, 0, reference.out);
  // Interrupted: kill -9 once a checkpoint exists and training has gone past it. The run takes a few seconds; a test
  // process starved of CPU for that long can see it only once it has finished: then it starts again in a fresh root.
  let killedRoot = '', dir = '';
  for (let attempt = 1; !killedRoot; attempt++) {
    const tryRoot = join(root, `killed-${attempt}`);
    const tryDir = runDir({ experiment: 'step1', algo: 'a2c', preset: 'smoke', seed: 0, root: tryRoot });
    const p = cli(args(['--root', tryRoot]));
    const run = finished(p);
    let exited = false;
    void run.then(() => (exited = true));
    for (let i = 0; i < 600 && !exited; i++) {
      const status = existsSync(join(tryDir, 'status.json')) ? readStatus(tryDir) : undefined;
      if (status && status.unitsDone >= 80) break;
      await sleep(100);
    }
    try {
      process.kill(-p.pid!, 'SIGKILL');
    } catch {
      /* it ended meanwhile */
    }
    const out = await run;
    if (readStatus(tryDir)?.state !== 'done') {
      assert.equal(out.signal, 'SIGKILL', `the run ended before it was killed: ${out.out}`);
      killedRoot = tryRoot;
      dir = tryDir;
    } else assert.ok(attempt < 3, 'three runs in a row finished before the test could kill them');
  }
  // Without --resume it refuses to touch the unfinished run.
  const refused = await finished(cli(args(['--root', killedRoot])));
  assert.notEqual(refused.code, 0);
  assert.match(refused.out, /unfinished run .* --resume/);
  const resumed = await finished(cli(args(['--root', killedRoot, '--resume'])));
  assert.equal(resumed.code, 0, resumed.out);
  assert.equal(readStatus(dir)?.state, 'done');
  const whole = runDir({ experiment: 'step1', algo: 'a2c', preset: 'smoke', seed: 0, root: join(root, 'whole') });
  for (const f of ['train.csv', 'episode.csv']) {
    assert.equal(readFileSync(join(dir, f), 'utf8'), readFileSync(join(whole, f), 'utf8'), `${f} of the resumed run equals the uninterrupted one`);
  }
  assert.deepEqual(readFileSync(join(dir, 'final/learner-0/params.bin')), readFileSync(join(whole, 'final/learner-0/params.bin')));
});

test('SIGTERM stops a run after a checkpoint, and --resume finishes it', { timeout: 300_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'runs-'));
  const args = ['step1', '--preset', 'smoke', '--seeds', '0', '--root', root,
    ...[...FAST, 'iterations=400', 'checkpointEvery=1000'].flatMap((s) => ['--set', s])];
  const dir = runDir({ experiment: 'step1', algo: 'a2c', preset: 'smoke', seed: 0, root });
  const p = cli(args);
  for (let i = 0; i < 600 && !existsSync(join(dir, 'train.csv')); i++) await sleep(100);
  p.kill('SIGTERM');
  assert.equal(await exitCode(p), 0);
  const s = readStatus(dir)!;
  assert.equal(s.state, 'running');
  assert.ok(s.unitsDone > 0 && s.unitsDone < 400, `stopped at ${s.unitsDone}`);
  const ck = JSON.parse(readFileSync(join(dir, 'resume/checkpoint.json'), 'utf8'));
  assert.equal(ck.unitsDone, s.unitsDone, 'a checkpoint was written on SIGTERM although checkpointEvery is larger');
  const resumed = await finished(cli([...args, '--resume']));
  assert.equal(resumed.code, 0, resumed.out);
  assert.equal(readStatus(dir)!.state, 'done');
  const rows = readFileSync(join(dir, 'train.csv'), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[0]));
  assert.deepEqual(rows, Array.from({ length: 400 }, (_, i) => i + 1), 'one row per iteration, no gaps or duplicates');
});

test('--until: the estimate comes from the finished seeds (plus an unfinished dependency); a seed that would not end in time is not started', { timeout: 120_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'runs-'));
  const o = { algo: 'a2c', preset: 'smoke', root, overrides: FAST } as const;
  for (const experiment of ['step1', 'step2'] as const) {
    const r = await runExperiment({ ...o, experiment, seed: 0 });
    assert.equal(r.status, 'done');
  }
  // Pretend the finished seeds took an hour and ten minutes.
  const setCompute = (experiment: 'step1' | 'step2', seconds: number) => {
    const dir = runDir({ ...o, experiment, seed: 0 });
    writeJsonAtomic(join(dir, 'status.json'), { ...readStatus(dir)!, computeSeconds: seconds });
  };
  setCompute('step1', 3600);
  setCompute('step2', 600);
  assert.equal(estimateRemainingSeconds({ ...o, experiment: 'step1', seed: 0 }), 0, 'a finished seed needs nothing');
  assert.equal(estimateRemainingSeconds({ ...o, experiment: 'step1', seed: 1 }), 3600);
  assert.equal(estimateRemainingSeconds({ ...o, experiment: 'step2', seed: 1 }), 4200, 'step2 of seed 1 runs step1 of seed 1 first');
  assert.equal(estimateRemainingSeconds({ ...o, experiment: 'step3', seed: 1 }), undefined, 'no finished step3 seed: no estimate');

  const inFiveMinutes = new Date(Date.now() + 300_000).toISOString();
  const p = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/bin/cli.ts'), 'step1', '--preset', 'smoke', '--seeds', '1', '--root', root,
    '--until', inFiveMinutes, ...FAST.flatMap((s) => ['--set', s])], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  p.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  p.stderr!.resume();
  const code = await new Promise<number | null>((done) => p.on('close', done));
  assert.equal(code, 3, `exit code 3: a seed was left unstarted, none failed\n${out}`);
  assert.match(out, /--until \S+Z \(in 4m\d\ds\)/, 'the resolved deadline is printed');
  assert.match(out, /seed 1: not started: it needs about 1h00m \(at the slowest pace of the finished seeds and its own\), 4m\d\ds left before --until/);
  assert.ok(!existsSync(runDir({ ...o, experiment: 'step1', seed: 1 })), 'nothing was written for the skipped seed');

  // A deadline already past: the finished seed is reported as such (not cut off and counted as failed), the other not started.
  const q = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/bin/cli.ts'), 'step1', '--preset', 'smoke', '--seeds', '0,1', '--jobs', '1', '--root', root,
    '--until', new Date(Date.now() - 60_000).toISOString(), ...FAST.flatMap((s) => ['--set', s])], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let late = '';
  q.stdout!.on('data', (d: Buffer) => (late += d.toString()));
  q.stderr!.resume();
  assert.equal(await new Promise<number | null>((done) => q.on('close', done)), 3, late);
  assert.match(late, /\(already passed\)/);
  assert.match(late, /seed 0: already finished/);
  assert.match(late, /seed 1: not started: it needs about 1h00m/);
  assert.doesNotMatch(late, /failed/);
});

test('parseUntil reads HH:MM (UTC, its next occurrence) and ISO date-times, and refuses anything else', () => {
  const evening = Date.UTC(2026, 11, 3, 23, 40);
  assert.equal(parseUntil('23:55', evening), Date.UTC(2026, 11, 3, 23, 55), 'later today');
  assert.equal(parseUntil('01:30', evening), Date.UTC(2026, 11, 4, 1, 30), 'past midnight: tomorrow');
  assert.equal(parseUntil('23:40', evening), Date.UTC(2026, 11, 4, 23, 40), 'now itself is 24 h away, never in the past');
  const t = parseUntil('07:30');
  assert.ok(t > Date.now() && t <= Date.now() + 24 * 3600_000, 'within the next 24 h');
  assert.equal(new Date(t).getUTCHours(), 7);
  assert.equal(parseUntil('2026-12-01T10:00:00Z'), Date.UTC(2026, 11, 1, 10));
  assert.throws(() => parseUntil('25:00'), /not a time of day/);
  assert.throws(() => parseUntil('soon'), /neither HH:MM/);
});

test('--init-from: the learners start from saved agents (learner i from learner-<i>), recorded in config.json; misuse is refused', async () => {
  const root = mkdtempSync(join(tmpdir(), 'init-from-'));
  const mixed = await runExperiment({ experiment: 'mixed', algo: 'a2c', preset: 'smoke', seed: 0, root: join(root, 'source'), overrides: FAST });
  // With no iterations, the final weights are the starting ones: learner i's are exactly the source's learner i.
  const o = { experiment: 'mixed' as const, algo: 'a2c' as const, preset: 'smoke' as const, seed: 1, root: join(root, 'study'), overrides: [...FAST, 'iterations=0'] };
  const r = await runExperiment({ ...o, initFrom: mixed.dir });
  assert.equal(r.status, 'done');
  for (const learner of [0, 1]) {
    assert.deepEqual(readFileSync(join(r.dir, `final/learner-${learner}/params.bin`)), readFileSync(join(mixed.dir, `final/learner-${learner}/params.bin`)), `learner ${learner}`);
  }
  assert.equal(JSON.parse(readFileSync(join(r.dir, 'config.json'), 'utf8')).initialisedFrom, join(mixed.dir, 'final'));
  // A one-learner source seeds every learner; a Step-1 run from it trains on from there.
  const step1 = await runExperiment({ experiment: 'step1', algo: 'a2c', preset: 'smoke', seed: 0, root: join(root, 'source'), overrides: FAST });
  const both = await runExperiment({ ...o, seed: 2, initFrom: join(step1.dir, 'final') });
  for (const learner of [0, 1]) assert.deepEqual(readFileSync(join(both.dir, `final/learner-${learner}/params.bin`)), readFileSync(join(step1.dir, 'final/learner-0/params.bin')));
  await assert.rejects(runExperiment({ ...o, experiment: 'step3', initFrom: mixed.dir }), /--init-from: step3 already starts its learners from the step2 agent/);
  await assert.rejects(runExperiment({ ...o, seed: 3, initFrom: root }), /--init-from: no saved agents in .*looked for learner-0\/manifest.json/);
  await assert.rejects(runExperiment({ ...o, experiment: 'mixed-opponent-id', initFrom: mixed.dir }), /identity setting does not match mixed-opponent-id/);
  // An unfinished run continues only from the starting point it had.
  const cut = { ...o, seed: 4, overrides: FAST };
  const stopped = await runExperiment({ ...cut, initFrom: mixed.dir }, { shouldStop: () => true });
  assert.equal(stopped.status, 'stopped');
  await assert.rejects(runExperiment({ ...cut, resume: true }), /was started with other settings[^]*initialisedFrom \(--init-from\): ".*source.*" in config.json, \(not set\) now[^]*or discard it with --force/);
  assert.equal((await runExperiment({ ...cut, resume: true, initFrom: mixed.dir })).status, 'done');
});

test('--frozen-from: Step 2 plays against the given agent instead of its Step-1 run; misuse is refused', async () => {
  const root = mkdtempSync(join(tmpdir(), 'frozen-from-'));
  const o = { experiment: 'step2' as const, algo: 'a2c' as const, preset: 'smoke' as const, seed: 0, overrides: [...FAST, 'iterations=4'] };
  const usual = await runExperiment({ ...o, root: join(root, 'usual') }); // runs its Step 1 first
  const step1Dir = join(root, 'usual', 'step1', 'a2c', 'smoke', 'seed-0');
  // The same agent given explicitly: the same run, without a Step-1 run of its own.
  const given = await runExperiment({ ...o, root: join(root, 'given'), frozenFrom: step1Dir });
  assert.equal(given.status, 'done');
  assert.equal(existsSync(join(root, 'given', 'step1')), false);
  assert.equal(readFileSync(join(given.dir, 'train.csv'), 'utf8'), readFileSync(join(usual.dir, 'train.csv'), 'utf8'));
  const config = JSON.parse(readFileSync(join(given.dir, 'config.json'), 'utf8'));
  assert.equal(config.frozenFrom, join(step1Dir, 'final'));
  assert.equal(config.dependsOn, null);
  // Another agent (learner 1 of a mixed-pool run) is another co-player: other curves.
  const mixed = await runExperiment({ experiment: 'mixed', algo: 'a2c', preset: 'smoke', seed: 0, root: join(root, 'source'), overrides: FAST });
  const other = await runExperiment({ ...o, root: join(root, 'other'), frozenFrom: mixed.dir });
  assert.notEqual(readFileSync(join(other.dir, 'train.csv'), 'utf8'), readFileSync(join(usual.dir, 'train.csv'), 'utf8'));
  await assert.rejects(runExperiment({ ...o, experiment: 'mixed', root: join(root, 'x'), frozenFrom: mixed.dir }), /--frozen-from: only Step 2 plays against a frozen agent, not mixed/);
  await assert.rejects(runExperiment({ ...o, root: join(root, 'x'), frozenFrom: root }), /--frozen-from: no saved agents in/);
  // An unfinished run continues only against the co-player it had.
  const stopped = await runExperiment({ ...o, root: join(root, 'cut'), frozenFrom: mixed.dir, overrides: FAST }, { shouldStop: () => true });
  assert.equal(stopped.status, 'stopped');
  await assert.rejects(runExperiment({ ...o, root: join(root, 'cut'), overrides: FAST, resume: true }), /frozenFrom \(--frozen-from\): ".*" in config.json, \(not set\) now/);
});

test('config.json records paths inside the project relative to it, others as they are', () => {
  const project = resolve(__dirname, '..', '..');
  assert.equal(recordedPath(join(project, 'data', 'runs', 'step1', 'a2c', 'reduced', 'seed-0', 'final')), 'data/runs/step1/a2c/reduced/seed-0/final');
  assert.equal(recordedPath(join(tmpdir(), 'x')), join(tmpdir(), 'x'));
  assert.equal(recordedPath(project), project);
});
