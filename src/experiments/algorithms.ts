/**
 * What the runner needs of a learning algorithm, and A2C's and PPI's answers: its presets, the memory a run needs,
 * and an experiment's learners, built fresh or from saved agents, trained by the algorithm's own loop (`trainA2c`,
 * `trainPpi` in src/learners/), saved and restored through the saved-agents module (src/learners/saved.ts).
 * src/experiments/run.ts registers them as `ALGORITHMS` and does the I/O around them.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Actor } from '../agents/actor';
import { ID_SIZE } from '../agents/actor';
import { NUM_ROUNDS } from '../game/ipd';
import {
  A2C_OUTPUTS, A2C_STATS, a2cActor, a2cInputSize, a2cOptimizerConfig, createA2cAgent, trainA2c, type A2cAgent, type A2cConfig,
} from '../learners/a2c';
import {
  MAX_ROLLOUT_ROWS, PPI_OUT, PPI_STATS, PPI_TIMINGS, ppiAgentActor, ppiInputSize, ppiSteps, pretrainPpi, pretrainingData, trainPpi,
  validatePpiConfig, type PpiAgent, type PpiConfig,
} from '../learners/ppi';
import { loadAgent, saveAgent, savedActor, type SavedA2c, type SavedAgent, type SavedPpi } from '../learners/saved';
import type { TrainingHooks, TrainingOutcome, WorkListener } from '../learners/training';
import { Adam } from '../model/gru-net';
import type { Rng } from '../rng';
import { matchupsFor, type ExperimentName, type ExperimentSpec } from './experiments';
import { actingBytesPerEpisode, trainingBytesPerStep, type MemoryPart } from './memory';
import { a2cPreset, ppiPreset, ppiRunSettings, type PresetName, type RunSettings } from './presets';

/** A learning algorithm as the runner drives it; `C` is its configuration (the type of its settings' schema). */
export interface Algorithm<C> {
  /** The learner configuration of an experiment at a preset, before `--set` overrides. */
  preset(experiment: ExperimentName, preset: PresetName): C;
  /** Its run settings, where they are its own (PPI); otherwise the preset's `RUN_SETTINGS`. */
  run?(experiment: ExperimentName, preset: PresetName): RunSettings;
  /** What one unit is called on the x-axis and in train.csv: A2C 'iteration', PPI 'phase'. */
  readonly unit: 'iteration' | 'phase';
  /** Per-learner statistics its loop reports (train.csv columns) and timings (timing.csv, after `unitSeconds`). */
  readonly statNames: readonly string[];
  readonly timingNames: readonly string[];
  /** Units of training at this configuration. */
  units(config: C): number;
  /**
   * The setting a finished run may be lengthened by (`--extend`), for an algorithm whose saved final agents are the
   * whole state its training continues from and whose units draw on their own random streams, so that the longer
   * run computes what an uninterrupted run of that length would. Absent where that does not hold (A2C: final/ holds
   * no optimiser state, and its schedules span the whole run).
   */
  readonly lengthSetting?: keyof C & string;
  /** The parts of a run's memory need at these settings (src/experiments/memory.ts), checked before it starts. */
  memory(spec: ExperimentSpec, config: C, run: RunSettings): MemoryPart[];
  /** The experiment's learners: fresh from `rng`'s `init` stream, or started from the saved agents `deps` names. */
  learners(spec: ExperimentSpec, config: C, rng: Rng, deps: LearnerDeps): Learners;
}

/** Where an earlier step's saved agents are, for the steps that start from them. */
export interface LearnerDeps {
  /** Step 2: the frozen co-player's saved agents (the Step-1 run's final directory, or `--frozen-from`'s); learner-0 plays. */
  readonly frozenFrom?: string;
  /**
   * Step 3: the Step-2 final directory both learners start from; with `--init-from`, any saved agents. Learner i
   * starts from `learner-<i>` there, or `learner-0` when there is no such learner.
   */
  readonly initialiseFrom?: string;
}

/** An experiment's learners, with their training loop. */
export interface Learners {
  /** Whether co-players' identities are given (Opponent-ID ablation). */
  readonly identities: boolean;
  /** The frozen co-player (Step 2), also an evaluation co-player. */
  readonly frozen?: Actor;
  /** The learners as players (learner i at index i), for evaluation; PPI fits its phase-1 model first when it has none. */
  actors(onWork?: WorkListener): Actor[];
  /** The algorithm's training loop, from unit `from`. */
  train(from: number, hooks: TrainingHooks): Promise<TrainingOutcome>;
  /** Writes learner i to `dir/learner-<i>/`: all a resume needs (`resume`), or the agent later steps load (`final`). */
  save(dir: string, what: 'resume' | 'final'): void;
  /**
   * Restores what `save(dir, 'resume')` wrote. Settings (an optimiser's learning rate, ...) come from the
   * configuration the learners were built with, never from the saved state: a resumed run trains with config.json's.
   */
  restore(dir: string): void;
  dispose(): void;
}

/** The saved learner that learner `i` starts from under `LearnerDeps.initialiseFrom`. */
function initialLearnerDir(initialiseFrom: string, i: number): string {
  const own = join(initialiseFrom, `learner-${i}`);
  return existsSync(join(own, 'manifest.json')) ? own : join(initialiseFrom, 'learner-0');
}

/** Reads a saved agent of the algorithm `algo`; a saved agent of the other one is an error naming it. */
function loadOwn<A extends SavedAgent['algo']>(dir: string, algo: A, options: { data?: boolean } = {}): Extract<SavedAgent, { algo: A }> {
  const saved = loadAgent(dir, options);
  if (saved.algo !== algo) throw new Error(`${dir} holds a saved ${saved.algo} agent, not ${algo}`);
  return saved as Extract<SavedAgent, { algo: A }>;
}

/** The frozen co-player of Step 2: learner-0 of the saved agents, acting as it did when it was saved. */
function frozenActor(deps: LearnerDeps): Actor | undefined {
  return deps.frozenFrom ? savedActor(loadAgent(join(deps.frozenFrom, 'learner-0'))) : undefined;
}

const learnersLabel = (spec: ExperimentSpec) => `${spec.learners} learner${spec.learners > 1 ? 's' : ''}`;

export const A2C_ALGORITHM: Algorithm<A2cConfig> = {
  preset: a2cPreset,
  unit: 'iteration',
  statNames: A2C_STATS,
  timingNames: [],
  units: (cfg) => cfg.iterations,
  learners(spec, cfg, rng, deps) {
    const init = rng.child('init');
    let agents: A2cAgent[] = Array.from({ length: spec.learners }, (_, i) => {
      const fresh = createA2cAgent(cfg, spec.opponentId, init.child(`init-${i}`));
      if (!deps.initialiseFrom) return fresh;
      // Step 3: every learner starts from the Step-2 extortion policy (or `--init-from`'s agents), with a fresh
      // optimiser for this step's settings.
      const from = initialLearnerDir(deps.initialiseFrom, i);
      const saved = loadOwn(from, 'a2c');
      if (saved.opponentId !== spec.opponentId) throw new Error(`${from}: the saved agent's identity setting does not match ${spec.name}`);
      if (saved.net.params.length !== fresh.net.params.length) throw new Error(`${from}: the saved agent's network does not match this configuration`);
      fresh.net.params.set(saved.net.params);
      saved.net.dispose();
      return fresh;
    });
    const frozen = frozenActor(deps);
    const coPlayers = matchupsFor(spec, cfg.batchEpisodes, frozen);
    return {
      identities: spec.opponentId,
      frozen,
      actors: () => agents.map(a2cActor),
      train: (from, hooks) => trainA2c(cfg, agents, coPlayers, rng, hooks, from),
      save(dir, what) {
        agents.forEach((a, i) => saveAgent(join(dir, `learner-${i}`), {
          algo: 'a2c', net: a.net, opponentId: a.opponentId, ...(what === 'resume' ? { optimizer: a.optimizer } : {}),
        }));
      },
      restore(dir) {
        agents = agents.map((fresh, i) => {
          const saved: SavedA2c = loadOwn(join(dir, `learner-${i}`), 'a2c');
          if (!saved.optimizer) throw new Error(`${join(dir, `learner-${i}`)} holds no optimiser state`);
          // Only the moments and the step count are state; the learning rate and the rest are this run's settings.
          const { step, m, v } = saved.optimizer.state();
          fresh.net.dispose();
          return { net: saved.net, opponentId: saved.opponentId, optimizer: Adam.restore({ config: a2cOptimizerConfig(cfg), step, m, v }) };
        });
      },
      dispose() {
        for (const a of agents) a.net.dispose();
      },
    };
  },
  memory(spec, cfg, run) {
    const d = a2cInputSize(spec.opponentId), h = cfg.hiddenSize, k = A2C_OUTPUTS;
    return [
      {
        what: 'one training update', bytes: spec.learners * cfg.batchEpisodes * NUM_ROUNDS * trainingBytesPerStep(d, cfg.embedSize, h, k),
        how: `${learnersLabel(spec)} × batchEpisodes=${cfg.batchEpisodes} × ${NUM_ROUNDS} rounds, hiddenSize=${h}, embedSize=${cfg.embedSize}`,
        settings: ['batchEpisodes', 'hiddenSize', 'embedSize'],
      },
      {
        what: 'an evaluation', bytes: run.evalEpisodes * actingBytesPerEpisode(h, d, k, NUM_ROUNDS),
        how: `evalEpisodes=${run.evalEpisodes} episodes of ${NUM_ROUNDS} rounds`, settings: ['evalEpisodes'],
      },
    ];
  },
};

export const PPI_ALGORITHM: Algorithm<PpiConfig> = {
  preset: ppiPreset,
  run: ppiRunSettings,
  unit: 'phase',
  statNames: PPI_STATS,
  timingNames: PPI_TIMINGS,
  units: (cfg) => cfg.phases,
  // The model is refitted from scratch on the data set every phase, and final/ holds both (`save` below).
  lengthSetting: 'phases',
  learners(spec, cfg, rng, deps) {
    validatePpiConfig(cfg);
    const init = rng.child('init');
    const fromSaved = (dir: string): PpiAgent => {
      const saved: SavedPpi = loadOwn(dir, 'ppi', { data: true });
      return { net: saved.net, data: saved.data!, fittedEpisodes: saved.fittedEpisodes, opponentId: saved.opponentId };
    };
    let agents: PpiAgent[] = Array.from({ length: spec.learners }, (_, i) => {
      if (!deps.initialiseFrom) {
        // D0: each learner pretrains on its own sample (its model is fitted on first need: `pretrainPpi`).
        const data = pretrainingData(cfg.pretrainEpisodes, { noTabular: spec.noTabular, opponentId: spec.opponentId }, init.child(`D0-${i}`));
        return { net: null, data, fittedEpisodes: 0, opponentId: spec.opponentId };
      }
      // Step 3: every learner starts from the Step-2 agent's model and its whole data set (or `--init-from`'s).
      const from = initialLearnerDir(deps.initialiseFrom, i);
      const agent = fromSaved(from);
      const { embedSize, hiddenSize } = agent.net!.config;
      if (agent.opponentId !== spec.opponentId) throw new Error(`${from}: the saved agent's identity setting does not match ${spec.name}`);
      if (hiddenSize !== cfg.hiddenSize || embedSize !== cfg.embedSize) {
        throw new Error(`${from}: the saved agent's network (E=${embedSize}, H=${hiddenSize}) does not match this configuration (E=${cfg.embedSize}, H=${cfg.hiddenSize})`);
      }
      return agent;
    });
    const frozen = frozenActor(deps);
    const coPlayers = matchupsFor(spec, cfg.episodesPerPhase, frozen);
    const policy = { beta: cfg.beta, rolloutRounds: cfg.rolloutRounds, rolloutsPerAction: cfg.rolloutsPerAction };
    return {
      identities: spec.opponentId,
      frozen,
      actors(onWork) {
        pretrainPpi(agents, cfg, init, onWork);
        return agents.map((a) => ppiAgentActor(a, cfg));
      },
      train: (from, hooks) => trainPpi(cfg, agents, coPlayers, rng, hooks, from),
      save(dir) {
        // A resume and a later step need the same: the model, its data set, and the settings it acts with.
        pretrainPpi(agents, cfg, init);
        agents.forEach((a, i) => saveAgent(join(dir, `learner-${i}`), {
          algo: 'ppi', net: a.net!, opponentId: a.opponentId, fittedEpisodes: a.fittedEpisodes, policy, data: a.data,
        }));
      },
      restore(dir) {
        for (const a of agents) a.net?.dispose();
        agents = agents.map((_, i) => fromSaved(join(dir, `learner-${i}`)));
      },
      dispose() {
        for (const a of agents) a.net?.dispose();
      },
    };
  },
  memory(spec, cfg, run) {
    const w = ppiInputSize(spec.opponentId), h = cfg.hiddenSize, k = PPI_OUT.size, rounds = NUM_ROUNDS;
    const episodes = cfg.pretrainEpisodes + cfg.phases * cfg.episodesPerPhase;
    // Moves (1 byte each, both players), identities, the packed copy written with each checkpoint; ×2 while a phase's
    // episodes are appended (the data set is copied).
    const perEpisode = 2 * (2 * rounds + (spec.opponentId ? ID_SIZE * 4 : 0) + Math.ceil((2 * rounds) / 8));
    const rolloutChunk = MAX_ROLLOUT_ROWS * 4 * (3 * h + w + k);
    return [
      {
        what: 'one refit batch', bytes: spec.learners * cfg.batchEpisodes * ppiSteps(rounds, spec.opponentId) * trainingBytesPerStep(w, cfg.embedSize, h, k),
        how: `${learnersLabel(spec)} × batchEpisodes=${cfg.batchEpisodes} × ${ppiSteps(rounds, spec.opponentId)} tokens, hiddenSize=${h}, embedSize=${cfg.embedSize}`,
        settings: ['batchEpisodes', 'hiddenSize', 'embedSize'],
      },
      {
        what: 'the data sets', bytes: spec.learners * episodes * perEpisode,
        how: `${learnersLabel(spec)} × (pretrainEpisodes=${cfg.pretrainEpisodes} + phases=${cfg.phases} × episodesPerPhase=${cfg.episodesPerPhase}) episodes`,
        settings: ['episodesPerPhase', 'pretrainEpisodes', 'phases'],
      },
      {
        what: 'acting in a phase', bytes: cfg.episodesPerPhase * actingBytesPerEpisode(h, w, k, rounds) + rolloutChunk,
        how: `episodesPerPhase=${cfg.episodesPerPhase} episodes, rollouts in chunks of ${MAX_ROLLOUT_ROWS} rows`,
        settings: ['episodesPerPhase'],
      },
      {
        what: 'an evaluation', bytes: run.evalEpisodes * actingBytesPerEpisode(h, w, k, rounds) + rolloutChunk,
        how: `evalEpisodes=${run.evalEpisodes} episodes of ${rounds} rounds`, settings: ['evalEpisodes'],
      },
    ];
  },
};
