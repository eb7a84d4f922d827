/**
 * The paper's two metrics for learning agents (§3, Figs. 1–4): average reward per round and cooperation rate,
 * of the agent and of its co-player, over whole episodes (training curves) and per round (episode curves).
 */
import { averageReward, cooperationRate, perRoundCurves } from '../game/metrics';
import type { EpisodeBatch } from '../game/episode';
import type { Rng } from '../rng';
import type { Actor, CoPlayerKind } from './actor';
import { playMatch, type MatchOptions } from './match';

/** One point of a training curve: learner `learner` against co-players of one kind. */
export interface TrainPoint {
  readonly learner: number;
  readonly coPlayer: CoPlayerKind;
  readonly reward: number;
  readonly cooperation: number;
  readonly coplayerReward: number;
  readonly coplayerCooperation: number;
  /** Episodes averaged. */
  readonly episodes: number;
}

/** The metrics of a batch seen from the learner's seat (seat A). */
export function trainPoint(batch: EpisodeBatch, learner: number, coPlayer: CoPlayerKind): TrainPoint {
  return {
    learner,
    coPlayer,
    reward: averageReward(batch, 0),
    cooperation: cooperationRate(batch, 0),
    coplayerReward: averageReward(batch, 1),
    coplayerCooperation: cooperationRate(batch, 1),
    episodes: batch.episodes,
  };
}

/** Several points of the same learner and co-player kind averaged, weighted by episodes (e.g. over a logging window). */
export function mergePoints(points: readonly TrainPoint[]): TrainPoint[] {
  const groups = new Map<string, TrainPoint[]>();
  for (const p of points) {
    const key = `${p.learner}/${p.coPlayer}`;
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  return [...groups.values()].map((ps) => {
    const n = ps.reduce((s, p) => s + p.episodes, 0);
    const avg = (f: (p: TrainPoint) => number) => ps.reduce((s, p) => s + f(p) * p.episodes, 0) / n;
    return {
      learner: ps[0].learner,
      coPlayer: ps[0].coPlayer,
      reward: avg((p) => p.reward),
      cooperation: avg((p) => p.cooperation),
      coplayerReward: avg((p) => p.coplayerReward),
      coplayerCooperation: avg((p) => p.coplayerCooperation),
      episodes: n,
    };
  });
}

/** One round of a within-episode evaluation curve. */
export interface EpisodePoint {
  readonly learner: number;
  readonly coPlayer: CoPlayerKind;
  readonly round: number;
  readonly reward: number;
  readonly cooperation: number;
  readonly coplayerReward: number;
  readonly coplayerCooperation: number;
}

/**
 * Per-round curves (rounds 0..T−1) of `agent` against each co-player, averaged over `episodes` episodes each
 * (the paper's Figs. 2B/D/F, 3, 4B/D/F).
 */
export function evaluateEpisodes(
  learner: number,
  agent: Actor,
  coPlayers: readonly Actor[],
  episodes: number,
  rng: Rng,
  options: MatchOptions = {},
): EpisodePoint[] {
  const rows: EpisodePoint[] = [];
  for (const co of coPlayers) {
    const { batch } = playMatch(agent, co, episodes, rng.child(co.kind), options);
    const c = perRoundCurves(batch);
    for (let t = 0; t < batch.rounds; t++) {
      rows.push({
        learner,
        coPlayer: co.kind,
        round: t,
        reward: c.reward[0][t],
        cooperation: c.cooperation[0][t],
        coplayerReward: c.reward[1][t],
        coplayerCooperation: c.cooperation[1][t],
      });
    }
  }
  return rows;
}
