/**
 * Predictive Policy Improvement (PPI), the paper's own learner (§2, Algorithm 1, App. A.3.1 and App. C).
 *
 * One self-supervised sequence model p_φ over the agent's own stream (o0, r0, a0, o1, r1, a1, …) is both a world
 * model (it predicts the next observation, which holds the co-player's reply, and the reward) and a policy prior
 * (it predicts the agent's own next action). The agent acts with the improved policy
 *
 *   π(a | x) ∝ p_φ(a | x) · exp(β · Q̂(x, a)),
 *
 * where Q̂(x, a) is the Monte-Carlo return of taking a and then following the prior for `rolloutRounds` rounds inside
 * the model. Each phase re-initialises φ, refits it on all data gathered so far (pretraining set D0 included), and
 * collects new episodes with π: policy iteration in which the refit distils π into the prior.
 *
 * Read top to bottom: the configuration and the paper's settings; the training data and D0; the token layout;
 * the loss; the refit; the rollouts and the improved policy; acting; one phase of Algorithm 1; the training loop;
 * compact storage.
 */
import { Adam, GruNet, PAPER_NET } from '../model/gru-net';
import { C, D, NUM_OUTCOMES, NUM_ROUNDS, Outcome, PAPER_PAYOFF, outcomeOf, rewardByOutcome, type Action, type Payoff } from '../game/ipd';
import { memoryOneLogProbs, memoryOneFromArray, sampleMemoryOneBatch } from '../game/memory-one';
import { playMemoryOne, type IpdEnvOptions } from '../game/env';
import type { Actor, ActorSession } from '../agents/actor';
import { ID_SIZE } from '../agents/actor';
import type { Matchup } from '../agents/match';
import { playOwnSides } from '../agents/own-sides';
import type { TrainPoint } from '../agents/evaluate';
import type { TrainingLoop, UnitResult, WorkListener } from './training';
import { concatEpisodes, selectEpisodes, type EpisodeMoves } from '../game/episode';
import type { Rng } from '../rng';
import { field, integer, rules, settings } from '../check';

// ---------------------------------------------------------------------------------------------------------------
// Configuration (App. A.3.1 and Algorithm 1). Where the paper is silent the field says so ([I] = our choice).
// ---------------------------------------------------------------------------------------------------------------

/** The configuration's schema: each field's rule. `PpiConfig` is its type; it checks code and `--set` alike. */
export const PPI_SETTINGS = settings({
  /** Episodes in the pretraining set D0 (tabular vs tabular, or random actions for the No-Tabular ablation). Paper: 200,000. */
  pretrainEpisodes: field.number(rules.integer(1)),
  /** New episodes each learner collects per phase with its improved policy (N_samples in Alg. 1). Paper: 20,000. */
  episodesPerPhase: field.number(rules.integer(1)),
  /** Phases of Algorithm 1 (N_iter; the x-axis "Training Phase" of Figs. 1A, 2). Paper: 30. */
  phases: field.number(rules.integer(0)),
  /** Passes over all data in each refit (N_epochs). Paper: 10. */
  epochs: field.number(rules.integer(1)),
  /** Episodes per gradient step of the refit. Paper: 256. */
  batchEpisodes: field.number(rules.integer(1)),
  /** AdamW step size. Paper: 1e-4. */
  learningRate: field.number(rules.inRange(0, 1, true)),
  /** AdamW decoupled weight decay. Paper: 1e-2. */
  weightDecay: field.number(rules.inRange(0, Infinity)),
  /** AdamW β1. Paper: 0.9. */
  adamBeta1: field.number(rules.halfOpen(0, 1)),
  /** AdamW β2. Paper: 0.98. */
  adamBeta2: field.number(rules.halfOpen(0, 1)),
  /** AdamW ε. Not in the paper [I]: optax's default 1e-8. */
  adamEpsilon: field.number(rules.inRange(0, 1, true)),
  /** Global gradient-norm clip (Infinity = none). Paper: 1.0. */
  maxGradNorm: field.number(rules.above(0, ' (Infinity = no clipping)')),
  /** λ_obs of the loss (Eq. 2–5). Not in the paper [I]: 1. */
  obsWeight: field.number(rules.inRange(0, Infinity)),
  /** λ_rew of the loss. Not in the paper [I]: 1. */
  rewardWeight: field.number(rules.inRange(0, Infinity)),
  /** λ_act of the loss. Not in the paper [I]: 1. */
  actionWeight: field.number(rules.inRange(0, Infinity)),
  /**
   * Inverse temperature β of π ∝ p·exp(β·Q̂), with Q̂ the undiscounted sum of rollout payoffs. The paper states
   * `PPI_PAPER_BETA` = 0.01, which with this Q̂ hardly moves the policy off the prior; `PPI_PAPER.beta` is the value
   * that reproduces the paper's phase-1 Step-1 behaviour (README "PPI").
   */
  beta: field.number(rules.inRange(0, Infinity)),
  /** Rounds simulated inside the model per rollout, truncated at the episode's end. Paper: 15. */
  rolloutRounds: field.number(rules.integer(1)),
  /** Monte-Carlo rollouts per action and decision. Not in the paper [I]. */
  rolloutsPerAction: field.number(rules.integer(1)),
  /** Embedding width (paper 32). */
  embedSize: field.number(rules.integer(1)),
  /** GRU state width (paper 128). */
  hiddenSize: field.number(rules.integer(1)),
});
export type PpiConfig = ReturnType<typeof PPI_SETTINGS.parse>;

/** The inverse temperature the paper states (App. A.3.1): β = 0.01 "in all experiments". */
export const PPI_PAPER_BETA = 0.01;

/**
 * The paper's settings (App. A.3.1, Alg. 1), with β calibrated to the paper's phase-1 behaviour (see `beta`) and
 * 16 rollouts per action [I]. `{ ...PPI_PAPER, beta: PPI_PAPER_BETA }` is the literal paper value.
 */
export const PPI_PAPER: PpiConfig = Object.freeze({
  pretrainEpisodes: 200_000,
  episodesPerPhase: 20_000,
  phases: 30,
  epochs: 10,
  batchEpisodes: 256,
  learningRate: 1e-4,
  weightDecay: 1e-2,
  adamBeta1: 0.9,
  adamBeta2: 0.98,
  adamEpsilon: 1e-8,
  maxGradNorm: 1.0,
  obsWeight: 1,
  rewardWeight: 1,
  actionWeight: 1,
  beta: 1, // calibrated: ~90 % defection against the pool from phase 1 (README "PPI"); the paper states 0.01
  rolloutRounds: 15,
  rolloutsPerAction: 16,
  embedSize: PAPER_NET.embedSize,
  hiddenSize: PAPER_NET.hiddenSize,
});

/** Checks every field of a PPI configuration (`PPI_SETTINGS`); errors name the field, the rule and the value. */
export function validatePpiConfig(cfg: PpiConfig): PpiConfig {
  return PPI_SETTINGS.parse('PpiConfig', cfg);
}

/** The settings that define how a fitted model acts (saved with a frozen agent so it acts as it did in training). */
export type PpiPolicySettings = Pick<PpiConfig, 'beta' | 'rolloutRounds' | 'rolloutsPerAction'>;

// ---------------------------------------------------------------------------------------------------------------
// Training data: only the two move sequences of each episode are stored (1 byte per move); observations and
// rewards follow from them and the payoff. A learner's data is its own side of every episode it played.
// ---------------------------------------------------------------------------------------------------------------

/**
 * A learner's data set: its own side of every episode it played (and of D0), moves only (`EpisodeMoves`, with the
 * co-player identities it was told in the Opponent-ID ablation).
 */
export type PpiData = EpisodeMoves;

// D0 is generated in blocks, so the paper's 200,000 episodes never need a full EpisodeBatch (with its float rewards).
const PRETRAIN_BLOCK = 10_000;

/**
 * The pretraining set D0 (App. A.3.1): `episodes` episodes of two random tabular agents (each with fresh U(0,1)^5
 * parameters), seen from seat A (both seats are statistically identical). With `noTabular` (App. A.4, "No Tabular
 * Opp."): both moves uniformly random in every round instead. With `opponentId`, each episode carries the
 * co-player's identity vector (log π(a|o) of its tabular parameters).
 */
export function pretrainingData(
  episodes: number,
  options: { noTabular: boolean; opponentId: boolean; rounds?: number },
  rng: Rng,
): PpiData {
  integer('pretrainingData', 'episodes', episodes, 1);
  const rounds = integer('pretrainingData', 'rounds', options.rounds ?? NUM_ROUNDS, 1);
  if (options.noTabular) {
    if (options.opponentId) throw new RangeError('pretrainingData: random action sequences have no co-player identity (noTabular with opponentId)');
    const actions = new Uint8Array(episodes * rounds), coPlayerActions = new Uint8Array(episodes * rounds);
    for (let i = 0; i < actions.length; i++) {
      actions[i] = rng.uniform() < 0.5 ? C : D;
      coPlayerActions[i] = rng.uniform() < 0.5 ? C : D;
    }
    return { episodes, rounds, actions, coPlayerActions };
  }
  const parts: PpiData[] = [];
  for (let start = 0, block = 0; start < episodes; start += PRETRAIN_BLOCK, block++) {
    const n = Math.min(PRETRAIN_BLOCK, episodes - start);
    const r = rng.child(`block-${block}`);
    const own = sampleMemoryOneBatch(n, r.child('A')), co = sampleMemoryOneBatch(n, r.child('B'));
    const batch = playMemoryOne(own, co, { rounds }, r.child('play'));
    let ids: Float32Array | undefined;
    if (options.opponentId) {
      ids = new Float32Array(n * ID_SIZE);
      for (let e = 0; e < n; e++) ids.set(memoryOneLogProbs(memoryOneFromArray(co.subarray(5 * e, 5 * e + 5))), e * ID_SIZE);
    }
    parts.push({ episodes: n, rounds, actions: batch.actions, coPlayerActions: batch.coPlayerActions, ...(ids ? { coPlayerIds: ids } : {}) });
  }
  return concatEpisodes(parts);
}

// ---------------------------------------------------------------------------------------------------------------
// The token layout (App. A.3.1; the paper does not say how the three modalities enter the GRU). We feed the stream
// exactly as Algorithm 1 writes it, one token per GRU step:
//
//   [ID]  o0  r0  a0  o1  r1  a1  …  o99  r99  a99  o100          (3T + 1 steps, +1 with the Opponent-ID token)
//
// and read each head where its conditioning set (Eq. 2–5) is complete: the action head after r_t (p(a_t | x_≤t)),
// the observation head after a_t (p(o_{t+1} | x_≤t, a_t), i.e. the co-player's reply), the reward head after o_t
// (p(r_t | x_<t, a_{t−1}, o_t)). One step per token is the reading closest to "next-token prediction" and keeps the
// within-round order obs → reward → action; one step per round with summed embeddings would have to rebuild that
// order some other way. r0 has no previous round: it is fed as 0 (the placeholder of `rewardByOutcome`) and not
// predicted. o100 (the outcome of the last round) is appended, so the model learns the co-player's last reply and
// the payoff of the last action; r100 is never fed, because nothing is predicted after it.
//
// Input columns: 0–4 observation one-hot | 5–6 action one-hot | 7 reward value, 8 reward indicator
// [| 9–18 co-player identity, 19 identity indicator]. Each group is one modality's linear embedding (an indicator
// column acts as that modality's own bias, see gru-net.ts). Outputs: 0–4 observation logits, 5 reward mean,
// 6–7 action logits (C, D).
// ---------------------------------------------------------------------------------------------------------------

const OBS_COL = 0;
const ACTION_COL = NUM_OUTCOMES;
const REWARD_COL = ACTION_COL + 2;
const REWARD_FLAG = REWARD_COL + 1;
const ID_COL = REWARD_FLAG + 1;
const ID_FLAG = ID_COL + ID_SIZE;
/** Output columns: observation logits, reward mean, action logits. */
export const PPI_OUT = Object.freeze({ obs: 0, reward: NUM_OUTCOMES, action: NUM_OUTCOMES + 1, size: NUM_OUTCOMES + 3 });

/** Width of one input token: 9, or 20 with the identity token. */
export function ppiInputSize(opponentId: boolean): number {
  return opponentId ? ID_FLAG + 1 : ID_COL;
}

/** GRU steps of one episode of `rounds` rounds: 3T + 1 (o, r, a per round, then the final outcome), +1 for the ID token. */
export function ppiSteps(rounds: number, opponentId: boolean): number {
  return 3 * rounds + 1 + (opponentId ? 1 : 0);
}

/** A freshly initialised sequence model of this configuration (Flax defaults; per-modality embedding groups). */
export function createPpiNet(cfg: Pick<PpiConfig, 'embedSize' | 'hiddenSize'>, opponentId: boolean, rng: Rng): GruNet {
  return GruNet.create(
    {
      inputSize: ppiInputSize(opponentId),
      inputGroups: opponentId ? [NUM_OUTCOMES, 2, 2, ID_SIZE + 1] : [NUM_OUTCOMES, 2, 2],
      embedSize: cfg.embedSize,
      hiddenSize: cfg.hiddenSize,
      outputSize: PPI_OUT.size,
    },
    rng,
  );
}

/**
 * The network inputs [B, S, D] of whole episodes (S = `ppiSteps`), batch-major, as the agent saw them while acting.
 * Rewards are the first-person payoffs of the observed outcomes under `payoff`.
 */
export function ppiInputs(data: PpiData, opponentId: boolean, payoff: Payoff = PAPER_PAYOFF): Float32Array {
  const { episodes: B, rounds: T, actions, coPlayerActions } = data;
  const width = ppiInputSize(opponentId), s0 = opponentId ? 1 : 0, S = ppiSteps(T, opponentId);
  const table = rewardByOutcome(payoff);
  const x = new Float32Array(B * S * width);
  if (opponentId && !data.coPlayerIds) throw new Error('ppiInputs: the agent conditions on co-player identities but the data has none');
  for (let b = 0; b < B; b++) {
    const row = b * S * width;
    if (opponentId) {
      x.set(data.coPlayerIds!.subarray(b * ID_SIZE, (b + 1) * ID_SIZE), row + ID_COL);
      x[row + ID_FLAG] = 1;
    }
    let obs: number = Outcome.START;
    for (let t = 0; t <= T; t++) {
      const at = row + (s0 + 3 * t) * width;
      x[at + OBS_COL + obs] = 1; // o_t
      if (t === T) break;
      x[at + width + REWARD_COL] = table[obs]; // r_t (0 for START)
      x[at + width + REWARD_FLAG] = 1;
      const a = actions[b * T + t];
      x[at + 2 * width + ACTION_COL + a] = 1; // a_t
      obs = outcomeOf(a as Action, coPlayerActions[b * T + t] as Action);
    }
  }
  return x;
}

// ---------------------------------------------------------------------------------------------------------------
// The loss (Eq. 2–5): L = λ_obs·L_obs + λ_rew·L_reward + λ_act·L_action, each term averaged over the B·T positions
// of the batch (T targets per episode each):
//   L_obs    = −mean log p(o_{t+1} | x_≤t, a_t)           categorical over the 5 symbols, t = 0..T−1
//   L_reward =  mean (r_t − r̂_t)²                        Gaussian with fixed variance, t = 1..T (r0 is a placeholder)
//   L_action = −mean log p(a_t | x_<t, o_t, r_t)           categorical over C, D: the policy prior, t = 0..T−1
// Returns dL/d(outputs) for backpropagation.
// ---------------------------------------------------------------------------------------------------------------

/** Loss terms of one batch (or averaged over an epoch). */
export interface PpiLossStats {
  readonly loss: number;
  readonly obsLoss: number;
  readonly rewardLoss: number;
  readonly actionLoss: number;
}

/**
 * The PPI loss of whole episodes and its gradient.
 * @param out network outputs [B, S, 8] for `ppiInputs(data, opponentId)`
 * @returns dOut = dL/d(out) [B, S, 8] (zero where no head is read) and the loss terms (nats; reward in payoff²)
 */
export function ppiLoss(
  out: Float32Array,
  data: PpiData,
  weights: Pick<PpiConfig, 'obsWeight' | 'rewardWeight' | 'actionWeight'>,
  opponentId: boolean,
  payoff: Payoff = PAPER_PAYOFF,
): { dOut: Float32Array; stats: PpiLossStats } {
  const { episodes: B, rounds: T, actions, coPlayerActions } = data;
  const K = PPI_OUT.size, s0 = opponentId ? 1 : 0, S = ppiSteps(T, opponentId);
  if (out.length !== B * S * K) throw new RangeError(`ppiLoss: expected ${B * S * K} outputs ([${B}, ${S}, ${K}]), got ${out.length}`);
  const table = rewardByOutcome(payoff);
  const n = B * T;
  const wObs = weights.obsWeight / n, wRew = weights.rewardWeight / n, wAct = weights.actionWeight / n;
  const dOut = new Float32Array(out.length);
  const p = new Float64Array(NUM_OUTCOMES);
  let obsLoss = 0, rewardLoss = 0, actionLoss = 0;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const a = actions[b * T + t];
      const next = outcomeOf(a as Action, coPlayerActions[b * T + t] as Action);
      // action head after r_t
      const ya = (b * S + s0 + 3 * t + 1) * K + PPI_OUT.action;
      const m = Math.max(out[ya], out[ya + 1]);
      const lse = m + Math.log(Math.exp(out[ya] - m) + Math.exp(out[ya + 1] - m));
      actionLoss -= out[ya + a] - lse;
      for (let k = 0; k < 2; k++) dOut[ya + k] = wAct * (Math.exp(out[ya + k] - lse) - (k === a ? 1 : 0));
      // observation head after a_t: the next outcome (the co-player's reply)
      const yo = (b * S + s0 + 3 * t + 2) * K + PPI_OUT.obs;
      let mo = -Infinity;
      for (let k = 0; k < NUM_OUTCOMES; k++) mo = Math.max(mo, out[yo + k]);
      let z = 0;
      for (let k = 0; k < NUM_OUTCOMES; k++) z += (p[k] = Math.exp(out[yo + k] - mo));
      obsLoss -= out[yo + next] - mo - Math.log(z);
      for (let k = 0; k < NUM_OUTCOMES; k++) dOut[yo + k] = wObs * (p[k] / z - (k === next ? 1 : 0));
      // reward head after o_{t+1}: the payoff of round t
      const yr = (b * S + s0 + 3 * (t + 1)) * K + PPI_OUT.reward;
      const err = out[yr] - table[next];
      rewardLoss += err * err;
      dOut[yr] = wRew * 2 * err;
    }
  }
  obsLoss /= n; rewardLoss /= n; actionLoss /= n;
  const loss = weights.obsWeight * obsLoss + weights.rewardWeight * rewardLoss + weights.actionWeight * actionLoss;
  if (!Number.isFinite(loss)) throw new Error(`ppiLoss: the loss is ${loss} (obs ${obsLoss}, reward ${rewardLoss}, action ${actionLoss}); stopping before the weights are corrupted`);
  return { dOut, stats: { loss, obsLoss, rewardLoss, actionLoss } };
}

// ---------------------------------------------------------------------------------------------------------------
// The refit (Alg. 1, lines 2–3): re-initialise φ, then N_epochs passes of AdamW over all data, episodes shuffled
// each epoch, batches of `batchEpisodes` whole episodes (the last one of an epoch may be smaller).
// ---------------------------------------------------------------------------------------------------------------

/**
 * Progress of a long piece of work (a refit's gradient steps, a phase's rounds of play): `done` of `total`. Only
 * observes: it draws no random numbers and changes no result. A refit at the paper's sizes runs for hours.
 */
export type WorkProgress = (done: number, total: number) => void;

/** What a refit reports: the loss terms averaged over its last epoch, and the number of gradient steps. */
export interface PpiFitStats extends PpiLossStats {
  readonly updates: number;
}

/** Fisher–Yates shuffle of `order` in place. */
function shuffle(order: Uint32Array, rng: Rng): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = order[i]; order[i] = order[j]; order[j] = t;
  }
}

/**
 * A sequence model fitted from scratch to `data`: fresh weights from `rng`, then `cfg.epochs` epochs of AdamW
 * (lr, decoupled weight decay, β1, β2, ε, global-norm clip from `cfg`). The engine's training memory is released
 * before returning, so the network holds only what acting needs.
 */
export function fitPpiModel(
  data: PpiData,
  cfg: PpiConfig,
  opponentId: boolean,
  rng: Rng,
  game: IpdEnvOptions = {},
  onUpdate?: WorkProgress,
): { net: GruNet; stats: PpiFitStats } {
  validatePpiConfig(cfg);
  const net = createPpiNet(cfg, opponentId, rng.child('init'));
  const optimizer = new Adam(net.params.length, {
    learningRate: cfg.learningRate, beta1: cfg.adamBeta1, beta2: cfg.adamBeta2, epsilon: cfg.adamEpsilon,
    weightDecay: cfg.weightDecay, maxGradNorm: cfg.maxGradNorm,
  });
  const payoff = game.payoff ?? PAPER_PAYOFF;
  const order = new Uint32Array(data.episodes);
  for (let i = 0; i < order.length; i++) order[i] = i;
  const steps = ppiSteps(data.rounds, opponentId);
  let sum = { loss: 0, obsLoss: 0, rewardLoss: 0, actionLoss: 0 }, counted = 0, updates = 0;
  const totalUpdates = cfg.epochs * Math.ceil(data.episodes / cfg.batchEpisodes);
  for (let epoch = 0; epoch < cfg.epochs; epoch++) {
    shuffle(order, rng.child(`epoch-${epoch}`));
    const last = epoch === cfg.epochs - 1;
    for (let start = 0; start < data.episodes; start += cfg.batchEpisodes) {
      const batch = selectEpisodes(data, order.subarray(start, Math.min(data.episodes, start + cfg.batchEpisodes)));
      const out = net.forward(ppiInputs(batch, opponentId, payoff), batch.episodes, steps);
      const { dOut, stats } = ppiLoss(out, batch, cfg, opponentId, payoff);
      optimizer.step(net.params, net.backward(dOut), net.describeIndex);
      updates++;
      onUpdate?.(updates, totalUpdates);
      if (last) {
        for (const k of ['loss', 'obsLoss', 'rewardLoss', 'actionLoss'] as const) sum[k] += stats[k] * batch.episodes;
        counted += batch.episodes;
      }
    }
  }
  net.dispose();
  sum = { loss: sum.loss / counted, obsLoss: sum.obsLoss / counted, rewardLoss: sum.rewardLoss / counted, actionLoss: sum.actionLoss / counted };
  return { net, stats: { ...sum, updates } };
}

// ---------------------------------------------------------------------------------------------------------------
// The improved policy (App. A.3.1, App. C): π(a|x) ∝ p(a|x)·exp(β·Q̂(x,a)).
//
// Q̂(x, a) is the mean over `rolloutsPerAction` rollouts of the undiscounted payoff sum of taking a and then following
// the prior for min(rolloutRounds, rounds left) rounds, simulated inside the model from a copy of the GRU state after
// r_t. Per simulated round: feed the own action; sample the co-player's reply from the observation head, restricted
// to the two outcomes that agree with the own action just taken (the model is told its own move, so only the reply
// is uncertain); add the payoff of that outcome (computed from the sampled observation, not read from the reward
// head, so Q̂ is exact given the sampled replies); feed the outcome and its reward; sample the next own action from
// the action head (the prior). Every rollout of every episode and both actions advances as one batched
// `step` per token (B × 2 × K rows). The rollouts of a and of the other action share their random numbers (common
// random numbers), so their difference, the only thing π depends on, has much less variance than two independent
// estimates [I]. All sampling is in JS from the caller's Rng.
// ---------------------------------------------------------------------------------------------------------------

/** What the rollouts need of a sequence model: `GruNet`, or a stand-in with the same step interface (tests). */
export interface PpiStepModel {
  readonly config: { readonly inputSize: number; readonly hiddenSize: number; readonly outputSize: number };
  /** One step of B histories: state [B, H] and input [B, D] → new state [B, H] and outputs [B, K]. */
  step(h: Float32Array, x: Float32Array, batch: number): { h: Float32Array; out: Float32Array };
  /** Optional, as `GruNet`'s: the rollouts' states stay inside the model between steps instead of passing through `step`. */
  beginSteps?(batch: number, h0: Float32Array): void;
  nextStep?(x: Float32Array): Float32Array;
}

/** Steps `rows` histories from `h0` through `model`, in place where the model can (`beginSteps`), else by `step`. */
function stepper(model: PpiStepModel, h0: Float32Array, rows: number): (x: Float32Array) => Float32Array {
  if (model.beginSteps && model.nextStep) {
    model.beginSteps(rows, h0);
    return (x) => model.nextStep!(x);
  }
  let h = h0;
  return (x) => {
    const r = model.step(h, x, rows);
    h = r.h;
    return r.out;
  };
}

// Rollout rows per batched step at most: bounds memory at the paper's sizes (20,000 episodes × 2 × K rows would be
// gigabytes); episodes beyond it are rolled out in further chunks.
export const MAX_ROLLOUT_ROWS = 16_384;

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/**
 * The returns of every rollout: G [B, 2, K] (index (e·2 + a)·K + n), each the payoff sum of taking a in episode e
 * and then following the prior for `rounds` simulated rounds.
 * @param h the model states after r_t [B, H] (not modified)
 * @param rounds simulated rounds, already truncated at the episode's end (≥ 1)
 */
export function rolloutReturns(
  model: PpiStepModel,
  h: Float32Array,
  episodes: number,
  rounds: number,
  rolloutsPerAction: number,
  rng: Rng,
  payoff: Payoff = PAPER_PAYOFF,
): Float64Array {
  const { hiddenSize: H, inputSize: W, outputSize: KO } = model.config;
  const K = rolloutsPerAction;
  integer('rolloutReturns', 'rounds', rounds, 1);
  if (h.length !== episodes * H) throw new RangeError(`rolloutReturns: h must have ${episodes * H} entries, got ${h.length}`);
  const table = rewardByOutcome(payoff);
  const G = new Float64Array(episodes * 2 * K);
  const perChunk = Math.max(1, Math.floor(MAX_ROLLOUT_ROWS / (2 * K)));
  for (let first = 0; first < episodes; first += perChunk) {
    const E = Math.min(perChunk, episodes - first), rows = E * 2 * K;
    const start = new Float32Array(rows * H);
    for (let e = 0; e < E; e++) {
      const src = h.subarray((first + e) * H, (first + e + 1) * H);
      for (let r = 0; r < 2 * K; r++) start.set(src, (e * 2 * K + r) * H);
    }
    const step = stepper(model, start, rows);
    const x = new Float32Array(rows * W);
    const move = new Uint8Array(rows), obs = new Uint8Array(rows);
    const u = new Float64Array(E * K);
    for (let e = 0; e < E; e++) for (let r = 0; r < 2 * K; r++) move[e * 2 * K + r] = r < K ? C : D;
    for (let j = 0; j < rounds; j++) {
      // own action token → observation head: the co-player's reply
      x.fill(0);
      for (let r = 0; r < rows; r++) x[r * W + ACTION_COL + move[r]] = 1;
      let out = step(x);
      for (let i = 0; i < u.length; i++) u[i] = rng.uniform();
      for (let r = 0; r < rows; r++) {
        const a = move[r] as Action, o = r * KO + PPI_OUT.obs;
        const pCoC = sigmoid(out[o + outcomeOf(a, C)] - out[o + outcomeOf(a, D)]);
        const e = Math.floor(r / (2 * K)), n = r % K;
        const next = outcomeOf(a, u[e * K + n] < pCoC ? C : D);
        obs[r] = next;
        G[(first + e) * 2 * K + (r % (2 * K))] += table[next];
      }
      if (j === rounds - 1) break;
      // observation token, then reward token → action head: the prior's next own action
      x.fill(0);
      for (let r = 0; r < rows; r++) x[r * W + OBS_COL + obs[r]] = 1;
      step(x);
      x.fill(0);
      for (let r = 0; r < rows; r++) {
        x[r * W + REWARD_COL] = table[obs[r]];
        x[r * W + REWARD_FLAG] = 1;
      }
      out = step(x);
      for (let i = 0; i < u.length; i++) u[i] = rng.uniform();
      for (let r = 0; r < rows; r++) {
        const o = r * KO + PPI_OUT.action;
        const e = Math.floor(r / (2 * K)), n = r % K;
        move[r] = u[e * K + n] < sigmoid(out[o] - out[o + 1]) ? C : D;
      }
    }
  }
  return G;
}

/** Q̂ [B, 2] (index e·2 + a): the mean of each episode's and action's K rollout returns. */
export function qHatFromReturns(G: Float64Array, episodes: number, rolloutsPerAction: number): Float64Array {
  const K = rolloutsPerAction;
  const q = new Float64Array(episodes * 2);
  for (let i = 0; i < q.length; i++) {
    let s = 0;
    for (let n = 0; n < K; n++) s += G[i * K + n];
    q[i] = s / K;
  }
  return q;
}

/**
 * π(C | x) of the improved policy from the prior's action logits (zC, zD) and Q̂(x, C), Q̂(x, D):
 * π(C) = σ(zC − zD + β(Q̂_C − Q̂_D)). With β = 0 it is exactly the prior.
 */
export function improvedProbCooperate(zC: number, zD: number, qC: number, qD: number, beta: number): number {
  return sigmoid(zC - zD + (beta === 0 ? 0 : beta * (qC - qD)));
}

// ---------------------------------------------------------------------------------------------------------------
// Acting: each round the session feeds a_{t−1} (its own last move), o_t and r_t, reads the prior from the action
// head, rolls out both actions from that state, and samples from π. A frozen agent (the Fixed In-Context Learner)
// acts the same way, with its weights never refitted.
// ---------------------------------------------------------------------------------------------------------------

/** The agent as a player acting with π ∝ p·exp(βQ̂); episodes of `rounds` rounds (rollouts stop at the end). */
export function ppiActor(net: PpiStepModel & { zeroState(batch: number): Float32Array }, opponentId: boolean, policy: PpiPolicySettings, game: IpdEnvOptions = {}): Actor {
  const rounds = game.rounds ?? NUM_ROUNDS;
  const payoff = game.payoff ?? PAPER_PAYOFF;
  const K = integer('ppiActor', 'rolloutsPerAction', policy.rolloutsPerAction, 1);
  const horizon = integer('ppiActor', 'rolloutRounds', policy.rolloutRounds, 1);
  return {
    kind: 'learner',
    begin(episodes: number, rng: Rng): ActorSession {
      const W = net.config.inputSize, KO = net.config.outputSize;
      if (W !== ppiInputSize(opponentId)) throw new RangeError(`ppiActor: the network takes ${W} inputs, expected ${ppiInputSize(opponentId)}`);
      const x = new Float32Array(episodes * W);
      const last = new Uint8Array(episodes);
      let h: Float32Array = net.zeroState(episodes);
      let t = 0;
      const feed = (fill: (b: number, at: number) => void) => {
        x.fill(0);
        for (let b = 0; b < episodes; b++) fill(b, b * W);
        return net.step(h, x, episodes);
      };
      return {
        identity: () => new Float32Array(episodes * ID_SIZE), // learners carry the zero "identity flag"
        observeCoPlayerIdentity(ids: Float32Array) {
          if (!opponentId) return;
          h = feed((b, at) => {
            x.set(ids.subarray(b * ID_SIZE, (b + 1) * ID_SIZE), at + ID_COL);
            x[at + ID_FLAG] = 1;
          }).h;
        },
        act(observations: Uint8Array, rewards: Float32Array, actions: Uint8Array) {
          if (t > 0) h = feed((b, at) => { x[at + ACTION_COL + last[b]] = 1; }).h;
          h = feed((b, at) => { x[at + OBS_COL + observations[b]] = 1; }).h;
          const s = feed((b, at) => { x[at + REWARD_COL] = rewards[b]; x[at + REWARD_FLAG] = 1; });
          h = s.h;
          let q: Float64Array | null = null;
          if (policy.beta !== 0) {
            const G = rolloutReturns(net, h, episodes, Math.min(horizon, Math.max(1, rounds - t)), K, rng.child(`rollouts-${t}`), payoff);
            q = qHatFromReturns(G, episodes, K);
          }
          for (let b = 0; b < episodes; b++) {
            const o = b * KO + PPI_OUT.action;
            const pC = q ? improvedProbCooperate(s.out[o], s.out[o + 1], q[2 * b], q[2 * b + 1], policy.beta) : sigmoid(s.out[o] - s.out[o + 1]);
            actions[b] = rng.uniform() < pC ? C : D;
          }
          last.set(actions);
          t++;
        },
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// One phase of Algorithm 1 for every learner of a run (decentralised: each refits on its own data only):
//   re-initialise φ and train it on D_{k−1}; collect R_k by acting with π_k against the configured co-players
//   (an episode between two learners is played once, both acting with their improved policies, and each stores
//   its own side); D_k = D_{k−1} ∪ R_k.
// ---------------------------------------------------------------------------------------------------------------

/**
 * One PPI learner: its current model (null before the first fit), the data it has gathered (D0 included), how many
 * of those episodes the current model was fitted on, and whether it is told co-player identities. Mutable: a
 * phase replaces `net`, `data`, `fittedEpisodes` and `lastFit`.
 */
export interface PpiAgent {
  net: GruNet | null;
  data: PpiData;
  fittedEpisodes: number;
  readonly opponentId: boolean;
  /** The last fit's loss terms and seconds (what a phase reports; not saved: a resumed run refits first). */
  lastFit?: { readonly stats: PpiFitStats; readonly seconds: number };
}

/** Refits `agent` from scratch on all its data unless its model was already fitted on exactly that data. */
export function ensureFitted(agent: PpiAgent, cfg: PpiConfig, rng: Rng, game: IpdEnvOptions = {}, onUpdate?: WorkProgress): PpiFitStats | null {
  if (agent.net && agent.fittedEpisodes === agent.data.episodes) return null;
  const started = performance.now();
  const { net, stats } = fitPpiModel(agent.data, cfg, agent.opponentId, rng, game, onUpdate);
  agent.net?.dispose();
  agent.net = net;
  agent.fittedEpisodes = agent.data.episodes;
  agent.lastFit = { stats, seconds: (performance.now() - started) / 1000 };
  return stats;
}

/**
 * The phase-1 model of every learner that has none yet: fitted on its D0 from the stream `pretrain-<i>` of `rng`
 * (the run's `init` stream), so it is the same whether it is first needed by an evaluation before training or by
 * phase 1. Phase 1 then finds it fitted on exactly its data and does not refit.
 */
export function pretrainPpi(agents: readonly PpiAgent[], cfg: PpiConfig, rng: Rng, onWork?: WorkListener, game: IpdEnvOptions = {}): void {
  agents.forEach((a, i) => {
    if (a.net) return;
    ensureFitted(a, cfg, rng.child(`pretrain-${i}`), game, onWork && ((done, total) => onWork(`pretraining learner ${i + 1} on D0`, done, total)));
  });
}

/** The agent acting with its improved policy (its model must be fitted). */
export function ppiAgentActor(agent: PpiAgent, policy: PpiPolicySettings, game: IpdEnvOptions = {}): Actor {
  if (!agent.net) throw new Error('ppiAgentActor: the agent has no fitted model yet');
  return ppiActor(agent.net, agent.opponentId, policy, game);
}

export interface PpiPhaseResult {
  /** Training-curve points of the collected episodes, per learner and co-player kind. */
  readonly points: TrainPoint[];
  /** Per learner: the refit's loss terms (null when the model was already fitted on this data). */
  readonly fits: (PpiFitStats | null)[];
  /** Seconds spent playing the phase's episodes (acting with rollouts). */
  readonly actingSeconds: number;
}

/**
 * Phase k for all learners: refit each from scratch on D_{k−1} (`ensureFitted`, stream `fit-<i>`), then play
 * `matchups` with the improved policies (stream `match-<j>`) and append each learner's side of its episodes.
 */
export function ppiPhase(
  agents: readonly PpiAgent[],
  matchups: readonly Matchup[],
  cfg: PpiConfig,
  rng: Rng,
  game: IpdEnvOptions = {},
  onWork?: WorkListener,
): PpiPhaseResult {
  // Alg. 1: re-initialise φ and train it on D_{k−1}.
  const fits = agents.map((a, i) => ensureFitted(a, cfg, rng.child(`fit-${i}`), game, onWork && ((done, total) => onWork(`refit learner ${i + 1}`, done, total))));
  // Collect R_k with π_k against the experiment's co-players; D_k = D_{k−1} ∪ R_k, each learner its own side.
  const started = performance.now();
  const identities = agents.some((a) => a.opponentId);
  const actors = agents.map((a) => ppiAgentActor(a, cfg, game));
  const onActing = onWork && ((done: number, total: number) => onWork('acting', done, total));
  const { points, own } = playOwnSides({ perMatchup: actors }, matchups, rng, { ...game, identities, onActing });
  agents.forEach((agent, i) => {
    const { episodes, rounds, actions, coPlayerActions, coPlayerIds } = own[i];
    agent.data = concatEpisodes([agent.data, { episodes, rounds, actions, coPlayerActions, ...(coPlayerIds ? { coPlayerIds } : {}) }]);
  });
  return { points, fits, actingSeconds: (performance.now() - started) / 1000 };
}

// ---------------------------------------------------------------------------------------------------------------
// Training (Algorithm 1): the phase-1 model fitted on D0, then `cfg.phases` phases from `from` (a resumed run starts
// where its checkpoint stopped), phase k drawing from the stream `unit-<k>` of the run's `rng`. The caller's
// `afterUnit` records each phase's metrics and checkpoints; the loop does no I/O.
// ---------------------------------------------------------------------------------------------------------------

/** Per-learner statistics of a phase, in train.csv's column order: the refit's last-epoch loss terms and its size. */
export const PPI_STATS = ['loss', 'obsLoss', 'rewardLoss', 'actionLoss', 'updates', 'dataEpisodes'] as const;
/** Per-learner timings of a phase (timing.csv, after `unitSeconds`): the refit's and the acting's seconds. */
export const PPI_TIMINGS = ['refitSeconds', 'rolloutSeconds'] as const;

/** Trains `agents` against `coPlayers` (learner i is agents[i]); returns how far it got and the last phase's metrics. */
export const trainPpi: TrainingLoop<PpiConfig, PpiAgent> = async (cfg, agents, coPlayers, rng, hooks = {}, from = 0, game = {}) => {
  pretrainPpi(agents, cfg, rng.child('init'), hooks.onWork, game);
  let last: UnitResult | undefined;
  for (let phase = from; phase < cfg.phases; phase++) {
    const started = performance.now();
    const r = ppiPhase(agents, coPlayers, cfg, rng.child(`unit-${phase}`), game, hooks.onWork);
    const unitSeconds = (performance.now() - started) / 1000;
    // A phase reports the fit it acted with: its own refit, or for phase 1 the fit on D0.
    last = {
      points: r.points,
      stats: agents.map(({ lastFit, fittedEpisodes }) => ({
        loss: lastFit?.stats.loss ?? NaN, obsLoss: lastFit?.stats.obsLoss ?? NaN, rewardLoss: lastFit?.stats.rewardLoss ?? NaN,
        actionLoss: lastFit?.stats.actionLoss ?? NaN, updates: lastFit?.stats.updates ?? 0, dataEpisodes: fittedEpisodes,
      })),
      timings: agents.map(({ lastFit }) => ({ unitSeconds, refitSeconds: lastFit?.seconds ?? 0, rolloutSeconds: r.actingSeconds })),
    };
    if (await hooks.afterUnit?.(phase + 1, last)) return { unitsDone: phase + 1, stopped: true, last };
  }
  return { unitsDone: cfg.phases, stopped: false, last };
};

// ---------------------------------------------------------------------------------------------------------------
// Compact storage: a learner's data set is what carries its policy from phase to phase (the model is refitted from
// scratch), so checkpoints and final/ hold it. Moves are bit-packed, own and co-player's move of a round in two
// adjacent bits: 2·rounds bits per episode (25 bytes for 100 rounds), plus 10 float32 identities per episode in
// the Opponent-ID ablation.
// ---------------------------------------------------------------------------------------------------------------

/** The moves of `data` bit-packed: bit 2i is own move i, bit 2i+1 the co-player's (i = episode·rounds + round). */
export function packMoves(data: PpiData): Uint8Array {
  const n = data.episodes * data.rounds;
  const out = new Uint8Array(Math.ceil((2 * n) / 8));
  for (let i = 0; i < n; i++) {
    const bits = (data.actions[i] & 1) | ((data.coPlayerActions[i] & 1) << 1);
    out[i >> 2] |= bits << (2 * (i & 3));
  }
  return out;
}

/** Inverse of `packMoves`. */
export function unpackMoves(packed: Uint8Array, episodes: number, rounds: number, coPlayerIds?: Float32Array): PpiData {
  const n = episodes * rounds;
  if (packed.length !== Math.ceil((2 * n) / 8)) {
    throw new RangeError(`unpackMoves: ${episodes} episodes of ${rounds} rounds need ${Math.ceil((2 * n) / 8)} bytes, got ${packed.length}`);
  }
  if (coPlayerIds && coPlayerIds.length !== episodes * ID_SIZE) {
    throw new RangeError(`unpackMoves: expected ${episodes * ID_SIZE} identity entries, got ${coPlayerIds.length}`);
  }
  const actions = new Uint8Array(n), coPlayerActions = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const bits = packed[i >> 2] >> (2 * (i & 3));
    actions[i] = bits & 1;
    coPlayerActions[i] = (bits >> 1) & 1;
  }
  return { episodes, rounds, actions, coPlayerActions, ...(coPlayerIds ? { coPlayerIds } : {}) };
}
