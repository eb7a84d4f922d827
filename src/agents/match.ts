/**
 * Playing two actors against each other: the only loop that drives the environment for learners and evaluation.
 */
import { IpdEnv, type IpdEnvOptions } from '../game/env';
import type { EpisodeBatch } from '../game/episode';
import type { Rng } from '../rng';
import type { Actor } from './actor';
import { ID_SIZE } from './actor';

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

/**
 * One block of a learner's batch: `episodes` episodes of learning agent `learner` (seat A) against either another
 * learning agent of the same run (both learn from these episodes, each from its own side) or a fixed actor.
 */
export interface Matchup {
  readonly learner: number;
  readonly coPlayer: { readonly learner: number } | { readonly actor: Actor };
  readonly episodes: number;
}

/**
 * A learning agent as `playMatchups` drives it: every episode it plays in one iteration, across all its matchups,
 * as one batch of rows, one network step per round. (An on-policy learner records these steps as its update's
 * forward pass: see `GruNet.beginSequence`.)
 */
export interface BatchPolicy {
  /**
   * Opens `rows` episodes of `rounds` rounds. With identities (the Opponent-ID ablation), `coPlayerIds` holds
   * [rows × ID_SIZE] what each row is told of its co-player before round 0.
   */
  begin(rows: number, rounds: number, coPlayerIds?: Float32Array): void;
  /**
   * P(cooperate) this round in every row, from each row's observation (an `Outcome` code from its own side).
   * Called once per round, in order.
   */
  probCooperate(observations: Uint8Array): ArrayLike<number>;
  /**
   * For a learner whose network runs on another thread: `probCooperate` started, the returned function waiting for
   * it. `playMatchups` starts these first each round, so that the other learners act meanwhile.
   */
  readonly probCooperateLater?: (observations: Uint8Array) => () => ArrayLike<number>;
}

/** One matchup's episodes as `playMatchups` returns them: as `playMatch` would for the same matchup. */
export type PlayedMatchup = MatchResult;

/**
 * Plays every matchup of one iteration in lock-step, each learning agent acting once per round for all of its rows
 * across matchups (one large batch instead of one per matchup). A learner's rows are its seats in matchup order,
 * its seat-A and seat-B episodes alike, which is the order in which it concatenates its own side for its update.
 * Each matchup k draws from `rng.child('match-' + k)` and each of its seats from that stream's child 'A' or 'B',
 * exactly as `playMatch` does, so the episodes are the same as playing the matchups one after the other.
 */
export function playMatchups(
  learners: readonly BatchPolicy[], matchups: readonly Matchup[], rng: Rng, options: MatchOptions = {},
): PlayedMatchup[] {
  interface Seat { readonly k: number; readonly side: 0 | 1; readonly at: number; readonly rng: Rng }
  const seats: Seat[][] = learners.map(() => []);
  const rows = learners.map(() => 0);
  const envs: IpdEnv[] = [];
  const others: (ReturnType<Actor['begin']> | null)[] = [];
  const moves: [Uint8Array, Uint8Array][] = [];
  const ids: { ofA?: Float32Array; ofB?: Float32Array }[] = [];
  matchups.forEach((m, k) => {
    const mrng = rng.child(`match-${k}`);
    if (!(m.learner >= 0 && m.learner < learners.length)) throw new RangeError(`playMatchups: matchup ${k} names learner ${m.learner} of ${learners.length}`);
    envs.push(new IpdEnv(m.episodes, options));
    moves.push([new Uint8Array(m.episodes), new Uint8Array(m.episodes)]);
    seats[m.learner].push({ k, side: 0, at: rows[m.learner], rng: mrng.child('A') });
    rows[m.learner] += m.episodes;
    if ('learner' in m.coPlayer) {
      const j = m.coPlayer.learner;
      if (!(j >= 0 && j < learners.length) || j === m.learner) throw new RangeError(`playMatchups: matchup ${k} pairs learner ${m.learner} with learner ${j}`);
      seats[j].push({ k, side: 1, at: rows[j], rng: mrng.child('B') });
      rows[j] += m.episodes;
      others.push(null);
      // Learners show their co-players the zero "identity flag".
      ids.push(options.identities ? { ofA: new Float32Array(m.episodes * ID_SIZE), ofB: new Float32Array(m.episodes * ID_SIZE) } : {});
    } else {
      const session = m.coPlayer.actor.begin(m.episodes, mrng.child('B'));
      others.push(session);
      if (options.identities) {
        const ofA = new Float32Array(m.episodes * ID_SIZE), ofB = session.identity();
        session.observeCoPlayerIdentity?.(ofA);
        ids.push({ ofA, ofB });
      } else ids.push({});
    }
  });
  const rounds = envs.length > 0 ? envs[0].rounds : 0;
  learners.forEach((policy, i) => {
    if (rows[i] === 0) return;
    let told: Float32Array | undefined;
    if (options.identities) {
      told = new Float32Array(rows[i] * ID_SIZE);
      for (const s of seats[i]) told.set(s.side === 0 ? ids[s.k].ofB! : ids[s.k].ofA!, s.at * ID_SIZE);
    }
    policy.begin(rows[i], rounds, told);
  });
  const obs = rows.map((n) => new Uint8Array(n));
  // Learners acting on another thread start first each round; the others act meanwhile.
  const acting = learners.map((_, i) => i).filter((i) => rows[i] > 0);
  const order = [...acting.filter((i) => learners[i].probCooperateLater), ...acting.filter((i) => !learners[i].probCooperateLater)];
  const probs: (() => ArrayLike<number>)[] = [];
  for (let t = 0; t < rounds; t++) {
    for (const i of order) {
      for (const s of seats[i]) obs[i].set(envs[s.k].observations(s.side), s.at);
      const later = learners[i].probCooperateLater;
      if (later) probs[i] = later(obs[i]);
      else {
        const p = learners[i].probCooperate(obs[i]);
        probs[i] = () => p;
      }
    }
    learners.forEach((_, i) => {
      if (rows[i] === 0) return;
      const p = probs[i]();
      for (const s of seats[i]) {
        const out = moves[s.k][s.side], n = out.length;
        for (let b = 0; b < n; b++) out[b] = s.rng.uniform() < p[s.at + b] ? 0 : 1;
      }
    });
    envs.forEach((env, k) => {
      others[k]?.act(env.observations(1), env.rewardsB, moves[k][1]);
      env.step(moves[k][0], moves[k][1]);
    });
    options.onRound?.(t + 1);
  }
  for (const o of others) o?.end?.();
  return envs.map((env, k) => ({ batch: env.batch(), idsOfA: ids[k].ofA, idsOfB: ids[k].ofB }));
}
