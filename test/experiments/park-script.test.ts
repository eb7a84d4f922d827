import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished, PROJECT } from './cli-helpers';

// scripts/park.sh at a session's end, in a scratch project of its own: git, one unfinished run with a checkpoint and
// one finished run. The "experiments" are stand-ins whose command line names src/bin/cli.ts, as the real ones'
// do, and which ignore SIGTERM, as a seed in the middle of a 25-minute PPI phase does.
function scratchProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'park-'));
  mkdirSync(join(dir, 'scripts'));
  copyFileSync(join(PROJECT, 'scripts', 'park.sh'), join(dir, 'scripts', 'park.sh'));
  const run = (seed: number, state: string) => {
    const d = join(dir, 'data', 'runs', 'step1', 'ppi', 'long', `seed-${seed}`);
    mkdirSync(join(d, 'resume', 'gen-000000003'), { recursive: true });
    writeFileSync(join(d, 'status.json'), JSON.stringify({ state, unitsDone: 3, totalUnits: 12 }, null, 2));
    for (const f of ['config.json', 'train.csv', 'episode.csv', 'timing.csv', 'resume/checkpoint.json', 'resume/gen-000000003/params.bin']) writeFileSync(join(d, f), f);
  };
  run(0, 'running');
  run(1, 'done');
  writeFileSync(join(dir, '.gitignore'), 'data/**/resume/\n');
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
  git('init', '-q');
  return dir;
}

const standIn = (cwd: string): ChildProcess =>
  spawn(process.execPath, ['-e', "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)", 'src/bin/cli.ts', '--child'], { cwd, stdio: 'ignore' });
const alive = (p: ChildProcess) => p.exitCode === null && p.signalCode === null;
const staged = (dir: string) => execFileSync('git', ['diff', '--cached', '--name-only'], { cwd: dir, encoding: 'utf8' }).trim().split('\n').filter(Boolean);

test('park.sh --now kills this project\'s experiments at once and stages the last checkpoint of each unfinished run; another checkout\'s keep running', { timeout: 60_000 }, async () => {
  const project = scratchProject(), other = mkdtempSync(join(tmpdir(), 'park-other-'));
  const ours = standIn(project), theirs = standIn(other);
  try {
    await new Promise((r) => setTimeout(r, 300)); // both have started
    const noStop = await finished(spawn('bash', ['scripts/park.sh', '--no-stop'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] }));
    assert.equal(noStop.code, 0, noStop.out);
    assert.ok(alive(ours), '--no-stop stops nothing');
    execFileSync('git', ['reset', '-q'], { cwd: project });

    const now = await finished(spawn('bash', ['scripts/park.sh', '--now'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] }));
    assert.equal(now.code, 0, now.out);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(ours.signalCode, 'SIGKILL', 'this project\'s experiment is stopped at once, though it ignores SIGTERM');
    assert.ok(alive(theirs), 'the other checkout\'s experiment runs on');
    const run = 'data/runs/step1/ppi/long/seed-0';
    assert.deepEqual(staged(project).sort(), ['config.json', 'episode.csv', 'resume/checkpoint.json', 'resume/gen-000000003/params.bin', 'status.json', 'timing.csv', 'train.csv'].map((f) => `${run}/${f}`).sort(), now.out);
    assert.match(now.out, /park\.sh: 1 unfinished run\(s\) staged/);
    assert.match(await finished(spawn('bash', ['scripts/park.sh', '--later'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] })).then((r) => r.out), /unknown option --later \(allowed: --now, --no-stop\)/);
  } finally {
    ours.kill('SIGKILL');
    theirs.kill('SIGKILL');
    rmSync(project, { recursive: true, force: true });
    rmSync(other, { recursive: true, force: true });
  }
});
