import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PPI_OUT, PPI_PAPER, PPI_PAPER_BETA, createPpiNet, ensureFitted, fitPpiModel, improvedProbCooperate, packMoves,
  ppiActor, ppiInputSize, ppiInputs, ppiLoss, ppiPhase, ppiSteps, pretrainingData, qHatFromReturns, rolloutReturns, trainPpi,
  unpackMoves, validatePpiConfig, type PpiAgent, type PpiConfig, type PpiData, type PpiStepModel,
} from '../../src/learners/ppi';
import { memoryOneActor, tabularPoolActor } from '../../src/agents/tabular';
import { playMatch } from '../../src/agents/match';
import { concatEpisodes } from '../../src/game/episode';
import { ID_SIZE } from '../../src/agents/actor';
import { markovChain } from '../../src/game/exact';
import { playMemoryOne } from '../../src/game/env';
import { C, D, Outcome, outcomeOf, swapView, type Action } from '../../src/game/ipd';
import { ALLC, RANDOM, TFT, sampleMemoryOneBatch, toArray, zdExtortion, type MemoryOne } from '../../src/game/memory-one';
import { cooperationRate } from '../../src/game/metrics';
import { seeded } from '../../src/rng';

const TINY: PpiConfig = {
  ...PPI_PAPER, hiddenSize: 16, embedSize: 8, learningRate: 1e-2, batchEpisodes: 32, epochs: 2,
  pretrainEpisodes: 128, episodesPerPhase: 32, phases: 2, rolloutsPerAction: 4, rolloutRounds: 5,
};

/** One hand-written episode of two rounds: I play C then D, the co-player D then C (outcomes CD, then DC). */
const TWO_ROUNDS: PpiData = { episodes: 1, rounds: 2, actions: Uint8Array.from([C, D]), coPlayerActions: Uint8Array.from([D, C]) };

test('the token stream is [ID] o0 r0 a0 o1 r1 a1 … o_T, one token per GRU step, with rewards the payoffs of the observed outcomes', () => {
  const x = ppiInputs(TWO_ROUNDS, false);
  const W = ppiInputSize(false);
  assert.equal(W, 9);
  assert.equal(ppiSteps(2, false), 7);
  const rows = Array.from({ length: 7 }, (_, s) => Array.from(x.subarray(s * W, (s + 1) * W)));
  //            obs one-hot       action  reward, flag
  assert.deepEqual(rows, [
    [1, 0, 0, 0, 0, 0, 0, 0, 0], // o0 = START
    [0, 0, 0, 0, 0, 0, 0, 0, 1], // r0 = 0 (placeholder)
    [0, 0, 0, 0, 0, 1, 0, 0, 0], // a0 = C
    [0, 0, 1, 0, 0, 0, 0, 0, 0], // o1 = CD
    [0, 0, 0, 0, 0, 0, 0, -1, 1], // r1 = S = −1
    [0, 0, 0, 0, 0, 0, 1, 0, 0], // a1 = D
    [0, 0, 0, 1, 0, 0, 0, 0, 0], // o2 = DC, the outcome of the last round
  ]);
  const ids = new Float32Array(ID_SIZE).fill(0.5);
  const withId = ppiInputs({ ...TWO_ROUNDS, coPlayerIds: ids }, true);
  const WI = ppiInputSize(true);
  assert.equal(withId.length, ppiSteps(2, true) * WI);
  assert.deepEqual(Array.from(withId.subarray(0, WI)), [0, 0, 0, 0, 0, 0, 0, 0, 0, ...new Array(ID_SIZE).fill(0.5), 1]);
  assert.equal(withId[WI + Outcome.START], 1, 'then o0');
});

test('the loss equals hand-computed values on a model with constant outputs (λ = 1, 2, 0.5)', () => {
  // A network whose head ignores the state: head kernel 0, head bias = the outputs at every step.
  const net = createPpiNet({ embedSize: 4, hiddenSize: 8 }, false, seeded('const'));
  const v = net.paramViews();
  v['head.kernel'].fill(0);
  // obs logits (0, 0, ln 2, 0, 0): p(CD) = 2/6, p(DC) = 1/6; reward mean 0.5; action logits (ln 3, 0): p(C) = 3/4.
  v['head.bias'].set([0, 0, Math.log(2), 0, 0, 0.5, Math.log(3), 0]);
  const out = net.forward(ppiInputs(TWO_ROUNDS, false), 1, ppiSteps(2, false));
  const { stats } = ppiLoss(out, TWO_ROUNDS, { obsWeight: 1, rewardWeight: 2, actionWeight: 0.5 }, false);
  const obs = (Math.log(3) + Math.log(6)) / 2; // −log(2/6) for o1 = CD, −log(1/6) for o2 = DC
  const rew = ((-1 - 0.5) ** 2 + (2 - 0.5) ** 2) / 2; // r1 = S = −1, r2 = T = 2
  const act = (Math.log(4 / 3) + Math.log(4)) / 2; // a0 = C (3/4), a1 = D (1/4)
  assert.ok(Math.abs(stats.obsLoss - obs) < 1e-5, `obs ${stats.obsLoss} vs ${obs}`);
  assert.ok(Math.abs(stats.rewardLoss - rew) < 1e-5, `reward ${stats.rewardLoss} vs ${rew}`);
  assert.ok(Math.abs(stats.actionLoss - act) < 1e-5, `action ${stats.actionLoss} vs ${act}`);
  assert.ok(Math.abs(stats.loss - (obs + 2 * rew + 0.5 * act)) < 1e-5);
});

test('dL/d(outputs) matches finite differences of the loss (two episodes, identity token, λ = 0.7, 1.3, 0.4)', () => {
  const rng = seeded('fd');
  const data: PpiData = {
    episodes: 2, rounds: 3,
    actions: Uint8Array.from([0, 1, 1, 1, 0, 0]), coPlayerActions: Uint8Array.from([1, 1, 0, 0, 0, 1]),
    coPlayerIds: Float32Array.from({ length: 2 * ID_SIZE }, () => rng.normal()),
  };
  const w = { obsWeight: 0.7, rewardWeight: 1.3, actionWeight: 0.4 };
  const S = ppiSteps(3, true), K = PPI_OUT.size;
  const out = Float32Array.from({ length: 2 * S * K }, () => rng.normal());
  const { dOut } = ppiLoss(out, data, w, true);
  const eps = 1e-2;
  let checked = 0;
  for (let i = 0; i < out.length; i++) {
    const plus = Float32Array.from(out); plus[i] += eps;
    const minus = Float32Array.from(out); minus[i] -= eps;
    const fd = (ppiLoss(plus, data, w, true).stats.loss - ppiLoss(minus, data, w, true).stats.loss) / (2 * eps);
    assert.ok(Math.abs(fd - dOut[i]) < 2e-4, `output ${i}: finite difference ${fd} vs analytic ${dOut[i]}`);
    if (dOut[i] !== 0) checked++;
  }
  // 3 rounds × 2 episodes × (2 action + 5 obs + 1 reward) outputs carry a target; all others have zero gradient.
  assert.equal(checked, 6 * 8);
});

/** Episodes of `own` (one policy per episode) against a fixed co-player, as PPI data. */
function episodesAgainst(own: Float32Array, co: MemoryOne, rounds: number, seed: string): PpiData {
  const b = playMemoryOne(own, co, { rounds }, seeded(seed));
  return { episodes: b.episodes, rounds, actions: b.actions, coPlayerActions: b.coPlayerActions };
}

test('a model fitted on a fixed ZD extortioner predicts its replies: obs-head P(reply C) within 0.05 of the true conditional probability', () => {
  const extortioner = zdExtortion({ chi: 2, phi: 0.1, p0: 0.7 }); // (p0; cc, cd, dc, dd) = (0.7; 0.9, 0.5, 0.4, 0)
  const rounds = 8;
  const data = episodesAgainst(sampleMemoryOneBatch(1536, seeded('own')), extortioner, rounds, 'play');
  const cfg: PpiConfig = { ...TINY, hiddenSize: 24, epochs: 6, batchEpisodes: 64, learningRate: 1e-2, weightDecay: 0 };
  const { net } = fitPpiModel(data, cfg, false, seeded('fit'));
  const test = episodesAgainst(sampleMemoryOneBatch(200, seeded('own-test')), extortioner, rounds, 'play-test');
  const S = ppiSteps(rounds, false), K = PPI_OUT.size;
  const out = net.forward(ppiInputs(test, false), test.episodes, S);
  const p = toArray(extortioner);
  let err = 0, n = 0;
  for (let b = 0; b < test.episodes; b++) {
    let last: Outcome = Outcome.START;
    for (let t = 0; t < rounds; t++) {
      const a = test.actions[b * rounds + t] as Action;
      const o = (b * S + 3 * t + 2) * K; // the observation head after a_t
      const z = Array.from(out.subarray(o, o + 5));
      const pReplyC = Math.exp(z[outcomeOf(a, C)]) / (Math.exp(z[outcomeOf(a, C)]) + Math.exp(z[outcomeOf(a, D)]));
      err += Math.abs(pReplyC - p[swapView(last)]); // the extortioner reads the previous round from its own side
      n++;
      last = outcomeOf(a, test.coPlayerActions[b * rounds + t] as Action);
    }
  }
  assert.ok(err / n < 0.05, `mean |P̂(reply C) − P(reply C)| = ${(err / n).toFixed(4)}`);
});

/**
 * A stand-in "model" that knows both players exactly: the co-player `y` (its replies, through the observation head)
 * and the agent's own prior `x` (a memory-one policy, through the action head). State: the last outcome.
 * It implements the step interface the rollouts use, so Q̂ can be checked against the exact Markov chain.
 */
function oracleModel(x: MemoryOne, y: MemoryOne, opponentId = false): PpiStepModel & { zeroState(b: number): Float32Array } {
  const W = ppiInputSize(opponentId), K = PPI_OUT.size;
  const logit = (p: number) => Math.log(Math.min(1 - 1e-9, Math.max(1e-9, p)));
  const px = toArray(x), py = toArray(y);
  return {
    config: { inputSize: W, hiddenSize: 1, outputSize: K },
    zeroState: (b: number) => new Float32Array(b).fill(Outcome.START),
    step(h: Float32Array, input: Float32Array, batch: number) {
      const nh = h.slice(), out = new Float32Array(batch * K).fill(-30);
      for (let r = 0; r < batch; r++) {
        const row = input.subarray(r * W, (r + 1) * W), o = r * K;
        const last = h[r] as Outcome;
        const obs = row.subarray(0, 5).indexOf(1);
        if (obs >= 0) {
          nh[r] = obs;
          out[o + PPI_OUT.reward] = [0, 1, -1, 2, 0][obs];
        } else if (row[5] === 1 || row[6] === 1) {
          const a = (row[5] === 1 ? C : D) as Action;
          const q = py[swapView(last)];
          out[o + outcomeOf(a, C)] = logit(q);
          out[o + outcomeOf(a, D)] = logit(1 - q);
        } else if (row[8] === 1) {
          out[o + PPI_OUT.action] = logit(px[last]);
          out[o + PPI_OUT.action + 1] = logit(1 - px[last]);
        }
      }
      return { h: nh, out };
    },
  };
}

/** Exact value of "take a in state `last`, then follow x", against y, summed over `rounds` rounds (game/exact's chain). */
function exactQ(x: MemoryOne, y: MemoryOne, last: Outcome, a: Action, rounds: number): number {
  const M = markovChain(x, y).transition;
  const rx = [1, -1, 2, 0]; // R, S, T, P in the chain's state order CC, CD, DC, DD
  const q = toArray(y)[swapView(last)];
  let d = [0, 0, 0, 0];
  d[outcomeOf(a, C) - 1] = q;
  d[outcomeOf(a, D) - 1] = 1 - q;
  let total = 0;
  for (let j = 0; j < rounds; j++) {
    total += d.reduce((s, p, i) => s + p * rx[i], 0);
    const next = [0, 0, 0, 0];
    for (let i = 0; i < 4; i++) for (let k = 0; k < 4; k++) next[k] += d[i] * M[4 * i + k];
    d = next;
  }
  return total;
}

test('Q̂ from rollouts in a model that knows the co-player agrees with the exact "take a, then follow the prior" values within 4 standard errors', () => {
  const x: MemoryOne = { p0: 0.6, cc: 0.8, cd: 0.3, dc: 0.6, dd: 0.2 };
  const y = zdExtortion({ chi: 2, phi: 0.1, p0: 0.8 });
  const model = oracleModel(x, y);
  const states = [Outcome.START, Outcome.CC, Outcome.CD, Outcome.DC, Outcome.DD];
  const h = Float32Array.from(states);
  const K = 3000;
  for (const rounds of [1, 4, 15]) {
    const G = rolloutReturns(model, h, states.length, rounds, K, seeded(`q-${rounds}`));
    const q = qHatFromReturns(G, states.length, K);
    states.forEach((s, e) => {
      for (const a of [C, D] as Action[]) {
        const i = e * 2 + a;
        let v = 0;
        for (let n = 0; n < K; n++) v += (G[i * K + n] - q[i]) ** 2;
        const se = Math.sqrt(v / (K - 1) / K);
        const exact = exactQ(x, y, s, a, rounds);
        assert.ok(Math.abs(q[i] - exact) < 4 * se + 1e-9, `state ${s}, action ${a}, ${rounds} rounds: Q̂ ${q[i].toFixed(3)} vs exact ${exact.toFixed(3)} (SE ${se.toFixed(3)})`);
      }
    });
  }
});

test('π ∝ p·exp(βQ̂): β = 0 is exactly the prior; the improved policy against ALLC defects, and against TFT cooperates except in the last round', () => {
  for (const [zC, zD] of [[0.3, -1.2], [2, 2], [-4, 1]]) {
    assert.equal(improvedProbCooperate(zC, zD, 5, -7, 0), 1 / (1 + Math.exp(-(zC - zD))));
  }
  const rounds = 12;
  const play = (co: MemoryOne, beta: number, kind: 'allc' | 'tft') => {
    const actor = ppiActor(oracleModel(RANDOM, co), false, { beta, rolloutRounds: 15, rolloutsPerAction: 8 }, { rounds });
    return playMatch(actor, memoryOneActor(co, kind), 200, seeded(`play-${kind}-${beta}`), { rounds }).batch;
  };
  // The prior cooperates half the time; with β = 0 so does the agent.
  assert.ok(Math.abs(cooperationRate(play(ALLC, 0, 'allc'), 0) - 0.5) < 0.05);
  // Against ALLC, defecting gains 1 now and changes nothing later: Q̂(D) − Q̂(C) = 1, so β = 6 defects ~99.8%.
  assert.ok(cooperationRate(play(ALLC, 6, 'allc'), 0) < 0.01);
  // Against TFT, cooperating costs 1 now and earns 2 next round (TFT copies the move): Q̂(C) − Q̂(D) = +1, except in the
  // last round, where the rollout is truncated at the episode's end and only the immediate payoff counts.
  const tft = play(TFT, 6, 'tft');
  let early = 0, lastRound = 0;
  for (let e = 0; e < tft.episodes; e++) {
    for (let t = 0; t < rounds - 1; t++) early += tft.actions[e * rounds + t] === C ? 1 : 0;
    lastRound += tft.actions[e * rounds + rounds - 1] === C ? 1 : 0;
  }
  assert.ok(early / (tft.episodes * (rounds - 1)) > 0.98, `cooperation before the last round ${early / (tft.episodes * (rounds - 1))}`);
  assert.ok(lastRound / tft.episodes < 0.02, `cooperation in the last round ${lastRound / tft.episodes}`);
});

test('with β = 0 the actor samples exactly from the model\'s action head', () => {
  const net = createPpiNet(TINY, false, seeded('prior'));
  for (let i = 0; i < net.params.length; i++) net.params[i] *= 3; // a prior far from ½
  const B = 64;
  const actor = ppiActor(net, false, { beta: 0, rolloutRounds: 15, rolloutsPerAction: 4 });
  const session = actor.begin(B, seeded('a'));
  const got = new Uint8Array(B);
  session.act(new Uint8Array(B), new Float32Array(B), got); // round 0: START, r0 = 0
  // The same two tokens through the network, and the same uniforms.
  const x = new Float32Array(B * 9);
  for (let b = 0; b < B; b++) x[b * 9] = 1;
  let s = net.step(net.zeroState(B), x, B);
  x.fill(0);
  for (let b = 0; b < B; b++) x[b * 9 + 8] = 1;
  s = net.step(s.h, x, B);
  const u = seeded('a');
  const expected = Uint8Array.from({ length: B }, (_, b) => (u.uniform() < 1 / (1 + Math.exp(s.out[b * 8 + 7] - s.out[b * 8 + 6])) ? C : D));
  assert.deepEqual(got, expected);
  assert.ok(got.some((a) => a === C) && got.some((a) => a === D));
});

test('one phase: refit from scratch on all data, act with π, append each learner\'s own side; with β large a model pretrained on D0 exploits ALLC', () => {
  const rounds = 10;
  const game = { rounds };
  const cfg: PpiConfig = { ...TINY, beta: 8, pretrainEpisodes: 256, episodesPerPhase: 40 };
  const d0 = pretrainingData(cfg.pretrainEpisodes, { noTabular: false, opponentId: false, rounds }, seeded('D0'));
  const agent: PpiAgent = { net: null, data: d0, fittedEpisodes: 0, opponentId: false };
  const r = ppiPhase([agent], [{ learner: 0, coPlayer: { actor: memoryOneActor(ALLC, 'allc') }, episodes: 40 }], cfg, seeded('phase'), game);
  assert.equal(agent.data.episodes, 256 + 40);
  assert.equal(agent.fittedEpisodes, 256);
  assert.ok(r.fits[0] && r.fits[0].updates === 2 * Math.ceil(256 / 32));
  assert.ok(r.points[0].cooperation < 0.1, `cooperation against ALLC ${r.points[0].cooperation}`);
  // The new episodes are stored as played (own moves, ALLC always C).
  assert.ok(agent.data.coPlayerActions.subarray(256 * rounds).every((a) => a === C));
  // Refitting is from scratch: the same data and stream give the same weights, whatever the model was before.
  const again: PpiAgent = { net: null, data: d0, fittedEpisodes: 0, opponentId: false };
  ensureFitted(again, cfg, seeded('phase').child('fit-0'), game);
  const first = fitPpiModel(d0, cfg, false, seeded('phase').child('fit-0'), game).net;
  assert.deepEqual(again.net!.params, first.params);
});

test('two learners share their episodes and each stores its own side (decentralised); identities reach the data in the ID ablation', () => {
  const rounds = 6, game = { rounds };
  const cfg: PpiConfig = { ...TINY, epochs: 1, pretrainEpisodes: 64, episodesPerPhase: 16, rolloutsPerAction: 2 };
  const mk = (seed: string): PpiAgent => ({ net: null, data: pretrainingData(64, { noTabular: false, opponentId: true, rounds }, seeded(seed)), fittedEpisodes: 0, opponentId: true });
  const [a, b] = [mk('a'), mk('b')];
  ppiPhase([a, b], [
    { learner: 0, coPlayer: { learner: 1 }, episodes: 16 },
    { learner: 1, coPlayer: { actor: tabularPoolActor() }, episodes: 8 },
  ], cfg, seeded('two'), game);
  assert.equal(a.data.episodes, 64 + 16);
  assert.equal(b.data.episodes, 64 + 16 + 8);
  const n = 16 * rounds;
  assert.deepEqual(b.data.actions.subarray(64 * rounds, 64 * rounds + n), a.data.coPlayerActions.subarray(64 * rounds));
  assert.deepEqual(b.data.coPlayerActions.subarray(64 * rounds, 64 * rounds + n), a.data.actions.subarray(64 * rounds));
  // A learner's identity is the zero flag; a tabular co-player's is its log-probabilities (finite, ≤ 0, not all 0).
  assert.ok(a.data.coPlayerIds!.subarray(64 * ID_SIZE).every((v) => v === 0));
  const tabIds = b.data.coPlayerIds!.subarray(80 * ID_SIZE);
  assert.equal(tabIds.length, 8 * ID_SIZE);
  assert.ok(tabIds.every((v) => Number.isFinite(v) && v <= 0) && tabIds.some((v) => v < 0));
});

test('D0: tabular episodes carry the co-player\'s identity; No-Tabular episodes are coin flips for both players', () => {
  const tab = pretrainingData(400, { noTabular: false, opponentId: true, rounds: 20 }, seeded('d0'));
  assert.equal(tab.coPlayerIds!.length, 400 * ID_SIZE);
  // The identity is log π(a|o) of a policy: each (C, D) pair's probabilities sum to 1.
  for (let i = 0; i < 5; i++) assert.ok(Math.abs(Math.exp(tab.coPlayerIds![2 * i]) + Math.exp(tab.coPlayerIds![2 * i + 1]) - 1) < 1e-5);
  const mean = (a: Uint8Array) => a.reduce((s, v) => s + v, 0) / a.length;
  const random = pretrainingData(400, { noTabular: true, opponentId: false, rounds: 20 }, seeded('d0'));
  assert.equal(random.coPlayerIds, undefined);
  assert.ok(Math.abs(mean(random.actions) - 0.5) < 0.03 && Math.abs(mean(random.coPlayerActions) - 0.5) < 0.03);
  assert.throws(() => pretrainingData(4, { noTabular: true, opponentId: true }, seeded('x')), /noTabular with opponentId/);
  // Episodes of the paper's length are generated in blocks; more than one block joins seamlessly.
  const big = pretrainingData(10_003, { noTabular: false, opponentId: false }, seeded('big'));
  assert.equal(big.actions.length, 10_003 * 100);
  assert.ok(Math.abs(mean(big.coPlayerActions) - 0.5) < 0.01);
});

test('bit-packed moves: 25 bytes per 100-round episode, lossless with identities; concatEpisodes joins data sets', () => {
  const a = pretrainingData(37, { noTabular: false, opponentId: true }, seeded('pack'));
  const packed = packMoves(a);
  assert.equal(packed.length, Math.ceil((37 * 100 * 2) / 8));
  assert.equal(packMoves(pretrainingData(8, { noTabular: true, opponentId: false }, seeded('p8'))).length, 8 * 25);
  const back = unpackMoves(packed, 37, 100, a.coPlayerIds);
  assert.deepEqual(back.actions, a.actions);
  assert.deepEqual(back.coPlayerActions, a.coPlayerActions);
  assert.throws(() => unpackMoves(packed.subarray(1), 37, 100), /need 925 bytes, got 924/);
  const b = pretrainingData(5, { noTabular: false, opponentId: true }, seeded('pack-b'));
  const ab = concatEpisodes([a, b]);
  assert.equal(ab.episodes, 42);
  assert.deepEqual(ab.actions.subarray(3700), b.actions);
  assert.deepEqual(ab.coPlayerIds!.subarray(370), b.coPlayerIds);
  assert.throws(() => concatEpisodes([a, { ...b, coPlayerIds: undefined }]), /some parts carry co-player identities/);
});

test('the paper\'s settings are valid, β = 0.01 is kept as the paper\'s value, and bad settings are named', () => {
  validatePpiConfig(PPI_PAPER);
  assert.equal(PPI_PAPER_BETA, 0.01);
  validatePpiConfig({ ...PPI_PAPER, beta: PPI_PAPER_BETA });
  assert.deepEqual(
    [PPI_PAPER.pretrainEpisodes, PPI_PAPER.episodesPerPhase, PPI_PAPER.phases, PPI_PAPER.epochs, PPI_PAPER.batchEpisodes, PPI_PAPER.rolloutRounds],
    [200_000, 20_000, 30, 10, 256, 15],
  );
  assert.deepEqual([PPI_PAPER.learningRate, PPI_PAPER.weightDecay, PPI_PAPER.adamBeta1, PPI_PAPER.adamBeta2, PPI_PAPER.maxGradNorm], [1e-4, 1e-2, 0.9, 0.98, 1]);
  assert.throws(() => validatePpiConfig({ ...PPI_PAPER, rolloutsPerAction: 0 }), /rolloutsPerAction must be an integer >= 1, got 0/);
  assert.throws(() => validatePpiConfig({ ...PPI_PAPER, beta: -1 }), /beta must lie in \[0, Infinity\], got -1/);
});

test('trainPpi: Algorithm 1 in order: the D0 fit is phase 1\'s model, each later phase refits once, then acts and appends', async () => {
  const rounds = 5, game = { rounds };
  const cfg: PpiConfig = { ...TINY, epochs: 1, pretrainEpisodes: 64, episodesPerPhase: 8, phases: 3, rolloutsPerAction: 1, rolloutRounds: 2 };
  const agent: PpiAgent = { net: null, data: pretrainingData(64, { noTabular: false, opponentId: false, rounds }, seeded('D0')), fittedEpisodes: 0, opponentId: false };
  const stages: string[] = [];
  const units: number[] = [];
  const matchups = [{ learner: 0, coPlayer: { actor: memoryOneActor(TFT, 'tft') }, episodes: 8 }];
  const outcome = await trainPpi(cfg, [agent], matchups, seeded('run'), {
    onWork: (stage, done) => { if (done === 1) stages.push(stage); },
    afterUnit: (done, r) => { units.push(done, r.stats[0].dataEpisodes); },
  }, 0, game);
  assert.deepEqual(stages, ['pretraining learner 1 on D0', 'acting', 'refit learner 1', 'acting', 'refit learner 1', 'acting']);
  assert.deepEqual(units, [1, 64, 2, 72, 3, 80]);
  assert.deepEqual([outcome.unitsDone, outcome.stopped, agent.data.episodes], [3, false, 88]);
  // Stopped after phase 1 and continued from there, it ends where the uninterrupted run ended.
  const again: PpiAgent = { net: null, data: pretrainingData(64, { noTabular: false, opponentId: false, rounds }, seeded('D0')), fittedEpisodes: 0, opponentId: false };
  assert.equal((await trainPpi(cfg, [again], matchups, seeded('run'), { afterUnit: () => true }, 0, game)).unitsDone, 1);
  await trainPpi(cfg, [again], matchups, seeded('run'), {}, 1, game);
  assert.deepEqual(again.data, agent.data);
  assert.deepEqual(again.net!.params, agent.net!.params);
});
