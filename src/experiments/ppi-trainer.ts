/**
 * The runner's view of PPI: an experiment's learners as PPI agents, one unit = one phase of Algorithm 1 (`ppiPhase`).
 *
 * What is saved. PPI refits its model from scratch every phase, so the data set is what carries a learner's policy
 * from one phase to the next. A learner's directory (in `resume/` and in `final/`) holds its current model as a
 * checkpoint (weights only: there is no optimiser state worth keeping across phases) and, in `ppi-data.bin`, all its
 * episodes bit-packed (25 bytes per 100-round episode; `packMoves`), checksummed in the manifest. Step 2's frozen
 * agent needs only the weights and the acting settings saved with them; Step 3 starts each learner from the Step-2
 * agent's model and data set.
 *
 * The model used before the first phase (evaluation "before training", and phase 1 itself) is the one pretrained
 * on D0, fitted on first need from its own stream, so it is the same whether or not that evaluation runs.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Actor } from '../agents/actor';
import { ID_SIZE } from '../agents/actor';
import { NUM_ROUNDS } from '../game/ipd';
import {
  ensureFitted, MAX_ROLLOUT_ROWS, packMoves, PPI_OUT, ppiActor, ppiAgentActor, ppiInputSize, ppiPhase, ppiSteps, pretrainingData, unpackMoves, validatePpiConfig,
  type PpiAgent, type PpiConfig, type PpiData, type PpiFitStats, type PpiPolicySettings,
} from '../learners/ppi';
import { loadCheckpoint, saveCheckpoint } from '../model/checkpoint';
import type { Rng } from '../rng';
import type { ExperimentSpec } from './experiments';
import { readJson, writeFileAtomic } from './files';
import { matchupsFor } from './matchups';
import { actingBytesPerEpisode, trainingBytesPerStep, type MemoryPart } from './memory';
import type { RunSettings } from './presets';
import { initialLearnerDir, type Trainer, type TrainerDeps, type TrainerFactory, type WorkListener } from './trainer';

/** Per-learner columns of train.csv: the refit's last-epoch loss terms and its size. */
const STATS = ['loss', 'obsLoss', 'rewardLoss', 'actionLoss', 'updates', 'dataEpisodes'] as const;
/** Per-learner columns of timing.csv: the refit's and the acting's wall-clock seconds (train.csv before these moved). */
const TIMINGS = ['refitSeconds', 'rolloutSeconds'] as const;

const DATA_FILE = 'ppi-data.bin';

interface DataMeta {
  readonly episodes: number;
  readonly rounds: number;
  readonly ids: boolean;
  readonly bytes: number;
  readonly sha256: string;
}

/** What a PPI learner's checkpoint carries besides its weights. */
interface PpiExtra {
  readonly algo: 'ppi';
  readonly opponentId: boolean;
  readonly fittedEpisodes: number;
  readonly policy: PpiPolicySettings;
  readonly data: DataMeta;
}

function encodeData(data: PpiData): { bytes: Buffer; meta: DataMeta } {
  const moves = packMoves(data);
  const ids = data.coPlayerIds ? Buffer.from(data.coPlayerIds.buffer, data.coPlayerIds.byteOffset, data.coPlayerIds.byteLength) : Buffer.alloc(0);
  const bytes = Buffer.concat([Buffer.from(moves.buffer, moves.byteOffset, moves.byteLength), ids]);
  return {
    bytes,
    meta: { episodes: data.episodes, rounds: data.rounds, ids: data.coPlayerIds !== undefined, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') },
  };
}

function saveLearner(dir: string, agent: PpiAgent, policy: PpiPolicySettings): void {
  if (!agent.net) throw new Error('saveLearner: the agent has no model');
  const { bytes, meta } = encodeData(agent.data);
  const extra: PpiExtra = { algo: 'ppi', opponentId: agent.opponentId, fittedEpisodes: agent.fittedEpisodes, policy, data: meta };
  saveCheckpoint(dir, { net: agent.net, extra });
  writeFileAtomic(join(dir, DATA_FILE), bytes);
}

function readExtra(dir: string, extra: unknown): PpiExtra {
  const e = extra as Partial<PpiExtra> | undefined;
  if (e?.algo !== 'ppi' || typeof e.opponentId !== 'boolean' || !e.policy || !e.data) throw new Error(`${dir} is not a PPI agent checkpoint`);
  return e as PpiExtra;
}

function loadData(dir: string, meta: DataMeta): PpiData {
  const path = join(dir, DATA_FILE);
  if (!existsSync(path)) throw new Error(`${dir} has no ${DATA_FILE} (the PPI learner's data set)`);
  const buf = readFileSync(path);
  if (buf.length !== meta.bytes || createHash('sha256').update(buf).digest('hex') !== meta.sha256) {
    throw new Error(`${path} does not match its checkpoint (size or checksum): truncated, corrupted or from another run`);
  }
  const movesBytes = Math.ceil((2 * meta.episodes * meta.rounds) / 8);
  const moves = new Uint8Array(buf.buffer, buf.byteOffset, movesBytes).slice();
  let ids: Float32Array | undefined;
  if (meta.ids) {
    ids = new Float32Array(meta.episodes * ID_SIZE);
    new Uint8Array(ids.buffer).set(buf.subarray(movesBytes, movesBytes + ids.byteLength));
  }
  return unpackMoves(moves, meta.episodes, meta.rounds, ids);
}

function loadLearner(dir: string): { agent: PpiAgent; policy: PpiPolicySettings } {
  const ck = loadCheckpoint(dir);
  const extra = readExtra(dir, ck.extra);
  return {
    agent: { net: ck.net, data: loadData(dir, extra.data), fittedEpisodes: extra.fittedEpisodes, opponentId: extra.opponentId },
    policy: extra.policy,
  };
}

function policyOf(cfg: PpiConfig): PpiPolicySettings {
  return { beta: cfg.beta, rolloutRounds: cfg.rolloutRounds, rolloutsPerAction: cfg.rolloutsPerAction };
}

/** PPI for the runner: `create` builds the learners (D0, or the Step-2 agent), one unit = one phase. */
export const ppiTrainerFactory: TrainerFactory<PpiConfig> = {
  create(spec: ExperimentSpec, cfg: PpiConfig, rng: Rng, deps: TrainerDeps): Trainer {
    validatePpiConfig(cfg);
    let agents: PpiAgent[] = [];
    for (let i = 0; i < spec.learners; i++) {
      if (deps.initialiseFrom) {
        // Step 3: every learner starts from the Step-2 agent's model and its whole data set (or `--init-from`'s).
        const from = initialLearnerDir(deps.initialiseFrom, i);
        const { agent } = loadLearner(from);
        if (agent.opponentId !== spec.opponentId) throw new Error(`${from}: the saved agent's identity setting does not match ${spec.name}`);
        if (agent.net!.config.hiddenSize !== cfg.hiddenSize || agent.net!.config.embedSize !== cfg.embedSize) {
          throw new Error(`${from}: the saved agent's network (E=${agent.net!.config.embedSize}, H=${agent.net!.config.hiddenSize}) does not match this configuration (E=${cfg.embedSize}, H=${cfg.hiddenSize})`);
        }
        agents.push(agent);
      } else {
        // D0: each learner pretrains on its own sample.
        const data = pretrainingData(cfg.pretrainEpisodes, { noTabular: spec.noTabular, opponentId: spec.opponentId }, rng.child(`D0-${i}`));
        agents.push({ net: null, data, fittedEpisodes: 0, opponentId: spec.opponentId });
      }
    }
    const lastFit: ({ stats: PpiFitStats; seconds: number } | null)[] = agents.map(() => null);
    let listener: WorkListener | undefined;
    const fit = (i: number, fitRng: Rng) => {
      const t0 = Date.now();
      const stage = agents[i].net ? `refit learner ${i + 1}` : `pretraining learner ${i + 1} on D0`;
      const stats = ensureFitted(agents[i], cfg, fitRng, {}, listener && ((done, total) => listener?.(stage, done, total)));
      if (stats) lastFit[i] = { stats, seconds: (Date.now() - t0) / 1000 };
    };
    // The D0-pretrained model before the first phase, from its own stream (also used when evaluated before training).
    const ready = () => agents.forEach((a, i) => { if (!a.net) fit(i, rng.child(`pretrain-${i}`)); });
    const frozen = deps.frozenFrom ? ppiTrainerFactory.loadActor(deps.frozenFrom, 0) : undefined;
    const matchups = matchupsFor(spec, cfg.episodesPerPhase, frozen);
    return {
      unit: 'phase',
      totalUnits: cfg.phases,
      statNames: STATS,
      timingNames: TIMINGS,
      identities: spec.opponentId,
      runUnit(_index: number, unitRng: Rng) {
        ready();
        agents.forEach((_, i) => fit(i, unitRng.child(`fit-${i}`))); // Alg. 1: re-initialise and refit on D_{k−1}
        const dataEpisodes = agents.map((a) => a.data.episodes);
        const t0 = Date.now();
        // Its refits are no-ops now: it acts and appends R_k.
        const r = ppiPhase(agents, matchups, cfg, unitRng, {}, { onActing: listener && ((done, total) => listener?.('acting', done, total)) });
        const rolloutSeconds = (Date.now() - t0) / 1000;
        return {
          points: r.points,
          stats: agents.map((_, i) => {
            const f = lastFit[i];
            return {
              loss: f?.stats.loss ?? NaN, obsLoss: f?.stats.obsLoss ?? NaN, rewardLoss: f?.stats.rewardLoss ?? NaN, actionLoss: f?.stats.actionLoss ?? NaN,
              updates: f?.stats.updates ?? 0, dataEpisodes: dataEpisodes[i],
            };
          }),
          timings: agents.map((_, i) => ({ refitSeconds: lastFit[i]?.seconds ?? 0, rolloutSeconds })),
        };
      },
      actors() {
        ready();
        return agents.map((a) => ppiAgentActor(a, cfg));
      },
      saveState(dir: string) {
        ready();
        agents.forEach((a, i) => saveLearner(join(dir, `learner-${i}`), a, policyOf(cfg)));
        writeFileAtomic(join(dir, 'ppi-fits.json'), JSON.stringify(lastFit));
      },
      loadState(dir: string) {
        for (const a of agents) a.net?.dispose();
        agents = agents.map((_, i) => loadLearner(join(dir, `learner-${i}`)).agent);
        const fits = readJson<typeof lastFit>(join(dir, 'ppi-fits.json'));
        fits.forEach((f, i) => (lastFit[i] = f));
      },
      saveFinal(dir: string) {
        ready();
        agents.forEach((a, i) => saveLearner(join(dir, `learner-${i}`), a, policyOf(cfg)));
      },
      dispose() {
        for (const a of agents) a.net?.dispose();
      },
      setWorkListener(l: WorkListener | undefined) {
        listener = l;
      },
    };
  },
  memory(spec: ExperimentSpec, cfg: PpiConfig, run: RunSettings): MemoryPart[] {
    const w = ppiInputSize(spec.opponentId), h = cfg.hiddenSize, k = PPI_OUT.size, rounds = NUM_ROUNDS;
    const learners = `${spec.learners} learner${spec.learners > 1 ? 's' : ''}`;
    const episodes = cfg.pretrainEpisodes + cfg.phases * cfg.episodesPerPhase;
    // Moves (1 byte each, both players), identities, the packed copy written with each checkpoint; ×2 while a phase's
    // episodes are appended (the data set is copied).
    const perEpisode = 2 * (2 * rounds + (spec.opponentId ? ID_SIZE * 4 : 0) + Math.ceil((2 * rounds) / 8));
    const rolloutChunk = MAX_ROLLOUT_ROWS * 4 * (3 * h + w + k);
    return [
      {
        what: 'one refit batch', bytes: spec.learners * cfg.batchEpisodes * ppiSteps(rounds, spec.opponentId) * trainingBytesPerStep(w, cfg.embedSize, h, k),
        how: `${learners} × batchEpisodes=${cfg.batchEpisodes} × ${ppiSteps(rounds, spec.opponentId)} tokens, hiddenSize=${h}, embedSize=${cfg.embedSize}`,
        settings: ['batchEpisodes', 'hiddenSize', 'embedSize'],
      },
      {
        what: 'the data sets', bytes: spec.learners * episodes * perEpisode,
        how: `${learners} × (pretrainEpisodes=${cfg.pretrainEpisodes} + phases=${cfg.phases} × episodesPerPhase=${cfg.episodesPerPhase}) episodes`,
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
  loadActor(finalDir: string, learner: number): Actor {
    // A frozen agent acts as it did when it was saved: its weights, its β and rollout settings; its data is not needed.
    const dir = join(finalDir, `learner-${learner}`);
    const ck = loadCheckpoint(dir);
    const extra = readExtra(dir, ck.extra);
    return ppiActor(ck.net, extra.opponentId, extra.policy);
  },
};
