/**
 * Memory-one ("tabular") policies: the paper's co-players (App. A.3.3) and the classic named strategies, all
 * values of one type. A policy is five cooperation probabilities, each read from its owner's side.
 */
import { finite, inRange, integer, probability } from '../check';
import type { Rng } from '../rng';
import { PAPER_PAYOFF, type Payoff } from './ipd';

/**
 * A memory-one policy: the probability of cooperating in the first round (`p0`) and after each joint outcome
 * of the previous round, seen from the owner's side (`cd` = "I cooperated, the co-player defected").
 * Paper App. A.3.3 (s0, cc, cd, dc, dd); Press & Dyson (2012) write the last four as p1..p4.
 * The field order p0, cc, cd, dc, dd matches the `Outcome` codes 0..4, so `toArray(m)[o]` is P(C | o).
 */
export interface MemoryOne {
  readonly p0: number;
  readonly cc: number;
  readonly cd: number;
  readonly dc: number;
  readonly dd: number;
}

/** The field names of `MemoryOne` in array order (= `Outcome` code order). */
export const MEMORY_ONE_FIELDS: readonly (keyof MemoryOne)[] = Object.freeze(['p0', 'cc', 'cd', 'dc', 'dd'] as const);

/**
 * A validated, frozen memory-one policy. Throws a RangeError naming the field and the value for a missing or
 * unknown field, NaN, or a probability outside [0, 1].
 */
export function memoryOne(p: MemoryOne): MemoryOne {
  if (p === null || typeof p !== 'object') throw new TypeError(`memoryOne: expected an object { p0, cc, cd, dc, dd }, got ${String(p)}`);
  for (const key of Object.keys(p)) {
    if (!(MEMORY_ONE_FIELDS as readonly string[]).includes(key)) {
      throw new RangeError(`memoryOne: unknown field ${key} (expected p0, cc, cd, dc, dd)`);
    }
  }
  for (const f of MEMORY_ONE_FIELDS) {
    if (!(f in p)) throw new RangeError(`memoryOne: missing field ${f}`);
    probability('memoryOne', f, p[f]);
  }
  return Object.freeze({ p0: p.p0, cc: p.cc, cd: p.cd, dc: p.dc, dd: p.dd });
}

/** A validated policy from five numbers in the order p0, cc, cd, dc, dd; rejects any other length. */
export function memoryOneFromArray(arr: ArrayLike<number>): MemoryOne {
  if (arr === null || typeof arr !== 'object' || typeof arr.length !== 'number') {
    throw new TypeError(`memoryOneFromArray: expected an array of 5 probabilities, got ${String(arr)}`);
  }
  if (arr.length !== 5) throw new RangeError(`memoryOneFromArray: expected 5 entries (p0, cc, cd, dc, dd), got length ${arr.length}`);
  return memoryOne({ p0: arr[0], cc: arr[1], cd: arr[2], dc: arr[3], dd: arr[4] });
}

/** The five probabilities in the order p0, cc, cd, dc, dd (index = `Outcome` code). */
export function toArray(m: MemoryOne): [number, number, number, number, number] {
  return [m.p0, m.cc, m.cd, m.dc, m.dd];
}

/** Always cooperate (Axelrod's Cooperator). The paper's "Always-Cooperate" (Fig. 2B). */
export const ALLC: MemoryOne = memoryOne({ p0: 1, cc: 1, cd: 1, dc: 1, dd: 1 });
/** Always defect (Axelrod's Defector). The paper's "Always-Defect" (Fig. 2B). */
export const ALLD: MemoryOne = memoryOne({ p0: 0, cc: 0, cd: 0, dc: 0, dd: 0 });
/** Tit-for-Tat: cooperate first, then copy the co-player's last move (Axelrod 1980; the paper's Fig. 2B). */
export const TFT: MemoryOne = memoryOne({ p0: 1, cc: 1, cd: 0, dc: 1, dd: 0 });
/** Suspicious Tit-for-Tat: Tit-for-Tat that defects first (Beaufils, Delahaye & Mathieu 1996). */
export const STFT: MemoryOne = memoryOne({ p0: 0, cc: 1, cd: 0, dc: 1, dd: 0 });
/**
 * Win-Stay Lose-Shift (Pavlov): cooperate first; repeat the own move after R or T, switch after S or P
 * (Nowak & Sigmund 1993).
 */
export const WSLS: MemoryOne = memoryOne({ p0: 1, cc: 1, cd: 0, dc: 0, dd: 1 });
/**
 * Grudger in memory-one form: cooperate first and after CC only. Once it defects it only ever sees DC or DD,
 * so it defects forever after the co-player's first defection: the same moves as Axelrod's Grudger
 * (Friedman 1971's grim trigger).
 */
export const GRUDGER: MemoryOne = memoryOne({ p0: 1, cc: 1, cd: 0, dc: 0, dd: 0 });
/**
 * Alternator in memory-one form: cooperate first, then play the opposite of the own last move, whatever the
 * co-player did (Axelrod's Alternator: C, D, C, D, …).
 */
export const ALTERNATOR: MemoryOne = memoryOne({ p0: 1, cc: 0, cd: 0, dc: 1, dd: 1 });
/** Random(½): cooperate with probability ½ every round (Axelrod's Random). */
export const RANDOM: MemoryOne = memoryOne({ p0: 0.5, cc: 0.5, cd: 0.5, dc: 0.5, dd: 0.5 });

/**
 * Generous Tit-for-Tat: Tit-for-Tat that forgives a co-player's defection with probability
 * g = min(1 − (T − R)/(R − S), (R − P)/(T − P)), the largest generosity for which TFT-like mutual cooperation
 * stays stable (Nowak & Sigmund 1992, Nature 355:250). g = ½ for PAPER_PAYOFF, ⅓ for STD_PAYOFF.
 * Policy (p0; cc, cd, dc, dd) = (1; 1, g, 1, g).
 */
export function gtft(game: Payoff = PAPER_PAYOFF): MemoryOne {
  const { R, S, T, P } = game;
  if (!(R - S !== 0 && T - P !== 0)) throw new RangeError(`gtft: needs R ≠ S and T ≠ P, got (R, S, T, P) = (${R}, ${S}, ${T}, ${P})`);
  const g = Math.min(1 - (T - R) / (R - S), (R - P) / (T - P));
  if (!(g >= 0 && g <= 1)) {
    throw new RangeError(`gtft: the forgiveness probability for (R, S, T, P) = (${R}, ${S}, ${T}, ${P}) is ${g}, outside [0, 1]`);
  }
  return memoryOne({ p0: 1, cc: 1, cd: g, dc: 1, dd: g });
}

/** Generous Tit-for-Tat for the paper's payoff: forgiveness ½, i.e. (1; 1, ½, 1, ½). */
export const GTFT: MemoryOne = gtft(PAPER_PAYOFF);

// Zero-determinant strategies. Both forms are affine in their scale parameter and start from the point
// (cc, cd, dc, dd) = (1, 1, 0, 0), which is always feasible; so the feasible scales form an interval [0, max].
const ZD_ORIGIN = [1, 1, 0, 0] as const;
const ZD_FIELDS = ['cc', 'cd', 'dc', 'dd'] as const;
// Rounding in the formulas can put an exact 0 or 1 (e.g. TFT as χ = 1, φ = 1/3) a few ulps outside [0, 1].
const ZD_TOLERANCE = 1e-12;

function largestFeasibleScale(slope: readonly number[]): number {
  let max = Infinity;
  for (let i = 0; i < 4; i++) {
    const a = ZD_ORIGIN[i], b = slope[i];
    if (b > 0) max = Math.min(max, (1 - a) / b);
    else if (b < 0) max = Math.min(max, -a / b);
  }
  return max;
}

function zdPolicy(where: string, params: string, entries: readonly number[], p0: number, hint: string): MemoryOne {
  const q = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++) {
    const v = entries[i];
    if (!(v >= -ZD_TOLERANCE && v <= 1 + ZD_TOLERANCE)) {
      throw new RangeError(`${where}: ${params} give ${ZD_FIELDS[i]} = ${v}, outside [0, 1]${hint}`);
    }
    q[i] = Math.min(1, Math.max(0, v));
  }
  return memoryOne({ p0: probability(where, 'p0', p0), cc: q[0], cd: q[1], dc: q[2], dd: q[3] });
}

function extortionSlope(where: string, chi: number, game: Payoff): number[] {
  const { R, S, T, P } = game;
  if (!(P > S)) throw new RangeError(`${where}: the COALA-PG form needs P > S, got P = ${P}, S = ${S}`);
  return [-(chi - 1) * (R - P) / (P - S), -(1 + chi * (T - P) / (P - S)), chi + (T - P) / (P - S), 0];
}

/**
 * The largest φ for which `zdExtortion({ chi, phi })` is a valid policy under `game`
 * (the feasible φ are exactly (0, maxExtortionPhi]). For PAPER_PAYOFF and χ = 1 it is ⅓ (Tit-for-Tat).
 */
export function maxExtortionPhi(chi: number, game: Payoff = PAPER_PAYOFF): number {
  inRange('maxExtortionPhi', 'chi', chi, 1, Infinity);
  return largestFeasibleScale(extortionSlope('maxExtortionPhi', chi, game));
}

/**
 * A zero-determinant extortioner (Press & Dyson 2012) in the parametrisation of COALA-PG
 * (Meulemans et al. 2025, App. C.1), which enforces s_X − P = χ (s_Y − P) on the long-run payoffs against
 * every co-player Y:
 *
 *   cc = 1 − φ(χ−1)(R−P)/(P−S),  cd = 1 − φ(1 + χ(T−P)/(P−S)),  dc = φ(χ + (T−P)/(P−S)),  dd = 0.
 *
 * Requires χ ≥ 1, φ > 0 and P > S; rejects (χ, φ) that put an entry outside [0, 1] (see `maxExtortionPhi`).
 * χ = 1 with the largest φ is Tit-for-Tat. `p0` (default 1) is the first-round cooperation probability, which
 * the relation does not constrain.
 */
export function zdExtortion(args: { chi: number; phi: number; payoff?: Payoff; p0?: number }): MemoryOne {
  const where = 'zdExtortion';
  const chi = inRange(where, 'chi', args.chi, 1, Infinity);
  const phi = finite(where, 'phi', args.phi);
  if (!(phi > 0)) throw new RangeError(`${where}: phi must be > 0, got ${phi}`);
  const game = args.payoff ?? PAPER_PAYOFF;
  const slope = extortionSlope(where, chi, game);
  const entries = slope.map((b, i) => ZD_ORIGIN[i] + phi * b);
  const hint = ` (the largest feasible φ for χ = ${chi} is ${largestFeasibleScale(slope)})`;
  return zdPolicy(where, `χ = ${chi}, φ = ${phi}`, entries, args.p0 ?? 1, hint);
}

/**
 * A zero-determinant strategy in the (φ, s, l) form of Hilbe, Nowak & Sigmund (2013, PNAS 110:6913), as used by
 * Axelrod's ZD strategies: it enforces s_Y − l = s (s_X − l) on the long-run payoffs (X is this player):
 *
 *   p̃ = φ [ s (S_X − l) − (S_Y − l) ],  with p̃ = (cc − 1, cd − 1, dc, dd),
 *   S_X = (R, S, T, P), S_Y = (R, T, S, P).
 *
 * Extortion with factor χ is s = 1/χ, l = P. Rejects parameters that put an entry outside [0, 1].
 * Default `payoff` PAPER_PAYOFF, `p0` 1.
 */
export function zdStrategy(args: { phi: number; s: number; l: number; payoff?: Payoff; p0?: number }): MemoryOne {
  const where = 'zdStrategy';
  const phi = finite(where, 'phi', args.phi);
  const s = finite(where, 's', args.s);
  const l = finite(where, 'l', args.l);
  const { R, S, T, P } = args.payoff ?? PAPER_PAYOFF;
  const own = [R, S, T, P], other = [R, T, S, P];
  const entries = own.map((x, i) => ZD_ORIGIN[i] + phi * (s * (x - l) - (other[i] - l)));
  return zdPolicy(where, `φ = ${phi}, s = ${s}, l = ${l}`, entries, args.p0 ?? 1, '');
}

/**
 * One co-player of the paper's random tabular pool: each of the five probabilities drawn i.i.d. from
 * U(0, 1) (§2, App. A.3.3). Consumes five uniforms from `rng`, in the order p0, cc, cd, dc, dd.
 */
export function sampleMemoryOne(rng: Rng): MemoryOne {
  return memoryOne({ p0: rng.uniform(), cc: rng.uniform(), cd: rng.uniform(), dc: rng.uniform(), dd: rng.uniform() });
}

/**
 * `episodes` independent pool co-players packed for the batched environment: a Float32Array of length
 * 5·episodes, layout [p0, cc, cd, dc, dd] per episode (the layout `tabularActions` reads).
 */
export function sampleMemoryOneBatch(episodes: number, rng: Rng): Float32Array {
  integer('sampleMemoryOneBatch', 'episodes', episodes, 0);
  const out = new Float32Array(5 * episodes);
  for (let i = 0; i < out.length; i++) out[i] = rng.uniform();
  return out;
}

/** The paper's random tabular co-player pool (U(0,1)^5, a fresh co-player per episode), as one named value. */
export const TabularPool = Object.freeze({ sample: sampleMemoryOne, sampleBatch: sampleMemoryOneBatch });

/**
 * Packs policies (one per episode, or one repeated `episodes` times) into the Float32Array layout of
 * `sampleMemoryOneBatch`.
 */
export function packMemoryOne(policies: MemoryOne | readonly MemoryOne[], episodes?: number): Float32Array {
  const list = Array.isArray(policies) ? (policies as readonly MemoryOne[]) : null;
  const n = list ? list.length : integer('packMemoryOne', 'episodes', episodes, 0);
  const out = new Float32Array(5 * n);
  for (let e = 0; e < n; e++) out.set(toArray(list ? list[e] : (policies as MemoryOne)), 5 * e);
  return out;
}

/**
 * The paper's 10-d opponent-ID vector (App. A.4, "Opponent ID" ablation): log π(a | o) for
 * o in the order CC, CD, DC, DD, Start and, within each, a in the order C, D. So entries 0–1 are
 * (log cc, log(1 − cc)) and entries 8–9 are (log p0, log(1 − p0)). Probabilities are first clipped to
 * [clip, 1 − clip] so that deterministic strategies give finite values (default clip 1e-6).
 */
export function memoryOneLogProbs(m: MemoryOne, clip = 1e-6): Float64Array {
  inRange('memoryOneLogProbs', 'clip', clip, 0, 0.5, true);
  const order = [m.cc, m.cd, m.dc, m.dd, m.p0];
  const out = new Float64Array(10);
  for (let i = 0; i < 5; i++) {
    // Clip each side separately so that log π(D) of a deterministic C is exactly log(clip), not log of a rounded 1 − p.
    out[2 * i] = Math.log(Math.min(1 - clip, Math.max(clip, order[i])));
    out[2 * i + 1] = Math.log(Math.min(1 - clip, Math.max(clip, 1 - order[i])));
  }
  return out;
}
