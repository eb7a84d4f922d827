/**
 * What a learner's training loop (`trainA2c`, `trainPpi`) reports to whoever runs it, and how it is told to stop.
 * The loops do no I/O: after each unit (an A2C iteration, a PPI phase) they hand its metrics to `afterUnit`, where
 * the runner writes its tables, evaluates and checkpoints (src/experiments/run.ts).
 */
import type { TrainPoint } from '../agents/evaluate';
import type { Matchup } from '../agents/match';
import type { IpdEnvOptions } from '../game/env';
import type { Rng } from '../rng';

/** One unit's metrics: training-curve points, and per learner its statistics and wall-clock timings. */
export interface UnitResult {
  /** Per learner and co-player kind (raw payoffs). */
  readonly points: readonly TrainPoint[];
  /** Per learner: loss statistics and the like (train.csv columns; the loop's `…_STATS` names them). */
  readonly stats: readonly Readonly<Record<string, number>>[];
  /**
   * Per learner: seconds of the whole unit (`unitSeconds`) and of its parts. Kept apart from `stats` because they
   * differ between two runs of the same seed (timing.csv), while train.csv is compared byte for byte.
   */
  readonly timings: readonly Readonly<Record<string, number>>[];
}

/** Progress inside a unit: what is being done (`stage`, e.g. 'refit learner 1') and `done` of `total` steps. Observes only. */
export type WorkListener = (stage: string, done: number, total: number) => void;

export interface TrainingHooks {
  /**
   * After each unit, with the number of units done: record, evaluate, checkpoint. Returning (or resolving to) true
   * stops training there.
   */
  afterUnit?(unitsDone: number, result: UnitResult): boolean | void | Promise<boolean | void>;
  onWork?: WorkListener;
}

/** How far a loop got: units done, whether `afterUnit` stopped it early, and the last unit's metrics. */
export interface TrainingOutcome {
  readonly unitsDone: number;
  readonly stopped: boolean;
  readonly last?: UnitResult;
}

/**
 * A learner's whole training, as `trainA2c` and `trainPpi` implement it: its configuration, its agents (learner i is
 * agents[i], fresh, or restored from a checkpoint), the co-players of every unit (the experiment's matchups), the
 * run's random stream (unit k draws from `unit-<k>`, so a run continued from unit `from` gives the numbers of an
 * uninterrupted one), and the hooks that record and checkpoint.
 */
export type TrainingLoop<Config, Agent> = (
  cfg: Config,
  agents: readonly Agent[],
  coPlayers: readonly Matchup[],
  rng: Rng,
  hooks?: TrainingHooks,
  from?: number,
  game?: IpdEnvOptions,
) => Promise<TrainingOutcome>;
