/**
 * The runner's view of A2C: an experiment's learners as A2C agents, one unit = one iteration (`a2cIteration`).
 */
import { join } from 'node:path';
import type { Actor } from '../agents/actor';
import { NUM_ROUNDS } from '../game/ipd';
import { A2C_OUTPUTS, a2cActor, a2cInputSize, a2cIteration, a2cOptimizerConfig, createA2cAgent, entropyCoefAt, type A2cAgent, type A2cConfig } from '../learners/a2c';
import { Adam } from '../model/gru-net';
import { loadCheckpoint, saveCheckpoint } from '../model/checkpoint';
import type { Rng } from '../rng';
import type { ExperimentSpec } from './experiments';
import { matchupsFor } from './matchups';
import { actingBytesPerEpisode, trainingBytesPerStep, type MemoryPart } from './memory';
import type { RunSettings } from './presets';
import { initialLearnerDir, type Trainer, type TrainerDeps, type TrainerFactory } from './trainer';

const STATS = ['loss', 'policyLoss', 'valueLoss', 'entropy', 'gradNorm'] as const;

function loadAgent(dir: string, withOptimizer: boolean): A2cAgent {
  const ck = loadCheckpoint(dir);
  const extra = ck.extra as { opponentId?: boolean } | undefined;
  if (typeof extra?.opponentId !== 'boolean') throw new Error(`${dir} is not an A2C agent checkpoint (no opponentId flag)`);
  if (withOptimizer && !ck.optimizer) throw new Error(`${dir} holds no optimiser state`);
  return { net: ck.net, optimizer: ck.optimizer ?? new Adam(ck.net.params.length, { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-5, weightDecay: 0, maxGradNorm: 1 }), opponentId: extra.opponentId };
}

export const a2cTrainerFactory: TrainerFactory<A2cConfig> = {
  create(spec: ExperimentSpec, cfg: A2cConfig, rng: Rng, deps: TrainerDeps): Trainer {
    let agents: A2cAgent[] = [];
    for (let i = 0; i < spec.learners; i++) {
      if (deps.initialiseFrom) {
        // Step 3: every learner starts from the Step-2 extortion policy (or `--init-from`'s agents), with a fresh
        // optimiser for this step's settings.
        const from = initialLearnerDir(deps.initialiseFrom, i);
        const init = loadAgent(from, false);
        const fresh = createA2cAgent(cfg, spec.opponentId, rng.child(`init-${i}`));
        if (init.opponentId !== spec.opponentId) throw new Error(`${from}: the saved agent's identity setting does not match ${spec.name}`);
        if (init.net.params.length !== fresh.net.params.length) throw new Error(`${from}: the saved agent's network does not match this configuration`);
        fresh.net.params.set(init.net.params);
        agents.push(fresh);
      } else {
        agents.push(createA2cAgent(cfg, spec.opponentId, rng.child(`init-${i}`)));
      }
    }
    const frozen = deps.frozenFrom ? a2cTrainerFactory.loadActor(deps.frozenFrom, 0) : undefined;
    const matchups = matchupsFor(spec, cfg.batchEpisodes, frozen);
    return {
      unit: 'iteration',
      totalUnits: cfg.iterations,
      statNames: STATS,
      timingNames: [],
      identities: spec.opponentId,
      runUnit(index: number, unitRng: Rng) {
        const r = a2cIteration(agents, matchups, { ...cfg, entropyCoef: entropyCoefAt(cfg, index) }, unitRng);
        return { points: r.points, stats: r.stats.map((s) => Object.fromEntries(STATS.map((k) => [k, s[k]]))) };
      },
      actors: () => agents.map(a2cActor),
      saveState(dir: string) {
        agents.forEach((a, i) => saveCheckpoint(join(dir, `learner-${i}`), { net: a.net, optimizer: a.optimizer, extra: { opponentId: a.opponentId } }));
      },
      loadState(dir: string) {
        agents = agents.map((fresh, i) => {
          const saved = loadAgent(join(dir, `learner-${i}`), true);
          // Only the moments and the step count are state; the learning rate and the rest are this run's settings.
          const { step, m, v } = saved.optimizer.state();
          fresh.net.dispose();
          return { ...saved, optimizer: Adam.restore({ config: a2cOptimizerConfig(cfg), step, m, v }) };
        });
      },
      saveFinal(dir: string) {
        agents.forEach((a, i) => saveCheckpoint(join(dir, `learner-${i}`), { net: a.net, extra: { opponentId: a.opponentId } }));
      },
      dispose() {
        for (const a of agents) a.net.dispose();
      },
    };
  },
  loadActor(finalDir: string, learner: number): Actor {
    return a2cActor(loadAgent(join(finalDir, `learner-${learner}`), false));
  },
  memory(spec: ExperimentSpec, cfg: A2cConfig, run: RunSettings): MemoryPart[] {
    const d = a2cInputSize(spec.opponentId), h = cfg.hiddenSize, k = A2C_OUTPUTS;
    const learners = `${spec.learners} learner${spec.learners > 1 ? 's' : ''}`;
    return [
      {
        what: 'one training update', bytes: spec.learners * cfg.batchEpisodes * NUM_ROUNDS * trainingBytesPerStep(d, cfg.embedSize, h, k),
        how: `${learners} × batchEpisodes=${cfg.batchEpisodes} × ${NUM_ROUNDS} rounds, hiddenSize=${h}, embedSize=${cfg.embedSize}`,
        settings: ['batchEpisodes', 'hiddenSize', 'embedSize'],
      },
      {
        what: 'an evaluation', bytes: run.evalEpisodes * actingBytesPerEpisode(h, d, k, NUM_ROUNDS),
        how: `evalEpisodes=${run.evalEpisodes} episodes of ${NUM_ROUNDS} rounds`, settings: ['evalEpisodes'],
      },
    ];
  },
};
