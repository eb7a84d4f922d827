import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seeded } from '../../src/rng';
import { wasmMatmul } from '../../src/model/engine-wasm';

test('the tiled SIMD product equals a float64 product, including the 1-row tail (M=7, Kd=13, N=24)', () => {
  const m = 7, kd = 13, n = 24, r = seeded('mm');
  const a = new Float32Array(m * kd).map(() => r.normal()), b = new Float32Array(kd * n).map(() => r.normal());
  const { c } = wasmMatmul(a, b, m, kd, n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let q = 0; q < kd; q++) s += a[i * kd + q] * b[q * n + j];
      assert.ok(Math.abs(c[i * n + j] - s) <= 1e-5 * (1 + Math.abs(s)), `C[${i}][${j}] = ${c[i * n + j]}, expected ${s}`);
    }
  }
  assert.throws(() => wasmMatmul(a, b, m, kd, 12), /N must be a multiple of 8, got 12/);
});
