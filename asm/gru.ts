// Fused WebAssembly-SIMD kernels for the GRU sequence model (src/model/gru-net.ts), in AssemblyScript.
// Built by scripts/build-wasm.mjs: asc asm/gru.ts -O3 --runtime stub --noAssert --enable simd -> build/gru.wasm.
//
// The host (src/model/engine-wasm.ts) owns the memory layout: it writes the (padded) weights and inputs above
// heapBase(), calls one of the three exported entry points, and reads the results back. Nothing here allocates.
//
// Sizes: B rows (histories), T steps, D input width, Hp = hidden size padded to a multiple of 8, G = 3·Hp,
// K outputs. Padded hidden units have zero weights and biases, so they stay exactly 0 and receive zero gradient.
// All pointers are byte addresses; all arrays are f32 and row-major; every row of width Hp or G is 16-byte aligned.
//
// Weights as the kernels use them (prepared by the host):
//   wf  [D][G]   fused input kernel W_e·W_i (the embedding is linear, so x ↦ (xW_e + b_e)W_i + b_i is one affine map)
//   bf  [G]      fused bias b_e·W_i + [b_r | b_z | b_in]
//   wh  [Hp][G]  recurrent kernel [W_hr | W_hz | W_hn];   whT [G][Hp] its transpose (backward)
//   bhn [Hp]     b_hn;   woT [K][Hp] head kernel, transposed;   bo [K]
// Caches of the training forward, per (t, b): h_t in hs [(T+1)][B][Hp] (hs[0] = h0) and, in cache [T][B][5·Hp],
// the gates r, z, n, hn = W_hn h + b_hn, and σ(h_t) (swish's sigmoid, so the backward needs no exp at all).

// ---------------------------------------------------------------- constants (kept in memory: V8 rebuilds
// v128.const values through a general register, a load is cheaper)

/** Index of each constant in CONSTS (one 16-byte row of four equal lanes each). */
enum C { ONE, LOG2E, LN2HI, LN2LO, P2, P3, P4, P5, P6, XMIN, XMAX, TWO, BIAS /* i32 127 */, MAGIC /* 1.5·2²³ */ }

const CONSTS: usize = memory.data<u32>([
  0x3f800000, 0x3f800000, 0x3f800000, 0x3f800000, // 1
  0x3fb8aa3b, 0x3fb8aa3b, 0x3fb8aa3b, 0x3fb8aa3b, // log2(e)
  0x3f318000, 0x3f318000, 0x3f318000, 0x3f318000, // ln2, high part (0.693359375, exact in few bits)
  0xb95e8083, 0xb95e8083, 0xb95e8083, 0xb95e8083, // ln2, low part (-2.12194440e-4)
  0x3f000000, 0x3f000000, 0x3f000000, 0x3f000000, // 1/2
  0x3e2aaaab, 0x3e2aaaab, 0x3e2aaaab, 0x3e2aaaab, // 1/6
  0x3d2aaaab, 0x3d2aaaab, 0x3d2aaaab, 0x3d2aaaab, // 1/24
  0x3c088889, 0x3c088889, 0x3c088889, 0x3c088889, // 1/120
  0x3ab60b61, 0x3ab60b61, 0x3ab60b61, 0x3ab60b61, // 1/720
  0xc2ae0000, 0xc2ae0000, 0xc2ae0000, 0xc2ae0000, // -87
  0x42b00000, 0x42b00000, 0x42b00000, 0x42b00000, // 88
  0x40000000, 0x40000000, 0x40000000, 0x40000000, // 2
  127, 127, 127, 127,
  0x4b400000, 0x4b400000, 0x4b400000, 0x4b400000, // 1.5·2²³
], 16);

// @ts-ignore: decorator
@inline function cst(i: C): v128 {
  return v128.load(CONSTS + (<usize>i << 4));
}

/** The first byte above the module's static data: the host lays out its arrays from here. */
export function heapBase(): usize {
  return __heap_base;
}

// ---------------------------------------------------------------- activations

/**
 * e^x per lane: x = n·ln2 + r with |r| ≤ ln2/2, e^r by its degree-6 Taylor polynomial (error ≤ 1.2e-7 relative),
 * 2^n through the exponent bits. x is clamped to [-87, 88], where float32 stays normal and finite (NaN stays NaN
 * through pmin/pmax only if it is the first operand: a NaN input gives NaN, so a diverged net still shows up).
 */
// @ts-ignore: decorator
@inline function vexp(x: v128): v128 {
  // pmin/pmax are single instructions on x64 (min/max with NaN semantics are not); rounding to an integer happens
  // in the add of 1.5·2²³, whose low mantissa bits then hold n (cheaper than nearest + trunc_sat).
  x = f32x4.pmin(f32x4.pmax(x, cst(C.XMIN)), cst(C.XMAX));
  const kf = f32x4.add(f32x4.mul(x, cst(C.LOG2E)), cst(C.MAGIC));
  const n = f32x4.sub(kf, cst(C.MAGIC));
  let r = f32x4.sub(x, f32x4.mul(n, cst(C.LN2HI)));
  r = f32x4.sub(r, f32x4.mul(n, cst(C.LN2LO)));
  let p = f32x4.add(f32x4.mul(cst(C.P6), r), cst(C.P5));
  p = f32x4.add(f32x4.mul(p, r), cst(C.P4));
  p = f32x4.add(f32x4.mul(p, r), cst(C.P3));
  p = f32x4.add(f32x4.mul(p, r), cst(C.P2));
  p = f32x4.add(f32x4.mul(p, r), cst(C.ONE));
  p = f32x4.add(f32x4.mul(p, r), cst(C.ONE));
  // kf's bits are 0x4B400000 + n; adding 127 and shifting left by 23 drops the 0x4B400000 (its low 9 bits are 0).
  const scale = i32x4.shl(i32x4.add(kf, cst(C.BIAS)), 23);
  return f32x4.mul(p, scale);
}

/** σ(x) = 1 / (1 + e^−x) per lane. */
// @ts-ignore: decorator
@inline function vsigmoid(x: v128): v128 {
  return f32x4.div(cst(C.ONE), f32x4.add(cst(C.ONE), vexp(f32x4.neg(x))));
}

/** tanh(x) = 2σ(2x) − 1 per lane (absolute error ~1e-7). */
// @ts-ignore: decorator
@inline function vtanh(x: v128): v128 {
  const s = vsigmoid(f32x4.add(x, x));
  return f32x4.sub(f32x4.add(s, s), cst(C.ONE));
}

// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

// ---------------------------------------------------------------- matrix products

/**
 * Four rows of C (+)= A·B, over all N columns (N a multiple of 8), in 4×8 register tiles (8 accumulators: V8 has 16
 * vector registers, larger tiles spill). Row i of A starts at a + i·sam; consecutive k are sak bytes apart, so the
 * same kernel reads A row-major (sak = 4) or transposed (sam = 4). B and C are row-major with byte strides ldb, ldc.
 */
function gemm4(a: usize, sam: usize, sak: usize, kd: i32, b: usize, ldb: usize, n: i32, c: usize, ldc: usize, accumulate: bool): void {
  const a1 = a + sam, a2 = a + 2 * sam, a3 = a + 3 * sam;
  const c1 = c + ldc, c2 = c + 2 * ldc, c3 = c + 3 * ldc;
  for (let j: usize = 0; j < <usize>n << 2; j += 32) {
    let x00 = f32x4.splat(0), x01 = f32x4.splat(0), x10 = f32x4.splat(0), x11 = f32x4.splat(0);
    let x20 = f32x4.splat(0), x21 = f32x4.splat(0), x30 = f32x4.splat(0), x31 = f32x4.splat(0);
    if (accumulate) {
      x00 = v128.load(c + j); x01 = v128.load(c + j, 16);
      x10 = v128.load(c1 + j); x11 = v128.load(c1 + j, 16);
      x20 = v128.load(c2 + j); x21 = v128.load(c2 + j, 16);
      x30 = v128.load(c3 + j); x31 = v128.load(c3 + j, 16);
    }
    let pb = b + j;
    let o: usize = 0;
    const end = <usize>kd * sak;
    while (o < end) {
      const b0 = v128.load(pb), b1 = v128.load(pb, 16);
      let s = v128.load32_splat(a + o);
      x00 = f32x4.add(x00, f32x4.mul(s, b0)); x01 = f32x4.add(x01, f32x4.mul(s, b1));
      s = v128.load32_splat(a1 + o);
      x10 = f32x4.add(x10, f32x4.mul(s, b0)); x11 = f32x4.add(x11, f32x4.mul(s, b1));
      s = v128.load32_splat(a2 + o);
      x20 = f32x4.add(x20, f32x4.mul(s, b0)); x21 = f32x4.add(x21, f32x4.mul(s, b1));
      s = v128.load32_splat(a3 + o);
      x30 = f32x4.add(x30, f32x4.mul(s, b0)); x31 = f32x4.add(x31, f32x4.mul(s, b1));
      o += sak;
      pb += ldb;
    }
    v128.store(c + j, x00); v128.store(c + j, x01, 16);
    v128.store(c1 + j, x10); v128.store(c1 + j, x11, 16);
    v128.store(c2 + j, x20); v128.store(c2 + j, x21, 16);
    v128.store(c3 + j, x30); v128.store(c3 + j, x31, 16);
  }
}

/**
 * dst[c][r] = src[r][c] for an R×C row-major src (C a multiple of 4) into dst with row stride ldd bytes, in 4×4
 * blocks of shuffles. Used to give dW_h += h_{t-1}ᵀ·dG a row-major left operand: read in place (a column of h
 * per k) it pulled a new cache line of h per multiply-add step and was L2-bandwidth bound, 30% slower.
 */
function transpose(src: usize, r: i32, c: i32, dst: usize, ldd: usize): void {
  const c4 = <usize>c << 2;
  let i = 0;
  for (; i + 4 <= r; i += 4) {
    const s0 = src + <usize>i * c4, s1 = s0 + c4, s2 = s1 + c4, s3 = s2 + c4;
    const d0 = dst + (<usize>i << 2);
    for (let j: usize = 0; j < c4; j += 16) {
      const r0 = v128.load(s0 + j), r1 = v128.load(s1 + j), r2 = v128.load(s2 + j), r3 = v128.load(s3 + j);
      const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
      const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5), t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
      const d = d0 + (j >> 2) * ldd;
      v128.store(d, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
      v128.store(d + ldd, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
      v128.store(d + 2 * ldd, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
      v128.store(d + 3 * ldd, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
    }
  }
  for (; i < r; i++) {
    for (let j = 0; j < c; j++) store<f32>(dst + <usize>j * ldd + (<usize>i << 2), load<f32>(src + <usize>i * c4 + (<usize>j << 2)));
  }
}

/** One row of C (+)= A·B (the tail when the row count is not a multiple of 4); arguments as gemm4. */
function gemm1(a: usize, sak: usize, kd: i32, b: usize, ldb: usize, n: i32, c: usize, accumulate: bool): void {
  for (let j: usize = 0; j < <usize>n << 2; j += 32) {
    let x0 = f32x4.splat(0), x1 = f32x4.splat(0);
    if (accumulate) { x0 = v128.load(c + j); x1 = v128.load(c + j, 16); }
    let pb = b + j;
    let o: usize = 0;
    const end = <usize>kd * sak;
    while (o < end) {
      const s = v128.load32_splat(a + o);
      x0 = f32x4.add(x0, f32x4.mul(s, v128.load(pb)));
      x1 = f32x4.add(x1, f32x4.mul(s, v128.load(pb, 16)));
      o += sak;
      pb += ldb;
    }
    v128.store(c + j, x0); v128.store(c + j, x1, 16);
  }
}

// ---------------------------------------------------------------- sparse-aware input rows

/**
 * Lists the nonzero entries of one input row x[0..D) as (byte offset of row d in a [D][G] matrix, value) pairs in
 * `nz` (8 bytes per entry); returns their count. A one-hot input has one, so the input path costs one row of wf.
 */
// @ts-ignore: decorator
@inline function nonzeros(x: usize, d: i32, g4: usize, nz: usize): i32 {
  let cnt = 0;
  for (let i = 0; i < d; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    if (v != 0) {
      store<u32>(nz + (<usize>cnt << 3), <u32>(<usize>i * g4));
      store<f32>(nz + (<usize>cnt << 3), v, 4);
      cnt++;
    }
  }
  return cnt;
}

// ---------------------------------------------------------------- forward

/**
 * The gates, new state and heads of one row, from gh = h_prev·W_h (already computed). Writes h' at hNext, the
 * gates r z n hn and σ(h') into w (the cache row when training, scratch when acting) and the K outputs at outRow.
 * y is scratch [Hp]. The work is split into short passes, each with one exp chain per iteration and no
 * dependence between iterations: the CPU then overlaps many iterations, where one long fused body was bound by
 * the latency of its chain of dependent activations (measured: 40 → 20 ms per A2C-shaped forward).
 */
function forwardRow(
  hp: i32, k: i32, gh: usize, nz: usize, nnz: i32, wf: usize, bf: usize, bhn: usize,
  hPrev: usize, hNext: usize, w: usize, woT: usize, bo: usize, outRow: usize, y: usize,
): void {
  const h4 = <usize>hp << 2;
  // Pre-activations: r, z (input + recurrent, biases folded), the input part of n, and hn = W_hn h + b_hn.
  for (let j: usize = 0; j < h4; j += 16) {
    let ir = v128.load(bf + j), iz = v128.load(bf + h4 + j), inn = v128.load(bf + 2 * h4 + j);
    for (let q = 0; q < nnz; q++) {
      const row = wf + <usize>load<u32>(nz + (<usize>q << 3));
      const v = v128.load32_splat(nz + (<usize>q << 3), 4);
      ir = f32x4.add(ir, f32x4.mul(v, v128.load(row + j)));
      iz = f32x4.add(iz, f32x4.mul(v, v128.load(row + h4 + j)));
      inn = f32x4.add(inn, f32x4.mul(v, v128.load(row + 2 * h4 + j)));
    }
    v128.store(w + j, f32x4.add(ir, v128.load(gh + j)));
    v128.store(w + h4 + j, f32x4.add(iz, v128.load(gh + h4 + j)));
    v128.store(w + 2 * h4 + j, inn);
    v128.store(w + 3 * h4 + j, f32x4.add(v128.load(gh + 2 * h4 + j), v128.load(bhn + j)));
  }
  // r = σ(·), z = σ(·): one contiguous run of 2·Hp.
  for (let j: usize = 0; j < 2 * h4; j += 16) v128.store(w + j, vsigmoid(v128.load(w + j)));
  // n = tanh(W_in e + b_in + r ⊙ hn)
  for (let j: usize = 0; j < h4; j += 16) {
    const pre = f32x4.add(v128.load(w + 2 * h4 + j), f32x4.mul(v128.load(w + j), v128.load(w + 3 * h4 + j)));
    v128.store(w + 2 * h4 + j, vtanh(pre));
  }
  // h' = n + z ⊙ (h − n);  y = swish(h')
  for (let j: usize = 0; j < h4; j += 16) {
    const n = v128.load(w + 2 * h4 + j);
    const h = f32x4.add(n, f32x4.mul(v128.load(w + h4 + j), f32x4.sub(v128.load(hPrev + j), n)));
    v128.store(hNext + j, h);
    const sg = vsigmoid(h);
    v128.store(w + 4 * h4 + j, sg);
    v128.store(y + j, f32x4.mul(h, sg));
  }
  for (let q = 0; q < k; q++) {
    const wq = woT + <usize>q * h4;
    let acc0 = f32x4.splat(0), acc1 = f32x4.splat(0);
    let j: usize = 0;
    for (; j + 32 <= h4; j += 32) {
      acc0 = f32x4.add(acc0, f32x4.mul(v128.load(y + j), v128.load(wq + j)));
      acc1 = f32x4.add(acc1, f32x4.mul(v128.load(y + j, 16), v128.load(wq + j, 16)));
    }
    for (; j < h4; j += 16) acc0 = f32x4.add(acc0, f32x4.mul(v128.load(y + j), v128.load(wq + j)));
    store<f32>(outRow + (<usize>q << 2), hsum(f32x4.add(acc0, acc1)) + load<f32>(bo + (<usize>q << 2)));
  }
}

/**
 * Runs T steps for B histories (training forward when cache ≠ 0; one acting step when T = 1 and cache = 0).
 * x [B][T][D] and out [B][T][K] are batch-major as the host passes them; hs [(T+1)][B][Hp] holds h0 in hs[0]
 * on entry and every h_t on return. scratch: 4·G + 6·Hp floats + 8·D bytes.
 */
export function forward(
  b: i32, t: i32, d: i32, hp: i32, k: i32,
  x: usize, hs: usize, cache: usize, out: usize,
  wf: usize, bf: usize, wh: usize, bhn: usize, woT: usize, bo: usize, scratch: usize,
): void {
  for (let s = 0; s < t; s++) forwardAt(b, t, s, d, hp, k, x, hs, cache, out, wf, bf, wh, bhn, woT, bo, scratch);
}

/**
 * Step s of `forward` alone (arguments as there): the training forward one step at a time, so that acting can fill
 * the caches of the update as it plays (the products and the gates per 4 rows, as in `forward`).
 */
export function forwardAt(
  b: i32, t: i32, s: i32, d: i32, hp: i32, k: i32,
  x: usize, hs: usize, cache: usize, out: usize,
  wf: usize, bf: usize, wh: usize, bhn: usize, woT: usize, bo: usize, scratch: usize,
): void {
  const g = 3 * hp, g4 = <usize>g << 2, h4 = <usize>hp << 2;
  const gh = scratch, y = scratch + 4 * g4, work = y + h4, nz = work + 5 * h4;
  const layer = <usize>b * h4;
  const hPrev = hs + <usize>s * layer, hNext = hPrev + layer;
  for (let m = 0; m < b; m += 4) {
    const rows = min(4, b - m);
    const hm = hPrev + <usize>m * h4;
    if (rows == 4) gemm4(hm, h4, 4, hp, wh, g4, g, gh, g4, false);
    else for (let i = 0; i < rows; i++) gemm1(hm + <usize>i * h4, 4, hp, wh, g4, g, gh + <usize>i * g4, false);
    for (let i = 0; i < rows; i++) {
      const row = m + i;
      const bt = <usize>row * <usize>t + <usize>s;
      const nnz = nonzeros(x + bt * <usize>d * 4, d, g4, nz);
      const cacheRow: usize = cache == 0 ? work : cache + (<usize>s * <usize>b + <usize>row) * 5 * h4;
      forwardRow(hp, k, gh + <usize>i * g4, nz, nnz, wf, bf, bhn,
        hPrev + <usize>row * h4, hNext + <usize>row * h4, cacheRow, woT, bo, out + bt * <usize>k * 4, y);
    }
  }
}

// ---------------------------------------------------------------- backward

/**
 * Backward through the heads and gates of one row at one step. Reads dh_next (from step t+1) and dOut; writes
 * dG = [dr̃ | dz̃ | dñ·r] (the recurrent pre-activation gradients) and dhPrev = dh ⊙ z (the direct path; the host's
 * matrix product adds dG·W_hᵀ); accumulates the head, bias and input-path gradients. dk is scratch [K] v128.
 */
function backwardRow(
  hp: i32, k: i32, dOutRow: usize, hRow: usize, hPrevRow: usize, cacheRow: usize, dhNext: usize,
  dG: usize, dhPrev: usize, woT: usize, gWoT: usize, gBo: usize, gGi: usize, gHn: usize,
  gX: usize, nz: usize, nnz: i32, dk: usize,
): void {
  const h4 = <usize>hp << 2;
  for (let q = 0; q < k; q++) {
    const v = load<f32>(dOutRow + (<usize>q << 2));
    v128.store(dk + (<usize>q << 4), f32x4.splat(v));
    store<f32>(gBo + (<usize>q << 2), load<f32>(gBo + (<usize>q << 2)) + v);
  }
  for (let j: usize = 0; j < h4; j += 16) {
    const h = v128.load(hRow + j);
    const sg = v128.load(cacheRow + 4 * h4 + j);
    const y = f32x4.mul(h, sg);
    let dy = f32x4.splat(0);
    for (let q = 0; q < k; q++) {
      const off = <usize>q * h4 + j;
      const dq = v128.load(dk + (<usize>q << 4));
      dy = f32x4.add(dy, f32x4.mul(dq, v128.load(woT + off)));
      v128.store(gWoT + off, f32x4.add(v128.load(gWoT + off), f32x4.mul(dq, y)));
    }
    // swish'(h) = σ(h)·(1 + h·(1 − σ(h)))
    const dsw = f32x4.mul(sg, f32x4.add(cst(C.ONE), f32x4.mul(h, f32x4.sub(cst(C.ONE), sg))));
    const dh = f32x4.add(v128.load(dhNext + j), f32x4.mul(dy, dsw));
    const r = v128.load(cacheRow + j), z = v128.load(cacheRow + h4 + j);
    const n = v128.load(cacheRow + 2 * h4 + j), hn = v128.load(cacheRow + 3 * h4 + j);
    const one = cst(C.ONE);
    const dn = f32x4.mul(f32x4.mul(dh, f32x4.sub(one, z)), f32x4.sub(one, f32x4.mul(n, n)));
    const dz = f32x4.mul(f32x4.mul(dh, f32x4.sub(v128.load(hPrevRow + j), n)), f32x4.mul(z, f32x4.sub(one, z)));
    const dr = f32x4.mul(f32x4.mul(dn, hn), f32x4.mul(r, f32x4.sub(one, r)));
    const dnr = f32x4.mul(dn, r);
    v128.store(dG + j, dr);
    v128.store(dG + h4 + j, dz);
    v128.store(dG + 2 * h4 + j, dnr);
    v128.store(dhPrev + j, f32x4.mul(dh, z));
    v128.store(gGi + j, f32x4.add(v128.load(gGi + j), dr));
    v128.store(gGi + h4 + j, f32x4.add(v128.load(gGi + h4 + j), dz));
    v128.store(gGi + 2 * h4 + j, f32x4.add(v128.load(gGi + 2 * h4 + j), dn));
    v128.store(gHn + j, f32x4.add(v128.load(gHn + j), dnr));
    for (let q = 0; q < nnz; q++) {
      const row = gX + <usize>load<u32>(nz + (<usize>q << 3));
      const v = v128.load32_splat(nz + (<usize>q << 3), 4);
      v128.store(row + j, f32x4.add(v128.load(row + j), f32x4.mul(v, dr)));
      v128.store(row + h4 + j, f32x4.add(v128.load(row + h4 + j), f32x4.mul(v, dz)));
      v128.store(row + 2 * h4 + j, f32x4.add(v128.load(row + 2 * h4 + j), f32x4.mul(v, dn)));
    }
  }
}

/**
 * Backpropagation through time of the last training forward. dOut [B][T][K] batch-major. Gradient accumulators
 * (zeroed here): gWh [Hp][G], gX [D][G] = Σ xᵀ·dgi (the host turns it into the embedding and input-kernel
 * gradients), gGi [G] = Σ dgi, gHn [Hp] = Σ dgh_n, gWoT [K][Hp], gBo [K]. Work: dG [B][G], dhA, dhB [B][Hp];
 * on return the gradient with respect to h0 is in dhA when T is even, else dhB. hT: Hp·B floats of work.
 * scratch: 8·D bytes + 16·K bytes.
 */
export function backward(
  b: i32, t: i32, d: i32, hp: i32, k: i32,
  x: usize, hs: usize, cache: usize, dOut: usize,
  whT: usize, woT: usize,
  dG: usize, dhA: usize, dhB: usize, hT: usize,
  gWh: usize, gX: usize, gGi: usize, gHn: usize, gWoT: usize, gBo: usize, scratch: usize,
): void {
  const g = 3 * hp, g4 = <usize>g << 2, h4 = <usize>hp << 2;
  const nz = scratch, dk = (scratch + 8 * <usize>d + 15) & ~<usize>15;
  const ldt = <usize>b << 2;
  memory.fill(gWh, 0, <usize>hp * g4);
  memory.fill(gX, 0, <usize>d * g4);
  memory.fill(gGi, 0, g4);
  memory.fill(gHn, 0, h4);
  memory.fill(gWoT, 0, <usize>k * h4);
  memory.fill(gBo, 0, <usize>k << 2);
  memory.fill(dhA, 0, <usize>b * h4);
  const layer = <usize>b * h4;
  let dhNext = dhA, dhPrev = dhB;
  for (let s = t - 1; s >= 0; s--) {
    const hPrev = hs + <usize>s * layer, hCur = hPrev + layer;
    for (let m = 0; m < b; m += 4) {
      const rows = min(4, b - m);
      for (let i = 0; i < rows; i++) {
        const row = m + i;
        const bt = <usize>row * <usize>t + <usize>s;
        const nnz = nonzeros(x + bt * <usize>d * 4, d, g4, nz);
        backwardRow(hp, k, dOut + bt * <usize>k * 4, hCur + <usize>row * h4, hPrev + <usize>row * h4,
          cache + (<usize>s * <usize>b + <usize>row) * 5 * h4, dhNext + <usize>row * h4,
          dG + <usize>row * g4, dhPrev + <usize>row * h4, woT, gWoT, gBo, gGi, gHn, gX, nz, nnz, dk);
      }
      // dh_{t-1} += dG·W_hᵀ for these rows, while they are in cache.
      const dm = dG + <usize>m * g4, pm = dhPrev + <usize>m * h4;
      if (rows == 4) gemm4(dm, g4, 4, g, whT, h4, hp, pm, h4, true);
      else for (let i = 0; i < rows; i++) gemm1(dm + <usize>i * g4, 4, g, whT, h4, hp, pm + <usize>i * h4, true);
    }
    // dW_h += h_{t-1}ᵀ·dG: rows of the product are hidden units (A read transposed: sam = 4, sak = Hp·4).
    transpose(hPrev, b, hp, hT, ldt);
    for (let m = 0; m < hp; m += 4) gemm4(hT + <usize>m * ldt, ldt, 4, b, dG, g4, g, gWh + <usize>m * g4, g4, true);
    const tmp = dhNext; dhNext = dhPrev; dhPrev = tmp;
  }
}

/** C[M][N] = A[M][Kd]·B[Kd][N], all row-major (N a multiple of 8): the tiled product alone, for benchmarks and tests. */
export function matmul(m: i32, kd: i32, n: i32, a: usize, b: usize, c: usize): void {
  const a4 = <usize>kd << 2, n4 = <usize>n << 2;
  let i = 0;
  for (; i + 4 <= m; i += 4) gemm4(a + <usize>i * a4, a4, 4, kd, b, n4, n, c + <usize>i * n4, n4, false);
  for (; i < m; i++) gemm1(a + <usize>i * a4, 4, kd, b, n4, n, c + <usize>i * n4, false);
}

// ---------------------------------------------------------------- per-step passes for a host matrix product
// The `blas` engine (src/model/engine-blas.ts) computes the matrix products of a whole step at once in a native BLAS
// and calls these for the elementwise work in between. Per step s, with all B rows:
//   forward:  host gh [B][G] = h_s·W_h;  forwardStep  → the gates, h_{s+1}, the heads (and the training caches);
//   backward: backwardStep → dG_s [B][G] and the direct path dhPrev = dh ⊙ z; host dhPrev += dG_s·W_hᵀ, and
//             every few steps gWh += [h_s … ]ᵀ·[dG_s … ] over the stacked rows (one large product).

/**
 * The elementwise part of forward step s for all B rows, from gh [B][G] = h_s·W_h computed by the host. Arguments
 * as `forward`; cache = 0 when acting (the gates then go to scratch). scratch: 6·Hp floats + 8·D bytes.
 */
export function forwardStep(
  b: i32, t: i32, s: i32, d: i32, hp: i32, k: i32,
  x: usize, hs: usize, cache: usize, out: usize,
  wf: usize, bf: usize, bhn: usize, woT: usize, bo: usize, gh: usize, scratch: usize,
): void {
  const g4 = <usize>(3 * hp) << 2, h4 = <usize>hp << 2;
  const y = scratch, work = y + h4, nz = work + 5 * h4;
  const layer = <usize>b * h4;
  const hPrev = hs + <usize>s * layer, hNext = hPrev + layer;
  for (let row = 0; row < b; row++) {
    const bt = <usize>row * <usize>t + <usize>s;
    const nnz = nonzeros(x + bt * <usize>d * 4, d, g4, nz);
    const cacheRow: usize = cache == 0 ? work : cache + (<usize>s * <usize>b + <usize>row) * 5 * h4;
    forwardRow(hp, k, gh + <usize>row * g4, nz, nnz, wf, bf, bhn,
      hPrev + <usize>row * h4, hNext + <usize>row * h4, cacheRow, woT, bo, out + bt * <usize>k * 4, y);
  }
}

/**
 * The elementwise part of backward step s for all B rows: reads dhNext and dOut, writes dG [B][G] and
 * dhPrev = dh ⊙ z, and accumulates gWoT, gBo, gGi, gHn and gX (zeroed by the host before step T−1).
 * scratch: 8·D bytes + 16·K bytes.
 */
export function backwardStep(
  b: i32, t: i32, s: i32, d: i32, hp: i32, k: i32,
  x: usize, hs: usize, cache: usize, dOut: usize, woT: usize,
  dG: usize, dhNext: usize, dhPrev: usize,
  gX: usize, gGi: usize, gHn: usize, gWoT: usize, gBo: usize, scratch: usize,
): void {
  const g4 = <usize>(3 * hp) << 2, h4 = <usize>hp << 2;
  const nz = scratch, dk = (scratch + 8 * <usize>d + 15) & ~<usize>15;
  const layer = <usize>b * h4;
  const hPrev = hs + <usize>s * layer, hCur = hPrev + layer;
  for (let row = 0; row < b; row++) {
    const bt = <usize>row * <usize>t + <usize>s;
    const nnz = nonzeros(x + bt * <usize>d * 4, d, g4, nz);
    backwardRow(hp, k, dOut + bt * <usize>k * 4, hCur + <usize>row * h4, hPrev + <usize>row * h4,
      cache + (<usize>s * <usize>b + <usize>row) * 5 * h4, dhNext + <usize>row * h4,
      dG + <usize>row * g4, dhPrev + <usize>row * h4, woT, gWoT, gBo, gGi, gHn, gX, nz, nnz, dk);
  }
}
