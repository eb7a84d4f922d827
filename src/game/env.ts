/**
 * The batched IPD environment: B episodes stepped in lock-step on typed arrays, and the memory-one simulator
 * built on it. The environment itself draws no random numbers; policies bring theirs through an `Rng`.
 */
import { integer } from '../check';
import type { Rng } from '../rng';
import { emptyEpisodeBatch, type EpisodeBatch } from './episode';
import { C, D, NUM_ROUNDS, Outcome, PAPER_PAYOFF, outcomeOf, payoff as checkPayoff, rewardByOutcome, type Action, type Payoff } from './ipd';
import { packMemoryOne, type MemoryOne } from './memory-one';

/** Options of `IpdEnv` and `playMemoryOne`. */
export interface IpdEnvOptions {
  /** Rounds per episode; default NUM_ROUNDS (the paper's T = 100). */
  readonly rounds?: number;
  /** Stage-game payoff; default PAPER_PAYOFF (paper Table 1). */
  readonly payoff?: Payoff;
}

/**
 * B episodes of the paper's IPD (§2, App. A.2) played in lock-step. Player 0 is "A", player 1 is "B"; each
 * sees the previous round first-person (own move first), and START before round 0.
 *
 * Use: `reset()` (the constructor already did), then per round read `observations(p)`, choose moves, call
 * `step(a, b)` and read `rewardsA` / `rewardsB`; after `rounds` rounds `done` is true and `batch()` returns the
 * recorded EpisodeBatch (player A as "own"). Arrays returned by `observations` and the reward arrays are
 * owned by the environment and overwritten by the next `step` or `reset`; copy them to keep them.
 */
export class IpdEnv {
  /** Episodes stepped together (B). */
  readonly episodes: number;
  /** Rounds per episode (T). */
  readonly rounds: number;
  /** The stage game. */
  readonly payoff: Payoff;
  /** Player A's reward of the last `step`, one per episode (unscaled). */
  readonly rewardsA: Float32Array;
  /** Player B's reward of the last `step`, one per episode (unscaled). */
  readonly rewardsB: Float32Array;
  private readonly table: Float64Array;
  private readonly obs: [Uint8Array, Uint8Array];
  private record: EpisodeBatch;
  private roundIndex = 0;
  // Set once batch() has handed the record out; the next reset() then allocates a new one instead of reusing it.
  private handedOut = false;

  constructor(batch: number, options: IpdEnvOptions = {}) {
    this.episodes = integer('IpdEnv', 'batch', batch, 1);
    this.rounds = integer('IpdEnv', 'rounds', options.rounds ?? NUM_ROUNDS, 1);
    this.payoff = checkPayoff(options.payoff ?? PAPER_PAYOFF);
    this.table = rewardByOutcome(this.payoff);
    this.rewardsA = new Float32Array(batch);
    this.rewardsB = new Float32Array(batch);
    this.obs = [new Uint8Array(batch), new Uint8Array(batch)];
    this.record = emptyEpisodeBatch(batch, this.rounds);
    this.reset();
  }

  /** Index of the next round to be played (0 after `reset`, `rounds` when done). */
  get round(): number {
    return this.roundIndex;
  }

  /** True once all `rounds` rounds have been played. */
  get done(): boolean {
    return this.roundIndex >= this.rounds;
  }

  /** Starts B fresh episodes: round 0, every observation START, a new record (earlier `batch()` results stay valid). */
  reset(): void {
    this.roundIndex = 0;
    this.obs[0].fill(Outcome.START);
    this.obs[1].fill(Outcome.START);
    this.rewardsA.fill(0);
    this.rewardsB.fill(0);
    if (this.handedOut) this.record = emptyEpisodeBatch(this.episodes, this.rounds);
    this.handedOut = false;
  }

  /** The current first-person observation (an `Outcome` code) of `player` in every episode; START in round 0. */
  observations(player: 0 | 1): Uint8Array {
    if (player !== 0 && player !== 1) throw new RangeError(`IpdEnv.observations: player must be 0 or 1, got ${String(player)}`);
    return this.obs[player];
  }

  /** Plays one round: `actionsA[e]`, `actionsB[e]` are the moves (0 = C, 1 = D) in episode e. */
  step(actionsA: Uint8Array, actionsB: Uint8Array): void {
    const B = this.episodes;
    if (this.done) throw new RangeError(`IpdEnv.step: all ${this.rounds} rounds have been played; call reset()`);
    if (actionsA.length !== B || actionsB.length !== B) {
      throw new RangeError(`IpdEnv.step: expected ${B} actions per player, got ${actionsA.length} and ${actionsB.length}`);
    }
    const rec = this.record, t = this.roundIndex, T = this.rounds;
    const [obsA, obsB] = this.obs;
    for (let e = 0; e < B; e++) {
      const a = actionsA[e], b = actionsB[e];
      if (a > D || b > D) throw new RangeError(`IpdEnv.step: actions must be 0 (C) or 1 (D), got ${a} and ${b} in episode ${e}`);
      const oa = outcomeOf(a as Action, b as Action), ob = outcomeOf(b as Action, a as Action);
      const ra = this.table[oa], rb = this.table[ob];
      this.rewardsA[e] = ra;
      this.rewardsB[e] = rb;
      obsA[e] = oa;
      obsB[e] = ob;
      const i = e * T + t;
      rec.actions[i] = a;
      rec.coPlayerActions[i] = b;
      rec.rewards[i] = ra;
      rec.coPlayerRewards[i] = rb;
    }
    this.roundIndex++;
  }

  /** The finished episodes, player A as "own". Throws before the last round has been played. */
  batch(): EpisodeBatch {
    if (!this.done) throw new RangeError(`IpdEnv.batch: only ${this.roundIndex} of ${this.rounds} rounds played`);
    this.handedOut = true;
    return this.record;
  }
}

/**
 * Samples one move per episode from memory-one policies: episode e cooperates with probability
 * `params[5e + lastOwnView[e]]` (layout of `sampleMemoryOneBatch`; `lastOwnView` holds outcomes from the
 * tabular player's own side, START in round 0). Draws exactly one uniform per episode from `rng`, in episode
 * order. Writes into and returns `out`.
 */
export function tabularActions(params: Float32Array, lastOwnView: Uint8Array, rng: Rng, out: Uint8Array): Uint8Array {
  const B = lastOwnView.length;
  if (params.length !== 5 * B) throw new RangeError(`tabularActions: params must hold 5 per episode (${5 * B}), got length ${params.length}`);
  if (out.length !== B) throw new RangeError(`tabularActions: out must have length ${B}, got ${out.length}`);
  for (let e = 0; e < B; e++) out[e] = rng.uniform() < params[5 * e + lastOwnView[e]] ? C : D;
  return out;
}

/** Options of `playMemoryOne`. */
export interface PlayOptions extends IpdEnvOptions {
  /** Episodes to play; required when both players are single `MemoryOne` policies. */
  readonly episodes?: number;
}

function resolveParams(where: string, field: string, p: MemoryOne | Float32Array, episodes: number | undefined): Float32Array {
  if (p instanceof Float32Array) {
    if (p.length % 5 !== 0 || p.length === 0) throw new RangeError(`${where}: ${field} must hold 5 parameters per episode, got length ${p.length}`);
    if (episodes !== undefined && p.length !== 5 * episodes) {
      throw new RangeError(`${where}: ${field} holds ${p.length / 5} episodes but episodes = ${episodes}`);
    }
    return p;
  }
  return packMemoryOne(p, episodes);
}

/**
 * Monte-Carlo episodes of two memory-one players: the simulator whose means `finiteHorizon` gives exactly.
 * Each player is one `MemoryOne` (used in every episode) or a Float32Array of 5 parameters per episode
 * (layout of `sampleMemoryOneBatch`). Steps an `IpdEnv` with `tabularActions`, drawing from `rng` (which it
 * advances): per round, first x's uniforms for all episodes, then y's. x is "own" in the returned batch.
 */
export function playMemoryOne(x: MemoryOne | Float32Array, y: MemoryOne | Float32Array, options: PlayOptions, rng: Rng): EpisodeBatch {
  const where = 'playMemoryOne';
  let episodes = options.episodes;
  if (episodes === undefined) {
    const sized = x instanceof Float32Array ? x : y instanceof Float32Array ? y : null;
    if (!sized) throw new RangeError(`${where}: episodes is required when both players are MemoryOne policies`);
    episodes = resolveParams(where, sized === x ? 'x' : 'y', sized, undefined).length / 5;
  }
  integer(where, 'episodes', episodes, 1);
  const px = resolveParams(where, 'x', x, episodes), py = resolveParams(where, 'y', y, episodes);
  const env = new IpdEnv(episodes, options);
  const ax = new Uint8Array(episodes), ay = new Uint8Array(episodes);
  while (!env.done) {
    tabularActions(px, env.observations(0), rng, ax);
    tabularActions(py, env.observations(1), rng, ay);
    env.step(ax, ay);
  }
  return env.batch();
}
