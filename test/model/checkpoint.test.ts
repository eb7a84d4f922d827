import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Adam, GruNet } from '../../src/model/gru-net';
import { hasCheckpoint, loadCheckpoint, saveCheckpoint } from '../../src/model/checkpoint';
import { seeded } from '../../src/rng';

const CONFIG = { inputSize: 5, embedSize: 8, hiddenSize: 8, outputSize: 3 };

function trained() {
  const net = GruNet.create(CONFIG, seeded('ck'));
  const opt = new Adam(net.params.length, { learningRate: 1e-2, beta1: 0.9, beta2: 0.999, epsilon: 1e-5, weightDecay: 0, maxGradNorm: 1 });
  const g = new Float32Array(net.params.length).map((_, i) => Math.sin(i));
  opt.step(net.params, g);
  return { net, opt };
}

test('a checkpoint round-trips weights, optimiser moments, configuration and extra JSON exactly', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'ck-')), 'a');
  const { net, opt } = trained();
  saveCheckpoint(dir, { net, optimizer: opt, extra: { iteration: 7 } });
  const back = loadCheckpoint(dir, { inputSize: 5 });
  assert.deepEqual(Array.from(back.net.params), Array.from(net.params));
  assert.deepEqual(back.net.config, net.config);
  assert.deepEqual(back.extra, { iteration: 7 });
  const s = back.optimizer!.state(), s0 = opt.state();
  assert.equal(s.step, 1);
  assert.deepEqual(Array.from(s.m), Array.from(s0.m));
  assert.deepEqual(Array.from(s.v), Array.from(s0.v));
  // saving again over it replaces it and leaves no temporary or moved-aside directory behind
  saveCheckpoint(dir, { net });
  assert.equal(loadCheckpoint(dir).optimizer, undefined);
  assert.ok(!existsSync(join(dir, '..', '.a.old')));
});

test('truncated, corrupted or mismatched checkpoints are refused with a clear error', () => {
  const root = mkdtempSync(join(tmpdir(), 'ck-'));
  const { net, opt } = trained();
  const a = join(root, 'a');
  saveCheckpoint(a, { net, optimizer: opt });
  assert.throws(() => loadCheckpoint(a, { hiddenSize: 128 }), /hiddenSize = 8, expected 128/);
  truncateSync(join(a, 'params.bin'), 100);
  assert.throws(() => loadCheckpoint(a), /holds 100 bytes, expected .*truncated or from another model/);
  const b = join(root, 'b');
  saveCheckpoint(b, { net, optimizer: opt });
  const bin = readFileSync(join(b, 'adam-v.bin'));
  bin[10] ^= 0xff;
  writeFileSync(join(b, 'adam-v.bin'), bin);
  assert.throws(() => loadCheckpoint(b), /second moments .* fails its checksum/);
  writeFileSync(join(b, 'manifest.json'), '{"format":');
  assert.throws(() => loadCheckpoint(b), /manifest.json is not valid JSON/);
  assert.throws(() => loadCheckpoint(join(root, 'missing')), /no checkpoint at/);
});

test('a save interrupted after moving the old checkpoint aside still loads the old one', () => {
  const root = mkdtempSync(join(tmpdir(), 'ck-'));
  const { net } = trained();
  const a = join(root, 'a');
  saveCheckpoint(a, { net });
  renameSync(a, join(root, '.a.old')); // the state between the two renames of a save
  assert.ok(hasCheckpoint(a));
  assert.deepEqual(Array.from(loadCheckpoint(a).net.params), Array.from(net.params));
});

test('an optimiser without clipping (maxGradNorm = Infinity) round-trips, and continues exactly', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'ck-')), 'inf');
  const net = GruNet.create(CONFIG, seeded('inf'));
  const opt = new Adam(net.params.length, { learningRate: 1e-2, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01, maxGradNorm: Infinity });
  const g = new Float32Array(net.params.length).map((_, i) => Math.cos(i));
  opt.step(net.params, g);
  saveCheckpoint(dir, { net, optimizer: opt });
  const back = loadCheckpoint(dir);
  assert.equal(back.optimizer!.config.maxGradNorm, Infinity);
  opt.step(net.params, g);
  back.optimizer!.step(back.net.params, g);
  assert.deepEqual(Array.from(back.net.params), Array.from(net.params));
});

test('a save after an interrupted one keeps the moved-aside checkpoint until the new one is in place', () => {
  const root = mkdtempSync(join(tmpdir(), 'ck-'));
  const { net } = trained();
  const a = join(root, 'a');
  saveCheckpoint(a, { net });
  renameSync(a, join(root, '.a.old'));
  net.params[0] += 1;
  saveCheckpoint(a, { net });
  assert.equal(loadCheckpoint(a).net.params[0], net.params[0]);
  assert.ok(!existsSync(join(root, '.a.old')));
});
