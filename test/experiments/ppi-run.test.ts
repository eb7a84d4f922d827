import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXPERIMENTS } from '../../src/experiments/experiments';
import { ppiPreset, RUN_SETTINGS } from '../../src/experiments/presets';
import { applyOverrides, estimateRemainingSeconds, resolveSettings, runDir, runExperiment } from '../../src/experiments/run';
import { readCsv, writeJsonAtomic } from '../../src/experiments/files';
import { checkFinishedRun, readStatus } from '../../src/experiments/run-state';
import { loadAgent } from '../../src/learners/saved';
import { PPI_PAPER } from '../../src/learners/ppi';

// Tiny networks and short runs: every experiment in a few seconds.
const FAST = ['hiddenSize=16', 'embedSize=8', 'rolloutRounds=4', 'evalEpisodes=4'];

test('a smoke run of every PPI experiment writes curves, evaluations, and final weights plus data set; Step 3 starts from the Step-2 data', async () => {
  const root = mkdtempSync(join(tmpdir(), 'ppi-runs-'));
  const logs: string[] = [];
  for (const experiment of EXPERIMENTS) {
    const r = await runExperiment({ experiment, algo: 'ppi', preset: 'smoke', seed: 0, root, overrides: FAST }, { log: (m) => logs.push(m) });
    assert.equal(r.status, 'done', experiment);
    for (const f of ['config.json', 'train.csv', 'episode.csv', 'final/learner-0/manifest.json', 'final/learner-0/ppi-data.bin']) {
      assert.ok(existsSync(join(r.dir, f)), `${experiment}: ${f}`);
    }
    const train = readCsv(join(r.dir, 'train.csv'));
    const smoke = ppiPreset(experiment, 'smoke');
    assert.deepEqual([...new Set(train.map((row) => row.phase))], [1, 2], `${experiment}: one row group per phase`);
    for (const row of train) {
      for (const k of ['loss', 'obsLoss', 'rewardLoss', 'actionLoss']) assert.ok(Number.isFinite(row[k] as number), `${experiment}: ${k}`);
    }
    // Wall-clock seconds go to timing.csv, one row per phase and learner, never to train.csv (compared byte for byte).
    const timing = readCsv(join(r.dir, 'timing.csv'));
    assert.deepEqual(Object.keys(timing[0]), ['phase', 'learner', 'unitSeconds', 'refitSeconds', 'rolloutSeconds'], experiment);
    assert.equal(timing.length, 2 * new Set(train.map((row) => row.learner)).size, experiment);
    for (const row of timing) for (const k of ['unitSeconds', 'refitSeconds', 'rolloutSeconds']) assert.ok((row[k] as number) >= 0, `${experiment}: ${k}`);
    assert.ok(!Object.keys(train[0]).some((k) => /Seconds$/.test(k)), `${experiment}: no timings in train.csv`);
    const episode = readFileSync(join(r.dir, 'episode.csv'), 'utf8');
    for (const co of ['allc', 'alld', 'tft', 'tabular']) assert.match(episode, new RegExp(`,${co},`), `${experiment} evaluated against ${co}`);
    if (experiment !== 'step1') assert.match(episode, /,learner,/, `${experiment} evaluated against the learning/frozen co-player`);
    // The data set of the final agent: D0 (or Step 2's data) plus one batch of episodes per phase, 25 bytes each.
    const manifest = JSON.parse(readFileSync(join(r.dir, 'final/learner-0/manifest.json'), 'utf8'));
    const perPhase = smoke.episodesPerPhase;
    if (experiment !== 'step3') {
      assert.equal(manifest.extra.data.episodes, smoke.pretrainEpisodes + 2 * perPhase, experiment);
      assert.equal(train.find((row) => row.phase === 1)!.dataEpisodes, smoke.pretrainEpisodes);
    }
    assert.equal(readFileSync(join(r.dir, 'final/learner-0/ppi-data.bin')).length, manifest.extra.data.episodes * 25 + (experiment === 'mixed-opponent-id' ? manifest.extra.data.episodes * 40 : 0));
  }
  assert.ok(logs.some((l) => /step2 seed 0: using the step1 agent at .*step1\/ppi\/smoke\/seed-0\/final/.test(l)), logs.join('\n'));
  // Step 3's learners refit at phase 1 on the Step-2 agent's whole data set.
  const step2 = JSON.parse(readFileSync(join(runDir({ experiment: 'step2', algo: 'ppi', preset: 'smoke', seed: 0, root }), 'final/learner-0/manifest.json'), 'utf8'));
  const step3 = readCsv(join(runDir({ experiment: 'step3', algo: 'ppi', preset: 'smoke', seed: 0, root }), 'train.csv'));
  for (const learner of [0, 1]) assert.equal(step3.find((row) => row.phase === 1 && row.learner === learner)!.dataEpisodes, step2.extra.data.episodes);

  // A finished run without its learners' data sets (what git keeps of runs nothing starts from) still counts as done
  // and its agents still play; reading the data set is an error naming it; a data set that is there must match.
  const mixed = runDir({ experiment: 'mixed', algo: 'ppi', preset: 'smoke', seed: 0, root });
  const check = () => checkFinishedRun(mixed, readStatus(mixed)!).problem;
  truncateSync(join(mixed, 'final/learner-1/ppi-data.bin'), 10);
  assert.match(check() ?? '', /learner-1\/ppi-data\.bin holds 10 bytes, not the \d+ recorded in status\.json/);
  for (const learner of [0, 1]) rmSync(join(mixed, `final/learner-${learner}/ppi-data.bin`));
  assert.equal(check(), undefined);
  assert.equal(loadAgent(join(mixed, 'final/learner-0')).algo, 'ppi');
  assert.throws(() => loadAgent(join(mixed, 'final/learner-0'), { data: true }), /learner-0\/ppi-data\.bin is missing \(the PPI learner's data set\)/);
  rmSync(join(mixed, 'final/learner-0/params.bin'));
  assert.match(check() ?? '', /learner-0\/params\.bin is missing/);
});

test('a PPI run stopped after a phase and resumed equals the uninterrupted run (curves, final weights and data)', async () => {
  const root = mkdtempSync(join(tmpdir(), 'ppi-resume-'));
  const o = { experiment: 'mixed' as const, algo: 'ppi' as const, preset: 'smoke' as const, seed: 3, overrides: [...FAST, 'phases=3', 'checkpointEvery=10', 'evalAt=0,0.4'] };
  await runExperiment({ ...o, root: join(root, 'whole') });
  let units = 0;
  const stopped = await runExperiment({ ...o, root: join(root, 'cut') }, { shouldStop: () => ++units >= 1 });
  assert.equal(stopped.status, 'stopped');
  assert.equal(stopped.unitsDone, 1);
  const resumed = await runExperiment({ ...o, root: join(root, 'cut'), resume: true });
  assert.equal(resumed.status, 'done');
  const whole = runDir({ ...o, root: join(root, 'whole') }), cut = runDir({ ...o, root: join(root, 'cut') });
  for (const f of ['train.csv', 'episode.csv']) assert.equal(readFileSync(join(cut, f), 'utf8'), readFileSync(join(whole, f), 'utf8'), f);
  for (const f of ['params.bin', 'ppi-data.bin']) {
    for (const learner of [0, 1]) assert.deepEqual(readFileSync(join(cut, `final/learner-${learner}`, f)), readFileSync(join(whole, `final/learner-${learner}`, f)), `learner ${learner} ${f}`);
  }
});

test('--extend lengthens a finished PPI run to what the longer run computes; it is refused without the flag, to fewer phases, without the data set, and under a later step', async () => {
  const root = mkdtempSync(join(tmpdir(), 'ppi-extend-'));
  const o = { experiment: 'mixed' as const, algo: 'ppi' as const, preset: 'smoke' as const, seed: 4, overrides: [...FAST, 'evalAt=0,0.5'] };
  const longer = [...o.overrides, 'phases=4'];
  const whole = runDir({ ...o, root: join(root, 'whole') }), short = runDir({ ...o, root: join(root, 'short') });
  await runExperiment({ ...o, root: join(root, 'whole'), overrides: longer });
  assert.equal((await runExperiment({ ...o, root: join(root, 'short') })).status, 'done');
  const spare = join(root, 'spare');
  cpSync(join(root, 'short'), spare, { recursive: true });
  // --until's estimate for a lengthening: no other seed is that long, so the run's own pace (100 s for 2 phases).
  writeJsonAtomic(join(short, 'status.json'), { ...readStatus(short)!, computeSeconds: 100 });
  assert.equal(estimateRemainingSeconds({ ...o, root: join(root, 'short'), overrides: longer, extend: true }), 100);
  assert.equal(estimateRemainingSeconds({ ...o, root: join(root, 'short'), overrides: longer }), 0, 'without --extend it is done');
  const finishedAt2 = readFileSync(join(short, 'status.json'), 'utf8');

  // A finished run with other settings is not "already done": refused, saying how to lengthen it.
  await assert.rejects(runExperiment({ ...o, root: join(root, 'short'), overrides: longer, resume: true }),
    /mixed\/ppi\/smoke\/seed-4 was run with phases=2 \(.*config\.json\), this command asks for 4: lengthen it to 4 phases with --extend/);
  await assert.rejects(runExperiment({ ...o, root: join(root, 'short'), overrides: [...o.overrides, 'phases=1'], extend: true }), /a run is never shortened/);
  await assert.rejects(runExperiment({ ...o, root: join(root, 'short'), overrides: [...longer, 'beta=2'], extend: true }),
    /finished with other settings than this command's .*\n {2}ppi\.phases: 2 in config\.json, 4 now\n {2}ppi\.beta: 1 in config\.json, 2 now\n/);
  assert.equal(readFileSync(join(short, 'status.json'), 'utf8'), finishedAt2, 'a refusal writes nothing');

  const logs: string[] = [];
  const r = await runExperiment({ ...o, root: join(root, 'short'), overrides: longer, extend: true }, { log: (m) => logs.push(m) });
  assert.deepEqual([r.status, r.unitsDone], ['done', 4]);
  assert.ok(logs.some((l) => /finished at phase 2; lengthening it to 4 \(--extend\)/.test(l)), logs.join('\n'));
  // Phases 3-4 are the longer run's, byte for byte: curves, weights and data sets.
  assert.equal(readFileSync(join(short, 'train.csv'), 'utf8'), readFileSync(join(whole, 'train.csv'), 'utf8'));
  for (const learner of [0, 1]) {
    for (const f of ['params.bin', 'ppi-data.bin']) assert.ok(readFileSync(join(short, `final/learner-${learner}`, f)).equals(readFileSync(join(whole, `final/learner-${learner}`, f))), `learner ${learner} ${f}`);
  }
  // Evaluations: the longer run's (phases 0, 2, 4) plus the one the short run made at its end (phase 1 of 2).
  const episodes = (dir: string) => readCsv(join(dir, 'episode.csv'));
  assert.deepEqual([...new Set(episodes(short).map((e) => e.phase))], [0, 1, 2, 4]);
  assert.deepEqual(episodes(short).filter((e) => e.phase !== 1), episodes(whole));
  const config = JSON.parse(readFileSync(join(short, 'config.json'), 'utf8'));
  assert.equal(config.ppi.phases, 4);
  assert.deepEqual(config.resumed.map((s: { extended?: unknown }) => s.extended), [{ from: 2, to: 4 }]);
  const status = readStatus(short)!;
  assert.deepEqual([status.state, status.unitsDone, status.totalUnits], ['done', 4, 4]);
  assert.equal(checkFinishedRun(short, status).problem, undefined);
  assert.ok(!existsSync(join(short, 'resume')), 'no checkpoint left');
  // While a run is lengthened, final/ is gone (its agents are in the checkpoint): nothing reads the shorter run's as its.
  const paused = join(root, 'paused');
  cpSync(join(root, 'spare'), paused, { recursive: true });
  const stopped = await runExperiment({ ...o, root: paused, overrides: longer, extend: true }, { shouldStop: () => true });
  assert.deepEqual([stopped.status, stopped.unitsDone], ['stopped', 3]);
  assert.ok(!existsSync(join(runDir({ ...o, root: paused }), 'final')), 'final/ removed while the run is running again');
  assert.equal((await runExperiment({ ...o, root: join(root, 'short'), overrides: longer, extend: true })).status, 'already-done');

  // Without its data sets (git keeps Step 2's alone) final/ is not the whole state: refused, naming the file.
  const spareDir = runDir({ ...o, root: spare });
  rmSync(join(spareDir, 'final/learner-1/ppi-data.bin'));
  await assert.rejects(runExperiment({ ...o, root: spare, overrides: longer, extend: true }), /learner-1\/ppi-data\.bin is not there/);

  // A run that a later step starts from stays as that step found it, and so does one a study started from.
  const chain = join(root, 'chain');
  const step = (experiment: 'step1' | 'step2', more: string[] = [], extend = false) =>
    runExperiment({ experiment, algo: 'ppi', preset: 'smoke', seed: 4, root: chain, overrides: [...FAST, ...more], extend });
  await step('step1');
  await step('step2');
  await assert.rejects(step('step1', ['phases=3'], true), /--extend: .*step2\/ppi\/smoke\/seed-4 starts from the agents of step1\/ppi\/smoke\/seed-4/);
  const step1Dir = runDir({ experiment: 'step1', algo: 'ppi', preset: 'smoke', seed: 4, root: chain });
  rmSync(runDir({ experiment: 'step2', algo: 'ppi', preset: 'smoke', seed: 4, root: chain }), { recursive: true });
  await runExperiment({ experiment: 'mixed', algo: 'ppi', preset: 'smoke', seed: 0, root: chain, overrides: FAST, initFrom: step1Dir });
  await assert.rejects(step('step1', ['phases=3'], true), /--extend: .*mixed\/ppi\/smoke\/seed-0 starts from the agents of step1/);
  rmSync(root, { recursive: true, force: true });
});

test('a real SIGTERM that arrives during a PPI phase stops the run after that phase, even when the phase runs in the poll phase of the event loop', { timeout: 120_000 }, async () => {
  // The fixture sends itself the signal from inside phase 1, which it runs from an I/O callback. Before the fix
  // (one setImmediate turn before asking) this run went on to phase 2: a resumed seed ignored a park for one phase.
  const root = mkdtempSync(join(tmpdir(), 'ppi-stop-'));
  const fixture = join(__dirname, 'fixtures', 'signal-during-phase.ts');
  const out = execFileSync(process.execPath, ['--import', 'tsx', fixture, root], { encoding: 'utf8', env: { ...process.env, ICL_THREADS: '1' } });
  const r = JSON.parse(out.trim().split('\n').pop()!);
  assert.deepEqual(r, { sent: true, status: 'stopped', unitsDone: 1 }, 'stopped after the phase during which the signal came, not one phase later');
  assert.equal(readStatus(runDir({ experiment: 'step1', algo: 'ppi', preset: 'smoke', seed: 1, root }))!.unitsDone, 1);
  rmSync(root, { recursive: true, force: true });
});

test('a PPI run reports progress inside its phases (D0 pretraining, refits, acting, evaluations) and that changes no result', async () => {
  const root = mkdtempSync(join(tmpdir(), 'ppi-progress-'));
  const o = { experiment: 'mixed' as const, algo: 'ppi' as const, preset: 'smoke' as const, seed: 5, overrides: [...FAST, 'evalAt=0'] };
  await runExperiment({ ...o, root: join(root, 'quiet') });
  const messages: string[] = [];
  await runExperiment({ ...o, root: join(root, 'watched') }, { onProgress: (p) => { if (p.message) messages.push(`${p.done}: ${p.message}`); } });
  const has = (re: RegExp) => assert.ok(messages.some((m) => re.test(m)), `${re} in\n${messages.join('\n')}`);
  has(/^0: pretraining learner 1 on D0 (\d+)\/\1$/);
  has(/^0: evaluation at phase 0, learner 2 500\/500$/); // 5 co-players × 100 rounds
  has(/^0: acting 300\/300$/); // phase 1: three matchups (1 vs 2, each vs tabular) of 100 rounds
  has(/^1: refit learner 2 (\d+)\/\1$/);
  for (const m of messages) {
    const [, done, total] = /(\d+)\/(\d+)$/.exec(m)!;
    assert.ok(Number(done) >= 1 && Number(done) <= Number(total), m);
  }
  // The refit's reported total is its number of updates (train.csv of phase 2).
  const train = readCsv(join(runDir({ ...o, root: join(root, 'watched') }), 'train.csv'));
  const refit = messages.filter((m) => m.startsWith('1: refit learner 2 ')).pop()!;
  assert.equal(Number(/\/(\d+)$/.exec(refit)![1]), train.find((r) => r.phase === 2 && r.learner === 1)!.updates);
  for (const f of ['train.csv', 'episode.csv']) {
    const read = (run: string) => readFileSync(join(runDir({ ...o, root: join(root, run) }), f), 'utf8');
    assert.equal(read('watched'), read('quiet'), f);
  }
});

test('a resumed run paces its progress by its earlier sessions until it finishes a unit, then by this session', async () => {
  const root = mkdtempSync(join(tmpdir(), 'ppi-eta-'));
  const o = { experiment: 'step1' as const, algo: 'ppi' as const, preset: 'smoke' as const, seed: 2, root, overrides: [...FAST, 'phases=3', 'evalAt=0'] };
  const first = await runExperiment(o, { shouldStop: () => true });
  assert.equal(first.unitsDone, 1);
  // One phase held in 1,000 s of earlier compute: 0.001 phases a second, 2,000 s for the two left.
  writeJsonAtomic(join(first.dir, 'status.json'), { ...readStatus(first.dir)!, computeSeconds: 1000 });
  const seen: { done: number; rate: number; eta: number; inside: boolean }[] = [];
  await runExperiment({ ...o, resume: true }, { onProgress: (p) => seen.push({ done: p.done, rate: p.rate, eta: p.eta, inside: p.message !== undefined }) });
  const before = seen.filter((p) => p.done === 1);
  assert.ok(before.length > 0 && before.every((p) => p.inside), 'progress inside phase 2 is reported');
  for (const p of before) {
    assert.equal(p.rate, 1 / 1000);
    assert.equal(p.eta, 2000);
  }
  // After phase 2 the rate is this session's own: a smoke phase takes seconds, not 1,000.
  const after = seen.find((p) => p.done === 2)!;
  assert.ok(after.rate > 0.01 && Number.isFinite(after.eta) && after.eta < 100, JSON.stringify(after));
  // A run without earlier sessions has no pace before its first unit.
  const fresh: number[] = [];
  await runExperiment({ ...o, seed: 3, overrides: [...o.overrides, 'phases=1'] }, { onProgress: (p) => { if (p.done === 0) fresh.push(p.rate); } });
  assert.ok(fresh.length > 0 && fresh.every((r) => r === 0), String(fresh));
  rmSync(root, { recursive: true, force: true });
});

test('PPI settings: the paper preset is the paper\'s sizes, overrides are validated by name', () => {
  const paper = ppiPreset('mixed', 'paper');
  assert.equal(paper, PPI_PAPER);
  const reduced = ppiPreset('step1', 'reduced');
  for (const k of ['epochs', 'batchEpisodes', 'weightDecay', 'adamBeta1', 'adamBeta2', 'maxGradNorm', 'beta', 'hiddenSize', 'embedSize', 'rolloutRounds'] as const) assert.equal(reduced[k], PPI_PAPER[k], k);
  assert.throws(() => applyOverrides('ppi', paper, RUN_SETTINGS.smoke, ['rollouts=3']), /unknown setting 'rollouts' for ppi; allowed: pretrainEpisodes, episodesPerPhase/);
  assert.throws(() => applyOverrides('ppi', paper, RUN_SETTINGS.smoke, ['beta=-1']), /invalid ppi settings: beta/);
  // A row of train.csv and a checkpoint after every phase (the shared A2C settings log every 20–100 units).
  for (const p of ['paper', 'reduced'] as const) {
    const run = resolveSettings({ experiment: 'step1', algo: 'ppi', preset: p, seed: 0 }).run;
    assert.deepEqual([run.logEvery, run.checkpointEvery], [1, 1], p);
  }
  assert.ok(Math.abs(resolveSettings({ experiment: 'mixed', algo: 'ppi', preset: 'paper', seed: 0 }).run.evalAt[1] * 30 - 8) < 1e-9, 'Fig. 3: phase 8 of 30');
  const ok = applyOverrides('ppi', paper, RUN_SETTINGS.smoke, ['beta=0.01', 'rolloutsPerAction=3']);
  assert.equal(ok.learner.beta, 0.01);
  assert.equal(ok.learner.rolloutsPerAction, 3);
});
