import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  A2C_STEP1, A2C_STEP2, A2C_STEP3, A2C_STEP4, a2cActor, a2cInputs, a2cIteration, a2cLoss, a2cUpdate, createA2cAgent,
  entropyCoefAt, trainA2c, validateA2cConfig, type A2cAgent, type A2cConfig,
} from '../../src/learners/a2c';
import { memoryOneActor, tabularPoolActor } from '../../src/agents/tabular';
import { playMatch, swapSeats } from '../../src/agents/match';
import { ALLC, ALLD, TFT, memoryOneLogProbs } from '../../src/game/memory-one';
import { Adam, GruNet } from '../../src/model/gru-net';
import { seeded } from '../../src/rng';

const TINY: A2cConfig = { ...A2C_STEP1, batchEpisodes: 32, hiddenSize: 16, embedSize: 8, learningRate: 1e-2, gamma: 0.9 };

function trainAgainst(policy: typeof ALLC, kind: 'allc' | 'alld' | 'tft', iterations: number) {
  const rng = seeded(`a2c-${kind}`);
  const agent = createA2cAgent(TINY, false, rng.child('init'));
  const co = memoryOneActor(policy, kind);
  let last = { reward: 0, cooperation: 0 };
  for (let i = 0; i < iterations; i++) {
    const r = a2cIteration([agent], [{ learner: 0, coPlayer: { actor: co }, episodes: TINY.batchEpisodes }], TINY, rng.child(i), { rounds: 10 });
    last = r.points[0];
  }
  return last;
}

test('a tiny agent learns within seconds to defect against ALLC and ALLD and to cooperate with TFT (10-round episodes)', () => {
  const allc = trainAgainst(ALLC, 'allc', 120);
  assert.ok(allc.cooperation < 0.05 && allc.reward > 1.9, `vs ALLC: cooperation ${allc.cooperation}, reward ${allc.reward}`);
  const alld = trainAgainst(ALLD, 'alld', 120);
  assert.ok(alld.cooperation < 0.05, `vs ALLD: cooperation ${alld.cooperation}`);
  const tft = trainAgainst(TFT, 'tft', 120);
  assert.ok(tft.cooperation > 0.9 && tft.reward > 0.9, `vs TFT: cooperation ${tft.cooperation}, reward ${tft.reward}`);
});

test('in a pool of ALLC, ALLD and TFT a tiny agent learns in-context best responses: it tells TFT from ALLC by its reply', () => {
  // ALLC and TFT both cooperate in round 0; only the reply to a defection tells them apart, so cooperating with TFT
  // while defecting against ALLC needs inference from the episode so far. Entropy 0.03 keeps the policy from falling
  // into always-defect before it finds that (at the paper's 1e-3 this happens for some seeds; README "A2C").
  const cfg: A2cConfig = { ...TINY, hiddenSize: 32, learningRate: 1e-2, gamma: A2C_STEP1.gamma, entropyCoef: 0.03 };
  const rounds = 20;
  const pool = { allc: memoryOneActor(ALLC, 'allc'), alld: memoryOneActor(ALLD, 'alld'), tft: memoryOneActor(TFT, 'tft') };
  const rng = seeded('a2c-in-context');
  const agent = createA2cAgent(cfg, false, rng.child('init'));
  for (let i = 0; i < 200; i++) {
    a2cIteration([agent], Object.values(pool).map((actor) => ({ learner: 0, coPlayer: { actor }, episodes: 32 })), cfg, rng.child(i), { rounds });
  }
  const cooperation: Record<string, number> = {};
  for (const [name, actor] of Object.entries(pool)) {
    const { batch } = playMatch(a2cActor(agent), actor, 256, rng.child(`eval-${name}`), { rounds });
    let c = 0, n = 0;
    for (let b = 0; b < batch.episodes; b++) {
      for (let t = 3; t < rounds - 3; t++, n++) c += batch.actions[b * rounds + t] === 0 ? 1 : 0; // past the probe, before the end game
    }
    cooperation[name] = c / n;
  }
  assert.ok(cooperation.tft > 0.9 && cooperation.allc < 0.05 && cooperation.alld < 0.05, JSON.stringify(cooperation));
});

test('the policy gradient of the loss matches finite differences in the logits', () => {
  const cfg: A2cConfig = { ...TINY, entropyCoef: 0.05 };
  const rng = seeded('fd');
  const agent = createA2cAgent(cfg, false, rng.child('init'));
  const { batch } = playMatch(a2cActor(agent), tabularPoolActor(), 3, rng.child('play'), { rounds: 4 });
  const data = { ...batch, learnerCoPlayer: Uint8Array.from([0, 1, 0]) };
  const { x, steps } = a2cInputs(agent, data);
  const out = Float32Array.from(agent.net.forward(x, 3, steps));
  const { dOut } = a2cLoss(out, data, cfg, 0);
  const eps = 1e-3;
  for (const i of [0, 1, 3, 7, 12, 22]) {
    if (i % 3 === 2) continue; // value column: semi-gradient (targets are constants), checked below
    const plus = Float32Array.from(out); plus[i] += eps;
    const minus = Float32Array.from(out); minus[i] -= eps;
    const fd = (a2cLoss(plus, data, cfg, 0).stats.loss - a2cLoss(minus, data, cfg, 0).stats.loss) / (2 * eps);
    assert.ok(Math.abs(fd - dOut[i]) < 2e-4, `output ${i}: finite difference ${fd} vs analytic ${dOut[i]}`);
  }
});

test('the value gradient is 2·c_v·(V − G)/N with the TD(λ) target held fixed', () => {
  const cfg: A2cConfig = { ...TINY, tdLambda: 1, gaeLambda: 1, gamma: 1, rewardScale: 1, centerAdvantages: false };
  const batch = {
    episodes: 1, rounds: 2,
    actions: Uint8Array.from([0, 1]), coPlayerActions: Uint8Array.from([0, 0]),
    rewards: Float32Array.from([1, 2]), coPlayerRewards: Float32Array.from([1, -1]),
  };
  // outputs per round: logits 0, 0 and values 0.5 and 1.5; G = (3, 2); N = 2
  const out = Float32Array.from([0, 0, 0.5, 0, 0, 1.5]);
  const { dOut, stats } = a2cLoss(out, { ...batch, learnerCoPlayer: new Uint8Array(1) }, cfg, 0);
  assert.ok(Math.abs(dOut[2] - (2 * 0.5 * (0.5 - 3)) / 2) < 1e-6);
  assert.ok(Math.abs(dOut[5] - (2 * 0.5 * (1.5 - 2)) / 2) < 1e-6);
  // advantages (λ = γ = 1, no centering) = G − V = (2.5, 0.5); policy loss = −mean(log ½ · A)
  assert.ok(Math.abs(stats.policyLoss - Math.log(2) * 1.5) < 1e-6);
  assert.ok(Math.abs(stats.valueLoss - (2.5 * 2.5 + 0.5 * 0.5) / 2) < 1e-6);
});

function cloneAgent(a: A2cAgent): A2cAgent {
  const net = GruNet.fromParams(a.net.config, a.net.params);
  return { net, optimizer: Adam.restore(a.optimizer.state()), opponentId: a.opponentId };
}

test('decentralised: a learner\'s update is a function of its own side of the episodes only', () => {
  const cfg: A2cConfig = { ...TINY, batchEpisodes: 8 };
  const rng = seeded('decentral');
  const a = createA2cAgent(cfg, false, rng.child('a'));
  const b = createA2cAgent(cfg, false, rng.child('b'));
  const a0 = cloneAgent(a), b0 = cloneAgent(b);
  const iterRng = rng.child('iteration');
  a2cIteration([a, b], [{ learner: 0, coPlayer: { learner: 1 }, episodes: 8 }], cfg, iterRng, { rounds: 6 });
  // Replay the same episodes with the initial weights, then update B alone from its own view.
  const { batch } = playMatch(a2cActor(a0), a2cActor(b0), 8, iterRng.child('match-0'), { rounds: 6 });
  a2cUpdate(b0, { ...swapSeats(batch), learnerCoPlayer: new Uint8Array(8).fill(1) }, cfg);
  assert.deepEqual(Array.from(b.net.params), Array.from(b0.net.params));
  // A's update happened too, and changed A's weights (not B's).
  assert.notDeepEqual(Array.from(a.net.params), Array.from(a0.net.params));
});

test('Opponent ID: the agent is told exactly the tabular co-player\'s log-probabilities, and zeros for a learner', () => {
  const rng = seeded('ids');
  const agent = createA2cAgent(TINY, true, rng.child('init'));
  const vsTft = playMatch(a2cActor(agent), memoryOneActor(TFT, 'tft'), 3, rng.child('t'), { rounds: 3, identities: true });
  const expected = Array.from(memoryOneLogProbs(TFT), (v) => Math.fround(v));
  for (let e = 0; e < 3; e++) assert.deepEqual(Array.from(vsTft.idsOfB!.subarray(e * 10, e * 10 + 10)), expected);
  const { x, steps, offset } = a2cInputs(agent, { ...vsTft.batch, learnerCoPlayer: new Uint8Array(3), coPlayerIds: vsTft.idsOfB });
  assert.equal(offset, 1);
  assert.equal(steps, 4);
  const width = agent.net.config.inputSize;
  assert.deepEqual(Array.from(x.subarray(5, 15)), expected);          // the ID token of episode 0
  assert.equal(x[15], 1);                                               // its indicator
  assert.deepEqual(Array.from(x.subarray(width, width + 5)), [1, 0, 0, 0, 0]); // then Start
  const vsLearner = playMatch(a2cActor(agent), a2cActor(agent), 2, rng.child('l'), { rounds: 3, identities: true });
  assert.ok(vsLearner.idsOfB!.every((v) => v === 0));
  // the pool: a fresh tabular agent per episode, each with its own vector
  const vsPool = playMatch(a2cActor(agent), tabularPoolActor(), 2, rng.child('p'), { rounds: 3, identities: true });
  assert.notDeepEqual(Array.from(vsPool.idsOfB!.subarray(0, 10)), Array.from(vsPool.idsOfB!.subarray(10, 20)));
});

test('the paper\'s Table 2 presets are valid and bad settings are named in the error', () => {
  for (const c of [A2C_STEP1, A2C_STEP2, A2C_STEP3, A2C_STEP4]) validateA2cConfig(c);
  assert.equal(A2C_STEP3.batchEpisodes, 4096);
  assert.equal(A2C_STEP2.centerAdvantages, false);
  assert.throws(() => validateA2cConfig({ ...A2C_STEP1, learningRate: -1 }), /learningRate must lie in \(0, 1\), got -1/);
  assert.throws(() => validateA2cConfig({ ...A2C_STEP1, batchEpisodes: 1.5 }), /batchEpisodes must be an integer >= 1, got 1\.5/);
});

test("createA2cAgent: init 'pytorch' is passed to the network (non-zero biases), anything else is refused", () => {
  const flax = createA2cAgent(A2C_STEP1, false, seeded('a').child('init'));
  const torch = createA2cAgent({ ...A2C_STEP1, init: 'pytorch' }, false, seeded('a').child('init'));
  assert.ok(flax.net.paramViews()['head.bias'].every((x) => x === 0));
  assert.ok(torch.net.paramViews()['head.bias'].some((x) => x !== 0));
  assert.equal(torch.net.params.length, flax.net.params.length);
  assert.throws(() => validateA2cConfig({ ...A2C_STEP1, init: 'he' as never }), /A2cConfig: init must be one of flax, pytorch/);
});

test('scaleAdvantages divides each co-player group\'s centred advantages by one factor of its own; it needs centering', () => {
  const cfg: A2cConfig = { ...TINY, entropyCoef: 0 };
  const rng = seeded('scale-advantages');
  const agent = createA2cAgent(cfg, false, rng.child('init'));
  const { batch } = playMatch(a2cActor(agent), tabularPoolActor(), 4, rng.child('play'), { rounds: 5 });
  const data = { ...batch, learnerCoPlayer: Uint8Array.from([0, 1, 0, 1]) };
  const { x, steps } = a2cInputs(agent, data);
  const out = Float32Array.from(agent.net.forward(x, 4, steps));
  const plain = a2cLoss(out, data, cfg, 0).dOut;
  const scaled = a2cLoss(out, data, { ...cfg, scaleAdvantages: true }, 0).dOut;
  // With c_e = 0 the logit gradient is linear in A_t, so scaled/plain is 1/std of the episode's group.
  const ratios: number[][] = [[], []];
  for (let b = 0; b < 4; b++) for (let t = 0; t < 5; t++) ratios[b % 2].push(scaled[(b * 5 + t) * 3] / plain[(b * 5 + t) * 3]);
  for (const group of ratios) for (const r of group) assert.ok(Math.abs(r - group[0]) < 1e-3 * Math.abs(group[0]), `ratios ${group}`);
  assert.ok(Math.abs(ratios[0][0] - ratios[1][0]) > 1e-3, `both groups scaled alike: ${ratios[0][0]} ${ratios[1][0]}`);
  for (let i = 2; i < out.length; i += 3) assert.equal(scaled[i], plain[i], 'the value gradient is not affected');
  assert.throws(() => validateA2cConfig({ ...A2C_STEP2, scaleAdvantages: true }), /scaleAdvantages .* needs centerAdvantages = true/);
  assert.throws(() => validateA2cConfig({ ...A2C_STEP1, scaleAdvantages: 'yes' as never }), /A2cConfig: scaleAdvantages must be a boolean, got yes/);
});

test('sumOverRounds multiplies the loss and every output gradient by the number of rounds (a sum over t, mean over episodes)', () => {
  const cfg: A2cConfig = { ...TINY, entropyCoef: 0.05 };
  const rng = seeded('sum-over-rounds');
  const agent = createA2cAgent(cfg, false, rng.child('init'));
  const rounds = 6;
  const { batch } = playMatch(a2cActor(agent), tabularPoolActor(), 3, rng.child('play'), { rounds });
  const data = { ...batch, learnerCoPlayer: new Uint8Array(3) };
  const { x, steps } = a2cInputs(agent, data);
  const out = Float32Array.from(agent.net.forward(x, 3, steps));
  const mean = a2cLoss(out, data, cfg, 0);
  const sum = a2cLoss(out, data, { ...cfg, sumOverRounds: true }, 0);
  assert.ok(Math.abs(sum.stats.loss - rounds * mean.stats.loss) < 1e-5 * Math.abs(sum.stats.loss));
  for (let i = 0; i < out.length; i++) assert.ok(Math.abs(sum.dOut[i] - rounds * mean.dOut[i]) <= 1e-6 + 1e-5 * Math.abs(sum.dOut[i]), `output ${i}`);
});

test('entropyCoefAt: constant by default (the paper), a linear decay from entropyCoef to entropyCoefEnd when set', () => {
  assert.equal(entropyCoefAt(A2C_STEP1, 0), A2C_STEP1.entropyCoef);
  assert.equal(entropyCoefAt(A2C_STEP1, 49_999), A2C_STEP1.entropyCoef);
  const annealed: A2cConfig = { ...A2C_STEP1, iterations: 101, entropyCoef: 0.1, entropyCoefEnd: 0.001 };
  assert.equal(entropyCoefAt(annealed, 0), 0.1);
  assert.ok(Math.abs(entropyCoefAt(annealed, 50) - 0.0505) < 1e-12);
  assert.ok(Math.abs(entropyCoefAt(annealed, 100) - 0.001) < 1e-12);
  assert.ok(Math.abs(entropyCoefAt(annealed, 500) - 0.001) < 1e-12, 'past the end it stays at the end value');
  assert.throws(() => validateA2cConfig({ ...annealed, entropyCoefEnd: -1 }), /entropyCoefEnd/);
});

test('entropyCoefAt with entropyDecayFrom: constant until that fraction of training, then linear to entropyCoefEnd', () => {
  const cfg = { ...A2C_STEP1, entropyCoef: 0.01, entropyCoefEnd: 0.001, entropyDecayFrom: 0.75, iterations: 401 };
  assert.equal(entropyCoefAt(cfg, 0), 0.01);
  assert.equal(entropyCoefAt(cfg, 300), 0.01);
  assert.ok(Math.abs(entropyCoefAt(cfg, 350) - 0.0055) < 1e-12);
  assert.ok(Math.abs(entropyCoefAt(cfg, 400) - 0.001) < 1e-15);
  assert.throws(() => validateA2cConfig({ ...cfg, entropyDecayFrom: 1 }), /entropyDecayFrom must be below 1/);
  assert.throws(() => validateA2cConfig({ ...A2C_STEP1, entropyDecayFrom: 0.5 }), /entropyDecayFrom needs entropyCoefEnd/);
});

test('the entropy schedule is applied inside the loss: the loss at iteration k is the loss with c_e(k)', () => {
  const cfg: A2cConfig = { ...TINY, iterations: 11, entropyCoef: 0.1, entropyCoefEnd: 0.01 };
  const rng = seeded('schedule');
  const agent = createA2cAgent(cfg, false, rng.child('init'));
  const { batch } = playMatch(a2cActor(agent), tabularPoolActor(), 3, rng.child('play'), { rounds: 4 });
  const data = { ...batch, learnerCoPlayer: new Uint8Array(3) };
  const { x, steps } = a2cInputs(agent, data);
  const out = Float32Array.from(agent.net.forward(x, 3, steps));
  const at5 = a2cLoss(out, data, cfg, 0, 5);
  const constant = a2cLoss(out, data, { ...cfg, entropyCoef: entropyCoefAt(cfg, 5), entropyCoefEnd: undefined }, 0);
  assert.deepEqual(at5, constant);
  assert.notDeepEqual(at5.stats, a2cLoss(out, data, cfg, 0, 0).stats);
});

test('trainA2c: one iteration per unit from the stream unit-<k>; stopped and continued, it ends as the uninterrupted run', async () => {
  const cfg: A2cConfig = { ...TINY, batchEpisodes: 8, iterations: 4, entropyCoefEnd: 0.0001 };
  const matchups = [{ learner: 0, coPlayer: { learner: 1 }, episodes: 4 }, { learner: 1, coPlayer: { actor: memoryOneActor(TFT, 'tft') }, episodes: 4 }];
  const fresh = () => [0, 1].map((i) => createA2cAgent(cfg, false, seeded(`train-${i}`)));
  const whole = fresh(), units: number[] = [];
  const outcome = await trainA2c(cfg, whole, matchups, seeded('run'), { afterUnit: (done, r) => { units.push(done, r.points.length, r.stats.length); } }, 0, { rounds: 5 });
  assert.deepEqual(units, [1, 3, 2, 2, 3, 2, 3, 3, 2, 4, 3, 2]); // per iteration: its count, 3 curve points (both sides of the shared game, TFT), 2 learners
  assert.deepEqual([outcome.unitsDone, outcome.stopped], [4, false]);
  const split = fresh();
  assert.deepEqual(await trainA2c(cfg, split, matchups, seeded('run'), { afterUnit: (done) => done === 2 }, 0, { rounds: 5 }).then((o) => [o.unitsDone, o.stopped]), [2, true]);
  await trainA2c(cfg, split, matchups, seeded('run'), {}, 2, { rounds: 5 });
  whole.forEach((a, i) => assert.deepEqual(split[i].net.params, a.net.params));
});

test('two learners on two threads run side by side (one core each) and train exactly as on one thread', async () => {
  const cfg: A2cConfig = { ...TINY, batchEpisodes: 12, iterations: 3 };
  const matchups = [{ learner: 0, coPlayer: { learner: 1 }, episodes: 6 }, { learner: 0, coPlayer: { actor: memoryOneActor(TFT, 'tft') }, episodes: 6 },
    { learner: 1, coPlayer: { actor: memoryOneActor(ALLD, 'alld') }, episodes: 6 }];
  const agents = (threads: string) => {
    const saved = process.env.ICL_THREADS;
    process.env.ICL_THREADS = threads;
    try {
      return [0, 1].map((i) => createA2cAgent(cfg, false, seeded(`side-${i}`)));
    } finally {
      if (saved === undefined) delete process.env.ICL_THREADS; else process.env.ICL_THREADS = saved;
    }
  };
  const one = agents('1'), two = agents('2');
  try {
    const curves = async (a: A2cAgent[]) => {
      const rows: unknown[] = [];
      await trainA2c(cfg, a, matchups, seeded('side-run'), { afterUnit: (_, r) => { rows.push(r.points, r.stats); } }, 0, { rounds: 8 });
      return rows;
    };
    const [c1, c2] = [await curves(one), await curves(two)];
    assert.deepEqual(two.map((a) => a.net.rowPlacement), ['main', 'worker']);
    assert.deepEqual(c2, c1, 'the same curves and losses');
    one.forEach((a, i) => assert.deepEqual(two[i].net.params, a.net.params, `learner ${i}'s weights`));
  } finally {
    for (const a of [...one, ...two]) a.net.dispose();
  }
});
