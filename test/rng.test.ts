import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, seeded } from '../src/rng';

test('the same seed gives the same stream; different seeds differ', () => {
  const a = seeded(1), b = seeded(1), c = seeded(2);
  const xa = [a.uniform(), a.uniform(), a.normal()];
  assert.deepEqual(xa, [b.uniform(), b.uniform(), b.normal()]);
  assert.notDeepEqual(xa.slice(0, 2), [c.uniform(), c.uniform()]);
});

test('child streams depend on the label only, not on the parent position', () => {
  const a = seeded(5);
  const early = a.child('x').uniform();
  a.uniform(); a.uniform();
  assert.equal(a.child('x').uniform(), early);
  assert.notEqual(a.child('y').uniform(), early);
});

test('a restored state continues the same sequence, including a held Gaussian', () => {
  const a = seeded('resume');
  a.uniform(); a.normal();                     // leaves a spare normal held
  const saved = JSON.parse(JSON.stringify(a.state()));
  const next = [a.normal(), a.uniform(), a.normal()];
  const b = Rng.restore(saved);
  assert.deepEqual([b.normal(), b.uniform(), b.normal()], next);
});

test('uniform is in [0,1) with mean 1/2 and normal has mean 0, variance 1 (within 5 standard errors)', () => {
  const r = seeded(9);
  const n = 40000;
  let su = 0, sn = 0, sn2 = 0;
  for (let i = 0; i < n; i++) {
    const u = r.uniform();
    assert.ok(u >= 0 && u < 1);
    su += u;
    const z = r.normal();
    sn += z; sn2 += z * z;
  }
  assert.ok(Math.abs(su / n - 0.5) < 5 * Math.sqrt(1 / 12 / n));
  assert.ok(Math.abs(sn / n) < 5 / Math.sqrt(n));
  assert.ok(Math.abs(sn2 / n - 1) < 5 * Math.sqrt(2 / n));
});

test('int rejects a non-positive or fractional bound with the value in the message', () => {
  assert.throws(() => seeded(0).int(0), /n must be a positive integer, got 0/);
  assert.throws(() => seeded(0).int(2.5), /got 2\.5/);
});
