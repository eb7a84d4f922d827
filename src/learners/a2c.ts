/**
 * Advantage actor-critic (A2C) with a GRU policy, as the paper trains its A2C agents (App. A.3.2, Table 2),
 * following the A2C protocol of COALA-PG (App. A.4): λ-returns for the critic, GAE advantages, advantage
 * centering per co-player type, reward rescaling for learning only.
 *
 * Read top to bottom: the configuration and the paper's Table 2 presets; the network's input layout; acting;
 * the loss and its gradient (with the entropy schedule); one update; one iteration over the co-player matchups; the
 * training loop.
 */
import { Adam, GruNet, PAPER_NET, WEIGHT_INITS } from '../model/gru-net';
import { NUM_OUTCOMES, Outcome, outcomeOf, type Action } from '../game/ipd';
import type { Actor, ActorSession } from '../agents/actor';
import { ID_SIZE } from '../agents/actor';
import type { BatchPolicy, Matchup } from '../agents/match';
import { playOwnSides, type OwnEpisodes } from '../agents/own-sides';
import type { TrainPoint } from '../agents/evaluate';
import type { TrainingLoop, UnitResult } from './training';
import type { IpdEnvOptions } from '../game/env';
import { centerByGroup, gae, lambdaReturns } from './returns';
import { Rng } from '../rng';
import { field, rules, settings } from '../check';

// ---------------------------------------------------------------------------------------------------------------
// Configuration: one field per row of the paper's Table 2, plus the network sizes and the training length.
// ---------------------------------------------------------------------------------------------------------------

/**
 * The configuration's schema: each field's rule, and the rules across fields. `A2cConfig` is its type, and it is
 * the one check of a configuration, whether it comes from code or from the command line (`--set name=value`).
 */
export const A2C_SETTINGS = settings(
  {
    /** Full 100-round episodes per gradient step, per learning agent. Table 2 `batch size`. */
    batchEpisodes: field.number(rules.integer(1)),
    /** Adam step size. Table 2 `learning_rate`. */
    learningRate: field.number(rules.inRange(0, 1, true)),
    /** Rewards are multiplied by this for the critic and the policy gradient only; metrics stay raw. Table 2 `reward_rescaling`. */
    rewardScale: field.number(rules.inRange(0, Infinity, true)),
    /** Discount γ of returns and advantages. Table 2 `value_discount`. */
    gamma: field.number(rules.inRange(0, 1)),
    /** λ of the TD(λ) value target. Table 2 `td_lambda`. */
    tdLambda: field.number(rules.inRange(0, 1)),
    /** λ of GAE. Table 2 `gae_lambda`. */
    gaeLambda: field.number(rules.inRange(0, 1)),
    /** Weight c_v of the squared value error. Table 2 `value_coefficient`. */
    valueCoef: field.number(rules.inRange(0, Infinity)),
    /** Weight c_e of the entropy bonus (at the first iteration: see `entropyCoefAt`). Table 2 `entropy_reg`. */
    entropyCoef: field.number(rules.inRange(0, Infinity)),
    /**
     * Not in the paper, which keeps c_e constant (leave unset for that): when set, c_e falls linearly from
     * `entropyCoef` at the first iteration to this value at the last. A study setting for reduced budgets, where the
     * policy must keep exploring until in-context inference is learned (README "A2C").
     */
    entropyCoefEnd: field.number(rules.inRange(0, Infinity)).optional(),
    /**
     * Not in the paper: with `entropyCoefEnd`, the fraction of training after which the decay starts (default 0: over
     * the whole run); c_e stays `entropyCoef` until then (the `long` preset's Step-1 variant decays over the last 25 %).
     */
    entropyDecayFrom: field.number(rules.inRange(0, 1), (v) => ((v as number) < 1 ? null : `must be below 1, got ${String(v)}`)).optional(),
    /** Subtract the mean advantage, separately for episodes against tabular and against learning co-players. Table 2 `advantages_normalization`. */
    centerAdvantages: field.boolean(),
    /**
     * Not in the paper's description (leave unset for centering only): with `centerAdvantages`, also divide each
     * group's advantages by their standard deviation, the other common reading of `advantages_normalization`.
     */
    scaleAdvantages: field.boolean().optional(),
    /**
     * Not how we read the paper (leave unset for the mean over all B·T decisions): sum the loss over the rounds of each
     * episode and average over episodes, as App. A.3.2 writes the loss ("the sum over t"). A study setting.
     */
    sumOverRounds: field.boolean().optional(),
    /** Adam ε. Table 2 `adam_epsilon`. */
    adamEpsilon: field.number(rules.inRange(0, 1, true)),
    /** Global gradient-norm clip (Infinity = none). Table 2 `max_grad_norm`. */
    maxGradNorm: field.number(rules.above(0, ' (Infinity = no clipping)')),
    /** Gradient steps to train (the x-axis of Figs. 1B and 4). Read off the paper's figures. */
    iterations: field.number(rules.integer(0)),
    /** Embedding width (paper 32). */
    embedSize: field.number(rules.integer(1)),
    /** GRU state width (paper 128). */
    hiddenSize: field.number(rules.integer(1)),
    /**
     * Not in the paper (leave unset for its JAX stack's Flax defaults): `'pytorch'` draws the first weights as
     * PyTorch's defaults do, a study setting for comparing with PyTorch implementations (`GruNet.create`).
     */
    init: field.oneOf(WEIGHT_INITS).optional(),
  },
  (c) => {
    if (c.scaleAdvantages === true && !c.centerAdvantages) return 'scaleAdvantages divides the centred advantages by their std, so it needs centerAdvantages = true';
    if (c.entropyDecayFrom !== undefined && c.entropyCoefEnd === undefined) return 'entropyDecayFrom needs entropyCoefEnd (the value the decay ends at)';
    return null;
  },
);
export type A2cConfig = ReturnType<typeof A2C_SETTINGS.parse>;

const TABLE2_COMMON = {
  gamma: 0.99,
  valueCoef: 0.5,
  adamEpsilon: 1e-5,
  maxGradNorm: 1.0,
  embedSize: PAPER_NET.embedSize,
  hiddenSize: PAPER_NET.hiddenSize,
} as const;

/** Table 2, "Step 1": learning against the random tabular pool (Fig. 4A–B; 50k steps). */
export const A2C_STEP1: A2cConfig = Object.freeze({
  ...TABLE2_COMMON,
  batchEpisodes: 2048, learningRate: 5e-3, rewardScale: 0.2, tdLambda: 0.99, gaeLambda: 0.99,
  entropyCoef: 1e-3, centerAdvantages: true, iterations: 50_000,
});
/** Table 2, "Step 2": a new agent against the frozen Step-1 agent (Fig. 4C–D; 100k steps). */
export const A2C_STEP2: A2cConfig = Object.freeze({
  ...TABLE2_COMMON,
  batchEpisodes: 2048, learningRate: 5e-3, rewardScale: 0.05, tdLambda: 1.0, gaeLambda: 1.0,
  entropyCoef: 1e-3, centerAdvantages: false, iterations: 100_000,
});
/** Table 2, "Step 3": two extortioners trained against each other (Fig. 4E–F; 10k steps). */
export const A2C_STEP3: A2cConfig = Object.freeze({
  ...TABLE2_COMMON,
  batchEpisodes: 4096, learningRate: 5e-4, rewardScale: 0.02, tdLambda: 0.95, gaeLambda: 0.95,
  entropyCoef: 1e-3, centerAdvantages: true, iterations: 10_000,
});
/** Table 2, "Step 4": the mixed pool and its ablations (Fig. 1B; 200k iterations). */
export const A2C_STEP4: A2cConfig = Object.freeze({
  ...TABLE2_COMMON,
  batchEpisodes: 4096, learningRate: 1e-3, rewardScale: 0.02, tdLambda: 1.0, gaeLambda: 1.0,
  entropyCoef: 1e-2, centerAdvantages: true, iterations: 200_000,
});

/** Checks every field of an A2C configuration (`A2C_SETTINGS`); errors name the field, the rule and the value. */
export function validateA2cConfig(cfg: A2cConfig): A2cConfig {
  return A2C_SETTINGS.parse('A2cConfig', cfg);
}

// ---------------------------------------------------------------------------------------------------------------
// The network's input, one GRU step per round (App. A.3.2: "the GRU reads the history of observations").
// Columns 0–4: the first-person observation one-hot (Start, CC, CD, DC, DD); it already holds both previous moves,
// so the reward is not fed. With the Opponent-ID ablation (App. A.4) one extra step precedes round 0 carrying the
// co-player's 10-d identity vector in columns 5–14 and an indicator in column 15 (the indicator's weights act as the
// ID embedding's own bias, so this is exactly a separate linear embedding per modality).
// Outputs: columns 0–1 policy logits (C, D), column 2 the value V(x).
// ---------------------------------------------------------------------------------------------------------------

const OBS_COLUMNS = NUM_OUTCOMES;
const ID_INDICATOR = OBS_COLUMNS + ID_SIZE;
/** Network outputs: the two policy logits and the value. */
export const A2C_OUTPUTS = 3;

/** Width of one input step: 5, or 16 with identity tokens. */
export function a2cInputSize(opponentId: boolean): number {
  return opponentId ? ID_INDICATOR + 1 : OBS_COLUMNS;
}

/** One learning agent: its network, its own optimiser, and whether it is told co-player identities. */
export interface A2cAgent {
  readonly net: GruNet;
  readonly optimizer: Adam;
  readonly opponentId: boolean;
}

/** A fresh agent with the paper's initialisation. */
export function createA2cAgent(cfg: A2cConfig, opponentId: boolean, rng: Rng): A2cAgent {
  validateA2cConfig(cfg);
  const net = GruNet.create(
    {
      inputSize: a2cInputSize(opponentId),
      inputGroups: opponentId ? [OBS_COLUMNS, ID_SIZE + 1] : [OBS_COLUMNS],
      embedSize: cfg.embedSize,
      hiddenSize: cfg.hiddenSize,
      outputSize: A2C_OUTPUTS,
    },
    rng,
    { init: cfg.init },
  );
  return { net, optimizer: new Adam(net.params.length, a2cOptimizerConfig(cfg)), opponentId };
}

/** The Adam settings of an A2C configuration (Table 2: β = (0.9, 0.999), no weight decay). */
export function a2cOptimizerConfig(cfg: A2cConfig) {
  return { learningRate: cfg.learningRate, beta1: 0.9, beta2: 0.999, epsilon: cfg.adamEpsilon, weightDecay: 0, maxGradNorm: cfg.maxGradNorm };
}

/** P(C) from the two policy logits at `offset`, computed stably. */
function probCooperate(out: Float32Array, offset: number): number {
  return 1 / (1 + Math.exp(out[offset + 1] - out[offset]));
}

// ---------------------------------------------------------------------------------------------------------------
// Acting: sample a ~ π(·|x) each round; the GRU state is carried in the session.
// ---------------------------------------------------------------------------------------------------------------

/** The agent as a player. A frozen agent (Fixed In-Context Learner) is simply an actor that is never updated. */
export function a2cActor(agent: Pick<A2cAgent, 'net' | 'opponentId'>): Actor {
  return {
    kind: 'learner',
    begin(episodes: number, rng: Rng): ActorSession {
      const net = agent.net;
      const width = net.config.inputSize;
      const x = new Float32Array(episodes * width);
      let h = net.zeroState(episodes);
      return {
        identity: () => new Float32Array(episodes * ID_SIZE), // learners carry the zero "identity flag"
        observeCoPlayerIdentity(ids: Float32Array) {
          if (!agent.opponentId) return;
          x.fill(0);
          for (let b = 0; b < episodes; b++) {
            x.set(ids.subarray(b * ID_SIZE, (b + 1) * ID_SIZE), b * width + OBS_COLUMNS);
            x[b * width + ID_INDICATOR] = 1;
          }
          h = net.step(h, x, episodes).h;
        },
        act(observations: Uint8Array, _rewards: Float32Array, actions: Uint8Array) {
          x.fill(0);
          for (let b = 0; b < episodes; b++) x[b * width + observations[b]] = 1;
          const step = net.step(h, x, episodes);
          h = step.h;
          for (let b = 0; b < episodes; b++) actions[b] = rng.uniform() < probCooperate(step.out, b * A2C_OUTPUTS) ? 0 : 1;
        },
      };
    },
  };
}

/**
 * The agent as `playMatchups` drives it in training: all of its episodes of the iteration in one batch, each round's
 * network step recorded as the update's forward pass (`GruNet.beginSequence`), so the update does not run it again.
 * Its inputs are exactly `a2cInputs`' for the same episodes, and its actions are drawn as `a2cActor` draws them.
 */
export function a2cBatchPolicy(agent: A2cAgent): BatchPolicy {
  const net = agent.net, width = net.config.inputSize;
  let x = new Float32Array(0), p = new Float64Array(0), step = 0, rows = 0;
  return {
    begin(n: number, rounds: number, coPlayerIds?: Float32Array) {
      rows = n;
      x = new Float32Array(n * width);
      p = new Float64Array(n);
      step = 0;
      net.beginSequence(n, rounds + (agent.opponentId ? 1 : 0));
      if (agent.opponentId) {
        if (!coPlayerIds) throw new Error('a2cBatchPolicy: the agent conditions on co-player identities but was told none');
        for (let b = 0; b < n; b++) {
          x.set(coPlayerIds.subarray(b * ID_SIZE, (b + 1) * ID_SIZE), b * width + OBS_COLUMNS);
          x[b * width + ID_INDICATOR] = 1;
        }
        net.sequenceStep(x, step++);
      }
    },
    probCooperate(observations: Uint8Array) {
      return probabilities(net.sequenceStep(inputs(observations), step++));
    },
    // A network whose rows run on its worker thread (two learners side by side) acts while the other learner does.
    ...(net.rowPlacement === 'worker' ? {
      probCooperateLater(observations: Uint8Array) {
        const out = net.sequenceStepDeferred(inputs(observations), step++);
        return () => probabilities(out());
      },
    } : {}),
  };
  function inputs(observations: Uint8Array): Float32Array {
    x.fill(0);
    for (let b = 0; b < rows; b++) x[b * width + observations[b]] = 1;
    return x;
  }
  function probabilities(out: Float32Array): Float64Array {
    for (let b = 0; b < rows; b++) p[b] = probCooperate(out, b * A2C_OUTPUTS);
    return p;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Training data: the agent's own side of its episodes (decentralised: nothing of the co-player but what it saw).
// ---------------------------------------------------------------------------------------------------------------

/**
 * Episodes of one agent, seen from its own side (`playOwnSides`): its moves and rewards, the co-player's moves, the
 * co-player type of each episode (`learnerCoPlayer`, the centering groups) and, when the agent conditions on them,
 * the identities it was told (`coPlayerIds`).
 */
export type A2cData = OwnEpisodes;

/** The network inputs [B, T(+1), D] that reproduce what the agent saw while acting. */
export function a2cInputs(agent: A2cAgent, data: A2cData): { x: Float32Array; steps: number; offset: number } {
  const { episodes, rounds, actions, coPlayerActions } = data;
  const offset = agent.opponentId ? 1 : 0;
  const steps = rounds + offset;
  const width = agent.net.config.inputSize;
  const x = new Float32Array(episodes * steps * width);
  for (let b = 0; b < episodes; b++) {
    const row = b * steps * width;
    if (agent.opponentId) {
      if (!data.coPlayerIds) throw new Error('a2cInputs: the agent conditions on co-player identities but the data has none');
      x.set(data.coPlayerIds.subarray(b * ID_SIZE, (b + 1) * ID_SIZE), row + OBS_COLUMNS);
      x[row + ID_INDICATOR] = 1;
    }
    for (let t = 0; t < rounds; t++) {
      // Round t's observation: Start, then the previous round's joint move from the agent's side.
      const i = b * rounds + t - 1;
      const obs = t === 0 ? Outcome.START : outcomeOf(actions[i] as Action, coPlayerActions[i] as Action);
      x[row + (t + offset) * width + obs] = 1;
    }
  }
  return { x, steps, offset };
}

// ---------------------------------------------------------------------------------------------------------------
// The loss (App. A.3.2), averaged over the B·T decisions of the batch (study setting `sumOverRounds`: summed over t):
//   L = mean[ −log π(a_t|x_t)·A_t + c_v·(G^λ_t − V(x_t))² − c_e(k)·H(π(·|x_t)) ]
// with A_t = GAE(γ, λ_gae) of the rescaled rewards, G^λ_t the TD(λ_td) return, V = 0 after the last round,
// A_t centred per co-player group when configured, and c_e(k) the entropy weight at iteration k (constant unless a
// decay is set). Returns dL/d(outputs) for backpropagation.
// ---------------------------------------------------------------------------------------------------------------

/**
 * c_e at a 0-based iteration: `entropyCoef`, or, when `entropyCoefEnd` is set, its linear decay to `entropyCoefEnd`
 * between the iteration at fraction `entropyDecayFrom` (default 0) of training and the last one.
 */
export function entropyCoefAt(cfg: A2cConfig, iteration: number): number {
  if (cfg.entropyCoefEnd === undefined || cfg.iterations <= 1) return cfg.entropyCoef;
  const start = (cfg.entropyDecayFrom ?? 0) * (cfg.iterations - 1);
  const span = cfg.iterations - 1 - start;
  const f = span <= 0 ? 1 : Math.min(1, Math.max(0, (iteration - start) / span));
  return cfg.entropyCoef + f * (cfg.entropyCoefEnd - cfg.entropyCoef);
}


export interface A2cLossStats {
  readonly loss: number;
  readonly policyLoss: number;
  readonly valueLoss: number;
  readonly entropy: number;
}

/** @param iteration the 0-based training iteration, for the entropy schedule (`entropyCoefAt`) */
export function a2cLoss(
  out: Float32Array,
  data: A2cData,
  cfg: A2cConfig,
  offset: number,
  iteration = 0,
): { dOut: Float32Array; stats: A2cLossStats } {
  const { episodes, rounds, actions, rewards } = data;
  const entropyCoef = entropyCoefAt(cfg, iteration);
  const steps = rounds + offset;
  const n = episodes * rounds;
  // The loss's normaliser: every decision (the default), or every episode when the rounds are summed.
  const norm = cfg.sumOverRounds === true ? episodes : n;
  const scaled = new Float32Array(n);
  const values = new Float32Array(n);
  for (let b = 0; b < episodes; b++) {
    for (let t = 0; t < rounds; t++) {
      scaled[b * rounds + t] = rewards[b * rounds + t] * cfg.rewardScale;
      values[b * rounds + t] = out[(b * steps + t + offset) * A2C_OUTPUTS + 2];
    }
  }
  const advantages = gae(scaled, values, episodes, rounds, cfg.gamma, cfg.gaeLambda);
  if (cfg.centerAdvantages) centerByGroup(advantages, data.learnerCoPlayer, episodes, rounds, cfg.scaleAdvantages === true);
  const returns = lambdaReturns(scaled, values, episodes, rounds, cfg.gamma, cfg.tdLambda);

  const dOut = new Float32Array(out.length);
  let policyLoss = 0, valueLoss = 0, entropy = 0;
  for (let b = 0; b < episodes; b++) {
    for (let t = 0; t < rounds; t++) {
      const i = b * rounds + t;
      const o = (b * steps + t + offset) * A2C_OUTPUTS;
      const pC = probCooperate(out, o);
      const pi = [pC, 1 - pC];
      const logPi = logSoftmax2(out[o], out[o + 1]);
      const a = actions[i];
      const h = -(pi[0] * logPi[0] + pi[1] * logPi[1]);
      const err = values[i] - returns[i];
      policyLoss -= logPi[a] * advantages[i];
      valueLoss += err * err;
      entropy += h;
      for (let k = 0; k < 2; k++) {
        // d(−A·log π_a)/dz_k = −A(1[k=a] − π_k);  d(−c_e·H)/dz_k = c_e·π_k(log π_k + H)
        dOut[o + k] = (-advantages[i] * ((k === a ? 1 : 0) - pi[k]) + entropyCoef * pi[k] * (logPi[k] + h)) / norm;
      }
      dOut[o + 2] = (2 * cfg.valueCoef * err) / norm;
    }
  }
  policyLoss /= norm; valueLoss /= norm; entropy /= norm;
  const loss = policyLoss + cfg.valueCoef * valueLoss - entropyCoef * entropy;
  if (!Number.isFinite(loss)) throw new Error(`a2cLoss: the loss is ${loss} (policy ${policyLoss}, value ${valueLoss}, entropy ${entropy}); stopping before the weights are corrupted`);
  return { dOut, stats: { loss, policyLoss, valueLoss, entropy } };
}

function logSoftmax2(z0: number, z1: number): [number, number] {
  const m = Math.max(z0, z1);
  const lse = m + Math.log(Math.exp(z0 - m) + Math.exp(z1 - m));
  return [z0 - lse, z1 - lse];
}

// ---------------------------------------------------------------------------------------------------------------
// One update: forward over the agent's own episodes, the loss above, backpropagation through time, Adam with
// global-norm clipping. Only this agent's network and optimiser are read or written.
// ---------------------------------------------------------------------------------------------------------------

/**
 * @param iteration the 0-based training iteration (the entropy schedule)
 * @param recorded true when the agent's network has just played exactly these episodes through `a2cBatchPolicy`:
 *   the forward pass it recorded then is the update's (same weights, same inputs), so it is not run again.
 */
export function a2cUpdate(
  agent: A2cAgent, data: A2cData, cfg: A2cConfig, options: { iteration?: number; recorded?: boolean } = {},
): A2cLossStats & { gradNorm: number } {
  return startA2cUpdate(agent, data, cfg, options)();
}

/** `a2cUpdate` in two halves: the returned function takes the gradient step (waiting for a worker thread's backward). */
function startA2cUpdate(
  agent: A2cAgent, data: A2cData, cfg: A2cConfig, { iteration = 0, recorded = false }: { iteration?: number; recorded?: boolean } = {},
): () => A2cLossStats & { gradNorm: number } {
  const offset = agent.opponentId ? 1 : 0;
  let out: Float32Array;
  if (recorded) out = agent.net.sequenceOutputs();
  else {
    const { x, steps } = a2cInputs(agent, data);
    out = agent.net.forward(x, data.episodes, steps);
  }
  const { dOut, stats } = a2cLoss(out, data, cfg, offset, iteration);
  const grads = agent.net.backwardDeferred(dOut); // at once, unless the network runs on its worker thread
  return () => {
    const { gradNorm } = agent.optimizer.step(agent.net.params, grads());
    return { ...stats, gradNorm };
  };
}

// ---------------------------------------------------------------------------------------------------------------
// One training iteration: every matchup is played with the current policies (on-policy), then every learning agent
// updates from its own side of its own episodes. Learners never see each other's gradients or states.
// ---------------------------------------------------------------------------------------------------------------

export interface A2cIterationResult {
  /** The training-curve points of this iteration, per learner and co-player kind (raw payoffs). */
  readonly points: TrainPoint[];
  /** Loss statistics per learner. */
  readonly stats: (A2cLossStats & { gradNorm: number })[];
}

/** @param iteration the 0-based index of this iteration in training (the entropy schedule) */
export function a2cIteration(
  agents: readonly A2cAgent[],
  matchups: readonly Matchup[],
  cfg: A2cConfig,
  rng: Rng,
  game: IpdEnvOptions = {},
  iteration = 0,
): A2cIterationResult {
  const identities = agents.some((a) => a.opponentId);
  // All matchups at once, each agent's rows in the order of its own side (`playOwnSides`), so the forward pass each
  // agent recorded while acting is its update's.
  const { points, own } = playOwnSides({ lockStep: agents.map(a2cBatchPolicy) }, matchups, rng, { ...game, identities });
  // Learners whose network runs on its worker thread start their updates first; the others update meanwhile.
  const order = agents.map((_, i) => i).sort((a, b) => workerFirst(agents[a]) - workerFirst(agents[b]));
  const updates: (() => A2cLossStats & { gradNorm: number })[] = [];
  for (const i of order) updates[i] = startA2cUpdate(agents[i], own[i], cfg, { iteration, recorded: true });
  return { points, stats: updates.map((finish) => finish()) };
}
const workerFirst = (agent: A2cAgent) => (agent.net.rowPlacement === 'worker' ? 0 : 1);

/**
 * Two learners on a two-thread engine run side by side, each on one core (`GruNet.placeRows`), rather than each
 * halving its batches over both: faster end to end (BENCHMARKS.md), and the results are those of one thread.
 */
export function placeLearnersSideBySide(agents: readonly A2cAgent[]): boolean {
  if (agents.length !== 2 || !agents.every((a) => a.net.canPlaceRows)) return false;
  agents[0].net.placeRows('main');
  agents[1].net.placeRows('worker');
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// Training: `cfg.iterations` iterations from `from` (a resumed run starts where its checkpoint stopped), iteration k
// drawing from the stream `unit-<k>` of the run's `rng`, so a resumed run continues with the numbers of an
// uninterrupted one. The caller's `afterUnit` records each iteration's metrics and checkpoints; the loop does no I/O.
// ---------------------------------------------------------------------------------------------------------------

/** Per-learner statistics of an iteration, in train.csv's column order. */
export const A2C_STATS = ['loss', 'policyLoss', 'valueLoss', 'entropy', 'gradNorm'] as const;

/** Trains `agents` against `coPlayers` (learner i is agents[i]); returns how far it got and the last iteration's metrics. */
export const trainA2c: TrainingLoop<A2cConfig, A2cAgent> = async (cfg, agents, coPlayers, rng, hooks = {}, from = 0, game = {}) => {
  placeLearnersSideBySide(agents);
  let last: UnitResult | undefined;
  for (let iteration = from; iteration < cfg.iterations; iteration++) {
    const started = performance.now();
    const { points, stats } = a2cIteration(agents, coPlayers, cfg, rng.child(`unit-${iteration}`), game, iteration);
    const unitSeconds = (performance.now() - started) / 1000;
    last = { points, stats: stats.map((s) => Object.fromEntries(A2C_STATS.map((k) => [k, s[k]]))), timings: stats.map(() => ({ unitSeconds })) };
    if (await hooks.afterUnit?.(iteration + 1, last)) return { unitsDone: iteration + 1, stopped: true, last };
  }
  return { unitsDone: cfg.iterations, stopped: false, last };
};
