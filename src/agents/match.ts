/**
 * Playing two actors against each other: the only loop that drives the environment for learners and evaluation.
 */
import { IpdEnv, type IpdEnvOptions } from '../game/env';
import type { EpisodeBatch } from '../game/episode';
import type { Rng } from '../rng';
import type { Actor } from './actor';

export interface MatchOptions extends IpdEnvOptions {
  /** Tell each actor its co-player's identity before round 0 (the Opponent-ID ablation, App. A.4). */
  readonly identities?: boolean;
  /** Called after every round with the number of rounds played so far (progress of long matches; observes only). */
  readonly onRound?: (roundsDone: number) => void;
}

/** The result of a match: the episodes from seat A's side, and what each seat was told of the other. */
export interface MatchResult {
  readonly batch: EpisodeBatch;
  /** [episodes × ID_SIZE] B's identity as told to A (only with `identities`). */
  readonly idsOfB?: Float32Array;
  /** [episodes × ID_SIZE] A's identity as told to B (only with `identities`). */
  readonly idsOfA?: Float32Array;
}

/** Plays `episodes` episodes of `a` against `b` in lock-step. Each seat draws from its own child stream of `rng`. */
export function playMatch(a: Actor, b: Actor, episodes: number, rng: Rng, options: MatchOptions = {}): MatchResult {
  const env = new IpdEnv(episodes, options);
  const sa = a.begin(episodes, rng.child('A'));
  const sb = b.begin(episodes, rng.child('B'));
  let idsOfA: Float32Array | undefined, idsOfB: Float32Array | undefined;
  if (options.identities) {
    idsOfA = sa.identity();
    idsOfB = sb.identity();
    sa.observeCoPlayerIdentity?.(idsOfB);
    sb.observeCoPlayerIdentity?.(idsOfA);
  }
  const moveA = new Uint8Array(episodes), moveB = new Uint8Array(episodes);
  while (!env.done) {
    sa.act(env.observations(0), env.rewardsA, moveA);
    sb.act(env.observations(1), env.rewardsB, moveB);
    env.step(moveA, moveB);
    options.onRound?.(env.round);
  }
  sa.end?.();
  sb.end?.();
  return { batch: env.batch(), idsOfA, idsOfB };
}

/** The same episodes seen from the other seat. */
export function swapSeats(batch: EpisodeBatch): EpisodeBatch {
  return {
    episodes: batch.episodes,
    rounds: batch.rounds,
    actions: batch.coPlayerActions,
    coPlayerActions: batch.actions,
    rewards: batch.coPlayerRewards,
    coPlayerRewards: batch.rewards,
  };
}

/** Several batches of equal episode length, one after the other. */
export function concatBatches(batches: readonly EpisodeBatch[]): EpisodeBatch {
  if (batches.length === 0) throw new RangeError('concatBatches: no batches');
  const rounds = batches[0].rounds;
  for (const b of batches) {
    if (b.rounds !== rounds) throw new RangeError(`concatBatches: episodes of ${b.rounds} and ${rounds} rounds cannot be joined`);
  }
  if (batches.length === 1) return batches[0];
  const episodes = batches.reduce((s, b) => s + b.episodes, 0);
  const n = episodes * rounds;
  const out = {
    episodes, rounds,
    actions: new Uint8Array(n), coPlayerActions: new Uint8Array(n),
    rewards: new Float32Array(n), coPlayerRewards: new Float32Array(n),
  };
  let at = 0;
  for (const b of batches) {
    out.actions.set(b.actions, at);
    out.coPlayerActions.set(b.coPlayerActions, at);
    out.rewards.set(b.rewards, at);
    out.coPlayerRewards.set(b.coPlayerRewards, at);
    at += b.episodes * rounds;
  }
  return out;
}

/**
 * One block of a learner's batch: `episodes` episodes of learning agent `learner` (seat A) against either another
 * learning agent of the same run (both learn from these episodes, each from its own side) or a fixed actor.
 */
export interface Matchup {
  readonly learner: number;
  readonly coPlayer: { readonly learner: number } | { readonly actor: Actor };
  readonly episodes: number;
}
