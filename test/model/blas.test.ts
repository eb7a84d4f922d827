import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { seeded } from '../../src/rng';
import { blas, rowsIndependent } from '../../src/model/blas';

/** C = op(A)·op(B) in float64, row-major, for checking the native product. */
function reference(a: Float32Array, b: Float32Array, m: number, n: number, k: number, ta: boolean, tb: boolean): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let q = 0; q < k; q++) s += (ta ? a[q * m + i] : a[i * k + q]) * (tb ? b[j * k + q] : b[q * n + j]);
    c[i * n + j] = s;
  }
  return c;
}

test('the native sgemm reads and writes a shared buffer at byte offsets, in every transpose, with β accumulating', () => {
  const m = 7, n = 9, k = 13, r = seeded('blas');
  for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
    const buffer = new ArrayBuffer(4096 * 4);
    const a = new Float32Array(buffer, 64, m * k), b = new Float32Array(buffer, 1024, k * n);
    for (const v of [a, b]) for (let i = 0; i < v.length; i++) v[i] = r.normal();
    const c = new Float32Array(buffer, 2048, m * n).fill(1);
    blas().sgemm(buffer, ta, tb, m, n, k, 1, 64, ta ? m : k, 1024, tb ? k : n, 1, 2048, n);
    const want = reference(a, b, m, n, k, ta, tb);
    for (let i = 0; i < m * n; i++) assert.ok(Math.abs(c[i] - (want[i] + 1)) <= 1e-5 * (1 + Math.abs(want[i])), `transA=${ta} transB=${tb}: C[${i}] = ${c[i]}, expected ${want[i] + 1}`);
    assert.equal(new Float32Array(buffer, 2048 + m * n * 4, 1)[0], 0, 'nothing written past C');
  }
});

test('without a BLAS library the engine choice falls back to wasm-simd with one line saying why (native needs the BLAS too)', () => {
  const code = "const e = require('./src/model/engines'); console.log('KIND=' + e.resolveEngineKind());";
  const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], {
    env: { ...process.env, ICL_ENGINE: '', ICL_BLAS_LIB: 'libno-such-blas.so' }, encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /KIND=wasm-simd/);
  assert.match(run.stderr, /using the wasm-simd engine.*libno-such-blas\.so.*apt-get install libopenblas0-pthread/);
  const forced = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], {
    env: { ...process.env, ICL_ENGINE: 'blas', ICL_BLAS_LIB: 'libno-such-blas.so' }, encoding: 'utf8',
  });
  assert.notEqual(forced.status, 0, 'a forced blas engine without the library must fail, not run slower');
  assert.match(forced.stderr, /blas engine unavailable/);
});

test('without the C kernels (no compiler) the engine choice falls back to blas with one line saying why', () => {
  const code = "const e = require('./src/model/engines'); console.log('KIND=' + e.resolveEngineKind());";
  const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], {
    env: { ...process.env, ICL_ENGINE: '', ICL_NATIVE_LIB: '/nonexistent/libgru.so' }, encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /KIND=blas/);
  assert.match(run.stderr, /using the blas engine.*native kernels unavailable.*\/nonexistent\/libgru\.so/);
  assert.equal(run.stderr.trim().split('\n').length, 1, `one line, got:\n${run.stderr}`);
});

/** Row-major C = A·B (m×k times k×n) in float32, each row's sum over k in the order `order(row within the call)` gives. */
function gemmWith(order: (row: number, m: number) => 'forward' | 'backward') {
  return (m: number, n: number, k: number, a: Float32Array, b: Float32Array, c: Float32Array): void => {
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      let sum = 0;
      if (order(i, m) === 'forward') for (let q = 0; q < k; q++) sum = Math.fround(sum + Math.fround(a[i * k + q] * b[q * n + j]));
      else for (let q = k - 1; q >= 0; q--) sum = Math.fround(sum + Math.fround(a[i * k + q] * b[q * n + j]));
      c[i * n + j] = sum;
    }
  };
}

test('rowsIndependent tells a product whose rows are computed alike from one that rounds a row by its place', () => {
  assert.equal(rowsIndependent(gemmWith(() => 'forward')), true);
  // Like OpenBLAS's Haswell kernel: the second half of each 12-row tile, or the rows of a last partial tile, differ.
  assert.equal(rowsIndependent(gemmWith((row) => (row % 12 < 6 ? 'forward' : 'backward'))), false);
  assert.equal(rowsIndependent(gemmWith((row, m) => (row >= m - (m % 12) ? 'backward' : 'forward'))), false);
});

test('the BLAS reports independent rows exactly when rows taken out of a larger product come out bit for bit the same', () => {
  const m = 40, n = 384, k = 128, r = seeded('rows');
  const buffer = new ArrayBuffer((m * k + k * n + 2 * m * n) * 4);
  const a = new Float32Array(buffer, 0, m * k), b = new Float32Array(buffer, m * k * 4, k * n);
  for (const v of [a, b]) for (let i = 0; i < v.length; i++) v[i] = r.normal();
  const whole = (m * k + k * n) * 4, part = whole + m * n * 4;
  blas().sgemm(buffer, false, false, m, n, k, 1, 0, k, m * k * 4, n, 0, whole, n);
  blas().sgemm(buffer, false, false, 9, n, k, 1, 5 * k * 4, k, m * k * 4, n, 0, part, n);
  const same = new Float32Array(buffer, part, 9 * n).every((v, i) => v === new Float32Array(buffer, whole, m * n)[5 * n + i]);
  // Another shape than the probe's (9 rows at offset 5 of 40, the GRU's k and n): the two must agree.
  assert.equal(same, blas().rowsIndependent, `${blas().description}: rows 5–13 taken alone ${same ? 'equal' : 'differ from'} the larger product's`);
});
