import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EXPERIMENTS } from '../../src/experiments/experiments';
import { PAPER_CURVES, PAPER_TRAINING_LENGTH, PAPER_VALUES, paperCurves, paperValue } from '../../src/report/paper-values';

test('paper curves: every point lies on the paper\'s axes (reward in [-1, 2], cooperation in [0, 1], x within training or rounds 0-99)', () => {
  for (const c of PAPER_CURVES) {
    const where = `Fig. ${c.figure} ${c.series}`;
    assert.ok(c.reward || c.cooperation, `${where} has points`);
    const maxX = c.kind === 'episode' ? 99 : PAPER_TRAINING_LENGTH[c.algo][c.experiment];
    assert.ok(maxX !== undefined, where);
    for (const [metric, pts] of [['reward', c.reward], ['cooperation', c.cooperation]] as const) {
      if (!pts) continue;
      const [lo, hi] = metric === 'reward' ? [-1, 2] : [0, 1];
      pts.forEach(([x, y], i) => {
        assert.ok(y >= lo && y <= hi, `${where} ${metric} ${y}`);
        assert.ok(x >= 0 && x <= maxX, `${where} x ${x} beyond ${maxX}`);
        if (i > 0) assert.ok(x > pts[i - 1][0], `${where} ${metric}: x increases`);
      });
    }
    if (c.kind === 'episode') assert.ok(c.at, `${where}: an episode curve names its evaluation`);
  }
});

test('paper curves: the figures of the mechanism steps and the mixed pool are all present, for both algorithms', () => {
  const figures = new Set(PAPER_CURVES.map((c) => c.figure));
  for (const f of ['1A', '1B', '2A', '2B', '2C', '2D', '2E', '2F', '3A', '3B', '4A', '4B', '4C', '4D', '4E', '4F']) assert.ok(figures.has(f as never), f);
  assert.deepEqual(paperCurves({ figure: '2B' }).map((c) => c.series), ['Always-Cooperate', 'Always-Defect', 'Tit-for-Tat', 'Avg. Tabular']);
  // Fig. 2B, Tit-for-Tat: the PPI agent defects in round 0 (reward 2, paper.md §7.3) and cooperates ≈ 0.97–0.98 from round 50.
  const tft = paperCurves({ figure: '2B', series: 'Tit-for-Tat' })[0];
  assert.deepEqual(tft.reward?.[0], [0, 2]);
  assert.equal(tft.cooperation?.find(([x]) => x === 50)?.[1], 0.975);
});

test('paper values: one per key, keys in the summary\'s shape, ranges around the value; paperValue finds them', () => {
  const seen = new Set<string>();
  for (const p of PAPER_VALUES) {
    const id = `${p.experiment}/${p.algo}/${p.key}`;
    assert.ok(!seen.has(id), `duplicate ${id}`);
    seen.add(id);
    assert.ok(EXPERIMENTS.includes(p.experiment));
    assert.match(p.key, /^(train\.(tabular|allc|alld|tft|learner)\.(reward|cooperation|coplayerReward|coplayerCooperation)|(episode|snapshot)\.(tabular|allc|alld|tft|learner)\.(early|mid|late)\.(reward|cooperation))$/, id);
    if (p.range) assert.ok(p.range[0] <= p.value && p.value <= p.range[1], `${id}: ${p.value} outside ${p.range}`);
  }
  // The text of App. B.2 states the Step-2 exploiters' rewards: A2C ≈ 1.25, PPI ≈ 0.9.
  assert.deepEqual([paperValue('step2', 'a2c', 'train.learner.reward')?.value, paperValue('step2', 'a2c', 'train.learner.reward')?.tag], [1.25, 'P']);
  assert.equal(paperValue('step2', 'ppi', 'train.learner.reward')?.value, 0.9);
  assert.equal(paperValue('step1', 'ppi', 'train.learner.reward'), undefined);
});

