/**
 * The one interface through which anything plays the IPD: a tabular (memory-one) co-player, a named strategy,
 * a learning agent, or a frozen copy of one. Learners and evaluation never special-case who sits in a seat.
 *
 * An actor plays a batch of independent episodes in lock-step. `begin` opens a session holding the per-episode
 * state (e.g. the GRU state, or each episode's freshly drawn tabular parameters); `act` is then called once per
 * round with each episode's last outcome from this actor's own side (START in round 0) and its last reward
 * (0 in round 0).
 */
import type { Rng } from '../rng';

/**
 * What sits in the other seat, as the paper's figures name it: `tabular` = the random memory-one pool ("Avg. Tabular"),
 * `allc`/`alld`/`tft` = fixed strategies, `learner` = another learning agent or a frozen learned one.
 */
export type CoPlayerKind = 'tabular' | 'allc' | 'alld' | 'tft' | 'learner';
export const CO_PLAYER_KINDS: readonly CoPlayerKind[] = ['tabular', 'allc', 'alld', 'tft', 'learner'];

/** The paper's opponent-ID vector width (App. A.4): log π(a|o) for 5 observations × 2 actions. */
export const ID_SIZE = 10;

export interface ActorSession {
  /**
   * Chooses this round's action in every episode.
   * @param observations [episodes] last outcome from this actor's own view (Outcome codes; START in round 0)
   * @param rewards [episodes] this actor's reward of the previous round (0 in round 0), unscaled
   * @param out [episodes] receives the actions (0 = C, 1 = D)
   */
  act(observations: Uint8Array, rewards: Float32Array, out: Uint8Array): void;
  /**
   * This actor's identity as its co-player is told it in the Opponent-ID ablation (paper App. A.4), ID_SIZE
   * floats per episode: a tabular actor's log π(a|o), zeros for a learning actor (the paper's "identity flag").
   */
  identity(): Float32Array;
  /**
   * Receives the co-player's identity vectors before round 0, only in the Opponent-ID ablation. Actors that
   * do not condition on identities leave it out.
   */
  observeCoPlayerIdentity?(ids: Float32Array): void;
  /** Frees what the session holds (e.g. tensors); optional. */
  end?(): void;
}

export interface Actor {
  /** How the co-player of this actor labels it in metrics. */
  readonly kind: CoPlayerKind;
  /** Opens `episodes` new episodes. All randomness of the session comes from `rng`. */
  begin(episodes: number, rng: Rng): ActorSession;
}
