/**
 * From an experiment's description to the matchups of one training unit: each learner's batch is split over its
 * opponents by their shares; an episode between two learners of the run is played once and used by both.
 */
import type { Actor } from '../agents/actor';
import type { Matchup } from '../agents/match';
import { tabularPoolActor } from '../agents/tabular';
import type { ExperimentSpec } from './experiments';

export function matchupsFor(spec: ExperimentSpec, batchEpisodes: number, frozen?: Actor): Matchup[] {
  const out: Matchup[] = [];
  spec.opponents.forEach((list, learner) => {
    for (const { opponent, share } of list) {
      const episodes = Math.round(share * batchEpisodes);
      if (episodes < 1) throw new RangeError(`${spec.name}: a batch of ${batchEpisodes} episodes leaves no episode for a share of ${share}`);
      switch (opponent.type) {
        case 'tabular':
          out.push({ learner, coPlayer: { actor: tabularPoolActor() }, episodes });
          break;
        case 'frozen':
          if (!frozen) throw new Error(`${spec.name}: the frozen co-player was not provided`);
          out.push({ learner, coPlayer: { actor: frozen }, episodes });
          break;
        case 'learner':
          // Shared episodes are listed once, under the lower-indexed learner.
          if (opponent.index > learner) out.push({ learner, coPlayer: { learner: opponent.index }, episodes });
          break;
      }
    }
  });
  return out;
}
