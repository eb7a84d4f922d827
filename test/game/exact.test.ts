import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { seeded } from '../../src/rng';
import { C, D, Outcome, PAPER_PAYOFF, STD_PAYOFF, outcomeOf, payoff, reward, type Action, type Payoff } from '../../src/game/ipd';
import {
  ALLC, ALLD, ALTERNATOR, GRUDGER, GTFT, RANDOM, STFT, TFT, WSLS, maxExtortionPhi, memoryOne, sampleMemoryOne, toArray,
  zdExtortion, type MemoryOne,
} from '../../src/game/memory-one';
import { IpdEnv, playMemoryOne } from '../../src/game/env';
import { averageRewardWithSe, perRoundCurves } from '../../src/game/metrics';
import { bestResponse, discounted, finiteHorizon, longRun, longRunDistribution, markovChain } from '../../src/game/exact';

const close = (a: number, b: number, tol: number, msg = '') => assert.ok(Math.abs(a - b) <= tol, `${msg} ${a} vs ${b} (tol ${tol})`);
const closePair = (a: readonly number[], b: readonly number[], tol = 1e-9, msg = '') => a.forEach((v, i) => close(v, b[i], tol, `${msg}[${i}]`));

/** Independent oracle: enumerate all 4^T joint histories; each player looks up its own vector at outcomeOf(own, other). */
function enumerate(x: MemoryOne, y: MemoryOne, rounds: number, game: Payoff) {
  const px = toArray(x), py = toArray(y);
  const rew = [new Array<number>(rounds).fill(0), new Array<number>(rounds).fill(0)];
  const coop = [new Array<number>(rounds).fill(0), new Array<number>(rounds).fill(0)];
  const walk = (t: number, ox: Outcome, oy: Outcome, prob: number): void => {
    if (t === rounds) return;
    for (const a of [C, D] as Action[]) for (const b of [C, D] as Action[]) {
      const p = prob * (a === C ? px[ox] : 1 - px[ox]) * (b === C ? py[oy] : 1 - py[oy]);
      if (p === 0) continue;
      rew[0][t] += p * reward(game, a, b);
      rew[1][t] += p * reward(game, b, a);
      if (a === C) coop[0][t] += p;
      if (b === C) coop[1][t] += p;
      walk(t + 1, outcomeOf(a, b), outcomeOf(b, a), p);
    }
  };
  walk(0, Outcome.START, Outcome.START, 1);
  return { rew, coop };
}

const prob = fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 1));
const policy = fc.tuple(prob, prob, prob, prob, prob).map((a) => memoryOne({ p0: a[0], cc: a[1], cd: a[2], dc: a[3], dd: a[4] }));

test('property: finiteHorizon equals brute-force enumeration of all joint histories (both payoffs)', () => {
  fc.assert(
    fc.property(policy, policy, fc.boolean(), (x, y, std) => {
      const game = std ? STD_PAYOFF : PAPER_PAYOFF;
      const f = finiteHorizon(x, y, { rounds: 5, payoff: game });
      const e = enumerate(x, y, 5, game);
      for (const p of [0, 1]) {
        closePair(Array.from(f.reward[p]), e.rew[p], 1e-12, 'reward');
        closePair(Array.from(f.cooperation[p]), e.coop[p], 1e-12, 'cooperation');
      }
      close(f.totals[0], e.rew[0].reduce((s, v) => s + v, 0), 1e-12);
    }),
    { seed: 21, numRuns: 150 },
  );
});

test('the cd/dc swap: the co-player reads my CD as its DC (hand example and perspective symmetry)', () => {
  // y cooperated and x defected in round 0: y is in its own state CD, so it cooperates w.p. y.cd = 0.9 (not y.dc = 0.1).
  const y = memoryOne({ p0: 1, cc: 0.5, cd: 0.9, dc: 0.1, dd: 0.3 });
  const f = finiteHorizon(ALLD, y, { rounds: 2 });
  closePair([f.reward[0][1], f.cooperation[1][1]], [0.9 * 2, 0.9], 1e-15);
  // The joint chain from x's side: in x's state CD (x cooperated, y defected) y uses its dc.
  const { transition } = markovChain(ALLC, y);
  close(transition[4 * 1 + 0], y.dc, 1e-15, 'P(CD → CC) for ALLC');
  // Swapping players must swap the results; a wrongly placed vector breaks this for asymmetric pairs.
  fc.assert(
    fc.property(policy, policy, (a, b) => {
      closePair(finiteHorizon(a, b, { rounds: 7 }).totals, [...finiteHorizon(b, a, { rounds: 7 }).totals].reverse(), 1e-12);
      closePair(longRun(a, b), [...longRun(b, a)].reverse(), 1e-9);
      closePair(discounted(a, b, 0.9), [...discounted(b, a, 0.9)].reverse(), 1e-9);
    }),
    { seed: 22, numRuns: 100 },
  );
  // The hand example is one where the wrong placement would change the answer.
  const wrong = memoryOne({ ...y, cd: y.dc, dc: y.cd });
  assert.notEqual(finiteHorizon(ALLD, wrong, { rounds: 2 }).totals[0], f.totals[0]);
});

test('TFT vs ALLD over 100 rounds: (−0.01, 0.02) per round', () => {
  const f = finiteHorizon(TFT, ALLD);
  closePair(f.totals.map((v) => v / 100), [-0.01, 0.02], 1e-12);
  assert.equal(f.reward[0].length, 100);
});

test('Axelrod matches as exact values: Cooperator vs Alternator (39, 99); round robin 60/78/69/69 (Grudger = (1; 1, 0, 0, 0))', () => {
  closePair(finiteHorizon(ALLC, ALTERNATOR, { rounds: 25, payoff: STD_PAYOFF }).totals, [39, 99], 0);
  const players = [ALLC, ALLD, TFT, GRUDGER];
  const totals = players.map((x, i) => players.reduce((s, y, j) => (i === j ? s : s + finiteHorizon(x, y, { rounds: 10, payoff: STD_PAYOFF }).totals[0]), 0));
  assert.deepEqual(totals, [60, 78, 69, 69]);
});

test('long-run test vectors: STD Extort-2 and Extort-3 vs ALLC; paper-payoff Extort-2 vs ALLC, Random, TFT, itself', () => {
  const extort2 = memoryOne({ p0: 1, cc: 8 / 9, cd: 1 / 2, dc: 1 / 3, dd: 0 });
  closePair(Array.from(longRunDistribution(extort2, ALLC)), [3 / 4, 0, 1 / 4, 0]);
  closePair(longRun(extort2, ALLC, STD_PAYOFF), [7 / 2, 9 / 4]);
  const extort3 = memoryOne({ p0: 1, cc: 11 / 13, cd: 1 / 2, dc: 7 / 26, dd: 0 });
  closePair(longRun(extort3, ALLC, STD_PAYOFF), [41 / 11, 21 / 11]);
  const e = zdExtortion({ chi: 2, phi: 0.1 });
  closePair(longRun(e, ALLC), [1.2, 0.6]);
  closePair(longRun(e, RANDOM), [0.6, 0.3]);
  closePair(longRun(e, TFT), [0, 0]);
  closePair(longRun(e, e), [0, 0]);
});

test('long run is the Cesàro limit: periodic and reducible chains by hand', () => {
  closePair(longRun(ALTERNATOR, ALLC), [1.5, 0]); // (T + R)/2 and (S + R)/2
  closePair(longRun(ALTERNATOR, ALTERNATOR), [0.5, 0.5]); // CC, DD, CC, …
  closePair(longRun(ALTERNATOR, TFT), [0.5, 0.5]); // DC, CD, … after round 0
  closePair(longRun(STFT, TFT), [0.5, 0.5]); // DC, CD, … forever
  // Two closed classes: TFT with p0 = 0.3 vs TFT stays in CC w.p. 0.3, else alternates DC/CD (mean ½).
  closePair(longRun({ ...TFT, p0: 0.3 }, TFT), [0.3 + 0.7 * 0.5, 0.3 + 0.7 * 0.5]);
  closePair(longRun(WSLS, WSLS), [1, 1]);
  // TFT with exactly representable noise ε vs itself: the chain is doubly stochastic, so uniform for every ε > 0.
  for (const eps of [2 ** -3, 2 ** -20, 2 ** -40]) {
    const t = memoryOne({ p0: 1, cc: 1 - eps, cd: eps, dc: 1 - eps, dd: eps });
    closePair(longRun(t, t), [0.5, 0.5], 1e-9, `ε = ${eps}`);
  }
  closePair(longRun(TFT, TFT), [1, 1]);
  // An exit of probability 5e-324 is still an exit: DD and CD leak into the absorbing DC, so x earns T = 2 forever.
  const leak = [memoryOne({ p0: 0, cc: 0, cd: 0, dc: 0, dd: 5e-324 }), memoryOne({ p0: 0, cc: 0, cd: 1, dc: 5e-324, dd: 0 })];
  closePair(longRun(leak[0], leak[1]), [2, -1], 1e-12);
});

const coarse = fc.constantFrom(0, 0.25, 0.5, 0.75, 1);
const coarsePolicy = fc.tuple(coarse, coarse, coarse, coarse, coarse).map((a) => memoryOne({ p0: a[0], cc: a[1], cd: a[2], dc: a[3], dd: a[4] }));

test('property: longRun is the limit of the finite-horizon mean (absorbing, periodic and ergodic pairs)', () => {
  fc.assert(
    fc.property(coarsePolicy, coarsePolicy, (x, y) => {
      const T = 2000;
      const f = finiteHorizon(x, y, { rounds: T });
      closePair(longRun(x, y), f.totals.map((v) => v / T), 0.02);
    }),
    { seed: 23, numRuns: 120 },
  );
});

test('property: the ZD relation s_X − P = χ (s_Y − P) holds in the long run against any co-player', () => {
  fc.assert(
    fc.property(fc.double({ min: 1, max: 6, noNaN: true }), fc.double({ min: 0.01, max: 1, noNaN: true }), prob, policy, fc.boolean(), (chi, frac, p0, y, std) => {
      const game = std ? STD_PAYOFF : PAPER_PAYOFF;
      const x = zdExtortion({ chi, phi: frac * maxExtortionPhi(chi, game), payoff: game, p0 });
      const [sx, sy] = longRun(x, y, game);
      close(sx - game.P, chi * (sy - game.P), 1e-7, `χ=${chi}`);
    }),
    { seed: 24, numRuns: 300 },
  );
});

test('discounted test vectors (pax, LOLA and paper payoffs)', () => {
  const pax = payoff({ R: 2, S: 0, T: 3, P: 1 });
  closePair(discounted(TFT, ALLD, 0.99, pax), [0.99, 1.02]);
  closePair(discounted(ALLD, ALLC, 0.99, pax), [3, 0]);
  closePair(discounted(TFT, TFT, 0.99, pax), [2, 2]);
  const lola = payoff({ R: -1, S: -3, T: 0, P: -2 });
  closePair(discounted(TFT, ALLD, 0.96, lola), [-2.04, -1.92]);
  closePair(discounted(RANDOM, RANDOM, 0.96, lola), [-1.5, -1.5]);
  closePair(discounted(TFT, ALLD, 0.99), [-0.01, 0.02]);
  closePair(discounted(zdExtortion({ chi: 2, phi: 0.1, p0: 1 }), ALLC, 0.99), [1.19604, 0.607921], 1e-6);
  assert.throws(() => discounted(TFT, TFT, 1), /gamma must be < 1/);
  assert.throws(() => discounted(TFT, TFT, -0.1), /gamma must lie in \[0, 1\], got -0\.1/);
});

test('property: discounted tends to longRun as γ → 1 for ergodic pairs, and to round 0 as γ → 0', () => {
  const inner = fc.double({ min: 0.05, max: 0.95, noNaN: true });
  const ergodic = fc.tuple(inner, inner, inner, inner, inner).map((a) => memoryOne({ p0: a[0], cc: a[1], cd: a[2], dc: a[3], dd: a[4] }));
  fc.assert(
    fc.property(ergodic, ergodic, (x, y) => {
      closePair(discounted(x, y, 1 - 1e-7), longRun(x, y), 1e-5);
      const first = finiteHorizon(x, y, { rounds: 1 }).totals;
      closePair(discounted(x, y, 0), first, 1e-12);
    }),
    { seed: 25, numRuns: 100 },
  );
});

test('bestResponse: 101 against TFT (defect only in the last round), 200 against ALLC, 0 against ALLD', () => {
  const tft = bestResponse(TFT);
  close(tft.total, 101, 1e-12);
  close(tft.perRound, 1.01, 1e-14);
  for (let t = 0; t < 99; t++) assert.equal(tft.policy(t, t === 0 ? Outcome.START : Outcome.CC), C, `round ${t}`);
  assert.equal(tft.policy(99, Outcome.CC), D);
  closePair(tft.totals, [101, 98], 1e-12);
  assert.deepEqual([tft.cooperation[0][0], tft.cooperation[0][99], tft.cooperation[1][99]], [1, 0, 1]);
  close(bestResponse(ALLC).total, 200, 0);
  close(bestResponse(ALLD).total, 0, 0);
  assert.equal(bestResponse(ALLD).policy(0, Outcome.START), D);
  // GTFT forgives half the time: the last-round defection is still the only one worth making.
  close(bestResponse(GTFT).total, 101, 1e-9);
  assert.throws(() => tft.policy(100, Outcome.CC), /round must be an integer in \[0, 99\], got 100/);
  assert.throws(() => bestResponse(TFT, { rounds: 0 }), /bestResponse: rounds must be an integer >= 1, got 0/);
});

test('property: no memory-one policy beats bestResponse, and its curves sum to its total', () => {
  fc.assert(
    fc.property(policy, policy, fc.integer({ min: 1, max: 40 }), fc.boolean(), (x, y, rounds, std) => {
      const game = std ? STD_PAYOFF : PAPER_PAYOFF;
      const br = bestResponse(y, { rounds, payoff: game });
      assert.ok(br.total >= finiteHorizon(x, y, { rounds, payoff: game }).totals[0] - 1e-9);
      close(br.reward[0].reduce((s, v) => s + v, 0), br.total, 1e-9);
    }),
    { seed: 26, numRuns: 200 },
  );
});

/** Mean over N sampled episodes within 4 standard errors of the exact value (plus float slack). */
function within4Se(mean: number, se: number, exact: number, msg: string): void {
  assert.ok(Math.abs(mean - exact) <= 4 * se + 1e-9, `${msg}: sampled ${mean} ± ${se}, exact ${exact}`);
}

test('playMemoryOne agrees with finiteHorizon within 4 standard errors (random pairs, fixed seeds, 4000 episodes)', () => {
  const root = seeded('mc-vs-exact');
  for (let k = 0; k < 4; k++) {
    const x = sampleMemoryOne(root.child(`x${k}`)), y = sampleMemoryOne(root.child(`y${k}`));
    const game = k % 2 ? STD_PAYOFF : PAPER_PAYOFF;
    const batch = playMemoryOne(x, y, { episodes: 4000, payoff: game }, root.child(`play${k}`));
    const exact = finiteHorizon(x, y, { payoff: game });
    const curves = perRoundCurves(batch);
    for (const p of [0, 1] as const) {
      const s = averageRewardWithSe(batch, p);
      within4Se(s.mean, s.se, exact.totals[p] / 100, `pair ${k} player ${p} mean reward`);
      for (const t of [0, 1, 10, 99]) {
        within4Se(curves.reward[p][t], curves.rewardSe[p][t], exact.reward[p][t], `pair ${k} player ${p} reward round ${t}`);
        within4Se(curves.cooperation[p][t], curves.cooperationSe[p][t], exact.cooperation[p][t], `pair ${k} player ${p} cooperation round ${t}`);
      }
    }
  }
});

test('the bestResponse table, played in IpdEnv (round, own-view last outcome), reproduces its expected curves', () => {
  const y = memoryOne({ p0: 0.8, cc: 0.9, cd: 0.2, dc: 0.7, dd: 0.4 });
  const br = bestResponse(y, { rounds: 30 });
  const env = new IpdEnv(4000, { rounds: 30 });
  const rng = seeded('br-play');
  const params = new Float32Array(5 * 4000);
  for (let e = 0; e < 4000; e++) params.set(toArray(y), 5 * e);
  const a = new Uint8Array(4000), b = new Uint8Array(4000);
  while (!env.done) {
    const mine = env.observations(0), theirs = env.observations(1);
    for (let e = 0; e < 4000; e++) {
      a[e] = br.policy(env.round, mine[e] as Outcome);
      b[e] = rng.uniform() < params[5 * e + theirs[e]] ? C : D;
    }
    env.step(a, b);
  }
  const batch = env.batch();
  const s = averageRewardWithSe(batch, 0);
  within4Se(s.mean, s.se, br.perRound, 'best-response mean reward');
  const curves = perRoundCurves(batch);
  for (const t of [0, 5, 29]) within4Se(curves.reward[0][t], curves.rewardSe[0][t], br.reward[0][t], `round ${t}`);
});

test('bad inputs to the exact functions are named', () => {
  assert.throws(() => finiteHorizon(TFT, TFT, { rounds: 0 }), /finiteHorizon: rounds must be an integer >= 1, got 0/);
  assert.throws(() => finiteHorizon(TFT, TFT, { payoff: { R: 1, S: NaN, T: 2, P: 0 } }), /payoff: S must be a finite number, got NaN/);
  assert.throws(() => longRun(TFT, TFT, { R: 1, S: 0, T: Infinity, P: 0 }), /payoff: T must be a finite number, got Infinity/);
  assert.throws(() => finiteHorizon(TFT, { ...TFT, dc: 1.5 }), /finiteHorizon: y\.dc must be a probability in \[0, 1\], got 1\.5/);
  assert.throws(() => longRun({ ...TFT, p0: NaN }, TFT), /longRun: x\.p0 must be a probability in \[0, 1\], got NaN/);
  assert.throws(() => bestResponse({ ...TFT, cc: -1 }), /bestResponse: y\.cc must be a probability/);
});
