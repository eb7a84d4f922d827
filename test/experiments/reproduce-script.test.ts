import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAST, finished, PROJECT, sets } from './cli-helpers';

// scripts/reproduce.sh, the campaign's lane: `--only` splits one learner's experiments between lanes.
const reproduce = (args: readonly string[]) =>
  finished(spawn('bash', ['scripts/reproduce.sh', ...args], { cwd: PROJECT, stdio: ['ignore', 'pipe', 'pipe'] }));

test('reproduce.sh --only runs just the listed experiments, in the campaign order, and refuses unknown ones', async () => {
  const root = mkdtempSync(join(tmpdir(), 'lane-'));
  try {
    // listed out of order: the lane still runs Step 1 before the no-tabular ablation (the campaign's order below `long`)
    const r = await reproduce(['a2c', '0', '--preset', 'smoke', '--only', 'mixed-no-tabular,step1', '--root', root, ...sets(FAST)]);
    assert.equal(r.code, 0, r.out);
    assert.deepEqual(readdirSync(root).sort(), ['mixed-no-tabular', 'step1'], r.out);
    for (const e of ['step1', 'mixed-no-tabular']) assert.ok(existsSync(join(root, e, 'a2c', 'smoke', 'seed-0', 'final')), `${e} finished`);
    const started = [...r.out.matchAll(/^=== \S+ (\S+) --algo a2c --seeds 0$/gm)].map((m) => m[1]);
    assert.deepEqual(started, ['step1', 'mixed-no-tabular'], r.out);
    assert.match(r.out, /all runs of a2c seeds 0 \(smoke, only mixed-no-tabular,step1\) done/);

    const bad = await reproduce(['a2c', '0', '--preset', 'smoke', '--only', 'step1,mixd', '--root', root]);
    assert.equal(bad.code, 2, bad.out);
    assert.match(bad.out, /--only: unknown experiment 'mixd'/);
    assert.doesNotMatch(bad.out, /^===/m, 'nothing started');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
