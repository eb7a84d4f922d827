/**
 * The `js` engine: the GRU sequence model in plain TypeScript loops over Float32Array (float32 storage, float64
 * arithmetic inside each dot product). Always available and needs no build; about two orders of magnitude slower
 * than `wasm-simd`, so it serves as the fallback and as a readable statement of the backward pass.
 *
 * Caches are time-major (index `t·B + b`), like the wasm kernels, so the two engines are organised the same way.
 */
import type { Engine } from './engine';
import type { ParamLayout } from './layout';

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

interface Views {
  we: Float32Array; be: Float32Array; wi: Float32Array; wh: Float32Array;
  bi: Float32Array; bhn: Float32Array; wo: Float32Array; bo: Float32Array;
}

function views(layout: ParamLayout, p: Float32Array): Views {
  const v = (n: keyof ParamLayout['blocks']) => {
    const b = layout.blocks[n];
    return p.subarray(b.offset, b.offset + b.length);
  };
  return {
    we: v('embed.kernel'), be: v('embed.bias'), wi: v('gru.inputKernel'), wh: v('gru.recurrentKernel'),
    bi: v('gru.bias'), bhn: v('gru.hnBias'), wo: v('head.kernel'), bo: v('head.bias'),
  };
}

interface Cache {
  params: Float32Array;        // copy of the weights the forward used
  x: Float32Array;             // [B, T, D] batch-major (as given)
  batch: number;
  steps: number;
  hs: Float32Array;            // [(T+1), B, H]: hs[0] = h0
  e: Float32Array;             // [T, B, E]
  r: Float32Array; z: Float32Array; n: Float32Array; hn: Float32Array; // [T, B, H]
}

/** Creates a `js` engine for one network. */
export function createJsEngine(layout: ParamLayout): Engine {
  const D = layout.inputSize, E = layout.embedSize, H = layout.hiddenSize, K = layout.outputSize, G = 3 * H;
  let cache: Cache | null = null;

  /** One GRU cell + heads for one history; writes h', the gates and the outputs at the given offsets. */
  function cell(
    w: Views, x: Float32Array, xo: number, hPrev: Float32Array, ho: number,
    eOut: Float32Array, eo: number, hNext: Float32Array, hno: number,
    r: Float32Array, z: Float32Array, n: Float32Array, hn: Float32Array, go: number,
    out: Float32Array, oo: number, gi: Float64Array, gh: Float64Array, y: Float64Array,
  ): void {
    for (let j = 0; j < E; j++) {
      let s = w.be[j];
      for (let i = 0; i < D; i++) s += x[xo + i] * w.we[i * E + j];
      eOut[eo + j] = s;
    }
    for (let j = 0; j < G; j++) { gi[j] = w.bi[j]; gh[j] = 0; }
    for (let i = 0; i < E; i++) {
      const ei = eOut[eo + i], row = i * G;
      for (let j = 0; j < G; j++) gi[j] += ei * w.wi[row + j];
    }
    for (let i = 0; i < H; i++) {
      const hi = hPrev[ho + i], row = i * G;
      for (let j = 0; j < G; j++) gh[j] += hi * w.wh[row + j];
    }
    for (let j = 0; j < H; j++) {
      const rj = sigmoid(gi[j] + gh[j]);
      const zj = sigmoid(gi[H + j] + gh[H + j]);
      const hnj = gh[2 * H + j] + w.bhn[j];
      const nj = Math.tanh(gi[2 * H + j] + rj * hnj);
      const hj = (1 - zj) * nj + zj * hPrev[ho + j];
      r[go + j] = rj; z[go + j] = zj; n[go + j] = nj; hn[go + j] = hnj;
      hNext[hno + j] = hj;
      y[j] = Math.fround(hj) * sigmoid(Math.fround(hj));
    }
    for (let k = 0; k < K; k++) {
      let s = w.bo[k];
      for (let j = 0; j < H; j++) s += y[j] * w.wo[j * K + k];
      out[oo + k] = s;
    }
  }

  return {
    kind: 'js',

    forward(params, x, B, T, h0) {
      const copy = params.slice(0, layout.size);
      const w = views(layout, copy);
      const hs = new Float32Array((T + 1) * B * H);
      if (h0) hs.set(h0.subarray(0, B * H));
      const e = new Float32Array(T * B * E);
      const r = new Float32Array(T * B * H), z = new Float32Array(T * B * H);
      const n = new Float32Array(T * B * H), hn = new Float32Array(T * B * H);
      const out = new Float32Array(B * T * K);
      const gi = new Float64Array(G), gh = new Float64Array(G), y = new Float64Array(H);
      for (let t = 0; t < T; t++) {
        for (let b = 0; b < B; b++) {
          const tb = t * B + b;
          cell(w, x, (b * T + t) * D, hs, tb * H, e, tb * E, hs, (tb + B) * H, r, z, n, hn, tb * H,
            out, (b * T + t) * K, gi, gh, y);
        }
      }
      cache = { params: copy, x: x.slice(0, B * T * D), batch: B, steps: T, hs, e, r, z, n, hn };
      return out;
    },

    backward(dOut) {
      if (!cache) throw new Error('GruNet.backward: call forward first (backward differentiates the last forward)');
      const { params, x, batch: B, steps: T, hs, e, r, z, n, hn } = cache;
      if (dOut.length !== B * T * K) {
        throw new RangeError(`GruNet.backward: dOut must have B*T*K = ${B * T * K} entries, got ${dOut.length}`);
      }
      const w = views(layout, params);
      const grads = new Float32Array(layout.size);
      const g = views(layout, grads);
      // Float64 accumulators for the weight gradients, rounded once at the end.
      const dWe = new Float64Array(D * E), dbe = new Float64Array(E), dWi = new Float64Array(E * G);
      const dWh = new Float64Array(H * G), dbi = new Float64Array(G), dbhn = new Float64Array(H);
      const dWo = new Float64Array(H * K), dbo = new Float64Array(K);
      const dhNext = new Float64Array(B * H);          // dL/dh_t flowing back from step t+1
      const dgi = new Float64Array(G), dgh = new Float64Array(G), de = new Float64Array(E);
      const dhPrev = new Float64Array(H);
      for (let t = T - 1; t >= 0; t--) {
        for (let b = 0; b < B; b++) {
          const tb = t * B + b, go = tb * H, ho = tb * H, hno = (tb + B) * H, oo = (b * T + t) * K;
          const xo = (b * T + t) * D, eo = tb * E;
          for (let k = 0; k < K; k++) dbo[k] += dOut[oo + k];
          for (let j = 0; j < H; j++) {
            const hj = hs[hno + j], sj = sigmoid(hj), yj = hj * sj;
            let dy = 0;
            for (let k = 0; k < K; k++) {
              const dk = dOut[oo + k];
              dy += dk * w.wo[j * K + k];
              dWo[j * K + k] += yj * dk;
            }
            const dh = dhNext[b * H + j] + dy * sj * (1 + hj * (1 - sj));   // swish'(h) = σ(h)(1 + h(1 − σ(h)))
            const rj = r[go + j], zj = z[go + j], nj = n[go + j], hnj = hn[go + j], hp = hs[ho + j];
            const dnPre = dh * (1 - zj) * (1 - nj * nj);
            const dzPre = dh * (hp - nj) * zj * (1 - zj);
            const drPre = dnPre * hnj * rj * (1 - rj);
            dgi[j] = drPre; dgi[H + j] = dzPre; dgi[2 * H + j] = dnPre;
            dgh[j] = drPre; dgh[H + j] = dzPre; dgh[2 * H + j] = dnPre * rj;
            dhPrev[j] = dh * zj;
          }
          for (let j = 0; j < G; j++) dbi[j] += dgi[j];
          for (let j = 0; j < H; j++) dbhn[j] += dgh[2 * H + j];
          for (let i = 0; i < H; i++) {
            const hi = hs[ho + i], row = i * G;
            let s = dhPrev[i];
            for (let j = 0; j < G; j++) { s += dgh[j] * w.wh[row + j]; dWh[row + j] += hi * dgh[j]; }
            dhNext[b * H + i] = s;
          }
          for (let i = 0; i < E; i++) {
            const ei = e[eo + i], row = i * G;
            let s = 0;
            for (let j = 0; j < G; j++) { s += dgi[j] * w.wi[row + j]; dWi[row + j] += ei * dgi[j]; }
            de[i] = s;
            dbe[i] += s;
          }
          for (let i = 0; i < D; i++) {
            const xi = x[xo + i];
            if (xi !== 0) for (let j = 0; j < E; j++) dWe[i * E + j] += xi * de[j];
          }
        }
      }
      g.we.set(dWe); g.be.set(dbe); g.wi.set(dWi); g.wh.set(dWh);
      g.bi.set(dbi); g.bhn.set(dbhn); g.wo.set(dWo); g.bo.set(dbo);
      return grads;
    },

    step(params, h, x, B) {
      const w = views(layout, params);
      const hNext = new Float32Array(B * H), out = new Float32Array(B * K);
      const e = new Float32Array(E), r = new Float32Array(H), z = new Float32Array(H);
      const n = new Float32Array(H), hn = new Float32Array(H);
      const gi = new Float64Array(G), gh = new Float64Array(G), y = new Float64Array(H);
      for (let b = 0; b < B; b++) {
        cell(w, x, b * D, h, b * H, e, 0, hNext, b * H, r, z, n, hn, 0, out, b * K, gi, gh, y);
      }
      return { h: hNext, out };
    },

    dispose() {
      cache = null;
    },
  };
}
