import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { seeded } from '../../src/rng';
import { PAPER_PAYOFF, STD_PAYOFF, payoff } from '../../src/game/ipd';
import {
  ALLC, ALLD, GTFT, RANDOM, TFT, gtft, maxExtortionPhi, memoryOne, memoryOneFromArray, memoryOneLogProbs, packMemoryOne,
  sampleMemoryOne, sampleMemoryOneBatch, toArray, zdExtortion, zdStrategy, type MemoryOne,
} from '../../src/game/memory-one';

function closeVec(actual: readonly number[], expected: readonly number[], tol = 1e-9, msg = ''): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]) <= tol, `${msg} entry ${i}: ${a} vs ${expected[i]}`));
}
const four = (m: MemoryOne) => toArray(m).slice(1);

test('memoryOne rejects NaN, out-of-range, missing and unknown fields, naming field and value', () => {
  assert.throws(() => memoryOne({ ...TFT, cd: 1.5 }), /memoryOne: cd must be a probability in \[0, 1\], got 1\.5/);
  assert.throws(() => memoryOne({ ...TFT, dd: NaN }), /memoryOne: dd must be a probability in \[0, 1\], got NaN/);
  assert.throws(() => memoryOne({ ...TFT, p0: -0.1 }), /p0 must be a probability in \[0, 1\], got -0\.1/);
  const { dc: _dropped, ...missing } = TFT;
  assert.throws(() => memoryOne(missing as MemoryOne), /missing field dc/);
  assert.throws(() => memoryOne({ ...TFT, start: 1 } as MemoryOne), /unknown field start/);
  assert.ok(Object.isFrozen(memoryOne({ ...TFT })));
});

test('memoryOneFromArray reads p0, cc, cd, dc, dd and rejects a wrong length; toArray inverts it', () => {
  assert.deepEqual(memoryOneFromArray([0.1, 0.2, 0.3, 0.4, 0.5]), { p0: 0.1, cc: 0.2, cd: 0.3, dc: 0.4, dd: 0.5 });
  assert.throws(() => memoryOneFromArray([1, 0, 1, 0]), /expected 5 entries \(p0, cc, cd, dc, dd\), got length 4/);
  assert.throws(() => memoryOneFromArray([1, 0, 1, 0, 1, 0]), /got length 6/);
  assert.throws(() => memoryOneFromArray([1, 0, 2, 0, 1]), /cd must be a probability in \[0, 1\], got 2/);
  assert.deepEqual(toArray(TFT), [1, 1, 0, 1, 0]);
});

test('GTFT forgiveness is min(1 − (T−R)/(R−S), (R−P)/(T−P)): ½ under the paper payoff, ⅓ under STD', () => {
  assert.deepEqual(GTFT, { p0: 1, cc: 1, cd: 0.5, dc: 1, dd: 0.5 });
  closeVec(toArray(gtft(STD_PAYOFF)), [1, 1, 1 / 3, 1, 1 / 3]);
  assert.throws(() => gtft(payoff({ R: 1, S: 1, T: 2, P: 0 })), /gtft: needs R ≠ S/);
  assert.throws(() => gtft(payoff({ R: 3, S: 2, T: 10, P: 1 })), /forgiveness probability .* outside \[0, 1\]/);
});

test('zdExtortion reproduces the COALA-PG vectors of test-vectors.md under the paper payoff', () => {
  closeVec(four(zdExtortion({ chi: 2, phi: 0.1 })), [0.9, 0.5, 0.4, 0]);
  closeVec(four(zdExtortion({ chi: 3, phi: 0.1 })), [0.8, 0.3, 0.5, 0]);
  assert.deepEqual(zdExtortion({ chi: 1, phi: 1 / 3 }), TFT);
  assert.equal(zdExtortion({ chi: 2, phi: 0.1, p0: 0 }).p0, 0);
  assert.ok(Math.abs(maxExtortionPhi(1) - 1 / 3) < 1e-15);
});

test('zdStrategy reproduces Axelrod\'s ZD four-vectors under STD (Hilbe et al. 2013 form)', () => {
  const std = { payoff: STD_PAYOFF };
  closeVec(four(zdStrategy({ phi: 1 / 9, s: 1 / 2, l: 1, ...std })), [8 / 9, 1 / 2, 1 / 3, 0]); // ZD-Extort-2
  closeVec(four(zdStrategy({ phi: 1 / 4, s: 1 / 2, l: 3, ...std })), [1, 1 / 8, 1, 1 / 4]); // ZD-GTFT-2
  closeVec(four(zdStrategy({ phi: 0.1, s: 0, l: 1, ...std })), [0.8, 0.6, 0.1, 0]); // ZD-Mischief
  assert.throws(() => zdStrategy({ phi: 1, s: 1 / 2, l: 1, ...std }), /zdStrategy: φ = 1, s = 0\.5, l = 1 give cd = -3\.5, outside \[0, 1\]/);
});

test('zdExtortion rejects bad χ, φ and infeasible pairs, naming χ, φ and the entry', () => {
  assert.throws(() => zdExtortion({ chi: 0.5, phi: 0.1 }), /zdExtortion: chi must lie in \[1, Infinity\], got 0\.5/);
  assert.throws(() => zdExtortion({ chi: 2, phi: 0 }), /zdExtortion: phi must be > 0, got 0/);
  assert.throws(() => zdExtortion({ chi: 2, phi: NaN }), /phi must be a finite number, got NaN/);
  assert.throws(() => zdExtortion({ chi: 2, phi: 0.5 }), /zdExtortion: χ = 2, φ = 0\.5 give cd = -1\.5, outside \[0, 1\] \(the largest feasible φ for χ = 2 is 0\.2\)/);
  assert.throws(() => zdExtortion({ chi: 2, phi: 0.1, payoff: payoff({ R: 1, S: 0, T: 2, P: 0 }) }), /needs P > S/);
});

test('property: feasible φ are exactly (0, maxExtortionPhi], and the two ZD forms agree (s = 1/χ, l = P, φ_H = χφ/(P−S))', () => {
  fc.assert(
    fc.property(fc.double({ min: 1, max: 20, noNaN: true }), fc.double({ min: 1e-3, max: 1, noNaN: true }), fc.boolean(), (chi, frac, std) => {
      const game = std ? STD_PAYOFF : PAPER_PAYOFF;
      const max = maxExtortionPhi(chi, game);
      const phi = frac * max;
      const m = zdExtortion({ chi, phi, payoff: game });
      const h = zdStrategy({ phi: (chi * phi) / (game.P - game.S), s: 1 / chi, l: game.P, payoff: game });
      closeVec(toArray(m), toArray(h), 1e-9, `χ=${chi} φ=${phi}`);
      assert.throws(() => zdExtortion({ chi, phi: max * 1.001 + 1e-9, payoff: game }), /outside \[0, 1\]/);
    }),
    { seed: 11, numRuns: 200 },
  );
});

test('the 10-d opponent-ID vector is log π(a|o) for o = CC, CD, DC, DD, Start and a = C, D, clipped', () => {
  const m = memoryOne({ p0: 0.9, cc: 0.1, cd: 0.2, dc: 0.3, dd: 0.4 });
  closeVec(Array.from(memoryOneLogProbs(m)), [0.1, 0.9, 0.2, 0.8, 0.3, 0.7, 0.4, 0.6, 0.9, 0.1].map(Math.log), 1e-12);
  const t = memoryOneLogProbs(TFT, 1e-6);
  closeVec(Array.from(t), [1 - 1e-6, 1e-6, 1e-6, 1 - 1e-6, 1 - 1e-6, 1e-6, 1e-6, 1 - 1e-6, 1 - 1e-6, 1e-6].map(Math.log), 1e-12);
  assert.ok(memoryOneLogProbs(ALLD, 1e-3).every(Number.isFinite));
  assert.throws(() => memoryOneLogProbs(ALLC, 0), /clip must lie in \(0, 0\.5\), got 0/);
});

test('the random pool: five i.i.d. U(0,1) parameters per co-player (moments within 5 standard errors)', () => {
  const n = 20000;
  const batch = sampleMemoryOneBatch(n, seeded('pool'));
  assert.equal(batch.length, 5 * n);
  for (let k = 0; k < 5; k++) {
    let s = 0, s2 = 0, cross = 0;
    for (let e = 0; e < n; e++) {
      const v = batch[5 * e + k];
      assert.ok(v >= 0 && v <= 1);
      s += v; s2 += v * v; cross += (v - 0.5) * (batch[5 * e + ((k + 1) % 5)] - 0.5);
    }
    assert.ok(Math.abs(s / n - 1 / 2) < 5 * Math.sqrt(1 / 12 / n), `mean of field ${k}`);
    assert.ok(Math.abs(s2 / n - 1 / 3) < 5 * Math.sqrt(4 / 45 / n), `second moment of field ${k}`);
    assert.ok(Math.abs(cross / n) < 5 * (1 / 12) / Math.sqrt(n), `correlation of fields ${k}, ${(k + 1) % 5}`);
  }
  const one = sampleMemoryOne(seeded(3));
  assert.deepEqual(toArray(one), [0, 1, 2, 3, 4].map(((r) => () => r.uniform())(seeded(3))));
  assert.deepEqual(Array.from(packMemoryOne([RANDOM, TFT])), [0.5, 0.5, 0.5, 0.5, 0.5, 1, 1, 0, 1, 0]);
  assert.throws(() => sampleMemoryOneBatch(-1, seeded(1)), /episodes must be an integer >= 0, got -1/);
});
