import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { seeded } from '../../src/rng';
import { C, D, Outcome, PAPER_PAYOFF, outcomeOf, payoff, reward, swapView, type Action, type Payoff } from '../../src/game/ipd';
import { ALLC, ALLD, GTFT, RANDOM, TFT, memoryOne, sampleMemoryOneBatch, toArray, type MemoryOne } from '../../src/game/memory-one';
import { playMemoryOne } from '../../src/game/env';
import { averageRewardWithSe, perRoundCurves } from '../../src/game/metrics';
import { BAYES_MAX_ROUNDS, bayesOptimalAgainstPool, bestResponseToPool, expectedAgainstPool, gaussLegendre } from '../../src/game/exact';

const close = (a: number, b: number, tol: number, msg = '') => assert.ok(Math.abs(a - b) <= tol, `${msg} ${a} vs ${b} (tol ${tol})`);
const factorial = (k: number): number => (k <= 1 ? 1 : k * factorial(k - 1));
/** ∫₀¹ θ^c (1 − θ)^d dθ = c! d! / (c + d + 1)!: the Beta integral, the pool's likelihood of c cooperations and d defections in one state. */
const beta = (c: number, d: number) => (factorial(c) * factorial(d)) / factorial(c + d + 1);

/** Oracle: all 4^T joint histories, each weighted by x's probabilities and the pool's Beta integrals per state. */
function poolByEnumeration(x: MemoryOne, rounds: number, game: Payoff): { totals: [number, number]; coop: number[] } {
  const px = toArray(x);
  const totals: [number, number] = [0, 0];
  const coop = new Array<number>(rounds).fill(0);
  const counts = new Array<number>(10).fill(0); // per pool own-view state (START..DD): cooperations, defections
  const walk = (t: number, ox: Outcome, oy: Outcome, wx: number, acc: [number, number], coopPath: number[]): void => {
    if (t === rounds) {
      let w = wx;
      for (let s = 0; s < 5; s++) w *= beta(counts[2 * s], counts[2 * s + 1]);
      totals[0] += w * acc[0];
      totals[1] += w * acc[1];
      coopPath.forEach((k, r) => (coop[r] += w * k));
      return;
    }
    for (const a of [C, D] as Action[]) for (const b of [C, D] as Action[]) {
      const p = a === C ? px[ox] : 1 - px[ox];
      if (p === 0) continue;
      counts[2 * oy + b]++;
      walk(t + 1, outcomeOf(a, b), outcomeOf(b, a), wx * p, [acc[0] + reward(game, a, b), acc[1] + reward(game, b, a)], [...coopPath, b === C ? 1 : 0]);
      counts[2 * oy + b]--;
    }
  };
  walk(0, Outcome.START, Outcome.START, 1, [0, 0], []);
  return { totals, coop };
}

test('Gauss–Legendre on [0, 1]: weights sum to 1, symmetric nodes, exact for degree 2n − 1', () => {
  const { nodes, weights } = gaussLegendre(5);
  close(weights.reduce((s, w) => s + w, 0), 1, 1e-14);
  for (let i = 0; i < 5; i++) close(nodes[i] + nodes[4 - i], 1, 1e-15);
  close(nodes.reduce((s, z, i) => s + weights[i] * z ** 9, 0), 1 / 10, 1e-14);
});

test('against the pool, Always-Defect earns exactly 1.0 per round and the pool −0.5; the pool cooperates w.p. ½ every round', () => {
  const f = expectedAgainstPool(ALLD);
  close(f.totals[0] / 100, 1, 1e-9);
  close(f.totals[1] / 100, -0.5, 1e-9);
  for (const t of [0, 1, 2, 50, 99]) close(f.cooperation[1][t], 0.5, 1e-9, `round ${t}`);
  // The same holds for any co-player that ignores the pool's moves.
  for (const x of [ALLC, RANDOM]) for (const t of [1, 2, 99]) close(expectedAgainstPool(x, { rounds: 100 }).cooperation[1][t], 0.5, 1e-9);
});

test('against a reactive co-player the pool does not cooperate w.p. ½: against TFT, 13/24 in round 2 (by hand)', () => {
  // Round 2: after (C, C) the pool reuses cc: E[cc²] + E[(1 − cc)·dc] = 1/3 + 1/4; after (D, C) it reaches cd or dd: 1/2.
  const f = expectedAgainstPool(TFT, { rounds: 3 });
  [1 / 2, 1 / 2, 13 / 24].forEach((p, t) => close(f.cooperation[1][t], p, 1e-12, `round ${t}`));
});

test('property: expectedAgainstPool equals the Beta-integral enumeration over all histories (5 rounds)', () => {
  const prob = fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 1));
  fc.assert(
    fc.property(fc.tuple(prob, prob, prob, prob, prob), fc.boolean(), (a, std) => {
      const x = memoryOne({ p0: a[0], cc: a[1], cd: a[2], dc: a[3], dd: a[4] });
      const game = std ? payoff({ R: 3, S: 0, T: 5, P: 1 }) : PAPER_PAYOFF;
      const f = expectedAgainstPool(x, { rounds: 5, payoff: game });
      const e = poolByEnumeration(x, 5, game);
      close(f.totals[0], e.totals[0], 1e-12);
      close(f.totals[1], e.totals[1], 1e-12);
      e.coop.forEach((c, t) => close(f.cooperation[1][t], c, 1e-12, `round ${t}`));
    }),
    { seed: 31, numRuns: 40 },
  );
});

test('expectedAgainstPool at 100 rounds: the default quadrature agrees with 24 nodes to 1e-7 per round', () => {
  for (const x of [TFT, GTFT]) {
    const a = expectedAgainstPool(x), b = expectedAgainstPool(x, { nodes: 24 });
    close(a.totals[0] / 100, b.totals[0] / 100, 1e-7);
    close(a.totals[1] / 100, b.totals[1] / 100, 1e-7);
  }
});

test('expectedAgainstPool agrees with sampled pool episodes within 4 standard errors (TFT, 4000 episodes)', () => {
  const rng = seeded('pool-mc');
  const batch = playMemoryOne(TFT, sampleMemoryOneBatch(4000, rng.child('pool')), {}, rng.child('play'));
  const exact = expectedAgainstPool(TFT);
  const curves = perRoundCurves(batch);
  for (const p of [0, 1] as const) {
    const s = averageRewardWithSe(batch, p);
    assert.ok(Math.abs(s.mean - exact.totals[p] / 100) <= 4 * s.se, `player ${p}: ${s.mean} ± ${s.se} vs ${exact.totals[p] / 100}`);
    for (const t of [1, 2, 20, 99]) {
      const [m, se] = [curves.cooperation[p][t], curves.cooperationSe[p][t]];
      assert.ok(Math.abs(m - exact.cooperation[p][t]) <= 4 * se, `player ${p} round ${t}: ${m} ± ${se} vs ${exact.cooperation[p][t]}`);
    }
  }
});

/**
 * Oracle for the Bayes-optimal value: backward induction over full histories (not counts), with the pool's
 * predictive P(C | history) computed as a ratio of Gauss–Legendre integrals of the likelihood (not by Laplace's rule).
 */
function bayesByHistory(rounds: number, game: Payoff): number {
  const { nodes, weights } = gaussLegendre(rounds + 1);
  const moves: [number, number][] = []; // (pool's own-view state, its move)
  const integral = (extra: number): number => {
    // Product over the pool's five independent parameters of ∫ θ_s^[s = extra] · likelihood_s(θ_s).
    let prod = 1;
    for (let s = 0; s < 5; s++) {
      let sum = 0;
      for (let q = 0; q < nodes.length; q++) {
        let like = s === extra ? nodes[q] : 1;
        for (const [state, b] of moves) if (state === s) like *= b === C ? nodes[q] : 1 - nodes[q];
        sum += weights[q] * like;
      }
      prod *= sum;
    }
    return prod;
  };
  const value = (t: number, last: Outcome): number => {
    if (t === rounds) return 0;
    const s = swapView(last);
    const pc = integral(s) / integral(-1);
    let best = -Infinity;
    for (const a of [C, D] as Action[]) {
      let v = 0;
      for (const b of [C, D] as Action[]) {
        moves.push([s, b]);
        v += (b === C ? pc : 1 - pc) * (reward(game, a, b) + value(t + 1, outcomeOf(a, b)));
        moves.pop();
      }
      best = Math.max(best, v);
    }
    return best;
  };
  return value(0, Outcome.START) / rounds;
}

test('bayesOptimalAgainstPool equals a full-history Bayesian search (cheap-probe game, 6 rounds; paper game, 6 rounds)', () => {
  const cheap = payoff({ R: 1, S: -0.1, T: 1.1, P: 0 });
  const v = bayesOptimalAgainstPool({ rounds: 6, payoff: cheap });
  close(v, bayesByHistory(6, cheap), 1e-12);
  assert.ok(v > (cheap.T + cheap.P) / 2 + 1e-3, 'probing pays in the cheap-probe game');
  close(bayesOptimalAgainstPool({ rounds: 6 }), bayesByHistory(6, PAPER_PAYOFF), 1e-12);
});

test('the pool ceiling: Always-Defect 1.0 ≤ Bayes-optimal ≤ informed ceiling; Bayes-optimal exceeds 1.0 only from 10 rounds', () => {
  for (const rounds of [2, 4, 8]) close(bayesOptimalAgainstPool({ rounds }), 1, 1e-12, `${rounds} rounds`);
  const short = bestResponseToPool({ rounds: 12 });
  close(short.alwaysDefect, 1, 1e-12);
  assert.ok(short.bayesOptimal !== undefined && short.bayesOptimal > 1 && short.bayesOptimal < short.informedCeiling);
  const paper = bestResponseToPool({ nodes: 8 });
  close(paper.alwaysDefect, 1, 1e-9);
  assert.equal(paper.bayesOptimal, undefined);
  assert.ok(paper.informedCeiling > 1.04 && paper.informedCeiling < 1.06, `informed ceiling ${paper.informedCeiling}`);
  assert.throws(() => bayesOptimalAgainstPool({ rounds: BAYES_MAX_ROUNDS + 1 }), /rounds must be an integer in \[1, 16\], got 17/);
});
