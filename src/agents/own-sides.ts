/**
 * One training unit's play, as both learners do it: play every matchup with the learners' current policies, then
 * hand each learner its own side of its own episodes (decentralised: nothing of a co-player but what it saw) and
 * the training-curve points of the episodes.
 */
import type { EpisodeBatch } from '../game/episode';
import { concatEpisodes } from '../game/episode';
import { NUM_ROUNDS } from '../game/ipd';
import type { Rng } from '../rng';
import type { Actor, CoPlayerKind } from './actor';
import { trainPoint, type TrainPoint } from './evaluate';
import { playMatch, playMatchups, swapSeats, type BatchPolicy, type MatchOptions, type Matchup, type MatchResult } from './match';

/**
 * How the learners play:
 * - `lockStep` (A2C): every matchup at once, each learner acting once per round for all of its rows (`playMatchups`),
 *   so that an on-policy learner can keep the acting pass as its update's forward pass;
 * - `perMatchup` (PPI): one matchup after the other (`playMatch`). A PPI actor draws its rollouts' random numbers for
 *   all episodes of a batch together, so joining matchups into one batch would change which numbers each episode gets
 *   (and the results recorded with this code); A2C's draws are per episode and do not depend on the batch.
 * Either way matchup k draws from `rng.child('match-' + k)`.
 */
export type LearnerPlayers = { readonly lockStep: readonly BatchPolicy[] } | { readonly perMatchup: readonly Actor[] };

/** A learner's own side of the episodes it played in one unit, in matchup order (its seat-A and seat-B episodes alike). */
export interface OwnEpisodes extends EpisodeBatch {
  /**
   * [episodes] 1 where the co-player is a learner (a learning one, or a frozen one: the Fixed In-Context Learner),
   * 0 where it is a memory-one player; A2C centres its advantages per group (Table 2 `advantages_normalization`).
   */
  readonly learnerCoPlayer: Uint8Array;
}

export interface OwnSides {
  /** Training-curve points: per matchup, seat A's learner, then seat B's when it is a learner too. */
  readonly points: TrainPoint[];
  /** Per learner: its own side of its episodes (with `coPlayerIds` when identities are told). */
  readonly own: OwnEpisodes[];
}

export interface OwnSidesOptions extends Omit<MatchOptions, 'onRound'> {
  /** Progress of the play: `done` of `total` rounds (over all matchups when they are played one after the other). */
  readonly onActing?: (done: number, total: number) => void;
}

/** Plays `matchups` with `players` (learner i at index i) and returns each learner's own side (see the module comment). */
export function playOwnSides(players: LearnerPlayers, matchups: readonly Matchup[], rng: Rng, options: OwnSidesOptions = {}): OwnSides {
  const { onActing, ...match } = options;
  const rounds = options.rounds ?? NUM_ROUNDS;
  const count = 'lockStep' in players ? players.lockStep.length : players.perMatchup.length;
  let played: MatchResult[];
  if ('lockStep' in players) {
    played = playMatchups(players.lockStep, matchups, rng, { ...match, onRound: onActing && ((done) => onActing(done, rounds)) });
  } else {
    const actors = players.perMatchup;
    played = matchups.map((m, k) => {
      const b = 'learner' in m.coPlayer ? actors[m.coPlayer.learner] : m.coPlayer.actor;
      const onRound = onActing && ((done: number) => onActing(k * rounds + done, matchups.length * rounds));
      return playMatch(actors[m.learner], b, m.episodes, rng.child(`match-${k}`), { ...match, onRound });
    });
  }
  const parts: OwnEpisodes[][] = Array.from({ length: count }, () => []);
  const points: TrainPoint[] = [];
  const side = (batch: EpisodeBatch, coPlayer: CoPlayerKind, told: Float32Array | undefined): OwnEpisodes => ({
    ...batch, learnerCoPlayer: new Uint8Array(batch.episodes).fill(coPlayer === 'learner' ? 1 : 0), ...(options.identities ? { coPlayerIds: told } : {}),
  });
  matchups.forEach((m, k) => {
    const { batch, idsOfA, idsOfB } = played[k];
    const kind: CoPlayerKind = 'learner' in m.coPlayer ? 'learner' : m.coPlayer.actor.kind;
    parts[m.learner].push(side(batch, kind, idsOfB));
    points.push(trainPoint(batch, m.learner, kind));
    if ('learner' in m.coPlayer) {
      const mirrored = swapSeats(batch);
      parts[m.coPlayer.learner].push(side(mirrored, 'learner', idsOfA));
      points.push(trainPoint(mirrored, m.coPlayer.learner, 'learner'));
    }
  });
  const own = parts.map((p, i) => {
    if (p.length === 0) throw new Error(`playOwnSides: learner ${i} played no episodes`);
    return concatEpisodes(p);
  });
  return { points, own };
}
