import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAST, finished, PROJECT, sets } from './cli-helpers';

// scripts/reproduce.sh, the campaign's lane: `--only` splits one learner's experiments between lanes.
const lane = (args: readonly string[], project = PROJECT) =>
  spawn('bash', ['scripts/reproduce.sh', ...args], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
const reproduce = (args: readonly string[]) => finished(lane(args));

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

test('a lane lengthens a finished PPI run whose phases grew (--extend) and refuses one whose other settings changed', async () => {
  const root = mkdtempSync(join(tmpdir(), 'lane-extend-'));
  try {
    const settings = [...FAST, 'rolloutRounds=4', 'evalEpisodes=4'];
    const run = (more: string[]) => reproduce(['ppi', '0', '--preset', 'smoke', '--only', 'step1', '--root', root, ...sets([...settings, ...more])]);
    assert.equal((await run([])).code, 0);
    const grown = await run(['phases=3']);
    assert.equal(grown.code, 0, grown.out);
    assert.match(grown.out, /finished at phase 2; lengthening it to 3 \(--extend\)/);
    const status = JSON.parse(readFileSync(join(root, 'step1', 'ppi', 'smoke', 'seed-0', 'status.json'), 'utf8'));
    assert.deepEqual([status.state, status.unitsDone], ['done', 3]);
    const changed = await run(['phases=3', 'beta=2']);
    assert.equal(changed.code, 1, changed.out);
    assert.match(changed.out, /finished with other settings than this command's[^]*ppi\.beta: 1 in config\.json, 2 now/);
    assert.match(changed.out, /reproduce\.sh: failed: step1\/0/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a lane does what its script said when it started, even if the script file is rewritten while it runs', async () => {
  // A copy of the project whose scripts/ is its own (the rest linked), so that the test can rewrite the lane's file.
  const project = mkdtempSync(join(tmpdir(), 'lane-project-'));
  const root = join(project, 'runs');
  try {
    for (const entry of ['package.json', 'node_modules', 'src', 'build']) symlinkSync(join(PROJECT, entry), join(project, entry));
    mkdirSync(join(project, 'scripts'));
    const script = join(project, 'scripts', 'reproduce.sh');
    copyFileSync(join(PROJECT, 'scripts', 'reproduce.sh'), script);
    chmodSync(script, 0o755);
    const p = lane(['a2c', '0', '--preset', 'smoke', '--only', 'step1,mixed-no-tabular', '--root', root, ...sets(FAST)], project);
    const done = finished(p);
    // once the first run has started, rewrite the file in place (same inode, every offset shifted, every echo broken)
    await new Promise<void>((started) => p.stdout!.on('data', (d: Buffer) => /^=== /m.test(d.toString()) && started()));
    writeFileSync(script, '#'.repeat(500) + '\n' + readFileSync(script, 'utf8').replaceAll('echo', 'ech0'));
    const r = await done;
    assert.equal(r.code, 0, r.out);
    assert.doesNotMatch(r.out, /command not found|syntax error/, r.out);
    assert.deepEqual(readdirSync(root).sort(), ['mixed-no-tabular', 'step1'], r.out);
    assert.match(r.out, /all runs of a2c seeds 0 \(smoke, only step1,mixed-no-tabular\) done/);
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
});
