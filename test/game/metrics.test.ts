import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyEpisodeBatch } from '../../src/game/episode';
import { averageReward, averageRewardWithSe, cooperationRate, cooperationRateWithSe, perRoundCurves } from '../../src/game/metrics';

// Two episodes of three rounds, written by hand. Player 0 moves C D D / C C C, player 1 moves C C D / D C C.
function handBatch() {
  const b = emptyEpisodeBatch(2, 3);
  b.actions.set([0, 1, 1, 0, 0, 0]);
  b.coPlayerActions.set([0, 0, 1, 1, 0, 0]);
  b.rewards.set([1, 2, 0, -1, 1, 1]);
  b.coPlayerRewards.set([1, -1, 0, 2, 1, 1]);
  return b;
}

test('averageReward and cooperationRate: means over all rounds, with the standard error across episode means', () => {
  const b = handBatch();
  assert.equal(averageReward(b, 0), 4 / 6);
  assert.equal(averageReward(b, 1), 4 / 6);
  assert.equal(cooperationRate(b, 0), 4 / 6);
  assert.equal(cooperationRate(b, 1), 4 / 6);
  // Episode means of player 0's reward: 1 and 1/3; their SE is |1 − 1/3| / 2.
  const r = averageRewardWithSe(b, 0);
  assert.ok(Math.abs(r.se - 1 / 3) < 1e-12);
  // Player 0 cooperation per episode: 1/3 and 1.
  assert.ok(Math.abs(cooperationRateWithSe(b, 0).se - 1 / 3) < 1e-12);
  assert.throws(() => averageReward(b, 2 as 0), /player must be 0 or 1, got 2/);
  assert.ok(Number.isNaN(averageRewardWithSe(emptyEpisodeBatch(1, 3), 0).se));
});

test('perRoundCurves: per-round means of both players with standard errors across episodes', () => {
  const c = perRoundCurves(handBatch());
  assert.deepEqual(Array.from(c.reward[0]), [0, 1.5, 0.5]);
  assert.deepEqual(Array.from(c.reward[1]), [1.5, 0, 0.5]);
  assert.deepEqual(Array.from(c.cooperation[0]), [1, 0.5, 0.5]);
  assert.deepEqual(Array.from(c.cooperation[1]), [0.5, 1, 0.5]);
  // Round 0, player 0 rewards {1, −1}: sample sd √2, SE 1. Round 1 cooperation {0, 1}: SE ½.
  assert.ok(Math.abs(c.rewardSe[0][0] - 1) < 1e-12);
  assert.ok(Math.abs(c.cooperationSe[0][1] - 0.5) < 1e-12);
  assert.equal(c.rewardSe[0][2], 0.5);
});
