/**
 * The exact numbers of notebook 00 as tables and figure inputs: named memory-one strategies, exact payoffs of
 * pairs and of a round robin, the ZD relation over many co-players, and the exact ceilings that later notebooks
 * draw as reference lines. Pure functions over src/game; every table is a list of records for `toFrame`.
 */
import { bestResponse, bestResponseToPool, expectedAgainstPool, finiteHorizon, longRun, type FiniteHorizon } from '../game/exact';
import { NUM_ROUNDS, PAPER_PAYOFF, type Payoff } from '../game/ipd';
import {
  ALLC, ALLD, ALTERNATOR, GRUDGER, GTFT, RANDOM, STFT, TFT, WSLS, maxExtortionPhi, zdExtortion, type MemoryOne,
} from '../game/memory-one';
import type { MetricSeries, ReferenceLine, ZdPoint } from './figures';
import type { TableRecord } from './frames';

/** A memory-one strategy with a display name and a one-line description. */
export interface NamedPolicy {
  readonly name: string;
  readonly policy: MemoryOne;
  readonly note: string;
}

/** A ZD extortioner for the paper's payoff with χ = 3 at half the largest feasible φ (interior probabilities). */
export function extortioner(chi = 3, payoff: Payoff = PAPER_PAYOFF): MemoryOne {
  return zdExtortion({ chi, phi: maxExtortionPhi(chi, payoff) / 2, payoff });
}

/** The classic named memory-one strategies (first-person encoding; the paper gives no vectors for them). */
export function namedStrategies(): NamedPolicy[] {
  return [
    { name: 'Always-Cooperate', policy: ALLC, note: 'cooperates whatever happens' },
    { name: 'Always-Defect', policy: ALLD, note: 'defects whatever happens' },
    { name: 'Tit-for-Tat', policy: TFT, note: 'cooperates first, then copies the co-player\'s last move' },
    { name: 'Suspicious TFT', policy: STFT, note: 'Tit-for-Tat that defects first' },
    { name: 'Win-Stay Lose-Shift', policy: WSLS, note: 'repeats its move after R or T, switches after S or P' },
    { name: 'Grudger', policy: GRUDGER, note: 'cooperates until the co-player defects once, then defects for ever' },
    { name: 'Alternator', policy: ALTERNATOR, note: 'C, D, C, D, … whatever the co-player does' },
    { name: 'Random', policy: RANDOM, note: 'a fair coin every round' },
    { name: 'Generous TFT', policy: GTFT, note: 'Tit-for-Tat that forgives a defection with probability ½' },
    { name: 'ZD extortioner χ=3', policy: extortioner(3), note: 'enforces s_X − P = 3 (s_Y − P) (Press & Dyson)' },
  ];
}

/** One row per strategy: its five cooperation probabilities and its description. */
export function strategyRecords(strategies: readonly NamedPolicy[] = namedStrategies()): TableRecord[] {
  return strategies.map(({ name, policy: p, note }) => ({
    strategy: name, p0: p.p0, cc: p.cc, cd: p.cd, dc: p.dc, dd: p.dd, note,
  }));
}

function mean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s / a.length;
}

export interface ExactOptions {
  /** Rounds per episode (default the paper's 100). */
  readonly rounds?: number;
  /** Stage game (default the paper's Table 1). */
  readonly payoff?: Payoff;
}

/**
 * Exact payoffs of pairs (x is "me"): expected total over the episode, reward per round, cooperation rate, and
 * the long-run (infinitely repeated) reward per round, for both players.
 */
export function pairRecords(pairs: readonly (readonly [NamedPolicy, NamedPolicy])[], opts: ExactOptions = {}): TableRecord[] {
  const rounds = opts.rounds ?? NUM_ROUNDS;
  const payoff = opts.payoff ?? PAPER_PAYOFF;
  return pairs.map(([x, y]) => {
    const f = finiteHorizon(x.policy, y.policy, { rounds, payoff });
    const [lx, ly] = longRun(x.policy, y.policy, payoff);
    return {
      x: x.name, y: y.name,
      total_x: f.totals[0], total_y: f.totals[1],
      reward_x: f.totals[0] / rounds, reward_y: f.totals[1] / rounds,
      coop_x: mean(f.cooperation[0]), coop_y: mean(f.cooperation[1]),
      longrun_x: lx, longrun_y: ly,
    };
  });
}

/** Exact per-round curves of one player of a pair as a figure series (one "seed": the curve is exact, no band). */
export function horizonSeries(name: string, f: FiniteHorizon, player: 0 | 1 = 0): MetricSeries {
  return { name, reward: [f.reward[player]], cooperation: [f.cooperation[player]] };
}

/**
 * The best response to each opponent over the episode: its total, reward per round, and the rounds in which it
 * defects along the optimal path (a run of rounds is written "a–b").
 */
export function bestResponseRecords(opponents: readonly NamedPolicy[], opts: ExactOptions = {}): TableRecord[] {
  const h = { rounds: opts.rounds ?? NUM_ROUNDS, payoff: opts.payoff ?? PAPER_PAYOFF };
  return opponents.map((y) => {
    const br = bestResponse(y.policy, h);
    const defects: number[] = [];
    br.cooperation[0].forEach((c, t) => {
      if (c < 0.5) defects.push(t);
    });
    return {
      opponent: y.name, total: br.total, per_round: br.perRound, cooperation: mean(br.cooperation[0]),
      defects_in_rounds: runs(defects) || 'none',
    };
  });
}

function runs(xs: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < xs.length; ) {
    let j = i;
    while (j + 1 < xs.length && xs[j + 1] === xs[j] + 1) j++;
    parts.push(i === j ? String(xs[i]) : `${xs[i]}–${xs[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
}

/** The name under which the random tabular pool appears as an opponent. */
export const POOL_NAME = 'random pool';

/**
 * A round robin in long form: one row per (strategy, opponent) with the strategy's exact reward per round and
 * cooperation rate over the episode, and the opponent's reward. The opponents are the strategies themselves plus
 * the paper's random tabular pool (each probability ~ U(0,1), integrated exactly by quadrature).
 */
export function roundRobinRecords(strategies: readonly NamedPolicy[] = namedStrategies(), opts: ExactOptions = {}): TableRecord[] {
  const rounds = opts.rounds ?? NUM_ROUNDS;
  const payoff = opts.payoff ?? PAPER_PAYOFF;
  const rows: TableRecord[] = [];
  const push = (x: NamedPolicy, opponent: string, f: FiniteHorizon): void => {
    rows.push({
      strategy: x.name, opponent,
      reward: f.totals[0] / rounds, cooperation: mean(f.cooperation[0]), opponent_reward: f.totals[1] / rounds,
    });
  };
  for (const x of strategies) {
    for (const y of strategies) push(x, y.name, finiteHorizon(x.policy, y.policy, { rounds, payoff }));
    push(x, POOL_NAME, expectedAgainstPool(x.policy, { rounds, payoff }));
  }
  return rows;
}

/**
 * The ZD relation over co-players: each co-player's long-run payoffs (s_X of the extortioner, s_Y of the
 * co-player), the same over a finite episode, and the largest deviation from s_X − P = χ (s_Y − P) in each case.
 */
export function zdRelation(x: MemoryOne, chi: number, coPlayers: readonly MemoryOne[], opts: ExactOptions = {}): {
  readonly longRun: ZdPoint[];
  readonly finite: ZdPoint[];
  readonly maxResidualLongRun: number;
  readonly maxResidualFinite: number;
} {
  const rounds = opts.rounds ?? NUM_ROUNDS;
  const payoff = opts.payoff ?? PAPER_PAYOFF;
  const P = payoff.P;
  const residual = (p: ZdPoint): number => Math.abs(p.sx - P - chi * (p.sy - P));
  const lr = coPlayers.map((y) => {
    const [sx, sy] = longRun(x, y, payoff);
    return { sx, sy };
  });
  const fin = coPlayers.map((y) => {
    const f = finiteHorizon(x, y, { rounds, payoff });
    return { sx: f.totals[0] / rounds, sy: f.totals[1] / rounds };
  });
  return {
    longRun: lr,
    finite: fin,
    maxResidualLongRun: Math.max(...lr.map(residual)),
    maxResidualFinite: Math.max(...fin.map(residual)),
  };
}

/** The exact reward per round that a learner can reach against each evaluation opponent of the paper. */
export interface Ceilings {
  /** Best response to Tit-for-Tat: cooperate, defect in the last round (101/100 for the paper's game). */
  readonly vsTitForTat: number;
  /** Best response to Always-Cooperate: defect throughout (T). */
  readonly vsAlwaysCooperate: number;
  /** Best response to Always-Defect: defect throughout (P). */
  readonly vsAlwaysDefect: number;
  /** Always-Defect against the random pool: (T + P)/2, exactly 1.0 for the paper's game. */
  readonly poolAlwaysDefect: number;
  /** An agent told each pool co-player's probabilities (an upper bound for in-context inference). */
  readonly poolInformed: number;
}

/** The ceilings for the paper's game and episode length (the pool's informed ceiling takes ~1 s). */
export function exactCeilings(opts: ExactOptions = {}): Ceilings {
  const h = { rounds: opts.rounds ?? NUM_ROUNDS, payoff: opts.payoff ?? PAPER_PAYOFF };
  const pool = bestResponseToPool({ ...h, nodes: 12 });
  return {
    vsTitForTat: bestResponse(TFT, h).perRound,
    vsAlwaysCooperate: bestResponse(ALLC, h).perRound,
    vsAlwaysDefect: bestResponse(ALLD, h).perRound,
    poolAlwaysDefect: pool.alwaysDefect,
    poolInformed: pool.informedCeiling,
  };
}

const CEILING_LABELS: Readonly<Record<keyof Ceilings, string>> = {
  vsTitForTat: 'best response to TFT (exact)',
  vsAlwaysCooperate: 'best response to ALLC (exact)',
  vsAlwaysDefect: 'best response to ALLD (exact)',
  poolAlwaysDefect: 'Always-Defect vs pool (exact)',
  poolInformed: 'informed best response vs pool (exact)',
};

/** The ceilings as reference lines for a reward panel (pick the opponents a figure shows). */
export function ceilingLines(c: Ceilings, which: readonly (keyof Ceilings)[] = ['poolAlwaysDefect']): ReferenceLine[] {
  return which.map((k) => ({ y: c[k], label: CEILING_LABELS[k] }));
}

/**
 * The ceilings as a table for display: one row each, the reward per round rounded to `digits` decimals (the exact
 * quadrature gives Always-Defect's 1.0 as 0.9999999999999959; the unrounded values stay in `exactCeilings()`).
 */
export function ceilingRecords(c: Ceilings, digits = 4): TableRecord[] {
  return (Object.keys(CEILING_LABELS) as (keyof Ceilings)[]).map((k) => ({
    ceiling: CEILING_LABELS[k], reward_per_round: Number(c[k].toFixed(digits)),
  }));
}
