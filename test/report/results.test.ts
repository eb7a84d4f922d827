import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { smokeResultsTree } from './smoke-tree';
import { readCsv } from '../../src/experiments/files';
import { curveWindows, meanCurve, parseRoundSpans, roundSpanTable, summarise, windowWidth } from '../../src/experiments/read-runs';
import { PRESETS } from '../../src/experiments/presets';
import {
  describeRuns, displayPath, episodeCurves, findRuns, formatSeeds, largestPreset, loadRecords, loadRuns, metricSeries, produceCommand,
  resolvePreset, runsNote, runsSource, SCALE_ORDER, scalesAscending, trainingCurves,
} from '../../src/report/results';
import { compareWithPaper, ourValue } from '../../src/report/comparison';
import { frameRecords } from '../../src/report/frames';

let root = '';
before(async () => {
  root = await smokeResultsTree('report-results-');
});
after(() => rmSync(root, { recursive: true, force: true }));

const csv = (experiment: string, seed: number, table: string) => readCsv(join(root, experiment, 'a2c', 'smoke', `seed-${seed}`, `${table}.csv`));

test('findRuns: finished runs by default, the stopped one only with unfinished', () => {
  assert.deepEqual(findRuns({ root, experiments: ['step1'] }).map((r) => r.seed), [0, 1]);
  assert.deepEqual(findRuns({ root, experiments: ['step1'], unfinished: true }).map((r) => r.seed), [0, 1, 2]);
  assert.equal(findRuns({ root, algos: ['ppi'] }).length, 0);
});

test('loadRuns(train): one frame across seeds and experiments, tagged columns first, every CSV row once', () => {
  const df = loadRuns({ root, table: 'train', experiments: ['step1', 'mixed'] });
  assert.ok(df);
  assert.deepEqual(df.columns.slice(0, 5), ['experiment', 'algo', 'preset', 'seed', 'iteration']);
  const expected = [0, 1].reduce((n, s) => n + csv('step1', s, 'train').length + csv('mixed', s, 'train').length, 0);
  assert.equal(df.shape[0], expected);
  // danfo's groupby across seeds agrees with the mean of the CSV rows.
  const g = frameRecords(df.groupby(['experiment', 'coplayer']).col(['reward']).mean());
  const mixedLearner = g.find((r) => r.experiment === 'mixed' && r.coplayer === 'learner');
  const rows = [0, 1].flatMap((s) => csv('mixed', s, 'train').filter((r) => r.coplayer === 'learner'));
  const mean = rows.reduce((a, r) => a + Number(r.reward), 0) / rows.length;
  assert.ok(mixedLearner && Math.abs(Number(mixedLearner.reward_mean) - mean) < 1e-9);
  assert.equal(loadRuns({ root, table: 'train', algos: ['ppi'] }), null, 'null when no run matches');
});

test('loadRuns(episode): evaluations named before/snapshot/final; at: picks one per seed; filters by learner and co-player', () => {
  const all = loadRecords({ root, table: 'episode', experiments: ['step1'] });
  const names = new Map(all.map((r) => [Number(r.iteration), r.evaluation]));
  assert.deepEqual([...names.entries()].sort((a, b) => a[0] - b[0]), [[0, 'before'], [2, 'snapshot'], [4, 'final']]);
  for (const [at, unit] of [['before', 0], ['snapshot', 2], ['final', 4]] as const) {
    const rows = loadRecords({ root, table: 'episode', experiments: ['mixed'], at, learner: 1, coplayers: ['tft'] });
    assert.equal(rows.length, 2 * 100, `${at}: 2 seeds x 100 rounds`);
    assert.ok(rows.every((r) => r.iteration === unit && r.learner === 1 && r.coplayer === 'tft'));
  }
  const end = loadRecords({ root, table: 'train', experiments: ['step1'], at: 'final' });
  assert.ok(end.length === 2 && end.every((r) => r.iteration === 4));
  assert.throws(() => loadRecords({ root, table: 'train', experiments: ['step1'], at: 'snapshot' }), /no 'snapshot' evaluation/);
});

test('trainingCurves / episodeCurves: one curve per seed on a common x, equal to the CSV values', () => {
  const set = { experiment: 'step2' as const, algo: 'a2c' as const, preset: 'smoke' as const, root };
  const t = trainingCurves(set, { coplayer: 'learner' });
  assert.ok(t);
  assert.deepEqual(t.x, [1, 2, 3, 4]);
  assert.deepEqual(t.seeds, [0, 1]);
  assert.equal(t.totalUnits, 4);
  const rows1 = csv('step2', 1, 'train').filter((r) => r.learner === 0 && r.coplayer === 'learner');
  assert.deepEqual(t.coplayerCooperation[1], rows1.map((r) => r.coplayer_cooperation));
  const e = episodeCurves(set, { coplayer: 'learner', at: 'final' });
  assert.ok(e);
  assert.equal(e.x.length, 100);
  assert.deepEqual(e.evaluatedAt, [4, 4]);
  const ep0 = csv('step2', 0, 'episode').filter((r) => r.iteration === 4 && r.coplayer === 'learner');
  assert.deepEqual(e.reward[0], ep0.map((r) => r.reward));
  const s = metricSeries(e, 'Fixed-ICL', 'coplayer', { dash: 'dot' });
  assert.equal(s.reward, e.coplayerReward);
  assert.equal(s.dash, 'dot');
  assert.equal(trainingCurves({ ...set, algo: 'ppi' }, { coplayer: 'learner' }), null);
  // The unfinished seed is left out unless asked for; then every seed keeps its own length (NaN after its last row).
  const withStopped = trainingCurves({ ...set, experiment: 'step1', unfinished: true }, { coplayer: 'tabular' });
  assert.ok(withStopped);
  assert.deepEqual(withStopped.seeds, [0, 1, 2]);
  assert.deepEqual(withStopped.x, [1, 2, 3, 4]);
  assert.ok(withStopped.reward[0].every(Number.isFinite));
  assert.ok(Number.isFinite(withStopped.reward[2][0]));
  assert.deepEqual(withStopped.reward[2].slice(1), [NaN, NaN, NaN]);
});

test('describeRuns and the notes: seeds, the unfinished run, commit and settings; the command for a missing run', () => {
  const d = describeRuns({ root, experiments: ['step1'] });
  assert.equal(d.length, 1);
  assert.equal(d[0].finished, '0, 1');
  assert.equal(d[0].finished_count, 2);
  assert.match(d[0].unfinished, /^2 \(1\/4\)$/);
  assert.equal(d[0].unit, 'iteration');
  assert.equal(d[0].units, 4);
  assert.match(d[0].commit, /^([0-9a-f]{7}(\+dirty)?|unknown)?$/);
  assert.match(d[0].settings, /iterations=4, batchEpisodes=8, hiddenSize=16, embedSize=8.*overrides: hiddenSize=16 embedSize=8/);
  assert.match(runsNote({ experiment: 'step1', algo: 'a2c', preset: 'smoke', root }), /^step1\/a2c\/smoke: seeds 0, 1 finished .*still running: seed 2/);
  assert.match(runsSource({ experiment: 'mixed', algo: 'a2c', preset: 'smoke', root }) ?? '', /^mixed\/a2c\/smoke, seeds 0, 1, code /);
  assert.equal(runsSource({ experiment: 'mixed', algo: 'ppi', preset: 'smoke', root }), null);
  assert.match(runsNote({ experiment: 'step3', algo: 'ppi', preset: 'reduced', root }),
    /no finished run in .*Produce it with: npm run experiment -- step3 --algo ppi --preset reduced --seeds 0-4$/);
  assert.equal(produceCommand('mixed', 'a2c', 'reduced', '0-9'), 'npm run experiment -- mixed --algo a2c --preset reduced --seeds 0-9');
  assert.equal(formatSeeds([4, 0, 1, 2, 7, 8]), '0–2, 4, 7, 8');
  assert.match(runsNote({ experiment: 'mixed-no-tabular', algo: 'ppi', preset: 'paper' }), /^mixed-no-tabular\/ppi\/paper: .*in data\/runs\/mixed-no-tabular\/ppi\/paper[ .]/, 'data/ paths print relative to the project');
  assert.equal(displayPath('/elsewhere/x'), '/elsewhere/x');
});

test('compareWithPaper: our values per summary key agree with the runner\'s own summary', () => {
  const s = summarise('step1', 'a2c', 'smoke', root);
  const set = { experiment: 'step1' as const, algo: 'a2c' as const, preset: 'smoke' as const, root };
  const close = (a: number | undefined, b: number) => assert.ok(a !== undefined && Math.abs(a - b) < 1e-9, `${a} vs ${b}`);
  close(ourValue(set, 'train.tabular.reward')?.mean, s.train.tabular.reward.mean);
  close(ourValue(set, 'train.tabular.coplayerCooperation')?.std, s.train.tabular.coplayerCooperation.std);
  close(ourValue(set, 'episode.tft.late.cooperation')?.mean, s.episode.tft.late.cooperation);
  close(ourValue(set, 'episode.allc.early.reward')?.mean, s.episode.allc.early.reward);
  close(ourValue(set, 'episode.tft.mid.cooperation')?.mean, s.episode.tft.mid.cooperation);
  assert.equal(ourValue(set, 'snapshot.tft.late.reward')?.seeds, 2);
  assert.throws(() => ourValue(set, 'train.tabular'), /not a summary key/);
  const rows = compareWithPaper(set);
  const reward = rows.find((r) => r.key === 'train.tabular.reward');
  assert.ok(reward);
  assert.equal(reward.paper, 1.02);
  assert.equal(reward.tag, 'F');
  close(reward.ours_mean ?? undefined, s.train.tabular.reward.mean);
  assert.ok(compareWithPaper({ ...set, algo: 'ppi' }).every((r) => r.ours_mean === null && r.seeds === 0));
  assert.ok(readFileSync(join(root, 'step1', 'a2c', 'smoke', 'seed-0', 'config.json'), 'utf8').includes('"hiddenSize": 16'));
});

test('curveWindows: learner 0\'s curve per seed in windows of units, unfinished runs included', () => {
  const curves = curveWindows('step1', 'a2c', 'smoke', 2, root);
  assert.deepEqual(curves.map((c) => [c.seed, c.done]), [[0, true], [1, true], [2, false]]);
  const rows = readCsv(join(root, 'step1', 'a2c', 'smoke', 'seed-1', 'train.csv')).filter((r) => r.learner === 0 && r.coplayer === 'tabular');
  const units = rows.map((r) => Number(r.iteration));
  assert.equal(curves[1].last, Math.max(...units));
  assert.equal(curves[1].unitName, 'iteration');
  assert.equal(curves[1].logEvery, 1);
  const windows = curves[1].windows.tabular;
  assert.deepEqual(windows.map((w) => [w.from, w.to]), [[0, 2], [2, 4]]);
  const inWindow = (lo: number, hi: number) => rows.filter((r) => Number(r.iteration) > lo && Number(r.iteration) <= hi);
  for (const w of windows) {
    const sel = inWindow(w.from, w.to);
    assert.equal(w.rows, sel.length);
    assert.ok(Math.abs(w.cooperation - sel.reduce((a, r) => a + Number(r.cooperation), 0) / sel.length) < 1e-12);
    assert.ok(Math.abs(w.reward - sel.reduce((a, r) => a + Number(r.reward), 0) / sel.length) < 1e-12);
  }
  assert.ok(curves[2].last < 4 && curves[2].windows.tabular.length === 1, 'the stopped run has only its first window');
  assert.throws(() => curveWindows('step1', 'a2c', 'smoke', 0, root), /whole number of units ≥ 1, got 0/);
  const mean = meanCurve(curves);
  assert.deepEqual(mean.seeds, [0, 1], 'the stopped run is left out');
  const w0 = curves[0].windows.tabular[0];
  assert.ok(Math.abs(mean.windows.tabular[0].cooperation - (w0.cooperation + windows[0].cooperation) / 2) < 1e-12);
  assert.deepEqual([windowWidth(20_000, 50), windowWidth(3_500, 50), windowWidth(12, 1), windowWidth(4, 1), windowWidth(40, 1)], [2000, 350, 1, 1, 4]);
});

test('roundSpanTable: the per-round evaluation of every seed averaged over spans of rounds, at the last or a chosen evaluation', () => {
  assert.deepEqual(parseRoundSpans('0,1-4, 5-19,20-99'), [{ from: 0, to: 0 }, { from: 1, to: 4 }, { from: 5, to: 19 }, { from: 20, to: 99 }]);
  assert.throws(() => parseRoundSpans('0,4-2'), /'4-2' ends before it starts/);
  assert.throws(() => parseRoundSpans('0-9,5-19'), /ascend without overlapping: 0-9 then 5-19/);
  assert.throws(() => parseRoundSpans('0,late'), /'late' is not a round or a span/);
  const spans = parseRoundSpans('0,1-9,10-99');
  const rows = roundSpanTable('step1', 'a2c', 'smoke', spans, { root });
  assert.deepEqual([...new Set(rows.map((r) => `${r.seed}:${r.done}:${r.unit}`))], ['0:true:4', '1:true:4', '2:false:0'], 'finished runs at their final evaluation, the stopped one at its last');
  const episode = csv('step1', 1, 'episode');
  for (const r of rows.filter((r) => r.seed === 1)) {
    assert.deepEqual(r.spans.map((s) => [s.from, s.to]), [[0, 0], [1, 9], [10, 99]]);
    for (const s of r.spans) {
      const sel = episode.filter((e) => e.iteration === 4 && e.learner === r.learner && e.coplayer === r.coplayer && Number(e.round) >= s.from && Number(e.round) <= s.to);
      assert.equal(sel.length, s.to - s.from + 1, `${r.coplayer} ${s.from}-${s.to}`);
      for (const [key, col] of [['reward', 'reward'], ['cooperation', 'cooperation'], ['coplayerReward', 'coplayer_reward'], ['coplayerCooperation', 'coplayer_cooperation']] as const) {
        assert.ok(Math.abs(s[key] - sel.reduce((a, e) => a + Number(e[col]), 0) / sel.length) < 1e-12, `${r.coplayer} ${key}`);
      }
    }
  }
  const atTwo = roundSpanTable('step1', 'a2c', 'smoke', spans, { root, at: 2 });
  assert.deepEqual([...new Set(atTwo.map((r) => r.seed))], [0, 1], 'the stopped run has no evaluation at iteration 2');
  assert.ok(atTwo.every((r) => r.unit === 2));
  // The command prints one line per seed, learner and co-player under a header of the spans.
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(__dirname, '../../src/bin/summary.ts'), 'step1', '--algo', 'a2c', '--preset', 'smoke', '--root', root, '--rounds', '0,1-9,10-99'], { encoding: 'utf8' });
  const lines = out.trim().split('\n');
  assert.match(lines[1], /^seed\s+at\s+learner\s+coplayer\s+rounds 0\s+rounds 1-9\s+rounds 10-99$/);
  assert.equal(lines.length, 2 + rows.length);
  assert.ok(lines.some((l) => /^2\s+iteration 0 \(unfinished\)/.test(l)));
});

test('the largest scale present: per experiment and algorithm, smoke < reduced < long < paper, whatever presets exist', () => {
  assert.deepEqual(SCALE_ORDER, ['smoke', 'reduced', 'long', 'paper']);
  assert.deepEqual(scalesAscending(), SCALE_ORDER.filter((p) => (PRESETS as readonly string[]).includes(p)), 'a scale not defined (yet) is skipped');
  assert.equal(largestPreset('step1', 'a2c', root), 'smoke');
  assert.equal(largestPreset('step1', 'ppi', root), null);
  assert.equal(resolvePreset('largest', 'step1', 'ppi', root), 'reduced', 'the fallback, whose command the notes print');
  // A larger run of Step 1 (a copy of seed 0 filed under "paper"): Step 1 now reads it, Step 2 still reads smoke.
  const bigger = join(root, 'step1', 'a2c', 'paper', 'seed-0');
  cpSync(join(root, 'step1', 'a2c', 'smoke', 'seed-0'), bigger, { recursive: true });
  try {
    assert.equal(largestPreset('step1', 'a2c', root), 'paper');
    const runs = findRuns({ root, presets: 'largest', experiments: ['step1', 'step2'], algos: ['a2c'] });
    assert.deepEqual(runs.map((r) => `${r.experiment}/${r.preset}/${r.seed}`), ['step1/paper/0', 'step2/smoke/0', 'step2/smoke/1']);
    assert.match(runsNote({ experiment: 'step1', algo: 'a2c', preset: 'largest', root }), /^step1\/a2c\/paper: seed 0 finished/);
    assert.match(runsNote({ experiment: 'step1', algo: 'ppi', preset: 'largest', root }), /^step1\/ppi\/reduced: no finished run .* --preset reduced/);
  } finally {
    rmSync(join(root, 'step1', 'a2c', 'paper'), { recursive: true, force: true });
  }
});
