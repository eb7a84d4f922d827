import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALLC, ALLD, seeded, sampleMemoryOne, finiteHorizon } from '../../src/index';
import {
  POOL_NAME, bestResponseRecords, ceilingLines, ceilingRecords, exactCeilings, extortioner, horizonSeries, namedStrategies, pairRecords,
  roundRobinRecords, strategyRecords, zdRelation,
} from '../../src/report/game-tables';
import { roundForDisplay } from '../../src/report/figures';

const policy = (name: string) => {
  const s = namedStrategies().find((n) => n.name === name);
  assert.ok(s, name);
  return s;
};

test('bestResponseRecords: 101 against TFT (defect only in round 99), 200 against ALLC and 0 against ALLD (defect in 0–99)', () => {
  const rows = bestResponseRecords([policy('Tit-for-Tat'), policy('Always-Cooperate'), policy('Always-Defect')]);
  assert.deepEqual(rows.map((r) => [r.total, r.defects_in_rounds]), [[101, '99'], [200, '0–99'], [0, '0–99']]);
  assert.equal(rows[0].per_round, 1.01);
});

test('pairRecords: TFT vs ALLD loses 1 in round 0 and nothing after (totals -1 and 2); long run 0/0', () => {
  const [row] = pairRecords([[policy('Tit-for-Tat'), policy('Always-Defect')]]);
  assert.equal(row.total_x, -1);
  assert.equal(row.total_y, 2);
  assert.equal(row.longrun_x, 0);
  assert.equal(row.coop_x, 0.01);
});

test('zdRelation: the chi = 3 extortioner fixes s_X = 3 s_Y (P = 0) in the long run to 1e-12 for 50 random co-players, not over 100 rounds', () => {
  const rng = seeded('test/zd');
  const ys = Array.from({ length: 50 }, () => sampleMemoryOne(rng));
  const rel = zdRelation(extortioner(3), 3, ys);
  assert.ok(rel.maxResidualLongRun < 1e-12, String(rel.maxResidualLongRun));
  assert.ok(rel.maxResidualFinite > 1e-3, 'the finite-horizon payoffs carry the start and deviate');
  assert.equal(rel.longRun.length, 50);
});

test('roundRobinRecords: every strategy meets every strategy and the pool; ALLD earns exactly 1.0 against the pool', () => {
  const strategies = [policy('Always-Defect'), policy('Tit-for-Tat')];
  const rows = roundRobinRecords(strategies);
  assert.equal(rows.length, 2 * 3);
  const allDvsPool = rows.find((r) => r.strategy === 'Always-Defect' && r.opponent === POOL_NAME);
  assert.ok(allDvsPool && Math.abs((allDvsPool.reward as number) - 1) < 1e-9);
});

test('exactCeilings and ceilingLines: the ceilings for the paper game, as labelled reference lines', () => {
  const c = exactCeilings();
  assert.equal(c.vsTitForTat, 1.01);
  assert.equal(c.vsAlwaysCooperate, 2);
  assert.equal(c.vsAlwaysDefect, 0);
  assert.ok(Math.abs(c.poolAlwaysDefect - 1) < 1e-9);
  assert.ok(c.poolInformed > 1 && c.poolInformed < 1.1, String(c.poolInformed));
  assert.deepEqual(ceilingLines(c, ['vsTitForTat']), [{ y: 1.01, label: 'best response to TFT (exact)' }]);
  // For display, rounded: Always-Defect's 1.0 reads 1, not 0.9999999999999959.
  const shown = ceilingRecords(c);
  assert.deepEqual(shown.map((r) => r.ceiling), ['best response to TFT (exact)', 'best response to ALLC (exact)',
    'best response to ALLD (exact)', 'Always-Defect vs pool (exact)', 'informed best response vs pool (exact)']);
  assert.equal(shown[3].reward_per_round, 1);
  assert.equal(shown[4].reward_per_round, Number(c.poolInformed.toFixed(4)));
  assert.equal(roundForDisplay(0.9999999999999959), 1);
  assert.equal(roundForDisplay(-0.00001), 0);
});

test('strategyRecords and horizonSeries: five probabilities per strategy; one exact curve per metric', () => {
  const rows = strategyRecords([policy('Tit-for-Tat')]);
  assert.deepEqual([rows[0].p0, rows[0].cc, rows[0].cd, rows[0].dc, rows[0].dd], [1, 1, 0, 1, 0]);
  const s = horizonSeries('ALLC vs ALLD', finiteHorizon(ALLC, ALLD), 1);
  assert.equal(s.reward.length, 1);
  assert.equal(s.reward[0][0], 2);
  assert.equal(s.cooperation[0][5], 0);
});
