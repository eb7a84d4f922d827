/**
 * Finished episodes as flat typed arrays: the one record every simulator, learner and metric shares, from the
 * environment's batch to a learner's own side of its episodes and PPI's data set, with one concatenation
 * (`concatEpisodes`) and one selection (`selectEpisodes`).
 */
import { integer } from '../check';

/**
 * The moves of `episodes` finished episodes of `rounds` rounds each, seen from player 0 ("own") with player 1 as
 * the co-player; arrays indexed by `episode * rounds + round`, actions as `Action` codes (0 = C, 1 = D). This is
 * all a PPI learner stores: observations and rewards follow from the moves and the payoff.
 */
export interface EpisodeMoves {
  readonly episodes: number;
  readonly rounds: number;
  /** Player 0's moves. */
  readonly actions: Uint8Array;
  /** Player 1's moves. */
  readonly coPlayerActions: Uint8Array;
  /**
   * [episodes × 10] what player 0 was told of its co-player before round 0, in the Opponent-ID ablation only
   * (App. A.4: log π(a | o) of a memory-one co-player, zeros for a learner).
   */
  readonly coPlayerIds?: Float32Array;
}

/** Episodes with their rewards: the unscaled payoffs of each round (paper Table 1 units), never rescaled for training. */
export interface EpisodeBatch extends EpisodeMoves {
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

/** How errors name the per-episode fields that only some records carry. */
const FIELD_NAMES: Readonly<Record<string, string>> = { coPlayerIds: 'co-player identities' };

type Arrays = Record<string, Uint8Array | Float32Array>;

/** The typed-array fields of a record (moves, rewards, identities, and any per-episode field a learner adds). */
function arrays(record: EpisodeMoves): Arrays {
  const out: Arrays = {};
  for (const [k, v] of Object.entries(record)) if (v instanceof Uint8Array || v instanceof Float32Array) out[k] = v;
  return out;
}

/**
 * Several records of equal episode length, one after the other (PPI's D_k = D_{k−1} ∪ R_k; a learner's episodes of
 * several matchups). Every array field is joined; all parts must carry the same fields. One part is returned as is.
 */
export function concatEpisodes<T extends EpisodeMoves>(parts: readonly T[]): T {
  if (parts.length === 0) throw new RangeError('concatEpisodes: nothing to join');
  const { rounds } = parts[0];
  const fields = Object.keys(arrays(parts[0]));
  for (const p of parts) {
    if (p.rounds !== rounds) throw new RangeError(`concatEpisodes: episodes of ${p.rounds} and ${rounds} rounds cannot be joined`);
    const own = Object.keys(arrays(p));
    const odd = [...fields.filter((f) => !own.includes(f)), ...own.filter((f) => !fields.includes(f))];
    if (odd.length > 0) throw new RangeError(`concatEpisodes: some parts carry ${odd.map((f) => FIELD_NAMES[f] ?? f).join(', ')} and some do not`);
  }
  if (parts.length === 1) return parts[0];
  const joined: Arrays = {};
  for (const f of fields) {
    const first = arrays(parts[0])[f];
    const out = new (first.constructor as Uint8ArrayConstructor | Float32ArrayConstructor)(parts.reduce((s, p) => s + arrays(p)[f].length, 0));
    let at = 0;
    for (const p of parts) {
      const a = arrays(p)[f];
      out.set(a, at);
      at += a.length;
    }
    joined[f] = out;
  }
  // Every field of T other than the counts is one of the arrays joined above.
  return { ...parts[0], ...joined, episodes: parts.reduce((s, p) => s + p.episodes, 0) } as T;
}

/** The episodes at `indices` (in that order), every array field copied (per round or per episode alike). */
export function selectEpisodes<T extends EpisodeMoves>(data: T, indices: ArrayLike<number>): T {
  const n = indices.length, picked: Arrays = {};
  for (const [f, a] of Object.entries(arrays(data))) {
    const width = a.length / data.episodes;
    const out = new (a.constructor as Uint8ArrayConstructor | Float32ArrayConstructor)(n * width);
    for (let i = 0; i < n; i++) out.set(a.subarray(indices[i] * width, (indices[i] + 1) * width), i * width);
    picked[f] = out;
  }
  // As in `concatEpisodes`: every field other than the counts is an array copied above.
  return { ...data, ...picked, episodes: n } as T;
}
