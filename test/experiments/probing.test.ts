import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { playMatch } from '../../src/agents/match';
import { memoryOneActor } from '../../src/agents/tabular';
import { TFT } from '../../src/game/memory-one';
import { perRoundCurves } from '../../src/game/metrics';
import { runDir, runExperiment } from '../../src/experiments/run';
import { loadSavedAgent, probeAgent, probeCoPlayer, probeTable } from '../../src/experiments/probing';
import { seeded } from '../../src/rng';

const ROOT = resolve(__dirname, '..', '..');

test('probe co-players: named strategies, ZD extortioners at half the largest φ, the pool; unknown names list the allowed ones', () => {
  assert.deepEqual(probeCoPlayer('TFT').strategy, TFT);
  assert.deepEqual(probeCoPlayer('zd2').strategy, { p0: 1, cc: 0.9, cd: 0.5, dc: 0.4, dd: 0 });
  assert.equal(probeCoPlayer('pool').strategy, null);
  assert.throws(() => probeCoPlayer('zd1'), /unknown co-player 'zd1'; allowed: allc, alld, tft, .*zd<chi>.*pool/);
  assert.throws(() => probeCoPlayer('titfortat'), /unknown co-player 'titfortat'/);
});

test('probe: a saved A2C and a saved PPI agent, found from the run directory, play as the runner saved them; exact ceilings beside', async () => {
  const root = mkdtempSync(join(tmpdir(), 'probe-'));
  const fast = ['hiddenSize=16', 'embedSize=8', 'evalEpisodes=4'];
  await runExperiment({ experiment: 'step1', algo: 'a2c', preset: 'smoke', seed: 0, root, overrides: fast });
  await runExperiment({ experiment: 'step1', algo: 'ppi', preset: 'smoke', seed: 0, root, overrides: [...fast, 'rolloutRounds=4'] });
  const a2cDir = runDir({ experiment: 'step1', algo: 'a2c', preset: 'smoke', seed: 0, root });
  const a2c = loadSavedAgent(a2cDir);
  assert.equal(a2c.algo, 'a2c');
  assert.equal(a2c.dir, join(a2cDir, 'final', 'learner-0'));
  const [tft, pool] = probeAgent(a2c, [probeCoPlayer('tft'), probeCoPlayer('pool')], 16, 3);
  // The same episodes played directly: the probe's numbers are the match's.
  const direct = perRoundCurves(playMatch(a2c.actor, memoryOneActor(TFT, 'tabular'), 16, seeded('probe-3').child('tft')).batch);
  assert.equal(tft.cooperation[0], direct.cooperation[0][0]);
  assert.ok(Math.abs(tft.reward - direct.reward[0].reduce((a, b) => a + b, 0) / 100) < 1e-12);
  assert.ok(Math.abs(tft.bestResponse! - 1.01) < 1e-12, 'the best response to TFT earns 101 over 100 rounds');
  assert.ok(Math.abs(tft.alwaysDefect! - 0.02) < 1e-12, 'Always-Defect earns T once against TFT');
  assert.equal(pool.bestResponse, null);
  const ppi = loadSavedAgent(join(runDir({ experiment: 'step1', algo: 'ppi', preset: 'smoke', seed: 0, root }), 'final'));
  assert.equal(ppi.algo, 'ppi');
  const rows = probeAgent(ppi, [probeCoPlayer('allc')], 4);
  assert.equal(rows[0].coPlayerCooperation, 1);
  assert.match(probeTable(rows), /^\| co-player \| cooperation, rounds 0 → 1–4 → 5–19 → 20–59 → 60–89 → 90–99 \|/);
  assert.match(probeTable(rows), /\n\| allc \| [\d.]+ → .* \| 2\.000 \| 2\.000 \|$/);
  assert.throws(() => loadSavedAgent(root), /no saved learner 0 under .*final\/learner-0/);
  // The CLI: the table, and bad input refused with the usage.
  const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/bin/probe.ts'), ...args], { cwd: ROOT, encoding: 'utf8' });
  const ok = cli(a2cDir, '--against', 'alld', '--episodes', '4');
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /a2c agent .*final\/learner-0, 4 episodes per co-player/);
  assert.match(ok.stdout, /\n\| alld \| /);
  const bad = cli(a2cDir, '--episodes', 'many');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^probe: --episodes must be a whole number, got 'many'\nusage: probe/);
});
