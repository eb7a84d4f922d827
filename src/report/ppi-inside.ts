/**
 * Looking inside a trained PPI agent (notebook 05): along episodes it actually plays, what its sequence model
 * predicts (its own next action, the prior p(a | x); the co-player's reply), what the rollouts inside the model make
 * of each action (Q̂), and the improved policy π ∝ p·exp(βQ̂) it acts with.
 *
 * The episodes are played by the agent exactly as in training (`ppiActor`). They are then fed back through the
 * model token by token (`ppiInputs`, one GRU step per token), and at each round t the model is read where Algorithm 1
 * reads it: the action head after r_t, the observation head after a_t. Q̂ is estimated again from the state after
 * r_t, by the same rollouts the agent uses (`rolloutReturns`), with fresh random numbers. So the π reported here is
 * the policy the agent would act with on that history, up to Monte-Carlo noise.
 */
import type { Actor } from '../agents/actor';
import { playMatch } from '../agents/match';
import type { EpisodeBatch } from '../game/episode';
import { C, D, NUM_ROUNDS, outcomeOf, PAPER_PAYOFF, type Action } from '../game/ipd';
import {
  PPI_OUT, improvedProbCooperate, ppiActor, ppiInputSize, ppiInputs, ppiSteps, qHatFromReturns, rolloutReturns,
  type PpiPolicySettings,
} from '../learners/ppi';
import { loadAgent } from '../learners/saved';
import type { GruNet } from '../model/gru-net';
import type { Rng } from '../rng';
import { join } from 'node:path';
import type { RoundSpan } from '../experiments/read-runs';
import { lineBandFigure, PALETTE, type Figure, type Panel } from './figures';
import { loadRecords, runQuery, type RunSet } from './results';

/** A saved PPI agent: its sequence model and the settings it acts with. */
export interface PpiModelView {
  readonly net: GruNet;
  readonly policy: PpiPolicySettings;
  readonly dir: string;
}

/** Loads learner `learner` of a run's `final/` directory (a PPI agent without the Opponent-ID token). */
export function loadPpiModel(finalDir: string, learner = 0): PpiModelView {
  const dir = join(finalDir, `learner-${learner}`);
  const saved = loadAgent(dir);
  if (saved.algo !== 'ppi') throw new Error(`${dir} is not a PPI agent checkpoint`);
  if (saved.opponentId) throw new Error(`${dir}: inspecting Opponent-ID agents is not supported (their first token is the identity)`);
  return { net: saved.net, policy: saved.policy, dir };
}

/** What the model says along played episodes against one co-player; per-round arrays are means over episodes. */
export interface PpiInsideTrace {
  readonly coPlayer: string;
  readonly episodes: number;
  readonly rounds: number;
  /** The agent's own cooperation and reward, as played. */
  readonly cooperation: number[];
  readonly reward: number[];
  /** The co-player's cooperation, as played. */
  readonly coplayerCooperation: number[];
  /** The prior p(C | x_≤t): the model's prediction of the agent's own next action (its action head). */
  readonly prior: number[];
  /** The improved policy π(C | x_≤t) = σ(logit p + β(Q̂_C − Q̂_D)). */
  readonly improved: number[];
  /** Q̂(x_≤t, C) and Q̂(x_≤t, D): mean rollout payoffs over min(rolloutRounds, rounds left) simulated rounds. */
  readonly qC: number[];
  readonly qD: number[];
  /** The world model's P(co-player cooperates in round t | x_≤t, a_t) (its observation head, after the agent's move). */
  readonly predictedCoplayer: number[];
  /** Per episode and round [episodes × rounds]: the prior's logit gap zC − zD and the Q̂ gap Q̂_C − Q̂_D. */
  readonly logitGap: Float64Array;
  readonly qGap: Float64Array;
  readonly beta: number;
  /** The episodes as played (own moves, co-player's moves, rewards). */
  readonly played: EpisodeBatch;
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/**
 * Plays `episodes` episodes of the agent against `coPlayer` and reads the model along them. Costs about as much as
 * playing the episodes twice (the rollouts are repeated once). `readRolloutRounds` reads Q̂ (and π) with rollouts of
 * another length than the agent's along the same episodes, which the agent still plays with its own: what would a
 * longer look-ahead make of the same histories?
 */
export function inspectPpi(model: PpiModelView, coPlayer: Actor, coPlayerName: string, opts: { readonly episodes: number; readonly rounds?: number; readonly readRolloutRounds?: number }, rng: Rng): PpiInsideTrace {
  const { net, policy } = model;
  if (opts.readRolloutRounds !== undefined && !(Number.isInteger(opts.readRolloutRounds) && opts.readRolloutRounds >= 1)) {
    throw new RangeError(`inspectPpi: readRolloutRounds is a whole number of rounds ≥ 1, got ${opts.readRolloutRounds}`);
  }
  const T = opts.rounds ?? NUM_ROUNDS;
  const B = opts.episodes;
  const played = playMatch(ppiActor(net, false, policy, { rounds: T }), coPlayer, B, rng.child('play'), { rounds: T }).batch;
  const x = ppiInputs({ episodes: B, rounds: T, actions: played.actions, coPlayerActions: played.coPlayerActions }, false, PAPER_PAYOFF);
  const W = ppiInputSize(false), S = ppiSteps(T, false), K = net.config.outputSize;
  const zeros = (): number[] => new Array<number>(T).fill(0);
  const prior = zeros(), improved = zeros(), qC = zeros(), qD = zeros(), predictedCoplayer = zeros();
  const cooperation = zeros(), reward = zeros(), coplayerCooperation = zeros();
  const logitGap = new Float64Array(B * T), qGap = new Float64Array(B * T);
  const xs = new Float32Array(B * W);
  let h = net.zeroState(B);
  for (let s = 0; s < S - 1; s++) {
    for (let b = 0; b < B; b++) xs.set(x.subarray((b * S + s) * W, (b * S + s + 1) * W), b * W);
    const r = net.step(h, xs, B);
    h = r.h;
    const t = Math.floor(s / 3);
    if (s % 3 === 1) {
      // after r_t: the prior's action logits, and Q̂ of both actions from this state
      const rounds = Math.min(opts.readRolloutRounds ?? policy.rolloutRounds, Math.max(1, T - t));
      const q = policy.beta === 0 ? null : qHatFromReturns(rolloutReturns(net, h, B, rounds, policy.rolloutsPerAction, rng.child(`q-${t}`)), B, policy.rolloutsPerAction);
      for (let b = 0; b < B; b++) {
        const o = b * K + PPI_OUT.action;
        const gap = r.out[o] - r.out[o + 1];
        logitGap[b * T + t] = gap;
        prior[t] += sigmoid(gap);
        if (q) {
          qGap[b * T + t] = q[2 * b] - q[2 * b + 1];
          qC[t] += q[2 * b];
          qD[t] += q[2 * b + 1];
        }
        improved[t] += q ? improvedProbCooperate(r.out[o], r.out[o + 1], q[2 * b], q[2 * b + 1], policy.beta) : sigmoid(gap);
      }
    } else if (s % 3 === 2) {
      // after a_t: the observation head, restricted to the two outcomes that agree with the move the agent made
      for (let b = 0; b < B; b++) {
        const a = played.actions[b * T + t] as Action, o = b * K + PPI_OUT.obs;
        predictedCoplayer[t] += sigmoid(r.out[o + outcomeOf(a, C)] - r.out[o + outcomeOf(a, D)]);
        cooperation[t] += a === C ? 1 : 0;
        coplayerCooperation[t] += played.coPlayerActions[b * T + t] === C ? 1 : 0;
        reward[t] += played.rewards[b * T + t];
      }
    }
  }
  for (const arr of [prior, improved, qC, qD, predictedCoplayer, cooperation, reward, coplayerCooperation]) {
    for (let t = 0; t < T; t++) arr[t] /= B;
  }
  return {
    coPlayer: coPlayerName, episodes: B, rounds: T, cooperation, reward, coplayerCooperation, prior, improved, qC, qD,
    predictedCoplayer, logitGap, qGap, beta: policy.beta, played,
  };
}

/** The mean π(C) per round if the same prior and Q̂ were combined with another β (β = 0 is the prior itself). */
export function improvedUnderBeta(trace: PpiInsideTrace, beta: number): number[] {
  const { episodes: B, rounds: T } = trace;
  const out = new Array<number>(T).fill(0);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) out[t] += sigmoid(trace.logitGap[b * T + t] + beta * trace.qGap[b * T + t]);
  return out.map((v) => v / B);
}

/**
 * One row per β: how far the improved policy moves off the prior along these histories (mean |π(C) − p(C)| over
 * episodes and rounds) and its mean cooperation. The agent's own β is marked.
 */
export function betaRecords(trace: PpiInsideTrace, betas: readonly number[]): { beta: number; agent: string; mean_cooperation: number; mean_shift_from_prior: number }[] {
  const { episodes: B, rounds: T } = trace;
  return betas.map((beta) => {
    let coop = 0, shift = 0;
    for (let i = 0; i < B * T; i++) {
      const p = sigmoid(trace.logitGap[i]), pi = sigmoid(trace.logitGap[i] + beta * trace.qGap[i]);
      coop += pi;
      shift += Math.abs(pi - p);
    }
    return { beta, agent: beta === trace.beta ? 'this agent' : '', mean_cooperation: coop / (B * T), mean_shift_from_prior: shift / (B * T) };
  });
}

/**
 * The predictive-equilibrium check along played episodes, one row per co-player: how well the world model predicts
 * the co-player on path (mean |predicted − actual| cooperation per round, and overall), and how far the acting
 * policy sits from the prior (mean |π − p|). At a perfect predictive equilibrium both vanish on path (App. D).
 */
export function equilibriumRecords(traces: readonly PpiInsideTrace[]): Record<string, number | string>[] {
  const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return traces.map((tr) => ({
    coplayer: tr.coPlayer,
    coplayer_cooperation: mean(tr.coplayerCooperation),
    predicted_coplayer_cooperation: mean(tr.predictedCoplayer),
    mean_abs_prediction_error_per_round: mean(tr.predictedCoplayer.map((p, t) => Math.abs(p - tr.coplayerCooperation[t]))),
    own_cooperation: mean(tr.cooperation),
    prior_cooperation: mean(tr.prior),
    policy_cooperation: mean(tr.improved),
    mean_abs_policy_minus_prior: mean(tr.improved.map((p, t) => Math.abs(p - tr.prior[t]))),
  }));
}

/**
 * A trace read in stretches of the episode (e.g. round 0, 1–4, 5–19, 20–59, 60–89, 90–99), one row per stretch: what
 * the agent and its co-player did, the prior, the policy it acts with, Q̂(C) − Q̂(D) (summed rollout payoffs: the
 * rollouts' verdict on cooperating) and the world model's prediction of the co-player's cooperation.
 */
export function stretchRecords(trace: PpiInsideTrace, spans: readonly RoundSpan[]): Record<string, number | string>[] {
  const mean = (xs: readonly number[], s: RoundSpan) => xs.slice(s.from, s.to + 1).reduce((a, b) => a + b, 0) / (Math.min(s.to, trace.rounds - 1) - s.from + 1);
  return spans.filter((s) => s.from < trace.rounds).map((s) => ({
    coplayer: trace.coPlayer,
    rounds: s.from === s.to ? String(s.from) : `${s.from}–${Math.min(s.to, trace.rounds - 1)}`,
    cooperation: mean(trace.cooperation, s),
    coplayer_cooperation: mean(trace.coplayerCooperation, s),
    predicted_coplayer_cooperation: mean(trace.predictedCoplayer, s),
    prior: mean(trace.prior, s),
    policy: mean(trace.improved, s),
    q_gap: mean(trace.qC.map((q, t) => q - trace.qD[t]), s),
  }));
}

/**
 * Q̂ read with rollouts of several lengths along the same played episodes (the agent plays them with its own
 * rollouts, so every horizon reads the same histories): does a longer look-ahead see the co-player answer
 * cooperation where the paper's 15 rounds do not? Per horizon and stretch of rounds: the mean Q̂ gap, the spread of
 * the per-episode gaps (Monte-Carlo noise grows with the horizon, and pulls π's mean towards 0.5), the share of
 * positive gaps, and the prior's and π's means. `coPlayer` makes a fresh co-player for each horizon. A rollout stops
 * at the episode's end, so a horizon longer than the rounds left reads as many as are left.
 */
export function horizonRecords(
  model: PpiModelView, coPlayer: () => Actor, coPlayerName: string, horizons: readonly number[], spans: readonly RoundSpan[],
  opts: { readonly episodes: number; readonly rounds?: number }, rng: Rng,
): Record<string, number | string>[] {
  for (const h of horizons) if (!Number.isInteger(h) || h < 1) throw new RangeError(`horizonRecords: a horizon is a whole number of rounds ≥ 1, got ${h}`);
  if (model.policy.beta === 0) throw new RangeError(`horizonRecords: ${model.dir} acts with β = 0 and runs no rollouts; there is no Q̂ to read`);
  return horizons.flatMap((horizon) => {
    const tr = inspectPpi(model, coPlayer(), coPlayerName, { ...opts, readRolloutRounds: horizon }, rng);
    return spans.filter((s) => s.from < tr.rounds).map((s) => {
      const to = Math.min(s.to, tr.rounds - 1);
      const gaps: number[] = [];
      for (let b = 0; b < tr.episodes; b++) for (let t = s.from; t <= to; t++) gaps.push(tr.qGap[b * tr.rounds + t]);
      const mean = gaps.reduce((a, x) => a + x, 0) / gaps.length;
      const avg = (xs: readonly number[]) => xs.slice(s.from, to + 1).reduce((a, x) => a + x, 0) / (to - s.from + 1);
      return {
        coplayer: coPlayerName, horizon, rounds: s.from === to ? String(s.from) : `${s.from}–${to}`,
        q_gap: mean, q_gap_sd: Math.sqrt(gaps.reduce((a, x) => a + (x - mean) ** 2, 0) / gaps.length),
        q_gap_positive: gaps.filter((x) => x > 0).length / gaps.length, prior: avg(tr.prior), policy: avg(tr.improved),
      };
    });
  });
}

/** A saved PPI agent as a co-player, acting as in training (e.g. the other learner of a mixed-pool run). */
export function ppiModelActor(model: PpiModelView): Actor {
  return ppiActor(model.net, false, model.policy);
}

/** Three panels along the episode: the world model's prediction of the co-player, Q̂ of each action, prior vs π. */
export function ppiInsideFigure(traces: readonly PpiInsideTrace[], title = 'Inside PPI, along played episodes'): Figure {
  const color = (i: number) => PALETTE[i % PALETTE.length];
  const x = traces[0]?.prior.map((_, t) => t) ?? [];
  const one = (name: string, y: readonly number[], i: number, dash: 'solid' | 'dash' | 'dot' = 'solid') => ({ name, curves: [y], x, color: color(i), dash });
  const panels: Panel[] = [
    {
      y: 'co-player cooperates', title: 'world model',
      series: traces.flatMap((tr, i) => [one(`${tr.coPlayer}: actual`, tr.coplayerCooperation, i), one(`${tr.coPlayer}: predicted`, tr.predictedCoplayer, i, 'dash')]),
      yRange: [-0.02, 1.02],
    },
    {
      y: 'Q̂(C) − Q̂(D)', title: 'rollouts',
      series: traces.map((tr, i) => one(`${tr.coPlayer}: Q̂ gap`, tr.qC.map((q, t) => q - tr.qD[t]), i)),
    },
    {
      y: 'P(cooperate)', title: 'prior and improved policy',
      series: traces.flatMap((tr, i) => [one(`${tr.coPlayer}: prior p`, tr.prior, i, 'dot'), one(`${tr.coPlayer}: policy π`, tr.improved, i)]),
      yRange: [-0.02, 1.02],
    },
  ];
  return lineBandFigure({ x: 'round', panels, title, width: 980, height: 480 });
}

/**
 * The refit's loss terms per phase (train.csv: the last epoch of the refit that starts each phase, learner 0), one
 * curve per seed: observation (the co-player's reply), reward and action (the prior) terms of Eq. 2–5. Null without
 * finished PPI runs.
 */
export function ppiLossFigure(runs: RunSet, title = 'The sequence model\'s loss terms at each refit'): Figure | null {
  const rows = loadRecords({ ...runQuery(runs), unfinished: false, table: 'train', learner: 0 }).filter((r) => Number.isFinite(Number(r.obsLoss)));
  if (rows.length === 0) return null;
  const firstKind = String(rows[0].coplayer);
  const seeds = [...new Set(rows.map((r) => Number(r.seed)))].sort((a, b) => a - b);
  const perSeed = seeds.map((seed) => rows.filter((r) => Number(r.seed) === seed && r.coplayer === firstKind));
  const phases = perSeed[0].map((r) => Number(r.phase));
  const common = phases.filter((p) => perSeed.every((rs) => rs.some((r) => Number(r.phase) === p)));
  const curve = (rs: typeof rows, field: string) => common.map((p) => Number(rs.find((r) => Number(r.phase) === p)![field]));
  const panel = (field: string, label: string, i: number): Panel => ({
    y: label, series: [{ name: label, x: common, curves: perSeed.map((rs) => curve(rs, field)), color: PALETTE[i] }],
  });
  return lineBandFigure({
    x: 'phase', title: `${title} · ${runs.experiment}/${runs.algo}/${rows[0].preset}, ${seeds.length} seed(s)`,
    panels: [panel('obsLoss', 'observation loss', 0), panel('rewardLoss', 'reward loss', 1), panel('actionLoss', 'action loss (prior)', 2)],
    width: 980, height: 400,
  });
}
