/**
 * What the runner needs of a learning algorithm, so one runner drives A2C and PPI alike: run one training unit
 * (an A2C iteration, a PPI phase), expose the learners as players, and save/restore them.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Actor } from '../agents/actor';
import type { EpisodePoint, TrainPoint } from '../agents/evaluate';
import type { Rng } from '../rng';
import type { ExperimentSpec } from './experiments';
import type { MemoryPart } from './memory';
import type { RunSettings } from './presets';

export interface UnitResult {
  /** Training-curve points of this unit (per learner and co-player kind). */
  readonly points: readonly TrainPoint[];
  /** Per learner: loss statistics and the like, averaged into train.csv as extra columns. */
  readonly stats: readonly Readonly<Record<string, number>>[];
  /**
   * Per learner: wall-clock seconds of parts of the unit (`Trainer.timingNames`). They go to timing.csv, not
   * train.csv: they differ between two runs of the same seed, and train.csv is compared byte for byte.
   */
  readonly timings?: readonly Readonly<Record<string, number>>[];
}

/**
 * Progress inside a unit, for units that run for minutes to hours (a PPI phase: its refits and its play): what is
 * being done (`stage`, e.g. 'refit learner 1'), and `done` of `total` steps of it. Observes only.
 */
export type WorkListener = (stage: string, done: number, total: number) => void;

export interface Trainer {
  /** What one unit is called on the x-axis: A2C 'iteration', PPI 'phase'. */
  readonly unit: 'iteration' | 'phase';
  readonly totalUnits: number;
  /** Names of the per-learner statistics `runUnit` reports, in column order. */
  readonly statNames: readonly string[];
  /** Names of the per-learner timings `runUnit` reports (timing.csv columns after the runner's own `unitSeconds`). */
  readonly timingNames: readonly string[];
  /** Runs unit `index` (0-based) with its own random stream. */
  runUnit(index: number, rng: Rng): UnitResult;
  /** The current learners as players (for evaluation); learner i at index i. */
  actors(): Actor[];
  /** Whether co-players' identities are given (Opponent-ID ablation). */
  readonly identities: boolean;
  /** Everything needed to continue exactly: weights, optimiser moments and step count, data. */
  saveState(dir: string): void;
  /**
   * Restores what `saveState` wrote. Settings (an optimiser's learning rate, ...) come from the configuration the
   * trainer was created with, never from the saved state: a resumed run trains with the settings config.json records.
   */
  loadState(dir: string): void;
  /** The learners' final weights (small; later steps and notebooks load them). */
  saveFinal(dir: string): void;
  dispose(): void;
  /** Optional: report progress inside units (and inside a first fit that `actors()` triggers) to `listener`. */
  setWorkListener?(listener: WorkListener | undefined): void;
}

/** Where an earlier step's final agents are, for the steps that depend on them. */
export interface TrainerDeps {
  /** Step 2: the frozen co-player's saved agents (the Step-1 run's final directory, or `--frozen-from`'s); learner-0 plays. */
  readonly frozenFrom?: string;
  /**
   * Step 3: the Step-2 final directory both learners start from; with `--init-from`, any saved agents. Learner i
   * starts from `learner-<i>` there, or `learner-0` when there is no such learner.
   */
  readonly initialiseFrom?: string;
}

export interface TrainerFactory<C> {
  create(spec: ExperimentSpec, config: C, rng: Rng, deps: TrainerDeps): Trainer;
  /** The parts of a run's memory need at these settings (src/experiments/memory.ts), checked before it starts. */
  memory(spec: ExperimentSpec, config: C, run: RunSettings): MemoryPart[];
  /** A saved learner as a frozen player (the Fixed In-Context Learner, evaluation of saved agents). */
  loadActor(finalDir: string, learner: number): Actor;
}

/** The saved learner that learner `i` starts from under `TrainerDeps.initialiseFrom`. */
export function initialLearnerDir(initialiseFrom: string, i: number): string {
  const own = join(initialiseFrom, `learner-${i}`);
  return existsSync(join(own, 'manifest.json')) ? own : join(initialiseFrom, 'learner-0');
}

export type { EpisodePoint };
