// The elementwise passes of the GRU sequence model in C, for the `native` engine (src/model/engine-wasm.ts with
// src/model/native.ts): the same two per-step passes as `forwardStep` / `backwardStep` in asm/gru.ts, on the same
// memory layout, compiled by scripts/build-native.mjs with `gcc -O3 -march=native` so that the loops over hidden
// units use the machine's widest vectors (AVX-512 here: 16 lanes, where WebAssembly SIMD has 4). The matrix products
// between the passes stay in the BLAS. No -ffast-math: a NaN must still come out as NaN, so a diverged network shows.
//
// Every pointer argument is a byte offset into `mem`, the engine's WebAssembly linear memory, passed once per call.
// Layouts, as in asm/gru.ts: x [B][T][D], hs [(T+1)][B][Hp], cache [T][B][5·Hp] = (r, z, n, hn, σ(h)) per row,
// out and dOut [B][T][K], gh and dG [B][G] with G = 3·Hp, wf [D][G], woT [K][Hp], gX [D][G].
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define F(off) ((float *)(mem + (off)))

// e^x: x = n·ln2 + r, e^r by its degree-6 Taylor polynomial, 2^n through the exponent bits (as asm/gru.ts's vexp).
// Written so that gcc vectorises the loops that call it; x is clamped to [-87, 88] and NaN stays NaN.
static inline float vexp(float x) {
  x = x < -87.0f ? -87.0f : x;
  x = x > 88.0f ? 88.0f : x;
  const float magic = 12582912.0f;  // 1.5·2²³: adding it rounds to an integer held in the low mantissa bits
  float kf = x * 1.44269502f + magic;
  float n = kf - magic;
  float r = x - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float p = 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  uint32_t bits;
  memcpy(&bits, &kf, 4);
  bits = (bits + 127u) << 23;
  float scale;
  memcpy(&scale, &bits, 4);
  return p * scale;
}

static inline float sigmoid(float x) { return 1.0f / (1.0f + vexp(-x)); }

// Forward step s for all B rows, from gh = h_s·W_h (computed by the host's BLAS). cache = 0 when acting: the gates
// then go to `scratch` (5·Hp floats + Hp for swish's output).
void forward_step(uint8_t *mem, int B, int T, int s, int D, int Hp, int K, size_t x, size_t hs, size_t cache,
                  size_t out, size_t wf, size_t bf, size_t bhn, size_t woT, size_t bo, size_t gh, size_t scratch) {
  const int G = 3 * Hp;
  const float *hPrevAll = F(hs) + (size_t)s * B * Hp;
  float *hNextAll = F(hs) + (size_t)(s + 1) * B * Hp;
  float *y = F(scratch) + 5 * (size_t)Hp;
  const float *restrict Bf = F(bf), *restrict Bhn = F(bhn), *restrict WoT = F(woT), *restrict Bo = F(bo);
  for (int row = 0; row < B; row++) {
    const float *xr = F(x) + ((size_t)row * T + s) * D;
    const float *restrict g = F(gh) + (size_t)row * G;
    float *restrict w = cache ? F(cache) + ((size_t)s * B + row) * 5 * Hp : F(scratch);
    const float *restrict hPrev = hPrevAll + (size_t)row * Hp;
    float *restrict hNext = hNextAll + (size_t)row * Hp;
    float *restrict r = w, *restrict z = w + Hp, *restrict n = w + 2 * Hp, *restrict hn = w + 3 * Hp, *restrict sg = w + 4 * Hp;
    // ivdep: r, z, n, hn are disjoint slices of one row; without it gcc checks their overlap and runs these two
    // loops scalar (a third of the pass, by perf).
#pragma GCC ivdep
    for (int j = 0; j < Hp; j++) {
      r[j] = Bf[j] + g[j];
      z[j] = Bf[Hp + j] + g[Hp + j];
      n[j] = Bf[2 * Hp + j];
      hn[j] = g[2 * Hp + j] + Bhn[j];
    }
    for (int d = 0; d < D; d++) {
      const float v = xr[d];
      if (v == 0.0f) continue;  // a one-hot input costs one row of the fused input kernel
      const float *restrict wr = F(wf) + (size_t)d * G;
#pragma GCC ivdep
      for (int j = 0; j < Hp; j++) {
        r[j] += v * wr[j];
        z[j] += v * wr[Hp + j];
        n[j] += v * wr[2 * Hp + j];
      }
    }
    for (int j = 0; j < 2 * Hp; j++) w[j] = sigmoid(w[j]);
    for (int j = 0; j < Hp; j++) n[j] = 2.0f * sigmoid(2.0f * (n[j] + r[j] * hn[j])) - 1.0f;
#pragma GCC ivdep
    for (int j = 0; j < Hp; j++) {
      const float h = n[j] + z[j] * (hPrev[j] - n[j]);
      hNext[j] = h;
      sg[j] = sigmoid(h);
      y[j] = h * sg[j];
    }
    float *o = F(out) + ((size_t)row * T + s) * K;
    for (int q = 0; q < K; q++) {
      const float *restrict wq = WoT + (size_t)q * Hp;
      // 16 partial sums, one vector: a float reduction is vectorised only when written out like this
      float acc[16] = {0};
      int j = 0;
      for (; j + 16 <= Hp; j += 16)
        for (int l = 0; l < 16; l++) acc[l] += y[j + l] * wq[j + l];
      float sum = Bo[q];
      for (; j < Hp; j++) sum += y[j] * wq[j];
      for (int l = 0; l < 16; l++) sum += acc[l];
      o[q] = sum;
    }
  }
}

// Backward step s for all B rows: reads dhNext and dOut, writes dG [B][G] = (dr̃, dz̃, dñ·r) and dhPrev = dh ⊙ z, and
// accumulates gWoT, gBo, gGi, gHn and gX (zeroed by the host before step T−1). scratch: 3·Hp floats.
void backward_step(uint8_t *mem, int B, int T, int s, int D, int Hp, int K, size_t x, size_t hs, size_t cache,
                   size_t dOut, size_t woT, size_t dG, size_t dhNext, size_t dhPrev, size_t gX, size_t gGi,
                   size_t gHn, size_t gWoT, size_t gBo, size_t scratch) {
  const int G = 3 * Hp;
  const float *restrict WoT = F(woT);
  float *restrict GWoT = F(gWoT), *restrict GBo = F(gBo), *restrict GGi = F(gGi), *restrict GHn = F(gHn);
  float *restrict y = F(scratch), *restrict dy = y + Hp, *restrict dnBuf = dy + Hp;
  for (int row = 0; row < B; row++) {
    const size_t bt = (size_t)row * T + s;
    const float *dk = F(dOut) + bt * K;
    const float *restrict h = F(hs) + ((size_t)(s + 1) * B + row) * Hp;
    const float *restrict hPrev = F(hs) + ((size_t)s * B + row) * Hp;
    const float *restrict c = F(cache) + ((size_t)s * B + row) * 5 * Hp;
    const float *restrict r = c, *restrict z = c + Hp, *restrict n = c + 2 * Hp, *restrict hn = c + 3 * Hp, *restrict sg = c + 4 * Hp;
    const float *restrict dhN = F(dhNext) + (size_t)row * Hp;
    float *restrict dhP = F(dhPrev) + (size_t)row * Hp;
    float *restrict dg = F(dG) + (size_t)row * G;
    const float *xr = F(x) + bt * D;
    // The forward wrote this step's caches ~T steps ago, so they come from memory: ask for the rows two ahead
    // (prefetching changes no value; it took this pass from 0.75 to 0.58 µs per row and step here).
    if (row + 2 < B) {
      const char *cAhead = (const char *)(c + 2 * 5 * (size_t)Hp), *hAhead = (const char *)(h + 2 * (size_t)Hp);
      const char *pAhead = (const char *)(hPrev + 2 * (size_t)Hp);
      for (int q = 0; q < 5 * Hp * 4; q += 64) __builtin_prefetch(cAhead + q);
      for (int q = 0; q < Hp * 4; q += 64) {
        __builtin_prefetch(hAhead + q);
        __builtin_prefetch(pAhead + q);
      }
    }
    for (int j = 0; j < Hp; j++) {
      y[j] = h[j] * sg[j];
      dy[j] = 0.0f;
    }
    for (int q = 0; q < K; q++) {
      const float d = dk[q];
      const float *restrict wq = WoT + (size_t)q * Hp;
      float *restrict gq = GWoT + (size_t)q * Hp;
      GBo[q] += d;
      for (int j = 0; j < Hp; j++) {
        dy[j] += d * wq[j];
        gq[j] += d * y[j];
      }
    }
#pragma GCC ivdep
    for (int j = 0; j < Hp; j++) {
      const float dsw = sg[j] * (1.0f + h[j] * (1.0f - sg[j]));  // swish'(h) = σ(h)·(1 + h·(1 − σ(h)))
      const float dh = dhN[j] + dy[j] * dsw;
      const float dn = dh * (1.0f - z[j]) * (1.0f - n[j] * n[j]);
      const float dz = dh * (hPrev[j] - n[j]) * (z[j] * (1.0f - z[j]));
      const float dr = dn * hn[j] * (r[j] * (1.0f - r[j]));
      const float dnr = dn * r[j];
      dg[j] = dr;
      dg[Hp + j] = dz;
      dg[2 * Hp + j] = dnr;
      dnBuf[j] = dn;
      dhP[j] = dh * z[j];
      GGi[j] += dr;
      GGi[Hp + j] += dz;
      GGi[2 * Hp + j] += dn;
      GHn[j] += dnr;
    }
    for (int d = 0; d < D; d++) {
      const float v = xr[d];
      if (v == 0.0f) continue;
      float *restrict gx = F(gX) + (size_t)d * G;
      for (int j = 0; j < Hp; j++) {
        gx[j] += v * dg[j];
        gx[Hp + j] += v * dg[Hp + j];
        gx[2 * Hp + j] += v * dnBuf[j];
      }
    }
  }
}
