import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { Figure, Trace } from '../../src/report/figures';
import {
  mixedPoolFigure, snapshotEpisodeFigure, stepOneEpisodeFigure, stepOneTrainingFigure, stepThreeEpisodeFigure, stepThreeTrainingFigure,
  stepTwoEpisodeFigure, stepTwoTrainingFigure,
} from '../../src/report/paper-figures';
import { FAST, smokeResultsTree } from './smoke-tree';

let root = '';
before(async () => {
  root = await smokeResultsTree('report-figures-');
});
after(() => rmSync(root, { recursive: true, force: true }));

const names = (fig: Figure | null): string[] => [...new Set((fig?.data ?? []).map((t: Trace) => String(t.name)))];
const trace = (fig: Figure | null, name: string, axis = 'x'): Trace | undefined => fig?.data.find((t) => t.name === name && t.xaxis === axis);

test('Fig. 4A from smoke runs: ours (2 seeds, bands), the paper\'s values on its own axis in a row below, the pool ceilings', () => {
  const f = stepOneTrainingFigure({ preset: 'smoke', root }, 'a2c');
  assert.equal(f.id, 'Fig. 4A');
  assert.ok(f.figure);
  for (const n of ['A2C', 'Avg. Tabular', 'A2C (paper)', 'Avg. Tabular (paper)', 'Always-Defect vs pool (exact)']) assert.ok(names(f.figure).includes(n), n);
  assert.ok(f.figure.data.some((t) => t.name === 'A2C ± std'), 'a band across the two seeds');
  // The paper's values keep the paper's own x (its 50k iterations), on the axes of the second row (x3, x4).
  assert.deepEqual(trace(f.figure, 'A2C (paper)', 'x3')?.x, [0, 50_000]);
  assert.deepEqual(trace(f.figure, 'A2C (paper)', 'x3')?.y, [1.02, 1.02]);
  assert.equal(trace(f.figure, 'A2C (paper)', 'x'), undefined, 'not squeezed into our panels');
  assert.match(String((f.figure.layout.xaxis3 as { title: { text: string } }).title.text), /the paper's \(50,000 iterations\)/);
  assert.equal((f.figure.layout.yaxis3 as { matches?: string }).matches, 'y', 'the paper\'s reward panel shares our y range');
  // The part of the paper's axis our 4 iterations cover is shaded and labelled.
  const spans = f.figure.layout.shapes as { xref: string; x0: number; x1: number }[];
  assert.deepEqual(spans.map((sh) => [sh.xref, sh.x0, sh.x1]), [['x3', 0, 4], ['x4', 0, 4]]);
  assert.deepEqual(trace(f.figure, 'A2C')?.x, [1, 2, 3, 4]);
  assert.match(String((f.figure.layout.title as { text: string }).text), /ours: smoke, 2 seeds \(0, 1\)/);
  assert.match(f.notes[0], /^curves from step1\/a2c\/smoke, seeds 0, 1, code/);
  assert.ok(f.notes.some((n) => /on its own axis, 50,000 iterations; the shaded part is as far as our 4 iterations/.test(n)), f.notes.join('\n'));
  // Integer ticks on our short iteration axis.
  assert.deepEqual([(f.figure.layout.xaxis as { dtick?: number }).dtick, (f.figure.layout.xaxis as { tickformat?: string }).tickformat], [1, 'd']);
});

test('a skipped figure says why: no evaluation before convergence in runs evaluated only before and after training', async () => {
  const { runExperiment } = await import('../../src/experiments/run');
  await runExperiment({ experiment: 'mixed', algo: 'a2c', preset: 'smoke', seed: 5, root: `${root}/two-evals`, overrides: [...FAST, 'evalAt=0,1'] });
  const f = snapshotEpisodeFigure({ preset: 'smoke', root: `${root}/two-evals` }, 'a2c');
  assert.equal(f.figure, null);
  assert.match(f.notes[f.notes.length - 1],
    /^Fig\. 3B: skipped: the runs were evaluated at iteration 0, 4 only \(seed 5; evalAt 0, 1 of training\): none between the first and the last, so this 4-iteration run has no evaluation before convergence$/);
});

test('every figure builder draws from the smoke runs; without runs it returns no figure and the command', () => {
  const src = { preset: 'smoke' as const, root };
  const built = [
    stepOneEpisodeFigure(src, 'a2c'), stepTwoTrainingFigure(src, 'a2c'), stepTwoEpisodeFigure(src, 'a2c'),
    stepThreeTrainingFigure(src, 'a2c'), stepThreeEpisodeFigure(src, 'a2c', 'before'), stepThreeEpisodeFigure(src, 'a2c', 'final'),
    snapshotEpisodeFigure(src, 'a2c'),
  ];
  for (const f of built) assert.ok(f.figure, f.id);
  const [episode, , step2Episode, step3, before, final, snapshot] = built;
  assert.ok(names(episode.figure).includes('best response to TFT (exact)'));
  assert.ok(names(episode.figure).includes('Tit-for-Tat (paper)'), 'Fig. 4B has the paper\'s TFT points');
  assert.deepEqual(names(step2Episode.figure).filter((n) => !n.includes('±') && !n.includes('(paper)')), ['A2C', 'Fixed-ICL', 'mutual cooperation, R (exact)']);
  assert.deepEqual(names(step3.figure).filter((n) => n.endsWith('_extort')), ['A2C¹_extort', 'A2C²_extort']);
  assert.ok(before.notes.some((n) => /evaluation before training: iteration 0 of 4/.test(n)));
  assert.ok(names(before.figure).includes('A2C¹_extort (paper)'));
  assert.ok(!names(final.figure).some((n) => n.includes('(paper)')), 'the paper shows no Step-3 episode after training');
  assert.ok(snapshot.notes.some((n) => /before convergence: iteration 2 of 4/.test(n)));
  const mixedFinal = snapshotEpisodeFigure(src, 'a2c', 'final');
  assert.ok(mixedFinal.notes.some((n) => /of the final agents: iteration 4 of 4/.test(n)), mixedFinal.notes.join('\n'));
  assert.ok(!names(mixedFinal.figure).some((n) => n.includes('(paper)')), 'the paper shows the mixed pool before convergence only');
  const finalWithPaper = snapshotEpisodeFigure(src, 'a2c', 'final', { paperValues: true });
  assert.ok(finalWithPaper.notes.some((n) => /of the final agents: iteration 4 of 4/.test(n)));
  assert.ok(names(finalWithPaper.figure).some((n) => n.includes('(paper)')), 'paperValues draws the snapshot\'s values beside the final agents');
  // The mixed pool is there but not its ablations: drawn, and the missing ones named with their commands.
  const mixed = mixedPoolFigure(src, 'a2c');
  assert.ok(mixed.figure);
  assert.ok(names(mixed.figure).includes('A2C¹ vs A2C²'));
  assert.ok(mixed.notes.some((n) => /mixed-opponent-id\/a2c\/smoke: no finished run .*npm run experiment -- mixed-opponent-id --algo a2c --preset smoke/.test(n)));
  assert.ok(mixed.notes.some((n) => /not drawn \(no results\): Opponent ID: A2C¹ vs A2C², Opponent ID: A2C¹ vs Tabular, No Tabular Opp/.test(n)));
  // Without the ablations (a study run of the mixed pool alone): the mixed pool's curves and paper values only.
  const alone = mixedPoolFigure(src, 'a2c', { ablations: false });
  assert.deepEqual(names(alone.figure), names(mixed.figure).filter((n) => !/^(Opponent ID|No Tabular Opp\.)/.test(n)));
  assert.ok(!alone.notes.some((n) => /mixed-opponent-id|mixed-no-tabular|not drawn/.test(n)), alone.notes.join('\n'));
  const ppi = stepOneTrainingFigure(src, 'ppi');
  assert.equal(ppi.figure, null);
  assert.ok(ppi.notes.some((n) => /npm run experiment -- step1 --algo ppi --preset smoke --seeds 0-4/.test(n)));
  assert.match(ppi.notes[ppi.notes.length - 1], /Fig. 2A: skipped: no finished run/);
});
