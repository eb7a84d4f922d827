import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seeded } from '../../src/rng';
import { C, D, Outcome, STD_PAYOFF } from '../../src/game/ipd';
import { ALLC, ALLD, ALTERNATOR, GRUDGER, RANDOM, TFT, packMemoryOne, sampleMemoryOneBatch, type MemoryOne } from '../../src/game/memory-one';
import { IpdEnv, playMemoryOne, tabularActions } from '../../src/game/env';
import { averageReward } from '../../src/game/metrics';

test('IpdEnv: START in round 0, then each player sees the last round own move first, with both rewards', () => {
  const env = new IpdEnv(4, { rounds: 2 });
  assert.deepEqual(Array.from(env.observations(0)), [0, 0, 0, 0]);
  assert.deepEqual(Array.from(env.observations(1)), [0, 0, 0, 0]);
  env.step(Uint8Array.of(C, C, D, D), Uint8Array.of(C, D, C, D));
  assert.deepEqual(Array.from(env.observations(0)), [Outcome.CC, Outcome.CD, Outcome.DC, Outcome.DD]);
  assert.deepEqual(Array.from(env.observations(1)), [Outcome.CC, Outcome.DC, Outcome.CD, Outcome.DD]);
  assert.deepEqual(Array.from(env.rewardsA), [1, -1, 2, 0]);
  assert.deepEqual(Array.from(env.rewardsB), [1, 2, -1, 0]);
  assert.equal(env.done, false);
  assert.throws(() => env.batch(), /only 1 of 2 rounds played/);
  env.step(Uint8Array.of(D, D, D, D), Uint8Array.of(C, C, C, C));
  assert.equal(env.done, true);
  assert.throws(() => env.step(Uint8Array.of(C, C, C, C), Uint8Array.of(C, C, C, C)), /all 2 rounds have been played; call reset\(\)/);
  const b = env.batch();
  assert.deepEqual([b.episodes, b.rounds], [4, 2]);
  assert.deepEqual(Array.from(b.actions), [C, D, C, D, D, D, D, D]); // index = episode * rounds + round
  assert.deepEqual(Array.from(b.coPlayerActions), [C, C, D, C, C, C, D, C]);
  assert.deepEqual(Array.from(b.rewards), [1, 2, -1, 2, 2, 2, 0, 2]);
  assert.deepEqual(Array.from(b.coPlayerRewards), [1, -1, 2, -1, -1, -1, 0, -1]);
  env.reset();
  assert.equal(env.round, 0);
  assert.deepEqual(Array.from(env.observations(1)), [0, 0, 0, 0]);
  env.step(Uint8Array.of(C, C, C, C), Uint8Array.of(C, C, C, C));
  assert.deepEqual(Array.from(b.actions), [C, D, C, D, D, D, D, D], 'a batch handed out is not overwritten after reset');
});

test('IpdEnv rejects bad sizes, bad actions and a bad player', () => {
  assert.throws(() => new IpdEnv(0), /IpdEnv: batch must be an integer >= 1, got 0/);
  assert.throws(() => new IpdEnv(2, { rounds: 2.5 }), /rounds must be an integer >= 1, got 2\.5/);
  const env = new IpdEnv(2);
  assert.equal(env.rounds, 100);
  assert.throws(() => env.step(Uint8Array.of(0), Uint8Array.of(0, 0)), /expected 2 actions per player, got 1 and 2/);
  assert.throws(() => env.step(Uint8Array.of(0, 2), Uint8Array.of(0, 0)), /actions must be 0 \(C\) or 1 \(D\), got 2 and 0 in episode 1/);
  assert.throws(() => env.observations(2 as 0), /player must be 0 or 1, got 2/);
});

test('tabularActions reads params[5e + lastOwnView[e]], one uniform per episode', () => {
  const params = packMemoryOne([TFT, TFT, TFT, TFT, TFT]);
  const out = tabularActions(params, Uint8Array.of(0, 1, 2, 3, 4), seeded(1), new Uint8Array(5));
  assert.deepEqual(Array.from(out), [C, C, D, C, D]);
  const r = seeded(2), ref = seeded(2);
  const p = Float32Array.of(0.3, 0, 0, 0, 0, 0.7, 0, 0, 0, 0);
  const got = tabularActions(p, Uint8Array.of(0, 0), r, new Uint8Array(2));
  assert.deepEqual(Array.from(got), [ref.uniform() < p[0] ? C : D, ref.uniform() < p[5] ? C : D]);
  assert.throws(() => tabularActions(p, Uint8Array.of(0), r, new Uint8Array(1)), /params must hold 5 per episode \(5\), got length 10/);
});

test('playMemoryOne is a deterministic function of the seed and advances the stream', () => {
  const x = sampleMemoryOneBatch(50, seeded('x'));
  const a = playMemoryOne(x, RANDOM, { rounds: 20 }, seeded(4));
  const b = playMemoryOne(x, RANDOM, { rounds: 20 }, seeded(4));
  assert.deepEqual(a, b);
  const r = seeded(4);
  playMemoryOne(x, RANDOM, { rounds: 20 }, r);
  assert.notDeepEqual(playMemoryOne(x, RANDOM, { rounds: 20 }, r).actions, a.actions);
  assert.throws(() => playMemoryOne(TFT, ALLD, {}, seeded(1)), /episodes is required/);
  assert.throws(() => playMemoryOne(x, RANDOM, { episodes: 3 }, seeded(1)), /x holds 50 episodes but episodes = 3/);
  assert.throws(() => playMemoryOne(new Float32Array(7), RANDOM, {}, seeded(1)), /x must hold 5 parameters per episode, got length 7/);
});

// Axelrod's documented matches (test-vectors.md, "Played matches"): deterministic strategies, so one episode suffices.
const total = (x: MemoryOne, y: MemoryOne, rounds: number) => {
  const b = playMemoryOne(x, y, { episodes: 1, rounds, payoff: STD_PAYOFF }, seeded(0));
  return [averageReward(b, 0) * rounds, averageReward(b, 1) * rounds];
};

test('Axelrod: Cooperator vs Alternator, STD, 25 turns scores (39, 99)', () => {
  assert.deepEqual(total(ALLC, ALTERNATOR, 25), [39, 99]);
});

test('Axelrod: 10-turn round robin of Cooperator, Defector, TFT, Grudger totals 60 / 78 / 69 / 69', () => {
  const players = [ALLC, ALLD, TFT, GRUDGER];
  const totals = players.map((x, i) => players.reduce((s, y, j) => (i === j ? s : s + total(x, y, 10)[0]), 0));
  assert.deepEqual(totals, [60, 78, 69, 69]);
});
