/**
 * A results tree written by the runner itself at the smoke preset (4 iterations; evaluations at 0, 2 and 4), with
 * small networks: A2C seeds 0 and 1 of Step 1–3 and the mixed pool, and seed 2 of Step 1 stopped after one iteration
 * (an unfinished run). About a second; the caller removes the directory.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runExperiment } from '../../src/experiments/run';

export const FAST = ['hiddenSize=16', 'embedSize=8'];

export async function smokeResultsTree(prefix: string): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const run = (experiment: 'step1' | 'step2' | 'step3' | 'mixed', seed: number, stop = false) =>
    runExperiment({ experiment, algo: 'a2c', preset: 'smoke', seed, root, overrides: FAST }, stop ? { shouldStop: () => true } : {});
  for (const seed of [0, 1]) for (const e of ['step1', 'step2', 'step3', 'mixed'] as const) await run(e, seed);
  const stopped = await run('step1', 2, true);
  assert.equal(stopped.status, 'stopped');
  return root;
}
