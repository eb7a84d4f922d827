/**
 * The paper's two metrics, "Avg. Reward" and "Cooperation Rate" (§3, every figure), defined once over an
 * EpisodeBatch, with standard errors across episodes.
 */
import type { EpisodeBatch } from './episode';
import { C } from './ipd';

/** A mean and its standard error. */
export interface MeanSe {
  readonly mean: number;
  /** Standard error of the mean across episodes (episodes are independent; rounds within one are not). NaN for one episode. */
  readonly se: number;
}

/** Which player of a batch: 0 = "own" (`actions`, `rewards`), 1 = the co-player. */
export type PlayerIndex = 0 | 1;

function columns(batch: EpisodeBatch, player: PlayerIndex): { actions: Uint8Array; rewards: Float32Array } {
  if (player === 0) return { actions: batch.actions, rewards: batch.rewards };
  if (player === 1) return { actions: batch.coPlayerActions, rewards: batch.coPlayerRewards };
  throw new RangeError(`metrics: player must be 0 or 1, got ${String(player)}`);
}

// Mean over episodes of each episode's per-round mean, with the standard error of that mean.
function episodeMeanSe(batch: EpisodeBatch, value: (i: number) => number): MeanSe {
  const { episodes: N, rounds: T } = batch;
  if (N === 0) throw new RangeError('metrics: the batch has no episodes');
  let sum = 0, sumSq = 0;
  for (let e = 0; e < N; e++) {
    let s = 0;
    for (let t = 0; t < T; t++) s += value(e * T + t);
    const m = s / T;
    sum += m;
    sumSq += m * m;
  }
  const mean = sum / N;
  const variance = N > 1 ? Math.max(0, (sumSq - N * mean * mean) / (N - 1)) : NaN;
  return { mean, se: Math.sqrt(variance / N) };
}

/** "Avg. Reward": the mean reward per round of `player`, over all rounds and episodes (unscaled), with its standard error. */
export function averageRewardWithSe(batch: EpisodeBatch, player: PlayerIndex): MeanSe {
  const { rewards } = columns(batch, player);
  return episodeMeanSe(batch, (i) => rewards[i]);
}

/** "Cooperation Rate": the fraction of rounds in which `player` cooperated, over all episodes, with its standard error. */
export function cooperationRateWithSe(batch: EpisodeBatch, player: PlayerIndex): MeanSe {
  const { actions } = columns(batch, player);
  return episodeMeanSe(batch, (i) => (actions[i] === C ? 1 : 0));
}

/** "Avg. Reward" of `player`: mean reward per round (see `averageRewardWithSe`). */
export function averageReward(batch: EpisodeBatch, player: PlayerIndex): number {
  return averageRewardWithSe(batch, player).mean;
}

/** "Cooperation Rate" of `player`: fraction of rounds played C (see `cooperationRateWithSe`). */
export function cooperationRate(batch: EpisodeBatch, player: PlayerIndex): number {
  return cooperationRateWithSe(batch, player).mean;
}

/**
 * The two metrics per round index (the paper's within-episode plots, Figs. 2B/D/F, 3, 4B/D/F): for each
 * round, the mean over episodes, for both players ([own, co-player]), with standard errors across episodes.
 * Each array has length `rounds`.
 */
export interface RoundCurves {
  readonly reward: [Float64Array, Float64Array];
  readonly cooperation: [Float64Array, Float64Array];
  readonly rewardSe: [Float64Array, Float64Array];
  readonly cooperationSe: [Float64Array, Float64Array];
}

/** Per-round mean reward and cooperation of both players, with standard errors (see `RoundCurves`). */
export function perRoundCurves(batch: EpisodeBatch): RoundCurves {
  const { episodes: N, rounds: T } = batch;
  if (N === 0) throw new RangeError('metrics: the batch has no episodes');
  const curves = () => [new Float64Array(T), new Float64Array(T)] as [Float64Array, Float64Array];
  const out: RoundCurves = { reward: curves(), cooperation: curves(), rewardSe: curves(), cooperationSe: curves() };
  for (const player of [0, 1] as const) {
    const { actions, rewards } = columns(batch, player);
    const r = out.reward[player], c = out.cooperation[player], r2 = out.rewardSe[player], c2 = out.cooperationSe[player];
    for (let e = 0; e < N; e++) {
      for (let t = 0; t < T; t++) {
        const x = rewards[e * T + t], k = actions[e * T + t] === C ? 1 : 0;
        r[t] += x;
        r2[t] += x * x;
        c[t] += k;
      }
    }
    for (let t = 0; t < T; t++) {
      r[t] /= N;
      c[t] /= N;
      r2[t] = N > 1 ? Math.sqrt(Math.max(0, (r2[t] - N * r[t] * r[t]) / (N - 1)) / N) : NaN;
      // A 0/1 variable: its sample variance is p(1 − p)·N/(N − 1).
      c2[t] = N > 1 ? Math.sqrt((c[t] * (1 - c[t])) / (N - 1)) : NaN;
    }
  }
  return out;
}
