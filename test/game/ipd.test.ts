import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  C, D, Outcome, NUM_OUTCOMES, OUTCOME_NAMES, outcomeOf, swapView, payoff, PAPER_PAYOFF, STD_PAYOFF, reward,
  rewardByOutcome, observationOneHot, type Action,
} from '../../src/game/ipd';

// Hand-written from the paper's Table 1 and Axelrod's default game: [own, coPlayer, outcome, own reward, co reward].
const TABLE: [Action, Action, Outcome, [number, number], [number, number]][] = [
  [C, C, Outcome.CC, [1, 1], [3, 3]],
  [C, D, Outcome.CD, [-1, 2], [0, 5]],
  [D, C, Outcome.DC, [2, -1], [5, 0]],
  [D, D, Outcome.DD, [0, 0], [1, 1]],
];

test('outcome and reward table for all four joint actions, paper and STD payoffs', () => {
  for (const [own, co, outcome, paper, std] of TABLE) {
    assert.equal(outcomeOf(own, co), outcome);
    assert.deepEqual([reward(PAPER_PAYOFF, own, co), reward(PAPER_PAYOFF, co, own)], paper);
    assert.deepEqual([reward(STD_PAYOFF, own, co), reward(STD_PAYOFF, co, own)], std);
    assert.equal(rewardByOutcome(PAPER_PAYOFF)[outcome], paper[0]);
    assert.equal(rewardByOutcome(STD_PAYOFF)[outcome], std[0]);
    // The co-player's outcome is my outcome seen from the other side.
    assert.equal(outcomeOf(co, own), swapView(outcome));
  }
  assert.equal(rewardByOutcome(PAPER_PAYOFF)[Outcome.START], 0);
  assert.deepEqual(OUTCOME_NAMES, ['START', 'CC', 'CD', 'DC', 'DD']);
});

test('swapView exchanges CD and DC only, and twice is the identity', () => {
  assert.deepEqual([0, 1, 2, 3, 4].map((o) => swapView(o as Outcome)), [0, 1, 3, 2, 4]);
  for (let o = 0; o < NUM_OUTCOMES; o++) assert.equal(swapView(swapView(o as Outcome)), o);
});

test('payoff accepts any finite symmetric game and names a bad field', () => {
  assert.deepEqual(payoff({ R: 0, S: 0, T: 0, P: 0 }), { R: 0, S: 0, T: 0, P: 0 }); // no PD ordering required
  assert.throws(() => payoff({ R: 1, S: NaN, T: 2, P: 0 }), /payoff: S must be a finite number, got NaN/);
  assert.throws(() => payoff({ R: 1, S: -1, T: Infinity, P: 0 }), /payoff: T must be a finite number, got Infinity/);
  assert.throws(() => payoff({ R: 1, S: -1, T: 2 } as never), /payoff: P must be a finite number, got undefined/);
  assert.throws(() => payoff({ R: 1, S: -1, T: 2, P: 0, Q: 3 } as never), /unknown field Q/);
  assert.ok(Object.isFrozen(PAPER_PAYOFF));
});

test('observationOneHot writes one 1 at the outcome, at an offset, and rejects bad codes', () => {
  assert.deepEqual(Array.from(observationOneHot(Outcome.DC)), [0, 0, 0, 1, 0]);
  const buf = new Float32Array(12).fill(7);
  observationOneHot(Outcome.START, buf, 5);
  assert.deepEqual(Array.from(buf), [7, 7, 7, 7, 7, 1, 0, 0, 0, 0, 7, 7]);
  assert.throws(() => observationOneHot(5 as Outcome), /outcome must be an integer in \[0, 4\], got 5/);
  assert.throws(() => observationOneHot(Outcome.CC, new Float32Array(5), 1), /offset 1/);
});
