/**
 * Presets: the paper's settings (`paper`), a longer scale sized on the `native` engine to about 1–1.5 hours per seed
 * on the two cores of this machine (`long`; measured per A2C run set in README "The `long` scale"), a reduced scale that runs one seed of one experiment in about half an hour
 * on one core of a 2-core machine with the `wasm-simd` engine (`reduced`), and seconds-long runs for tests (`smoke`).
 * Smaller presets scale the batch and the training length, never the algorithm.
 *
 * Overrides: any field of the learner configuration or of the run settings can be changed by name
 * (`--set learningRate=1e-3`; applied by `applyOverrides` in src/experiments/run.ts, checked by the schemas named here);
 * unknown names and ill-typed values are rejected with the list of allowed names.
 */
import { field, rules, settings, type Settings } from '../check';
import { A2C_SETTINGS, A2C_STEP1, A2C_STEP2, A2C_STEP3, A2C_STEP4, type A2cConfig } from '../learners/a2c';
import { PPI_PAPER, PPI_SETTINGS, type PpiConfig } from '../learners/ppi';
import type { Algo, ExperimentName } from './experiments';

export const PRESETS = ['paper', 'long', 'reduced', 'smoke'] as const;
export type PresetName = (typeof PRESETS)[number];

/** Parses a preset name, listing the allowed ones on error. */
export function presetName(name: string): PresetName {
  if (!(PRESETS as readonly string[]).includes(name)) throw new RangeError(`unknown preset '${name}'; allowed: ${PRESETS.join(', ')}`);
  return name as PresetName;
}

/** How a run is driven and recorded, whatever the learner: the schema `--set` and config.json's `run` go through. */
export const RUN_SETTINGS_SCHEMA = settings({
  /** Episodes per co-player in each per-round evaluation (the paper does not say; ≥ 1000 at the paper preset). */
  evalEpisodes: field.number(rules.integer(1)),
  /** Training units (A2C iterations, PPI phases) averaged into one row of train.csv. */
  logEvery: field.number(rules.integer(1)),
  /** Units between resumable checkpoints (a multiple of logEvery is not required). */
  checkpointEvery: field.number(rules.integer(1)),
  /** Fractions of training after which the per-round evaluation is also recorded (0 = before training, Fig. 2F/4E; 0.35 ≈ Fig. 3's snapshot before convergence); 1 is always included. */
  evalAt: field.numbers(rules.inRange(0, 1)),
});
export type RunSettings = ReturnType<typeof RUN_SETTINGS_SCHEMA.parse>;

export const RUN_SETTINGS: Readonly<Record<PresetName, RunSettings>> = Object.freeze({
  paper: { evalEpisodes: 1000, logEvery: 100, checkpointEvery: 500, evalAt: [0, 0.35, 1] },
  long: { evalEpisodes: 512, logEvery: 50, checkpointEvery: 250, evalAt: [0, 0.35, 1] },
  reduced: { evalEpisodes: 512, logEvery: 20, checkpointEvery: 100, evalAt: [0, 0.35, 1] },
  smoke: { evalEpisodes: 8, logEvery: 1, checkpointEvery: 2, evalAt: [0, 0.5, 1] },
});

/** The paper's Table 2 column for each experiment ("Step 4" = the mixed pool and its ablations). */
export function a2cTable2(experiment: ExperimentName): A2cConfig {
  switch (experiment) {
    case 'step1': return A2C_STEP1;
    case 'step2': return A2C_STEP2;
    case 'step3': return A2C_STEP3;
    default: return A2C_STEP4;
  }
}

/**
 * Reduced A2C: batch 256 episodes per learner (the paper: 2048–4096), lengths sized by the measured speed of this
 * machine (see README "Results"); everything else as Table 2.
 */
const A2C_REDUCED_ITERATIONS: Readonly<Record<ExperimentName, number>> = Object.freeze({
  step1: 4500, // measured 0.38 s/iteration → ~28 min
  step2: 3500, // ~0.45 s/iteration (the frozen agent acts too) → ~26 min
  step3: 2000, // two learners on 256 shared episodes, ~0.7 s/iteration → ~23 min
  mixed: 2300, // two learners, 128 shared + 2×128 tabular episodes, 0.77 s/iteration → ~30 min
  'mixed-opponent-id': 2300,
  'mixed-no-tabular': 2300,
});

/**
 * Long A2C: batch 256 per learner as `reduced`, 4–9× its lengths (the mixed pool and both ablations at 20,000
 * iterations, where the reduced-scale studies were still rising at 6,000), sized on the `native` engine with two
 * threads (README "Results"). Step 1 is the named variant `A2C_STEP1_ICL` below, because Table 2's Step-1 column
 * collapses to always-defect in every run (41 of 41, two implementations); Steps 2 and 3 keep Table 2's columns.
 */
const A2C_LONG_ITERATIONS: Readonly<Record<ExperimentName, number>> = Object.freeze({
  step1: 12_000,
  step2: 12_000,
  step3: 8_000,
  mixed: 20_000,
  'mixed-opponent-id': 20_000,
  'mixed-no-tabular': 20_000,
});

/**
 * The Step-1 variant that produces an in-context learner (data/studies/a2c-step1-seeds, README "A2C"): Table 2's
 * mixed-pool column (lr 1e-3, reward scaling 0.02, λ_td = λ_gae = 1, c_e 0.01) for Step 1, with c_e decayed linearly
 * to Table 2's Step-1 value 0.001 over the last quarter of training (the studies: 4,500 iterations at 0.01, then 1,500
 * decaying). Not the paper's Step-1 column; used by the `long` preset and recorded in config.json as its settings.
 */
export const A2C_STEP1_ICL: Partial<A2cConfig> = Object.freeze({
  learningRate: 1e-3, rewardScale: 0.02, tdLambda: 1, gaeLambda: 1, entropyCoef: 0.01, entropyCoefEnd: 0.001, entropyDecayFrom: 0.75,
});

export function a2cPreset(experiment: ExperimentName, preset: PresetName): A2cConfig {
  const base = a2cTable2(experiment);
  switch (preset) {
    case 'paper': return base;
    case 'long': return { ...base, ...(experiment === 'step1' ? A2C_STEP1_ICL : {}), batchEpisodes: 256, iterations: A2C_LONG_ITERATIONS[experiment] };
    case 'reduced': return { ...base, batchEpisodes: 256, iterations: A2C_REDUCED_ITERATIONS[experiment] };
    case 'smoke': return { ...base, batchEpisodes: 8, iterations: 4 };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// PPI presets. The paper's sizes (App. A.3.1) are the same for every experiment; `reduced` shrinks the data sizes,
// the number of phases and the rollouts per action (sized from measured costs, README "PPI"), never the network, the
// optimiser, the epochs, the batch or the 15-round rollout horizon.
// ---------------------------------------------------------------------------------------------------------------

/**
 * Reduced PPI: one seed of one experiment in about half an hour on one core (Step 1 measured; the others sized from
 * its measured per-phase costs; README "PPI"). D0, the episodes per phase, the phases and the rollouts per action are
 * scaled down. One optimiser setting had to change, the learning rate: in-context inference of the co-player appears
 * late in training (held-out co-player-reply loss on D0: at lr 1e-4 still 0.66 nats after 600 updates; at lr 1e-3
 * 0.63 after 300; at lr 3e-3 0.56 after 300, the Bayes floor being 0.54), and a refit here affords ~300–400 updates.
 * Fewer, better-fitted phases show Step 1's in-context best responses; many short ones would not.
 */
const PPI_REDUCED_COMMON: Partial<PpiConfig> = Object.freeze({ rolloutsPerAction: 4, learningRate: 3e-3 });
const PPI_REDUCED: Readonly<Record<ExperimentName, Partial<PpiConfig>>> = Object.freeze({
  step1: { pretrainEpisodes: 8192, episodesPerPhase: 512, phases: 3 },
  // the frozen Step-1 agent rolls out too, doubling the acting cost
  step2: { pretrainEpisodes: 8192, episodesPerPhase: 256, phases: 3 },
  // two learners, each refitting on the whole Step-2 data set (~9,000 episodes) every phase
  step3: { episodesPerPhase: 128, phases: 2 },
  // two learners with their own D0, half their episodes shared (both roll out)
  mixed: { pretrainEpisodes: 6144, episodesPerPhase: 256, phases: 2 },
  'mixed-opponent-id': { pretrainEpisodes: 6144, episodesPerPhase: 256, phases: 2 },
  'mixed-no-tabular': { pretrainEpisodes: 6144, episodesPerPhase: 256, phases: 2 },
});

/**
 * Long PPI: phases of 2,048 episodes (the paper: 20,000) on a D0 of 16,384 (the paper: 200,000), 12 phases for the
 * single-learner steps and 8 for the two-learner ones (whose every phase refits two models), the reduced scale's
 * learning rate and rollouts per action; sized on the `native` engine with two threads (README "Results"). Step 3
 * runs 12 phases of 1,024: at 6 (its first size) seed 0's pair was still rising by 0.05 a phase (0.13 → 0.35), and
 * issue #31 asks for curves that flatten; seed 0 was lengthened from 6 to 12 with `--extend`, the same run.
 */
const PPI_LONG_COMMON: Partial<PpiConfig> = Object.freeze({ rolloutsPerAction: 4, learningRate: 3e-3, episodesPerPhase: 2048 });
const PPI_LONG: Readonly<Record<ExperimentName, Partial<PpiConfig>>> = Object.freeze({
  step1: { pretrainEpisodes: 16_384, phases: 12 },
  step2: { pretrainEpisodes: 16_384, phases: 8 },
  step3: { episodesPerPhase: 1024, phases: 12 },
  mixed: { pretrainEpisodes: 16_384, phases: 8 },
  'mixed-opponent-id': { pretrainEpisodes: 16_384, phases: 8 },
  'mixed-no-tabular': { pretrainEpisodes: 16_384, phases: 8 },
});

/**
 * PPI's run settings: a row of train.csv and a resumable checkpoint after every phase; Fig. 3's snapshot at phase 8
 * of 30 at the paper preset. At `reduced`, where acting with rollouts costs as much as training, fewer evaluation
 * episodes (128 per co-player, 64 for the two-learner experiments, whose evaluation plays both learners) and only
 * two evaluations: before training (the D0-pretrained phase-1 agent; Step 3: the Step-2 agent) and at the end.
 */
export function ppiRunSettings(experiment: ExperimentName, preset: PresetName): RunSettings {
  switch (preset) {
    case 'paper': return { ...RUN_SETTINGS.paper, logEvery: 1, checkpointEvery: 1, evalAt: [0, 8 / 30, 1] };
    case 'long':
    case 'reduced': {
      const twoLearners = experiment === 'step3' || experiment.startsWith('mixed');
      const evalAt = preset === 'long' ? [0, 0.35, 1] : [0, 1];
      return { ...RUN_SETTINGS[preset], evalEpisodes: twoLearners ? 64 : 128, logEvery: 1, checkpointEvery: 1, evalAt };
    }
    case 'smoke': return RUN_SETTINGS.smoke;
  }
}

/** The PPI configuration of an experiment at a preset (the same for all experiments at `paper`). */
export function ppiPreset(experiment: ExperimentName, preset: PresetName): PpiConfig {
  switch (preset) {
    case 'paper': return PPI_PAPER;
    case 'long': return { ...PPI_PAPER, ...PPI_LONG_COMMON, ...PPI_LONG[experiment] };
    case 'reduced': return { ...PPI_PAPER, ...PPI_REDUCED_COMMON, ...PPI_REDUCED[experiment] };
    case 'smoke': return { ...PPI_PAPER, pretrainEpisodes: 64, episodesPerPhase: 16, phases: 2, epochs: 1, batchEpisodes: 32, rolloutsPerAction: 2 };
  }
}

/** Each algorithm's learner configuration: its schema is the learner's own (`A2C_SETTINGS`, `PPI_SETTINGS`). */
export interface LearnerConfigs {
  readonly a2c: A2cConfig;
  readonly ppi: PpiConfig;
}
export const LEARNER_SETTINGS: { readonly [A in Algo]: Settings<LearnerConfigs[A]> } = { a2c: A2C_SETTINGS, ppi: PPI_SETTINGS };

/** Settings a user may override, per algorithm, for `--help` and error messages. */
export function allowedSettings(algo: Algo): string[] {
  return [...LEARNER_SETTINGS[algo].names, ...RUN_SETTINGS_SCHEMA.names];
}
