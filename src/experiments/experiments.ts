/**
 * The paper's experiments, independent of the learning algorithm: who learns, against whom, and what each run
 * depends on. Each names the figure it reproduces.
 *
 * Co-players are described by `Opponent`s; a learner's batch is split over its opponents by `share`. Learner
 * indices refer to the learning agents of the same run (trained at the same time, decentralised); `frozen`
 * refers to a learner of an earlier run, loaded and never updated. `matchupsFor` turns an experiment into the
 * matchups of one training unit, the co-players a learner's training loop is given.
 */
import type { Actor } from '../agents/actor';
import type { Matchup } from '../agents/match';
import { tabularPoolActor } from '../agents/tabular';

export const EXPERIMENTS = ['step1', 'step2', 'step3', 'mixed', 'mixed-opponent-id', 'mixed-no-tabular'] as const;
export type ExperimentName = (typeof EXPERIMENTS)[number];

export const ALGOS = ['a2c', 'ppi'] as const;
export type Algo = (typeof ALGOS)[number];

/** Who sits in the other seat of a learner's episodes. */
export type Opponent =
  | { readonly type: 'tabular' } // a random memory-one agent, each of its 5 parameters ~ U(0,1), fresh per episode
  | { readonly type: 'learner'; readonly index: number } // another learning agent of this run
  | { readonly type: 'frozen' }; // the frozen agent this run depends on (Step 2's "Fixed In-Context Learner")

export interface ExperimentSpec {
  readonly name: ExperimentName;
  /** What it reproduces, for config.json, the CLI's help and the notebooks. */
  readonly figure: string;
  readonly description: string;
  /** Number of learning agents trained at the same time. */
  readonly learners: number;
  /** For each learner: its opponents and the share of its batch against each (shares sum to 1). */
  readonly opponents: readonly (readonly { readonly opponent: Opponent; readonly share: number }[])[];
  /** The Opponent-ID ablation: learners are told a tabular co-player's log-probabilities, zeros for a learner (App. A.4). */
  readonly opponentId: boolean;
  /** The No-Tabular ablation: PPI pretrains on random action sequences instead of tabular-vs-tabular episodes (App. A.4). */
  readonly noTabular: boolean;
  /**
   * An earlier experiment of the same seed this one starts from: Step 2 plays against the frozen Step-1 agent;
   * Step 3 initialises both learners from the Step-2 agent.
   */
  readonly dependsOn?: { readonly experiment: ExperimentName; readonly use: 'frozen-opponent' | 'initialise-learners' };
}

const tabular: Opponent = { type: 'tabular' };
/** Each of two learners: half its episodes against the other, half against fresh tabular agents (§2). */
const MIXED_POOL: ExperimentSpec['opponents'] = [
  [{ opponent: { type: 'learner', index: 1 }, share: 0.5 }, { opponent: tabular, share: 0.5 }],
  [{ opponent: { type: 'learner', index: 0 }, share: 0.5 }, { opponent: tabular, share: 0.5 }],
];

export const EXPERIMENT_SPECS: Readonly<Record<ExperimentName, ExperimentSpec>> = Object.freeze({
  step1: {
    name: 'step1',
    figure: 'Fig. 2A–B (PPI), Fig. 4A–B (A2C)',
    description: 'Step 1: one agent trained against the random tabular pool learns to infer its co-player in context and best-respond.',
    learners: 1,
    opponents: [[{ opponent: tabular, share: 1 }]],
    opponentId: false,
    noTabular: false,
  },
  step2: {
    name: 'step2',
    figure: 'Fig. 2C–D (PPI), Fig. 4C–D (A2C)',
    description: 'Step 2: a new agent trained against the frozen Step-1 agent (the Fixed In-Context Learner) learns to extort it.',
    learners: 1,
    opponents: [[{ opponent: { type: 'frozen' }, share: 1 }]],
    opponentId: false,
    noTabular: false,
    dependsOn: { experiment: 'step1', use: 'frozen-opponent' },
  },
  step3: {
    name: 'step3',
    figure: 'Fig. 2E–F (PPI), Fig. 4E–F (A2C)',
    description: 'Step 3: two agents initialised with the Step-2 extortion policy, trained against each other, move to mutual cooperation.',
    learners: 2,
    opponents: [[{ opponent: { type: 'learner', index: 1 }, share: 1 }], [{ opponent: { type: 'learner', index: 0 }, share: 1 }]],
    opponentId: false,
    noTabular: false,
    dependsOn: { experiment: 'step2', use: 'initialise-learners' },
  },
  mixed: {
    name: 'mixed',
    figure: 'Fig. 1 (solid lines), Fig. 3',
    description: 'Mixed pool: two agents, each playing half its episodes against the other and half against fresh tabular agents, end in mutual cooperation.',
    learners: 2,
    opponents: MIXED_POOL,
    opponentId: false,
    noTabular: false,
  },
  'mixed-opponent-id': {
    name: 'mixed-opponent-id',
    figure: 'Fig. 1 (dashed: "Opponent ID")',
    description: 'Ablation: the mixed pool, with each agent told its co-player\'s identity (tabular log-probabilities, zeros for a learner).',
    learners: 2,
    opponents: MIXED_POOL,
    opponentId: true,
    noTabular: false,
  },
  'mixed-no-tabular': {
    name: 'mixed-no-tabular',
    figure: 'Fig. 1 (dotted: "No Tabular Opp.")',
    description: 'Ablation: two agents trained only against each other, without tabular co-players (PPI: pretrained on random actions).',
    learners: 2,
    opponents: [[{ opponent: { type: 'learner', index: 1 }, share: 1 }], [{ opponent: { type: 'learner', index: 0 }, share: 1 }]],
    opponentId: false,
    noTabular: true,
  },
});

/** Parses an experiment name, listing the allowed ones on error. */
export function experimentSpec(name: string): ExperimentSpec {
  if (!(EXPERIMENTS as readonly string[]).includes(name)) {
    throw new RangeError(`unknown experiment '${name}'; allowed: ${EXPERIMENTS.join(', ')}`);
  }
  return EXPERIMENT_SPECS[name as ExperimentName];
}

/**
 * The matchups of one training unit: each learner's batch is split over its opponents by their shares; an episode
 * between two learners of the run is played once and used by both.
 */
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
