import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { createA2cAgent, A2C_STEP1 } from '../../src/learners/a2c';
import { createPpiNet, pretrainingData } from '../../src/learners/ppi';
import { loadAgent, saveAgent } from '../../src/learners/saved';
import { saveCheckpoint } from '../../src/model/checkpoint';
import { seeded } from '../../src/rng';

const SMALL = { ...A2C_STEP1, hiddenSize: 8, embedSize: 4 };
const POLICY = { beta: 1, rolloutRounds: 15, rolloutsPerAction: 4 };

test('saved agents carry their algorithm: A2C with or without its optimiser, PPI with its data set and acting settings', () => {
  const root = mkdtempSync(join(tmpdir(), 'saved-'));
  const a2c = createA2cAgent(SMALL, true, seeded('a'));
  saveAgent(join(root, 'a2c'), { algo: 'a2c', net: a2c.net, opponentId: true, optimizer: a2c.optimizer });
  const back = loadAgent(join(root, 'a2c'));
  assert.equal(back.algo, 'a2c');
  assert.equal(back.opponentId, true);
  assert.deepEqual(back.net.params, a2c.net.params);
  assert.equal(back.algo === 'a2c' && back.optimizer?.state().m.length, a2c.net.params.length);
  const data = pretrainingData(6, { noTabular: false, opponentId: true, rounds: 5 }, seeded('d'));
  const net = createPpiNet({ embedSize: 4, hiddenSize: 8 }, true, seeded('p'));
  saveAgent(join(root, 'ppi'), { algo: 'ppi', net, opponentId: true, fittedEpisodes: 4, policy: POLICY, data });
  const ppi = loadAgent(join(root, 'ppi'), { data: true });
  assert.ok(ppi.algo === 'ppi');
  assert.deepEqual([ppi.fittedEpisodes, ppi.policy], [4, POLICY]);
  assert.deepEqual(ppi.data, data);
  const bare = loadAgent(join(root, 'ppi'));
  assert.equal(bare.algo === 'ppi' ? bare.data : 'not PPI', undefined, 'the data set is read only when asked for');
  // The data set is written with the weights in one step, and checked against its checksum when read.
  const file = join(root, 'ppi', 'ppi-data.bin');
  const bytes = readFileSync(file);
  bytes[0] ^= 1;
  writeFileSync(file, bytes);
  assert.throws(() => loadAgent(join(root, 'ppi'), { data: true }), /ppi-data\.bin does not match its checkpoint/);
});

test('an A2C checkpoint from before the algorithm tag (extra { opponentId } alone) is read as A2C; anything else is refused', () => {
  const root = mkdtempSync(join(tmpdir(), 'legacy-'));
  const a2c = createA2cAgent(SMALL, false, seeded('a'));
  saveCheckpoint(join(root, 'old'), { net: a2c.net, extra: { opponentId: false } });
  assert.equal(loadAgent(join(root, 'old')).algo, 'a2c');
  saveCheckpoint(join(root, 'other'), { net: a2c.net, extra: { iteration: 3 } });
  assert.throws(() => loadAgent(join(root, 'other')), /is not a saved agent/);
  saveCheckpoint(join(root, 'unknown'), { net: a2c.net, extra: { algo: 'dqn', opponentId: false } });
  assert.throws(() => loadAgent(join(root, 'unknown')), /is not an A2C or PPI agent checkpoint \(algo "dqn"\)/);
});

test('every agent saved under data/ loads, as the algorithm of the run that saved it', () => {
  const data = resolve(__dirname, '..', '..', 'data');
  const manifests: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name === 'manifest.json' && /learner-\d+$/.test(d)) manifests.push(d);
    }
  };
  walk(data);
  assert.ok(manifests.length > 0, 'data/ holds saved agents');
  for (const dir of manifests) {
    const saved = loadAgent(dir);
    const algo = dir.split(sep).find((part) => part === 'a2c' || part === 'ppi');
    assert.equal(saved.algo, algo, dir);
    saved.net.dispose();
  }
});
