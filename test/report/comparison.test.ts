import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fairness, SURPLUS_NOISE, withFairness } from '../../src/report/comparison';

test('fairness: share and the surplus ratio where both players have a surplus; blank (null) where the surpluses are noise', () => {
  // The paper's PPI Step 2: 0.88 against the Fixed-ICL's 0.24.
  const paper = fairness(0.88, 0.24);
  assert.ok(Math.abs((paper.share as number) - 0.88 / 1.12) < 1e-12);
  assert.ok(Math.abs((paper.extortion as number) - 0.88 / 0.24) < 1e-12);
  // Mutual defection: both ≈ 0 (what printed −1, 1, Infinity and 65.4 before).
  for (const [x, y] of [[0.0004, -0.0004], [0.0003, 0.0003], [0.002, 0], [0.0131, 0.0002]]) assert.deepEqual(fairness(x, y), { share: null, extortion: null });
  // One clear surplus, the other ≈ 0: the share is meaningful (the exploiter takes it all), the ratio is not.
  const lopsided = fairness(0.2, 0.01);
  assert.ok(Math.abs((lopsided.share as number) - 0.2 / 0.21) < 1e-12);
  assert.equal(lopsided.extortion, null);
  // A clearly negative surplus: no sharing to speak of.
  assert.deepEqual(fairness(0.5, -0.2), { share: null, extortion: null });
  // The threshold and P are parameters.
  assert.equal(SURPLUS_NOISE, 0.05);
  assert.deepEqual(fairness(0.04, 0.04, { noise: 0.01 }), { share: 0.5, extortion: 1 });
  assert.deepEqual(fairness(1.5, 1.25, { P: 1 }), { share: 2 / 3, extortion: 2 });
  const rows = withFairness([{ seed: 3, reward: 0.53, coplayer_reward: 0.33 }]);
  assert.equal(rows[0].seed, 3);
  assert.ok(Math.abs((rows[0].extortion as number) - 0.53 / 0.33) < 1e-12);
});
