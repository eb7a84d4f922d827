/**
 * Exact analysis of memory-one pairs (no sampling): the Markov chain over joint outcomes, its finite-horizon,
 * long-run (Cesàro) and discounted values, the best response to a known memory-one co-player, and expectations
 * against the paper's random tabular pool.
 *
 * Convention: x is "me", y the co-player. The chain's states are the joint outcomes CC, CD, DC, DD from x's
 * side (state index = Outcome code − 1). y reads every state from its own side, so in x's state order y's
 * cooperation probabilities are (y.cc, y.dc, y.cd, y.dd): its cd and dc swap.
 */
import { inRange, integer, probability } from '../check';
import { C, D, NUM_OUTCOMES, NUM_ROUNDS, Outcome, PAPER_PAYOFF, outcomeOf, payoff as checkPayoff, swapView, type Action, type Payoff } from './ipd';
import { ALLD, MEMORY_ONE_FIELDS, type MemoryOne } from './memory-one';

/** Options shared by the finite-horizon functions. */
export interface HorizonOptions {
  /** Rounds per episode; default NUM_ROUNDS (T = 100). */
  readonly rounds?: number;
  /** Stage game; default PAPER_PAYOFF. */
  readonly payoff?: Payoff;
}

/**
 * The joint-outcome Markov chain of two memory-one players, states CC, CD, DC, DD from x's side.
 * `start[j]` is the probability that round 0 ends in state j; `transition[4i + j]` is P(next round ends in j |
 * this round ended in i). Rows of `transition` sum to 1.
 */
export interface MarkovChain {
  readonly start: Float64Array;
  readonly transition: Float64Array;
}

/** P(C) of x and of y in each state of x's order (CC, CD, DC, DD): y's cd and dc swap here, and only here. */
function stateProbs(x: MemoryOne, y: MemoryOne): { px: number[]; py: number[] } {
  return { px: [x.cc, x.cd, x.dc, x.dd], py: [y.cc, y.dc, y.cd, y.dd] };
}

// Joint distribution of one round's outcome when x cooperates w.p. a and y w.p. b, in state order CC, CD, DC, DD.
function jointRow(a: number, b: number, out: Float64Array, offset: number): void {
  out[offset] = a * b;
  out[offset + 1] = a * (1 - b);
  out[offset + 2] = (1 - a) * b;
  out[offset + 3] = (1 - a) * (1 - b);
}

/** Rejects a policy with a probability outside [0, 1] (or NaN), naming the caller, the player and the field. */
function checkPolicy(where: string, player: string, m: MemoryOne): MemoryOne {
  if (m === null || typeof m !== 'object') throw new TypeError(`${where}: ${player} must be a MemoryOne policy, got ${String(m)}`);
  for (const f of MEMORY_ONE_FIELDS) probability(where, `${player}.${f}`, m[f]);
  return m;
}

/** The joint-outcome chain of x (me) against y (co-player); see `MarkovChain`. Press & Dyson (2012) call `transition` M. */
export function markovChain(x: MemoryOne, y: MemoryOne): MarkovChain {
  return chain('markovChain', x, y);
}

function chain(where: string, x: MemoryOne, y: MemoryOne): MarkovChain {
  checkPolicy(where, 'x', x);
  checkPolicy(where, 'y', y);
  const { px, py } = stateProbs(x, y);
  const start = new Float64Array(4), transition = new Float64Array(16);
  jointRow(x.p0, y.p0, start, 0);
  for (let i = 0; i < 4; i++) jointRow(px[i], py[i], transition, 4 * i);
  return { start, transition };
}

/** Reward of x and of y in each joint state of x's order (CC, CD, DC, DD). */
function stateRewards(game: Payoff): [number[], number[]] {
  const { R, S, T, P } = game;
  return [[R, S, T, P], [R, T, S, P]];
}

/** Expected totals and per-round curves of a pair over a finite episode (index 0 = x, 1 = y). */
export interface FiniteHorizon {
  /** Expected total reward over the episode, [x, y]. */
  readonly totals: [number, number];
  /** Expected reward in each round, [x, y], each of length `rounds`. */
  readonly reward: [Float64Array, Float64Array];
  /** Probability of cooperating in each round, [x, y], each of length `rounds`. */
  readonly cooperation: [Float64Array, Float64Array];
}

function horizon(where: string, options: HorizonOptions): { rounds: number; game: Payoff } {
  return {
    rounds: integer(where, 'rounds', options.rounds ?? NUM_ROUNDS, 1),
    game: checkPayoff(options.payoff ?? PAPER_PAYOFF),
  };
}

function emptyHorizon(rounds: number): FiniteHorizon {
  const pair = () => [new Float64Array(rounds), new Float64Array(rounds)] as [Float64Array, Float64Array];
  return { totals: [0, 0], reward: pair(), cooperation: pair() };
}

/**
 * Exact expected rewards and cooperation of x (me) against y over `rounds` rounds (default the paper's 100),
 * by propagating the joint-outcome distribution: d_0 = start, d_{t+1} = d_t·M. These are the means that
 * `playMemoryOne` estimates by sampling.
 */
export function finiteHorizon(x: MemoryOne, y: MemoryOne, options: HorizonOptions = {}): FiniteHorizon {
  const { rounds, game } = horizon('finiteHorizon', options);
  const { start, transition: M } = chain('finiteHorizon', x, y);
  const [rx, ry] = stateRewards(game);
  const out = emptyHorizon(rounds);
  let d = Array.from(start);
  for (let t = 0; t < rounds; t++) {
    out.reward[0][t] = d[0] * rx[0] + d[1] * rx[1] + d[2] * rx[2] + d[3] * rx[3];
    out.reward[1][t] = d[0] * ry[0] + d[1] * ry[1] + d[2] * ry[2] + d[3] * ry[3];
    out.cooperation[0][t] = d[0] + d[1];
    out.cooperation[1][t] = d[0] + d[2];
    out.totals[0] += out.reward[0][t];
    out.totals[1] += out.reward[1][t];
    const next = [0, 0, 0, 0];
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) next[j] += d[i] * M[4 * i + j];
    d = next;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Long-run (Cesàro) values.
//
// The Cesàro limit v = lim (1/N) Σ_{t<N} start·M^t exists for every finite chain, periodic or reducible. It is
// computed from the chain's structure rather than by iterating: each closed communicating class K has a unique
// stationary distribution π_K (unique even when K is periodic), and the chain settles in K with some probability
// h_K from the start distribution; then v = Σ_K h_K π_K. Edges count when their probability is > 0, so a
// probability of exactly 0 or 1 gives the exact reducible structure.
//
// Both π_K and h_K come from the Markov chain tree theorem (Kirchhoff; Leighton & Rivest 1986): π_r is
// proportional to the total weight of the spanning trees of K directed towards r, and the probability that a
// transient state ends in K is the weight of the spanning forests (rooted at the recurrent states) in which its
// tree ends in K, over the weight of all of them. A weight is a product of transition probabilities. With at
// most four states there are at most 4^4 parent assignments to enumerate; every term is positive and kept as a
// logarithm, so nothing cancels, overflows or underflows, even for probabilities like 1e-300.

/** A spanning forest: each child's parent; its log weight Σ log M[child][parent]. */
interface Forest {
  readonly parent: Map<number, number>;
  readonly logWeight: number;
}

/** Every spanning forest in which each of `children` points to a parent in `children ∪ roots` along an edge of M and every path reaches a root. */
function forests(M: ArrayLike<number>, n: number, children: readonly number[], roots: readonly number[]): Forest[] {
  const nodes = [...children, ...roots];
  const out: Forest[] = [];
  const parent = new Map<number, number>();
  const reachesRoot = (i: number): boolean => {
    for (let steps = 0, j = i; steps <= children.length; steps++) {
      if (!parent.has(j)) return true;
      j = parent.get(j)!;
    }
    return false; // a cycle among the children
  };
  const assign = (c: number, logWeight: number): void => {
    if (c === children.length) {
      if (children.every(reachesRoot)) out.push({ parent: new Map(parent), logWeight });
      return;
    }
    const child = children[c];
    for (const p of nodes) {
      const w = M[n * child + p];
      if (p === child || !(w > 0)) continue;
      parent.set(child, p);
      assign(c + 1, logWeight + Math.log(w));
    }
    parent.delete(child);
  };
  assign(0, 0);
  return out;
}

/** log Σ exp(l) over a list of logarithms (−Infinity for an empty list). */
function logSumExp(logs: readonly number[]): number {
  const max = Math.max(...logs);
  if (!(max > -Infinity)) return -Infinity;
  return max + Math.log(logs.reduce((s, l) => s + Math.exp(l - max), 0));
}

/** The unique stationary distribution of a closed communicating class (tree theorem), in the order of `members`. */
function classStationary(M: ArrayLike<number>, n: number, members: readonly number[]): number[] {
  const logs = members.map((r) => logSumExp(forests(M, n, members.filter((i) => i !== r), [r]).map((f) => f.logWeight)));
  const total = logSumExp(logs);
  return logs.map((l) => Math.exp(l - total));
}

/** The Cesàro-limit distribution lim (1/N) Σ_{t<N} start·M^t of a finite chain (row-major `transition`). */
function cesaroLimit(start: ArrayLike<number>, M: ArrayLike<number>): Float64Array {
  const n = start.length;
  const reach = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => i === j || M[n * i + j] > 0));
  for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (reach[i][k] && reach[k][j]) reach[i][j] = true;
  // A state is recurrent when every state it reaches reaches it back; recurrent states split into closed classes.
  const states = [...Array(n).keys()];
  const recurrent = states.filter((i) => states.every((j) => !reach[i][j] || reach[j][i]));
  const transient = states.filter((i) => !recurrent.includes(i));
  const classOf = new Array<number>(n).fill(-1);
  const classes: number[][] = [];
  for (const i of recurrent) {
    if (classOf[i] >= 0) continue;
    const members = states.filter((j) => reach[i][j]);
    for (const j of members) classOf[j] = classes.length;
    classes.push(members);
  }
  // The class each transient state's tree ends in, for every spanning forest of the transient states.
  const all = forests(M, n, transient, recurrent);
  const rootClass = (f: Forest, i: number): number => {
    let j = i;
    while (f.parent.has(j)) j = f.parent.get(j)!;
    return classOf[j];
  };
  const logTotal = logSumExp(all.map((f) => f.logWeight));
  const v = new Float64Array(n);
  classes.forEach((members, K) => {
    let mass = members.reduce((sum, i) => sum + start[i], 0);
    for (const i of transient) {
      if (start[i] === 0) continue;
      const logIn = logSumExp(all.filter((f) => rootClass(f, i) === K).map((f) => f.logWeight));
      mass += start[i] * Math.exp(logIn - logTotal);
    }
    classStationary(M, n, members).forEach((p, k) => (v[members[k]] += mass * p));
  });
  return v;
}

/** Solves A z = b for a small dense A by Gaussian elimination with partial pivoting. */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const m = A.map((row, i) => [...row, b[i]]);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(m[i][k]) > Math.abs(m[p][k])) p = i;
    [m[k], m[p]] = [m[p], m[k]];
    for (let i = k + 1; i < n; i++) {
      const f = m[i][k] / m[k][k];
      for (let j = k; j <= n; j++) m[i][j] -= f * m[k][j];
    }
  }
  const z = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = m[i][n];
    for (let j = i + 1; j < n; j++) s -= m[i][j] * z[j];
    z[i] = s / m[i][i];
  }
  return z;
}

/**
 * The long-run distribution over joint states (CC, CD, DC, DD, from x's side): the Cesàro limit
 * lim (1/N) Σ_{t<N} start·M^t. Defined for every pair; it is the unique stationary distribution when the chain
 * has a single closed class, and weighs each closed class by its absorption probability otherwise.
 */
export function longRunDistribution(x: MemoryOne, y: MemoryOne): Float64Array {
  const { start, transition } = chain('longRunDistribution', x, y);
  return cesaroLimit(start, transition);
}

/**
 * Long-run expected reward per round [x, y] from the first-round distribution: the Cesàro limit of the
 * finite-horizon mean as the number of rounds grows (see `longRunDistribution`). Equals the stationary payoff
 * of Press & Dyson (2012) when the stationary distribution is unique; also defined for absorbing and periodic
 * pairs (e.g. ALTERNATOR against ALLC).
 */
export function longRun(x: MemoryOne, y: MemoryOne, game: Payoff = PAPER_PAYOFF): [number, number] {
  const { start, transition } = chain('longRun', x, y);
  const v = cesaroLimit(start, transition);
  const [rx, ry] = stateRewards(checkPayoff(game));
  return [dot(v, rx), dot(v, ry)];
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * Normalised discounted value [x, y]: V = (1 − γ)·startᵀ(I − γM)⁻¹r = (1 − γ) Σ_t γ^t E[r_t], with round 0
 * undiscounted (COALA-PG's closed form, Meulemans et al. 2025, scaled to reward-per-round units). γ in [0, 1).
 */
export function discounted(x: MemoryOne, y: MemoryOne, gamma: number, game: Payoff = PAPER_PAYOFF): [number, number] {
  inRange('discounted', 'gamma', gamma, 0, 1);
  if (gamma === 1) throw new RangeError('discounted: gamma must be < 1 (use longRun for the undiscounted limit), got 1');
  const { start, transition: M } = chain('discounted', x, y);
  const [rx, ry] = stateRewards(checkPayoff(game));
  // w = (I − γMᵀ)⁻¹ start is the discounted occupancy of each state.
  const A = [0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => (i === j ? 1 : 0) - gamma * M[4 * j + i]));
  const w = solve(A, Array.from(start));
  return [(1 - gamma) * dot(w, rx), (1 - gamma) * dot(w, ry)];
}

// ---------------------------------------------------------------------------------------------------------
// Best response to a known memory-one co-player.

/** The optimal play against a known co-player and its expected outcome (index 0 = the best responder, 1 = y). */
export interface BestResponse extends FiniteHorizon {
  /** The optimal expected total over the episode (= totals[0]). */
  readonly total: number;
  /** total / rounds: the optimal expected reward per round. */
  readonly perRound: number;
  /** The optimal deterministic policy as a table: `table[round * 5 + lastOutcome]` (own-view outcome, START in round 0). */
  readonly table: Uint8Array;
  /** The optimal move in `round` after own-view outcome `last` (START in round 0). */
  readonly policy: (round: number, last: Outcome) => Action;
}

// Ties between C and D are broken towards C, so the policy is deterministic and never defects for nothing.
const TIE = 1e-12;

/**
 * The best response to a known memory-one co-player y over a finite episode: the largest expected total of
 * any policy (history-dependent or not) and a deterministic policy reaching it. Since y reacts only to the
 * last joint outcome, (rounds left, last outcome) is a sufficient state and backward induction over it is
 * exact (finite-horizon dynamic programming). This is the ceiling an in-context learner facing y can approach
 * (the paper's "in-context best response", §3.2). Ties go to C. The curves are those of the optimal play.
 */
export function bestResponse(y: MemoryOne, options: HorizonOptions = {}): BestResponse {
  const { rounds, game } = horizon('bestResponse', options);
  checkPolicy('bestResponse', 'y', y);
  const table = new Uint8Array(rounds * NUM_OUTCOMES);
  const { total } = backwardInduction([y.p0, y.cc, y.cd, y.dc, y.dd], rounds, game, table);
  return {
    ...playTable(table, y, rounds, game),
    total,
    perRound: total / rounds,
    table,
    policy: (round: number, last: Outcome) => {
      integer('bestResponse.policy', 'round', round, 0, rounds - 1);
      integer('bestResponse.policy', 'last', last, 0, NUM_OUTCOMES - 1);
      return table[round * NUM_OUTCOMES + last] as Action;
    },
  };
}

/**
 * Backward induction against a memory-one co-player with P(C) `q` indexed by its own-view outcome. Fills
 * `table` (if given) with the optimal moves and returns the optimal total and, for round 0, the value of each
 * own first move given y's first move: `ifC[a]` when y cooperates, `ifD[a]` when it defects (a = own move).
 * Keeping them apart lets a caller average over y's p0 exactly.
 */
function backwardInduction(
  q: readonly number[],
  rounds: number,
  game: Payoff,
  table?: Uint8Array,
): { total: number; ifC: [number, number]; ifD: [number, number] } {
  const { R, S, T, P } = game;
  // y reads the last outcome from its own side: its P(C) after each of my outcomes.
  const pcs = [0, 1, 2, 3, 4].map((last) => q[swapView(last as Outcome)]);
  const value = new Float64Array(NUM_OUTCOMES); // value of the rounds from t on, by the outcome of round t − 1
  const ifC: [number, number] = [0, 0], ifD: [number, number] = [0, 0];
  for (let t = rounds - 1; t >= 0; t--) {
    // Own reward plus the value of the rest, for each outcome of round t (value still holds round t + 1's).
    const cc = R + value[Outcome.CC], cd = S + value[Outcome.CD], dc = T + value[Outcome.DC], dd = P + value[Outcome.DD];
    for (let last = 0; last < NUM_OUTCOMES; last++) {
      const pc = pcs[last];
      const vc = pc * cc + (1 - pc) * cd, vd = pc * dc + (1 - pc) * dd;
      // Ties go to C, so the policy is deterministic and never defects for nothing.
      const a = vd > vc + TIE * Math.max(1, Math.abs(vc)) ? D : C;
      if (table) table[t * NUM_OUTCOMES + last] = a;
      value[last] = a === C ? vc : vd;
    }
    if (t === 0) {
      ifC[C] = cc; ifC[D] = dc; ifD[C] = cd; ifD[D] = dd;
    }
  }
  return { total: value[Outcome.START], ifC, ifD };
}

// Expected curves of a deterministic (round, last outcome) → action table against y.
function playTable(table: Uint8Array, y: MemoryOne, rounds: number, game: Payoff): FiniteHorizon {
  const q = [y.p0, y.cc, y.cd, y.dc, y.dd];
  const [rx, ry] = stateRewards(game);
  const out = emptyHorizon(rounds);
  let d = new Float64Array(NUM_OUTCOMES);
  d[Outcome.START] = 1;
  for (let t = 0; t < rounds; t++) {
    const nextD = new Float64Array(NUM_OUTCOMES);
    for (let last = 0; last < NUM_OUTCOMES; last++) {
      if (d[last] === 0) continue;
      const a = table[t * NUM_OUTCOMES + last] as Action, pc = q[swapView(last as Outcome)];
      nextD[outcomeOf(a, C)] += d[last] * pc;
      nextD[outcomeOf(a, D)] += d[last] * (1 - pc);
    }
    for (let s = 0; s < 4; s++) {
      const p = nextD[s + 1];
      out.reward[0][t] += p * rx[s];
      out.reward[1][t] += p * ry[s];
      if (s < 2) out.cooperation[0][t] += p;
      if (s === 0 || s === 2) out.cooperation[1][t] += p;
    }
    out.totals[0] += out.reward[0][t];
    out.totals[1] += out.reward[1][t];
    d = nextD;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Expectations over the paper's random tabular pool (each parameter ~ U(0, 1), App. A.3.3).

/** Gauss–Legendre nodes and weights on [0, 1] (weights sum to 1), by Newton's method on P_n. */
export function gaussLegendre(n: number): { nodes: Float64Array; weights: Float64Array } {
  integer('gaussLegendre', 'n', n, 1);
  const nodes = new Float64Array(n), weights = new Float64Array(n);
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    let z = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let iter = 0; iter < 100; iter++) {
      let p1 = 1, p0 = 0;
      for (let k = 1; k <= n; k++) [p0, p1] = [p1, ((2 * k - 1) * z * p1 - (k - 1) * p0) / k];
      dp = (n * (z * p1 - p0)) / (z * z - 1);
      const dz = p1 / dp;
      z -= dz;
      if (Math.abs(dz) < 1e-16) break;
    }
    // Symmetric pair z, −z on [−1, 1] mapped to [0, 1].
    const w = 1 / ((1 - z * z) * dp * dp);
    nodes[i] = (1 - z) / 2;
    nodes[n - 1 - i] = (1 + z) / 2;
    weights[i] = weights[n - 1 - i] = w;
  }
  return { nodes, weights };
}

/** Options of the pool expectations. */
export interface PoolOptions extends HorizonOptions {
  /**
   * Gauss–Legendre nodes per pool parameter. The integrand is a polynomial of degree ≤ rounds − 1 in each
   * parameter, so ceil(rounds / 2) nodes make the result exact up to rounding. Default
   * min(ceil(rounds / 2), POOL_DEFAULT_NODES).
   */
  readonly nodes?: number;
}

/**
 * Default cap on Gauss–Legendre nodes per pool parameter (16^4 quadrature points, ~0.15 s for 100 rounds).
 * The integrand is smooth, so the rule converges geometrically: at T = 100 the default agrees with 24 nodes to
 * ~1e-8 per round for TFT and GTFT (test/game/exact-pool.test.ts checks 1e-7). `nodes: 50` is exact up to
 * rounding (~6M chains, tens of seconds).
 */
export const POOL_DEFAULT_NODES = 16;

function poolNodes(where: string, options: PoolOptions, rounds: number): number {
  return integer(where, 'nodes', options.nodes ?? Math.min(Math.ceil(rounds / 2), POOL_DEFAULT_NODES), 1);
}

/**
 * Exact expected totals and curves of a memory-one x (me) against the paper's random tabular pool: the mean
 * of `finiteHorizon(x, y)` over y with p0, cc, cd, dc, dd i.i.d. U(0, 1). p0 enters linearly, so it is
 * integrated exactly by p0 = ½; the other four by a Gauss–Legendre product rule (see `PoolOptions.nodes`).
 *
 * Against a co-player whose moves do not depend on the pool player's (ALLD, ALLC, RANDOM), the C↔D symmetry
 * of U(0,1) makes the pool cooperate with probability exactly ½ every round, so ALLD earns (T + P)/2 per round
 * (1.0 for the paper's payoff). Against a reactive co-player it does not: against TFT the pool cooperates
 * with probability 13/24 in round 2 (its successes reinforce themselves).
 */
export function expectedAgainstPool(x: MemoryOne, options: PoolOptions = {}): FiniteHorizon {
  const where = 'expectedAgainstPool';
  const { rounds, game } = horizon(where, options);
  checkPolicy(where, 'x', x);
  const { nodes, weights } = gaussLegendre(poolNodes(where, options, rounds));
  const out = emptyHorizon(rounds);
  const [rx, ry] = stateRewards(game);
  const [xcc, xcd, xdc, xdd] = [x.cc, x.cd, x.dc, x.dd];
  const [rewX, rewY, coopX, coopY] = [out.reward[0], out.reward[1], out.cooperation[0], out.cooperation[1]];
  const n = nodes.length;
  // The chain of finiteHorizon written out with scalars: this loop runs nodes^4 · rounds times.
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) for (let l = 0; l < n; l++) {
    const w = weights[i] * weights[j] * weights[k] * weights[l];
    // The pool co-player's P(C) in x's state order: its own cd and dc swap (see stateProbs).
    const ycc = nodes[i], ycd = nodes[k], ydc = nodes[j], ydd = nodes[l];
    let d0 = 0.5 * x.p0, d1 = 0.5 * x.p0, d2 = 0.5 * (1 - x.p0), d3 = 0.5 * (1 - x.p0);
    for (let t = 0; t < rounds; t++) {
      rewX[t] += w * (d0 * rx[0] + d1 * rx[1] + d2 * rx[2] + d3 * rx[3]);
      rewY[t] += w * (d0 * ry[0] + d1 * ry[1] + d2 * ry[2] + d3 * ry[3]);
      coopX[t] += w * (d0 + d1);
      coopY[t] += w * (d0 + d2);
      const a = d0 * xcc + d1 * xcd + d2 * xdc + d3 * xdd; // P(x cooperates next round)
      const ac = d0 * xcc * ycc + d1 * xcd * ycd + d2 * xdc * ydc + d3 * xdd * ydd; // P(both cooperate)
      const b = d0 * ycc + d1 * ycd + d2 * ydc + d3 * ydd; // P(y cooperates)
      const dsum = d0 + d1 + d2 + d3;
      d0 = ac;
      d1 = a - ac;
      d2 = b - ac;
      d3 = dsum - a - b + ac;
    }
  }
  for (let t = 0; t < rounds; t++) {
    out.totals[0] += rewX[t];
    out.totals[1] += rewY[t];
  }
  return out;
}

/** What is achievable per round against the random pool by an agent that does not know its co-player (see `bestResponseToPool`). */
export interface PoolCeiling {
  /** Always-Defect's expected reward per round against the pool: (T + P)/2, exactly 1.0 for the paper's payoff. */
  readonly alwaysDefect: number;
  /**
   * The mean over pool co-players of `bestResponse(y).perRound`: what an agent told y's five probabilities
   * could earn. An upper bound for any agent that must infer y in context.
   */
  readonly informedCeiling: number;
  /** The exact Bayes-optimal value per round for an agent that does not know y (`bayesOptimalAgainstPool`), for rounds ≤ BAYES_MAX_ROUNDS; else undefined. */
  readonly bayesOptimal: number | undefined;
}

/**
 * The best achievable reward per round against the paper's random pool (App. A.3.3) for an agent that does
 * not know which pool co-player it faces. Exactly computable only for short episodes (`bayesOptimal`); for the
 * paper's 100 rounds it lies between `alwaysDefect` (1.0 for the paper's payoff) and `informedCeiling`
 * (≈ 1.0492 for the paper's payoff and 100 rounds; a 400k-sample Monte-Carlo mean gave 1.0489 ± 0.0007).
 * `informedCeiling` uses the Gauss–Legendre rule of `PoolOptions.nodes` over cc, cd, dc, dd (p0 is integrated
 * exactly); its integrand is only piecewise polynomial, so it is accurate to ~1e-5, not to rounding, and
 * costs ~2 s with the default nodes at 100 rounds.
 */
export function bestResponseToPool(options: PoolOptions = {}): PoolCeiling {
  const where = 'bestResponseToPool';
  const { rounds, game } = horizon(where, options);
  const { nodes, weights } = gaussLegendre(poolNodes(where, options, rounds));
  let ceiling = 0;
  const n = nodes.length;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) for (let l = 0; l < n; l++) {
    const w = weights[i] * weights[j] * weights[k] * weights[l];
    const { ifC, ifD } = backwardInduction([0, nodes[i], nodes[j], nodes[k], nodes[l]], rounds, game);
    // The optimal total is max over the own first move of a function linear in y's p0; integrate p0 exactly:
    // E[max(f_C, f_D)] = E[f_D] + E[max(f_C − f_D, 0)], the second term the area of a linear function's positive part.
    const g0 = ifD[C] - ifD[D], g1 = ifC[C] - ifC[D];
    ceiling += w * ((ifD[D] + ifC[D]) / 2 + positivePartMean(g0, g1));
  }
  return {
    alwaysDefect: expectedAgainstPool(ALLD, { rounds, payoff: game, nodes: options.nodes }).totals[0] / rounds,
    informedCeiling: ceiling / rounds,
    bayesOptimal: rounds <= BAYES_MAX_ROUNDS ? bayesOptimalAgainstPool({ rounds, payoff: game }) : undefined,
  };
}

/** ∫₀¹ max(g0 + (g1 − g0)p, 0) dp. */
function positivePartMean(g0: number, g1: number): number {
  if (g0 >= 0 && g1 >= 0) return (g0 + g1) / 2;
  if (g0 <= 0 && g1 <= 0) return 0;
  return g0 > 0 ? (g0 * g0) / (2 * (g0 - g1)) : (g1 * g1) / (2 * (g1 - g0));
}

/** The longest episode `bayesOptimalAgainstPool` accepts (its belief states grow like rounds^8). */
export const BAYES_MAX_ROUNDS = 16;

/**
 * The exact Bayes-optimal expected reward per round against the random pool for an agent that does not know
 * its co-player y ~ U(0,1)^5. With a uniform prior, the pool's posterior probability of cooperating in one of
 * its own states after c cooperations in d + c visits is (c + 1)/(c + d + 2) (Laplace's rule of succession);
 * the belief state is the last outcome plus these counts for the four states, and backward induction over it
 * is exact. Only for rounds ≤ BAYES_MAX_ROUNDS.
 */
export function bayesOptimalAgainstPool(options: HorizonOptions = {}): number {
  const where = 'bayesOptimalAgainstPool';
  const { rounds, game } = horizon(where, options);
  integer(where, 'rounds', rounds, 1, BAYES_MAX_ROUNDS);
  const own = [game.R, game.S, game.T, game.P];
  // counts[2s] = the pool's cooperations in its own state s (CC, CD, DC, DD), counts[2s + 1] = its defections.
  const counts = new Array<number>(8).fill(0);
  const memo = new Map<number, number>();
  const value = (t: number, last: Outcome): number => {
    if (t === rounds) return 0;
    let key = t * NUM_OUTCOMES + last;
    for (const c of counts) key = key * (BAYES_MAX_ROUNDS + 1) + c;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    // The pool's view of the last round; START (round 0) uses p0, never seen again, so its posterior stays ½.
    const s = last === Outcome.START ? -1 : swapView(last) - 1;
    const pc = s < 0 ? 0.5 : (counts[2 * s] + 1) / (counts[2 * s] + counts[2 * s + 1] + 2);
    let best = -Infinity;
    for (const a of [C, D] as const) {
      let v = 0;
      for (const b of [C, D] as const) {
        if (s >= 0) counts[2 * s + b]++;
        const o = outcomeOf(a, b);
        v += (b === C ? pc : 1 - pc) * (own[o - 1] + value(t + 1, o));
        if (s >= 0) counts[2 * s + b]--;
      }
      best = Math.max(best, v);
    }
    memo.set(key, best);
    return best;
  };
  return value(0, Outcome.START) / rounds;
}
