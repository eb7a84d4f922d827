/**
 * The Iterated Prisoner's Dilemma of the paper (Weis, Wołczyk et al. 2026, §2 and App. A.2), written down once.
 *
 * Everything here is first-person: an outcome lists the observer's own move first, so `CD` always means
 * "I cooperated, my co-player defected". The only way to get the co-player's view of a round is `swapView`.
 */
import { finite } from '../check';

/** A move in one round: 0 = cooperate (C), 1 = defect (D). The numeric codes are part of the data layout. */
export type Action = 0 | 1;
/** Cooperate. */
export const C: Action = 0;
/** Defect. */
export const D: Action = 1;

/**
 * The five observation symbols of the paper (App. A.2), seen by one player with its own move first:
 * START precedes round 0; CC, CD, DC, DD are the joint moves of the previous round.
 * The codes equal the index of the matching entry of a memory-one vector (p0, cc, cd, dc, dd).
 */
export const Outcome = { START: 0, CC: 1, CD: 2, DC: 3, DD: 4 } as const;
/** One of the five first-person observation symbols (see the `Outcome` constant). */
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

/** Number of observation symbols (START plus four joint outcomes): the width of the one-hot observation. */
export const NUM_OUTCOMES = 5;

/** Display names indexed by `Outcome` code. */
export const OUTCOME_NAMES: readonly string[] = Object.freeze(['START', 'CC', 'CD', 'DC', 'DD']);

/** Rounds per episode in the paper: T = 100, fixed, no early termination (§2). */
export const NUM_ROUNDS = 100;

/** The first-person outcome of a round: own move first (code 1 + 2·own + coPlayer). */
export function outcomeOf(own: Action, coPlayer: Action): Outcome {
  return (1 + 2 * own + coPlayer) as Outcome;
}

/** The same round seen by the co-player: CD and DC exchange, START, CC and DD stay. Its own inverse. */
export function swapView(o: Outcome): Outcome {
  return o === Outcome.CD ? Outcome.DC : o === Outcome.DC ? Outcome.CD : o;
}

/**
 * A symmetric 2x2 stage game in Press–Dyson notation, the reward of the player whose move is listed first:
 * R (both cooperate), S (sucker: I cooperate, the co-player defects), T (temptation: I defect, the co-player
 * cooperates), P (punishment: both defect). Units: reward per round.
 */
export interface Payoff {
  readonly R: number;
  readonly S: number;
  readonly T: number;
  readonly P: number;
}

/**
 * A validated payoff. Any finite (R, S, T, P) is accepted: the prisoner's-dilemma ordering T > R > P > S is
 * not required, so other symmetric 2x2 games can be analysed with the same code.
 */
export function payoff(p: Payoff): Payoff {
  if (p === null || typeof p !== 'object') throw new TypeError(`payoff: expected an object { R, S, T, P }, got ${String(p)}`);
  const fields = ['R', 'S', 'T', 'P'] as const;
  for (const key of Object.keys(p)) {
    if (!(fields as readonly string[]).includes(key)) throw new RangeError(`payoff: unknown field ${key} (expected R, S, T, P)`);
  }
  const [R, S, T, P] = fields.map((f) => finite('payoff', f, p[f]));
  return Object.freeze({ R, S, T, P });
}

/** The paper's Table 1: CC (1, 1), CD (−1, 2), DC (2, −1), DD (0, 0), i.e. (R, S, T, P) = (1, −1, 2, 0); also COALA-PG's. */
export const PAPER_PAYOFF: Payoff = payoff({ R: 1, S: -1, T: 2, P: 0 });

/** Axelrod's and Press–Dyson's standard game (R, S, T, P) = (3, 0, 5, 1). Not a shift of PAPER_PAYOFF. */
export const STD_PAYOFF: Payoff = payoff({ R: 3, S: 0, T: 5, P: 1 });

/** The reward of the player who played `own` against `coPlayer`, in reward units per round. */
export function reward(p: Payoff, own: Action, coPlayer: Action): number {
  return own === C ? (coPlayer === C ? p.R : p.S) : coPlayer === C ? p.T : p.P;
}

/**
 * The first-person reward indexed by `Outcome` code: [0, R, S, T, P]. START has no previous round, so 0
 * (the paper's placeholder r0, App. A.2 and Alg. 1).
 */
export function rewardByOutcome(p: Payoff): Float64Array {
  return Float64Array.of(0, p.R, p.S, p.T, p.P);
}

/**
 * Writes the one-hot encoding (width `NUM_OUTCOMES`) of an outcome into `out` at `offset` and returns `out`;
 * the paper feeds observations one-hot (App. A.3.1).
 */
export function observationOneHot(o: Outcome, out: Float32Array = new Float32Array(NUM_OUTCOMES), offset = 0): Float32Array {
  if (!(Number.isInteger(o) && o >= 0 && o < NUM_OUTCOMES)) {
    throw new RangeError(`observationOneHot: outcome must be an integer in [0, ${NUM_OUTCOMES - 1}], got ${String(o)}`);
  }
  if (!(Number.isInteger(offset) && offset >= 0 && offset + NUM_OUTCOMES <= out.length)) {
    throw new RangeError(`observationOneHot: offset ${String(offset)} leaves no room for ${NUM_OUTCOMES} entries in an array of length ${out.length}`);
  }
  out.fill(0, offset, offset + NUM_OUTCOMES);
  out[offset + o] = 1;
  return out;
}
