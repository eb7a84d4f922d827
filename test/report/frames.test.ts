import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { frameRecords, parseCsv, readCsvFrame, toFrame } from '../../src/report/frames';

test('toFrame: columns are the union of keys in first-seen order, missing cells become null, and the records round-trip', () => {
  const df = toFrame([{ seed: 0, reward: 0.5 }, { seed: 1, reward: 0.75, note: 'x' }]);
  assert.deepEqual(df.columns, ['seed', 'reward', 'note']);
  assert.deepEqual(df.shape, [2, 3]);
  const back = frameRecords(df);
  assert.equal(back[1].reward, 0.75);
  assert.equal(back[1].note, 'x');
});

test('toFrame: groupby and describe work on the typed re-export of danfo', () => {
  const df = toFrame([
    { agent: 'PPI', seed: 0, reward: 0.8 }, { agent: 'PPI', seed: 1, reward: 1.0 },
    { agent: 'A2C', seed: 0, reward: 0.2 }, { agent: 'A2C', seed: 1, reward: 0.4 },
  ]);
  const means = frameRecords(df.groupby(['agent']).col(['reward']).mean());
  const byAgent = Object.fromEntries(means.map((r) => [r.agent, r.reward_mean as number]));
  assert.ok(Math.abs(byAgent.PPI - 0.9) < 1e-12 && Math.abs(byAgent.A2C - 0.3) < 1e-12, JSON.stringify(byAgent));
  const d = df.loc({ columns: ['reward'] }).describe();
  assert.equal(d.index[0], 'count');
});

test('toFrame: rejects an empty table and non-cell values with the row and column named', () => {
  assert.throws(() => toFrame([]), /non-empty array/);
  assert.throws(() => toFrame([{ a: 1 }, { a: new Float64Array(2) as unknown as number }]), /row 1, column "a" must be .* got Float64Array/);
});

test('readCsvFrame: types numbers and booleans with papaparse; malformed CSV names the row', () => {
  const dir = mkdtempSync(join(tmpdir(), 'icl-frames-'));
  const file = join(dir, 'runs.csv');
  writeFileSync(file, 'seed,reward,done\n0,0.5,true\n1,-0.25,false\n');
  const df = readCsvFrame(file);
  assert.deepEqual(df.columns, ['seed', 'reward', 'done']);
  assert.deepEqual(frameRecords(df)[1], { seed: 1, reward: -0.25, done: false });
  assert.throws(() => parseCsv('a,b\n1,2\n3\n'), /row 2/);
  assert.throws(() => readCsvFrame(join(dir, 'missing.csv')), /cannot read .*missing\.csv/);
});
