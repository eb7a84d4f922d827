import { test } from 'node:test';
import assert from 'node:assert/strict';
import { centerByGroup, gae, lambdaReturns } from '../../src/learners/returns';

const close = (a: ArrayLike<number>, b: number[], tol = 1e-6) => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < b.length; i++) assert.ok(Math.abs(a[i] - b[i]) < tol, `index ${i}: ${a[i]} vs ${b[i]}`);
};

// One episode of 3 rounds, hand-computed with γ = 0.5, λ = 0.5.
const r = Float32Array.from([1, 2, 4]);
const v = Float32Array.from([0.5, 1, 2]);

test('λ-returns by hand: G2 = 4; G1 = 2 + .5(.5·V2 + .5·G2) = 3.5; G0 = 1 + .5(.5·V1 + .5·G1) = 2.125', () => {
  close(lambdaReturns(r, v, 1, 3, 0.5, 0.5), [2.125, 3.5, 4]);
});

test('λ = 1 gives discounted Monte-Carlo returns and λ = 0 one-step TD targets', () => {
  close(lambdaReturns(r, v, 1, 3, 0.5, 1), [1 + 0.5 * 2 + 0.25 * 4, 2 + 0.5 * 4, 4]);
  close(lambdaReturns(r, v, 1, 3, 0.5, 0), [1 + 0.5 * 1, 2 + 0.5 * 2, 4]);
});

test('GAE by hand: δ = (1.0, 2.0, 2.0); A2 = 2; A1 = 2 + .25·2 = 2.5; A0 = 1 + .25·2.5 = 1.625', () => {
  // δ0 = 1 + .5·1 − .5 = 1; δ1 = 2 + .5·2 − 1 = 2; δ2 = 4 + 0 − 2 = 2
  close(gae(r, v, 1, 3, 0.5, 0.5), [1.625, 2.5, 2]);
});

test('GAE with λ = 1 equals Monte-Carlo return minus value; episodes do not leak into each other', () => {
  const rr = Float32Array.from([1, 2, 4, 10, 0, 0]);
  const vv = Float32Array.from([0.5, 1, 2, 0, 0, 0]);
  const adv = gae(rr, vv, 2, 3, 0.5, 1);
  const ret = lambdaReturns(rr, vv, 2, 3, 0.5, 1);
  close(adv, Array.from(ret, (g, i) => g - vv[i]));
  close(ret.subarray(3), [10, 0, 0]);
});

test('centering subtracts each group\'s own mean', () => {
  const a = Float32Array.from([1, 3, 10, 20, 5, 7]);
  centerByGroup(a, [0, 1, 0], 3, 2);
  // group 0: episodes 0 and 2 → mean (1+3+5+7)/4 = 4; group 1: mean 15
  close(a, [-3, -1, -5, 5, 1, 3]);
});

test('with divideByStd each group is centred and scaled to unit standard deviation, on its own statistics', () => {
  const a = Float32Array.from([1, 3, 10, 20, 5, 7]);
  centerByGroup(a, [0, 1, 0], 3, 2, true);
  // group 0: (1, 3, 5, 7) − 4 = (−3, −1, 1, 3), population std √5; group 1: (10, 20) − 15 = (−5, 5), std 5
  const s5 = Math.sqrt(5);
  close(a, [-3 / s5, -1 / s5, -1, 1, 1 / s5, 3 / s5]);
  const flat = Float32Array.from([2, 2, 2, 2]);
  centerByGroup(flat, [0, 0], 2, 2, true);
  close(flat, [0, 0, 0, 0]);
});

test('shape mismatches are reported with the expected sizes', () => {
  assert.throws(() => gae(r, v, 2, 3, 0.9, 0.9), /expected 6 rewards and values \(2 episodes x 3 rounds\), got 3 and 3/);
});
