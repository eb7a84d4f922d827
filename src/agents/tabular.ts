/**
 * Memory-one ("tabular") players as actors: the paper's random pool, drawn fresh for every episode, and any fixed
 * memory-one strategy (ALLC, ALLD, TFT, ZD extortioners, ...).
 */
import { tabularActions } from '../game/env';
import { memoryOneLogProbs, memoryOneFromArray, packMemoryOne, sampleMemoryOneBatch, type MemoryOne } from '../game/memory-one';
import type { Rng } from '../rng';
import { ID_SIZE, type Actor, type ActorSession, type CoPlayerKind } from './actor';

/** A session of memory-one players, one parameter vector per episode (layout of `sampleMemoryOneBatch`). */
function tabularSession(params: Float32Array, rng: Rng): ActorSession {
  const episodes = params.length / 5;
  return {
    act(observations: Uint8Array, _rewards: Float32Array, out: Uint8Array) {
      tabularActions(params, observations, rng, out);
    },
    identity() {
      const ids = new Float32Array(episodes * ID_SIZE);
      for (let e = 0; e < episodes; e++) {
        ids.set(memoryOneLogProbs(memoryOneFromArray(params.subarray(5 * e, 5 * e + 5))), e * ID_SIZE);
      }
      return ids;
    },
  };
}

/** The paper's random tabular co-player (§2, App. A.3.3): each of its 5 probabilities ~ U(0,1), fresh per episode. */
export function tabularPoolActor(): Actor {
  return {
    kind: 'tabular',
    begin(episodes: number, rng: Rng) {
      return tabularSession(sampleMemoryOneBatch(episodes, rng.child('params')), rng.child('moves'));
    },
  };
}

/** A fixed memory-one strategy in every episode, labelled `kind` in metrics. */
export function memoryOneActor(policy: MemoryOne, kind: CoPlayerKind): Actor {
  return {
    kind,
    begin(episodes: number, rng: Rng) {
      return tabularSession(packMemoryOne(policy, episodes), rng);
    },
  };
}
