import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryOneActor, tabularPoolActor } from '../../src/agents/tabular';
import { TFT } from '../../src/game/memory-one';
import { C, D, outcomeOf } from '../../src/game/ipd';
import { runExperiment } from '../../src/experiments/run';
import { PPI_OUT, ppiInputs, ppiSteps } from '../../src/learners/ppi';
import { seeded } from '../../src/rng';
import { betaRecords, equilibriumRecords, horizonRecords, improvedUnderBeta, inspectPpi, loadPpiModel, ppiInsideFigure, ppiLossFigure, ppiModelActor, stretchRecords } from '../../src/report/ppi-inside';
import { parseRoundSpans } from '../../src/experiments/read-runs';
import { finalDir } from '../../src/report/results';

// A PPI Step-1 agent trained by the runner at the smoke preset with a small network (about a second).
let root = '';
before(async () => {
  root = mkdtempSync(join(tmpdir(), 'ppi-inside-'));
  await runExperiment({ experiment: 'step1', algo: 'ppi', preset: 'smoke', seed: 0, root, overrides: ['hiddenSize=16', 'embedSize=8', 'rolloutsPerAction=1'] });
});
after(() => rmSync(root, { recursive: true, force: true }));
const finalDirOf = () => join(root, 'step1', 'ppi', 'smoke', 'seed-0', 'final');

test('inspectPpi: the model read token by token equals the whole-sequence forward pass on the played episodes', () => {
  const model = loadPpiModel(finalDirOf());
  const rounds = 12, episodes = 6;
  const tr = inspectPpi(model, memoryOneActor(TFT, 'tft'), 'Tit-for-Tat', { episodes, rounds }, seeded('test/inside'));
  assert.equal(tr.prior.length, rounds);
  assert.deepEqual(inspectPpi(model, memoryOneActor(TFT, 'tft'), 'Tit-for-Tat', { episodes, rounds }, seeded('test/inside')).improved, tr.improved, 'deterministic under a fixed seed');
  assert.equal(tr.coplayerCooperation[0], 1, 'TFT cooperates in round 0');
  for (let t = 1; t < rounds; t++) assert.ok(Math.abs(tr.coplayerCooperation[t] - tr.cooperation[t - 1]) < 1e-12, 'TFT copies the agent');
  const S = ppiSteps(rounds, false), K = PPI_OUT.size;
  const out = model.net.forward(ppiInputs(tr.played, false), episodes, S);
  const sig = (z: number) => 1 / (1 + Math.exp(-z));
  for (let t = 0; t < rounds; t++) {
    let prior = 0, predicted = 0;
    for (let b = 0; b < episodes; b++) {
      const ya = (b * S + 3 * t + 1) * K + PPI_OUT.action; // after r_t
      prior += sig(out[ya] - out[ya + 1]) / episodes;
      const a = tr.played.actions[b * rounds + t], yo = (b * S + 3 * t + 2) * K + PPI_OUT.obs; // after a_t
      predicted += sig(out[yo + outcomeOf(a as 0 | 1, C)] - out[yo + outcomeOf(a as 0 | 1, D)]) / episodes;
    }
    assert.ok(Math.abs(tr.prior[t] - prior) < 1e-5, `round ${t}: prior ${tr.prior[t]} vs ${prior}`);
    assert.ok(Math.abs(tr.predictedCoplayer[t] - predicted) < 1e-5, `round ${t}: predicted ${tr.predictedCoplayer[t]} vs ${predicted}`);
  }
});

test('inspectPpi: probabilities in [0, 1]; beta = 0 gives back the prior; the tables and the figure have one entry per co-player', () => {
  const model = loadPpiModel(finalDirOf());
  const traces = [
    inspectPpi(model, memoryOneActor(TFT, 'tft'), 'Tit-for-Tat', { episodes: 8, rounds: 10 }, seeded('test/a')),
    inspectPpi(model, tabularPoolActor(), 'Avg. Tabular', { episodes: 8, rounds: 10 }, seeded('test/b')),
  ];
  for (const tr of traces) {
    for (const arr of [tr.prior, tr.improved, tr.predictedCoplayer, tr.cooperation]) assert.ok(arr.every((p) => p >= 0 && p <= 1));
    const atZero = improvedUnderBeta(tr, 0);
    atZero.forEach((p, t) => assert.ok(Math.abs(p - tr.prior[t]) < 1e-12));
    const own = improvedUnderBeta(tr, tr.beta);
    own.forEach((p, t) => assert.ok(Math.abs(p - tr.improved[t]) < 1e-9));
  }
  const betas = betaRecords(traces[0], [0, 0.01, 1]);
  assert.equal(betas[0].mean_shift_from_prior, 0);
  assert.equal(betas.find((b) => b.beta === model.policy.beta)?.agent, 'this agent');
  assert.deepEqual(equilibriumRecords(traces).map((r) => r.coplayer), ['Tit-for-Tat', 'Avg. Tabular']);
  const fig = ppiInsideFigure(traces);
  assert.ok(fig.data.some((t) => t.name === 'Avg. Tabular: predicted'));
  assert.throws(() => loadPpiModel(join(root, 'nowhere')), /no checkpoint/);
});

test('stretchRecords: a trace in stretches of rounds; ppiModelActor: a saved agent as the co-player, as in training', () => {
  const model = loadPpiModel(finalDirOf());
  const rounds = 12;
  const tr = inspectPpi(model, ppiModelActor(loadPpiModel(finalDirOf())), 'itself', { episodes: 6, rounds }, seeded('test/self'));
  const again = inspectPpi(model, ppiModelActor(loadPpiModel(finalDirOf())), 'itself', { episodes: 6, rounds }, seeded('test/self'));
  assert.deepEqual(again.coplayerCooperation, tr.coplayerCooperation, 'the saved co-player acts the same under the same seed');
  const rows = stretchRecords(tr, parseRoundSpans('0,1-4,5-11,12-20'));
  assert.deepEqual(rows.map((r) => r.rounds), ['0', '1–4', '5–11'], 'a stretch past the episode is left out');
  const mean = (xs: readonly number[], a: number, b: number) => xs.slice(a, b + 1).reduce((x, y) => x + y, 0) / (b - a + 1);
  const close = (x: number | string, y: number) => assert.ok(Math.abs(Number(x) - y) < 1e-12, `${x} vs ${y}`);
  close(rows[1].cooperation, mean(tr.cooperation, 1, 4));
  close(rows[1].coplayer_cooperation, mean(tr.coplayerCooperation, 1, 4));
  close(rows[2].prior, mean(tr.prior, 5, 11));
  close(rows[2].policy, mean(tr.improved, 5, 11));
  close(rows[0].q_gap, tr.qC[0] - tr.qD[0]);
  close(rows[2].predicted_coplayer_cooperation, mean(tr.predictedCoplayer, 5, 11));
});

test('horizonRecords: Q̂ at other rollout lengths along the same episodes; its own horizon gives back its trace', () => {
  const model = loadPpiModel(finalDirOf());
  const rounds = 12, spans = parseRoundSpans('0-3,4-11');
  const own = model.policy.rolloutRounds;
  const rows = horizonRecords(model, () => memoryOneActor(TFT, 'tft'), 'Tit-for-Tat', [own, 1, 40], spans, { episodes: 6, rounds }, seeded('test/h'));
  assert.deepEqual(rows.map((r) => `${r.horizon}:${r.rounds}`), [`${own}:0–3`, `${own}:4–11`, '1:0–3', '1:4–11', '40:0–3', '40:4–11']);
  const tr = inspectPpi(model, memoryOneActor(TFT, 'tft'), 'Tit-for-Tat', { episodes: 6, rounds }, seeded('test/h'));
  const close = (x: number | string, y: number) => assert.ok(Math.abs(Number(x) - y) < 1e-9, `${x} vs ${y}`);
  const gap = (a: number, b: number) => { let sum = 0; for (let e = 0; e < 6; e++) for (let t = a; t <= b; t++) sum += tr.qGap[e * rounds + t]; return sum / (6 * (b - a + 1)); };
  close(rows[0].q_gap, gap(0, 3));
  close(rows[1].q_gap, gap(4, 11));
  close(rows[1].policy, tr.improved.slice(4, 12).reduce((a, x) => a + x, 0) / 8);
  close(rows[2].prior, Number(rows[0].prior)); // the same histories at every horizon: the prior does not depend on it
  close(rows[4].prior, Number(rows[0].prior));
  // One simulated round, one rollout per action (this model's rolloutsPerAction): each gap is this round's payoff
  // with C minus that with D, each against a sampled reply: 1 − 2, 1 − 0, −1 − 2 or −1 − 0.
  assert.equal(model.policy.rolloutsPerAction, 1);
  const one = inspectPpi(model, memoryOneActor(TFT, 'tft'), 'Tit-for-Tat', { episodes: 6, rounds, readRolloutRounds: 1 }, seeded('test/h'));
  assert.ok(one.qGap.every((g) => g === -3 || g === -1 || g === 1), `one-round gaps ${[...new Set(one.qGap)]}`);
  let first = 0;
  for (let e = 0; e < 6; e++) for (let t = 0; t <= 3; t++) first += one.qGap[e * rounds + t] / 24;
  close(rows[2].q_gap, first);
  assert.ok(Number(rows[2].q_gap_sd) >= 0 && Number(rows[4].q_gap_positive) >= 0 && Number(rows[4].q_gap_positive) <= 1);
  assert.throws(() => horizonRecords(model, () => memoryOneActor(TFT, 'tft'), 'x', [0], spans, { episodes: 2, rounds }, seeded('x')), /a horizon is a whole number of rounds ≥ 1, got 0/);
});

test('ppiLossFigure: the three loss terms per phase from train.csv; null without PPI runs', () => {
  const fig = ppiLossFigure({ experiment: 'step1', algo: 'ppi', preset: 'smoke', root });
  assert.ok(fig);
  const obs = fig.data.find((t) => t.name === 'observation loss');
  assert.deepEqual(obs?.x, [1, 2]);
  assert.ok((obs?.y as number[]).every((v) => v > 0));
  assert.equal(ppiLossFigure({ experiment: 'step2', algo: 'ppi', preset: 'smoke', root }), null);
  assert.equal(finalDir({ experiment: 'step1', algo: 'ppi', preset: 'smoke', root }), finalDirOf());
  assert.equal(finalDir({ experiment: 'step3', algo: 'ppi', preset: 'smoke', root }), null);
});
