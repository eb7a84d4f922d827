import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { readCsv } from '../../src/experiments/files';
import { CLAIMS, evidenceText, measure, measureProbe, verdictHtml, verdictRows, type Claim } from '../../src/report/verdicts';
import { smokeResultsTree } from './smoke-tree';

let root = '';
before(async () => {
  root = await smokeResultsTree('report-verdicts-');
});
after(() => rmSync(root, { recursive: true, force: true }));

const rows = (experiment: string, seed: number, table: string) =>
  readCsv(join(root, experiment, 'a2c', 'smoke', `seed-${seed}`, `${table}.csv`)).filter((r) => r.learner === 0);
const avg = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;

test('measureProbe: training rows (first, final, a span of training) and windows of rounds, averaged over seeds', () => {
  const runs = { experiment: 'step2' as const, algo: 'a2c' as const, preset: 'smoke' as const, root };
  const train = [0, 1].map((s) => rows('step2', s, 'train').filter((r) => r.coplayer === 'learner'));
  const final = measureProbe(runs, { table: 'train', coplayer: 'learner', field: 'coplayer_reward', at: 'final' });
  assert.deepEqual(final.seeds, [0, 1]);
  assert.ok(Math.abs((final.value as number) - avg(train.map((t) => Number(t[t.length - 1].coplayer_reward)))) < 1e-12);
  const first = measureProbe(runs, { table: 'train', coplayer: 'learner', field: 'reward', at: 'first' });
  assert.ok(Math.abs((first.value as number) - avg(train.map((t) => Number(t[0].reward)))) < 1e-12);
  // Iterations 3 and 4 of 4 are the span (0.5, 1].
  const half = measureProbe(runs, { table: 'train', coplayer: 'learner', field: 'cooperation', at: [0.5, 1] });
  const want = avg(train.map((t) => avg(t.filter((r) => Number(r.iteration) > 2).map((r) => Number(r.cooperation)))));
  assert.ok(Math.abs((half.value as number) - want) < 1e-12);
  const ep = [0, 1].map((s) => rows('step2', s, 'episode').filter((r) => r.coplayer === 'learner' && r.iteration === 4));
  const window = measureProbe(runs, { table: 'episode', coplayer: 'learner', metric: 'cooperation', at: 'final', rounds: [20, 59] });
  const wantEp = avg(ep.map((e) => avg(e.filter((r) => Number(r.round) >= 20 && Number(r.round) <= 59).map((r) => Number(r.cooperation)))));
  assert.ok(Math.abs((window.value as number) - wantEp) < 1e-12);
  assert.deepEqual(measureProbe({ ...runs, algo: 'ppi' }, { table: 'train', coplayer: 'learner', field: 'reward', at: 'final' }), { value: null, seeds: [] });
});

test('verdictRows: ours measured at the largest scale; a verdict written for another scale says so; a missing run says so', () => {
  const claim: Claim = {
    claim: 'c', paper: 'p', verdict: 'v', judgedAt: 'reduced',
    ours: [
      { label: 'A2C', experiment: 'step1', algo: 'a2c', root, probes: [{ table: 'train', coplayer: 'tabular', field: 'reward', at: 'final' }], what: 'reward' },
      { label: 'PPI', experiment: 'step1', algo: 'ppi', root, probes: [{ table: 'train', coplayer: 'tabular', field: 'reward', at: 'final' }], what: 'reward' },
    ],
  };
  const [row] = verdictRows([claim]);
  assert.match(row.ours[0], /^A2C \(smoke, seeds 0, 1\): -?\d\.\d+, reward$/);
  assert.equal(row.ours[1], 'PPI: no finished run in data/ yet');
  assert.equal(row.verdict, 'v (judged at the reduced scale; these numbers are at smoke: re-read them)');
  assert.equal(verdictRows([{ ...claim, judgedAt: 'smoke' }])[0].verdict, 'v');
  // Judged per learner: only the campaign lines of a learner whose scale moved count (PPI has no run here).
  assert.equal(verdictRows([{ ...claim, judgedAt: { a2c: 'smoke' } }])[0].verdict, 'v');
  assert.equal(verdictRows([{ ...claim, judgedAt: { a2c: 'reduced', ppi: 'smoke' } }])[0].verdict, 'v (judged at A2C reduced, PPI smoke; these numbers are at smoke: re-read them)');
  // A line judged at its own scale: it moves only when its own scale does.
  const lineJudged = { ...claim, judgedAt: 'reduced' as const, ours: [{ ...claim.ours[0], judgedAt: 'smoke' as const }, claim.ours[1]] };
  assert.equal(verdictRows([lineJudged])[0].verdict, 'v');
  assert.equal(verdictRows([{ ...lineJudged, ours: [{ ...claim.ours[0], judgedAt: 'long' as const }, claim.ours[1]] }])[0].verdict, 'v (judged at the reduced scale; these numbers are at smoke: re-read them)');
  // A study's runs keep their scale (this one is at reduced): it does not make a verdict judged at smoke move.
  const study = { label: 'study', experiment: 'mixed' as const, algo: 'a2c' as const, root: 'data/studies/a2c-mixed-long', probes: claim.ours[0].probes, what: 'reward' };
  assert.equal(measure(study).preset, 'reduced');
  assert.equal(verdictRows([{ ...claim, judgedAt: 'smoke', ours: [...claim.ours, study] }])[0].verdict, 'v');
  assert.match(verdictHtml([row]), /<th [^>]*>the paper<\/th>.*<td [^>]*><b>v \(judged/s);
  assert.equal(evidenceText({ ...measure(claim.ours[0]), values: [0.004, null] }).split(': ')[1], '0.004 → –, reward');
});

test('the notebooks\' claims read the campaign and the studies in data/ (every line finds its runs)', () => {
  for (const [nb, claims] of Object.entries(CLAIMS)) {
    for (const c of claims) for (const e of c.ours) {
      const m = measure(e);
      assert.ok(m.seeds.length > 0, `notebook ${nb}: "${e.label}" finds no finished run`);
      assert.ok(m.values.every((v) => v !== null && Number.isFinite(v)), `notebook ${nb}: "${e.label}" has an empty number`);
    }
  }
});
