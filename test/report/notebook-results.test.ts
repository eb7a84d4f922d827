import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_ROOT } from '../../src/experiments/run';
import {
  SMOKE_OVERRIDES, notebookOverrides, notebookResults, prepareRuns, trainSeeds, withDependencies,
} from '../../src/report/notebook-results';
import { notebookSettings } from '../../src/report/settings';

test('notebookResults: load reads data/runs at the largest scale present; train uses a temporary root and two smoke seeds', () => {
  const load = notebookResults(notebookSettings({ ICL_NOTEBOOK_MODE: 'load', ICL_PRESET: 'smoke' }));
  assert.deepEqual([load.mode, load.preset, load.root], ['load', 'largest', DEFAULT_ROOT]);
  assert.match(load.summary, /largest scale with finished runs \(smoke < reduced < long < paper;/);
  const root = mkdtempSync(join(tmpdir(), 'nb-results-'));
  try {
    const train = notebookResults(notebookSettings({ ICL_NOTEBOOK_MODE: 'train', ICL_PRESET: 'smoke' }), { root });
    assert.deepEqual([train.mode, train.preset, train.root, train.seeds], ['train', 'smoke', root, { a2c: [0, 1], ppi: [0] }]);
    assert.match(train.summary, /hiddenSize=16 embedSize=8 rolloutsPerAction=1/);
    const fresh = notebookResults(notebookSettings({ ICL_NOTEBOOK_MODE: 'train', ICL_PRESET: 'reduced' }));
    assert.ok(!fresh.root.startsWith(DEFAULT_ROOT) && existsSync(fresh.root), 'never data/');
    rmSync(fresh.root, { recursive: true, force: true });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  assert.deepEqual(trainSeeds('reduced', 'a2c'), [0]);
  const saved = process.env.ICL_TRAIN_ROOT;
  try {
    process.env.ICL_TRAIN_ROOT = join(DEFAULT_ROOT, 'x');
    assert.throws(() => notebookResults(notebookSettings({ ICL_NOTEBOOK_MODE: 'train' })), /must not be inside data\/runs/);
    process.env.ICL_TRAIN_ROOT = join(tmpdir(), 'shared-notebook-root');
    assert.equal(notebookResults(notebookSettings({ ICL_NOTEBOOK_MODE: 'train' })).root, join(tmpdir(), 'shared-notebook-root'), 'the runner\'s shared root');
  } finally {
    if (saved === undefined) delete process.env.ICL_TRAIN_ROOT;
    else process.env.ICL_TRAIN_ROOT = saved;
  }
});

test('overrides shrink the networks at smoke only; Step 3 brings Steps 1 and 2', () => {
  assert.deepEqual(notebookOverrides('a2c', 'smoke'), SMOKE_OVERRIDES.filter((o) => !o.startsWith('rolloutsPerAction')), 'A2C has no rollouts');
  assert.deepEqual(notebookOverrides('a2c', 'reduced'), []);
  assert.deepEqual(withDependencies('step3'), ['step1', 'step2', 'step3']);
  assert.deepEqual(withDependencies('mixed'), ['mixed']);
});

test('prepareRuns: train mode runs the wanted experiment and its dependencies with the same overrides; load mode trains nothing', async () => {
  const root = mkdtempSync(join(tmpdir(), 'nb-prepare-'));
  try {
    const res = notebookResults(notebookSettings({ ICL_NOTEBOOK_MODE: 'train', ICL_PRESET: 'smoke' }), { root });
    const notes = await prepareRuns(res, [{ experiment: 'step2', algo: 'a2c' }], { quiet: true });
    for (const e of ['step1', 'step2']) for (const s of [0, 1]) assert.ok(existsSync(join(root, e, 'a2c', 'smoke', `seed-${s}`, 'final')), `${e} seed ${s}`);
    assert.equal(notes.length, 1);
    assert.match(notes[0], /^step2\/a2c\/smoke: seeds 0, 1 finished .*overrides: hiddenSize=16 embedSize=8/);
    const empty = mkdtempSync(join(tmpdir(), 'nb-load-'));
    const load = { ...res, mode: 'load' as const, root: empty };
    const missing = await prepareRuns(load, [{ experiment: 'mixed', algo: 'a2c' }], { quiet: true });
    assert.match(missing[0], /no finished run .*Produce it with: npm run experiment -- mixed --algo a2c --preset smoke/);
    rmSync(empty, { recursive: true, force: true });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
