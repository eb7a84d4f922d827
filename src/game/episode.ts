/**
 * Finished episodes as flat typed arrays: the one record every simulator, learner and metric shares.
 */
import { integer } from '../check';

/**
 * `episodes` finished episodes of `rounds` rounds each, seen from player 0 ("own") with player 1 as the
 * co-player. Every array is indexed by `episode * rounds + round`. Actions use the `Action` codes (0 = C,
 * 1 = D); rewards are the unscaled payoffs of that round (paper Table 1 units), never rescaled for training.
 */
export interface EpisodeBatch {
  readonly episodes: number;
  readonly rounds: number;
  /** Player 0's moves. */
  readonly actions: Uint8Array;
  /** Player 1's moves. */
  readonly coPlayerActions: Uint8Array;
  /** Player 0's reward per round. */
  readonly rewards: Float32Array;
  /** Player 1's reward per round. */
  readonly coPlayerRewards: Float32Array;
}

/** A zero-filled batch of the given size (all moves C, all rewards 0), for simulators to write into. */
export function emptyEpisodeBatch(episodes: number, rounds: number): EpisodeBatch {
  integer('emptyEpisodeBatch', 'episodes', episodes, 0);
  integer('emptyEpisodeBatch', 'rounds', rounds, 1);
  const n = episodes * rounds;
  return {
    episodes,
    rounds,
    actions: new Uint8Array(n),
    coPlayerActions: new Uint8Array(n),
    rewards: new Float32Array(n),
    coPlayerRewards: new Float32Array(n),
  };
}
