/**
 * The runner's view of A2C: an experiment's learners as A2C agents, one unit = one iteration (`a2cIteration`).
 */
import { join } from 'node:path';
import type { Actor } from '../agents/actor';
import { a2cActor, a2cIteration, createA2cAgent, entropyCoefAt, type A2cAgent, type A2cConfig } from '../learners/a2c';
import { Adam } from '../model/gru-net';
import { loadCheckpoint, saveCheckpoint } from '../model/checkpoint';
import type { Rng } from '../rng';
import type { ExperimentSpec } from './experiments';
import { matchupsFor } from './matchups';
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
        agents = agents.map((_, i) => loadAgent(join(dir, `learner-${i}`), true));
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
};
