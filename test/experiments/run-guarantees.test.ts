/**
 * README "Guarantees of a run", the parts other than killing checkpoints (checkpoint-faults.test.ts): a resume is
 * the same run or refused; results are read strictly (summary, loaders, seed counts); bad input is refused before
 * anything is written; signals stop the whole process tree after a checkpoint.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeJsonAtomic } from '../../src/experiments/files';
import { outputDigests } from '../../src/experiments/run-state';
import { checkMemory, type MemoryPart } from '../../src/experiments/memory';
import { listRuns, summarise } from '../../src/experiments/read-runs';
import { ALGORITHMS, readStatus, runDir, runExperiment, type RunOptions } from '../../src/experiments/run';
import { describeRuns, loadRuns } from '../../src/report/results';
import {
  cli, descendants, FAST, finished, npmExperiment, PROJECT, runCli, running, sets, sleep,
} from './cli-helpers';

const STEP1: RunOptions = { experiment: 'step1', algo: 'a2c', preset: 'smoke', seed: 0, overrides: [...FAST, 'iterations=6', 'checkpointEvery=2'] };

test('a resume with other settings than the run was started with is refused, listing each difference; config.json stays as it was', async () => {
  const root = mkdtempSync(join(tmpdir(), 'same-run-'));
  const o = { ...STEP1, root };
  assert.equal((await runExperiment(o, { shouldStop: () => true })).status, 'stopped');
  const config = readFileSync(join(runDir(o), 'config.json'), 'utf8');
  // Without the original --set iterations=6 (the smoke preset has 4): refused, not "done" at 4.
  await assert.rejects(runExperiment({ ...o, overrides: FAST, resume: true }),
    /step1\/a2c\/smoke\/seed-0 was started with other settings .*config\.json\); a resumed run must be the same run:\n {2}a2c\.iterations: 6 in config\.json, 4 now\n/);
  // Two differences at once, a learner setting and a run setting, each with both values.
  await assert.rejects(runExperiment({ ...o, overrides: [...STEP1.overrides!, 'learningRate=0.02', 'evalEpisodes=3'], resume: true }), (e: Error) => {
    assert.match(e.message, /a2c\.learningRate: 0\.005 in config\.json, 0\.02 now/);
    assert.match(e.message, /run\.evalEpisodes: 8 in config\.json, 3 now/);
    assert.match(e.message, /Resume it with the settings it was started with, or discard it with --force$/);
    return true;
  });
  assert.equal(readFileSync(join(runDir(o), 'config.json'), 'utf8'), config, 'a refused resume writes nothing');
  // The same settings (an override that equals the preset's value changes nothing) continue it.
  assert.equal((await runExperiment({ ...o, overrides: [...STEP1.overrides!, 'gamma=0.99'], resume: true })).status, 'done');
});

test('a finished run with other settings than the command\'s is refused, not skipped as done; --extend does not lengthen A2C', async () => {
  const root = mkdtempSync(join(tmpdir(), 'done-run-'));
  const o = { ...STEP1, root };
  assert.equal((await runExperiment(o)).status, 'done');
  const status = readFileSync(join(runDir(o), 'status.json'), 'utf8');
  await assert.rejects(runExperiment({ ...o, overrides: [...STEP1.overrides!, 'learningRate=0.02'] }), (e: Error) => {
    assert.match(e.message, /step1\/a2c\/smoke\/seed-0 finished with other settings than this command's .*config\.json\):\n {2}a2c\.learningRate: 0\.005 in config\.json, 0\.02 now\n/);
    assert.match(e.message, /Run it with the settings it finished with, or again with these with --force$/);
    return true;
  });
  await assert.rejects(runExperiment({ ...o, overrides: [...FAST, 'iterations=8', 'checkpointEvery=2'], extend: true }),
    /a2c\.iterations: 6 in config\.json, 8 now\n.*\n--extend lengthens PPI runs only/);
  assert.equal(readFileSync(join(runDir(o), 'status.json'), 'utf8'), status, 'a refusal writes nothing');
  assert.equal((await runExperiment(o)).status, 'already-done');
  // A setting added to the code after the run finished (config.json lacks it) leaves the finished run standing.
  const dir = runDir(o);
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  delete config.a2c.gamma;
  writeJsonAtomic(join(dir, 'config.json'), config);
  writeJsonAtomic(join(dir, 'status.json'), { ...readStatus(dir)!, outputs: outputDigests(dir) });
  const logs: string[] = [];
  assert.equal((await runExperiment(o, { log: (m) => logs.push(m) })).status, 'already-done');
  assert.ok(logs.some((l) => /config\.json predates a2c\.gamma; its results stand/.test(l)), logs.join('\n'));
  rmSync(root, { recursive: true, force: true });
});

test("a resumed optimiser trains with the configuration's settings; only its moments and step count come from the checkpoint", async () => {
  const root = mkdtempSync(join(tmpdir(), 'optimiser-'));
  const whole = (await runExperiment({ ...STEP1, root: join(root, 'whole') })).dir;
  const o = { ...STEP1, root: join(root, 'cut') };
  let units = 0;
  await runExperiment(o, { shouldStop: () => ++units >= 2 });
  // A checkpoint whose stored optimiser settings say otherwise (as one written under another --set learningRate would).
  const ck = JSON.parse(readFileSync(join(runDir(o), 'resume/checkpoint.json'), 'utf8'));
  const manifestPath = join(runDir(o), 'resume', ck.generation, 'learner-0/manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  assert.equal(manifest.optimizer.step, 2);
  manifest.optimizer.config.learningRate = 0.5;
  writeFileSync(manifestPath, JSON.stringify(manifest));
  await runExperiment({ ...o, resume: true });
  for (const f of ['train.csv', 'episode.csv']) assert.equal(readFileSync(join(runDir(o), f), 'utf8'), readFileSync(join(whole, f), 'utf8'), f);
  assert.ok(readFileSync(join(runDir(o), 'final/learner-0/params.bin')).equals(readFileSync(join(whole, 'final/learner-0/params.bin'))));
});

test('checkpoints written before generations (resume/state.json, as parked in git) still resume to the same end; PPI timing columns move out of train.csv', async () => {
  const root = mkdtempSync(join(tmpdir(), 'legacy-'));
  const cases: RunOptions[] = [
    { ...STEP1, overrides: [...FAST, 'iterations=5', 'checkpointEvery=2', 'logEvery=2'] },
    { experiment: 'step1', algo: 'ppi', preset: 'smoke', seed: 0, overrides: [...FAST, 'rolloutRounds=4', 'evalEpisodes=4', 'phases=3', 'checkpointEvery=1'] },
  ];
  for (const c of cases) {
    const whole = (await runExperiment({ ...c, root: join(root, c.algo, 'whole') })).dir;
    const o = { ...c, root: join(root, c.algo, 'old') };
    let units = 0;
    await runExperiment(o, { shouldStop: () => ++units >= 2 });
    // Rewrite the checkpoint in the old layout: learner-<i>/ and state.json right in resume/, and rows past it.
    const dir = runDir(o), resume = join(dir, 'resume');
    const ck = JSON.parse(readFileSync(join(resume, 'checkpoint.json'), 'utf8'));
    for (const name of readdirSync(join(resume, ck.generation))) renameSync(join(resume, ck.generation, name), join(resume, name));
    rmSync(join(resume, ck.generation), { recursive: true });
    rmSync(join(resume, 'checkpoint.json'));
    writeJsonAtomic(join(resume, 'state.json'), { unitsDone: ck.unitsDone, window: ck.window, windowStats: ck.windowStats });
    rmSync(join(dir, 'timing.csv'));
    if (c.algo === 'ppi') {
      // The old PPI train.csv carried the wall-clock columns.
      const [header, ...rows] = readFileSync(join(dir, 'train.csv'), 'utf8').trim().split('\n');
      writeFileSync(join(dir, 'train.csv'), [`${header},refitSeconds,rolloutSeconds`, ...rows.map((r) => `${r},12.5,3.25`)].join('\n') + '\n');
    }
    appendFileSync(join(dir, 'train.csv'), `${ck.unitsDone + 1},0,tab`); // a line cut by a kill
    const logs: string[] = [];
    assert.equal((await runExperiment({ ...o, resume: true }, { log: (m) => logs.push(m) })).status, 'done');
    assert.ok(logs.some((m) => m.includes(`from ${c.algo === 'ppi' ? 'phase' : 'iteration'} ${ck.unitsDone}/`)), logs.join('\n'));
    for (const f of ['train.csv', 'episode.csv']) assert.equal(readFileSync(join(dir, f), 'utf8'), readFileSync(join(whole, f), 'utf8'), `${c.algo} ${f}`);
  }
});

test('summary reads strictly: a cut last line, a cut at a line end, a missing CSV, a garbled config are errors naming file and line; only runs passing the check are counted', { timeout: 120_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'strict-'));
  const runs = await Promise.all([0, 1].map((seed) => runExperiment({ ...STEP1, seed, root })));
  const pristine = join(root, '..', `${root.split('/').pop()}-pristine`);
  cpSync(root, pristine, { recursive: true });
  const restore = () => { rmSync(root, { recursive: true }); cpSync(pristine, root, { recursive: true }); };
  const summary = () => finished(spawn(process.execPath, ['--import', 'tsx', join(PROJECT, 'src/bin/summary.ts'), 'step1', '--algo', 'a2c', '--preset', 'smoke', '--root', root], { cwd: PROJECT }));
  const ok = await summary();
  assert.equal(ok.code, 0, ok.out);
  assert.equal(JSON.parse(ok.out).seeds, 2);
  const train = join(runs[1].dir, 'train.csv'), episode = join(runs[1].dir, 'episode.csv');
  const lines = readFileSync(train, 'utf8').split('\n').length - 1;

  // Cut inside the last line: "7.095207" read as "7" is what a lenient reader would report.
  truncateSync(train, readFileSync(train).length - 4);
  const cut = await summary();
  assert.equal(cut.code, 2);
  assert.match(cut.out, new RegExp(`summary: step1/a2c/smoke/seed-1: .*seed-1/train\\.csv: line ${lines} is incomplete \\(the file ends without a newline`));
  // Cut at a line's end: it parses, but is not what the run finished with.
  restore();
  const text = readFileSync(train, 'utf8');
  writeFileSync(train, text.slice(0, text.lastIndexOf('\n', text.length - 2) + 1));
  assert.throws(() => summarise('step1', 'a2c', 'smoke', root), /seed-1\/train\.csv holds \d+ bytes, not the \d+ recorded in status\.json when the run finished/);
  restore();
  rmSync(episode);
  assert.throws(() => summarise('step1', 'a2c', 'smoke', root), /seed-1\/episode\.csv is missing/);
  rmSync(train);
  // Seed counts: the damaged seed is not counted, and says why.
  const [d] = describeRuns({ root, presets: ['smoke'] });
  assert.equal(d.finished, '0');
  assert.equal(d.finished_count, 1);
  assert.match(d.damaged, /^1 \(.*seed-1\/(train|episode)\.csv is missing\)$/);
  assert.throws(() => loadRuns({ root, table: 'train' }), /step1\/a2c\/smoke\/seed-1: .*is missing\nrerun them with --force/);
  assert.deepEqual(listRuns('step1', 'a2c', 'smoke', root).map((r) => r.done), [true, false]);
  // A garbled config.json of a finished run: an error (naming the line), also for the runner, which does not skip it as done.
  restore();
  writeFileSync(join(runs[1].dir, 'config.json'), '{\n  "experiment": "step1",\n  "algo": \n}\n');
  assert.throws(() => summarise('step1', 'a2c', 'smoke', root), /seed-1\/config\.json is not valid JSON at line 4, column 1/);
  await assert.rejects(runExperiment({ ...STEP1, seed: 1, root }), /step1\/a2c\/smoke\/seed-1 is marked done, but .*config\.json is not valid JSON at line 4.*; run it again with --force/);
  // A deleted status.json is an error, not a rerun that overwrites the run.
  restore();
  rmSync(join(runs[1].dir, 'status.json'));
  await assert.rejects(runExperiment({ ...STEP1, seed: 1, root, resume: true }), /seed-1\/status\.json is missing: nothing says whether step1\/a2c\/smoke\/seed-1 finished or how far it got/);
  assert.equal(readFileSync(train, 'utf8'), readFileSync(join(pristine, 'step1/a2c/smoke/seed-1/train.csv'), 'utf8'), 'untouched');
  assert.throws(() => summarise('step1', 'a2c', 'smoke', root), /seed-1\/status\.json is missing/);
  // A run finished before checksums were recorded: read strictly, and its tables must reach its last unit.
  restore();
  const status = readStatus(runs[1].dir)!;
  const { outputs: _, ...legacy } = status;
  writeJsonAtomic(join(runs[1].dir, 'status.json'), legacy);
  assert.equal(summarise('step1', 'a2c', 'smoke', root).seeds, 2);
  writeFileSync(train, text.slice(0, text.lastIndexOf('\n', text.length - 2) + 1));
  assert.throws(() => summarise('step1', 'a2c', 'smoke', root), /seed-1\/train\.csv ends at unit 5, but the run finished at 6: the file is incomplete/);
  // An unfinished run's table may end in a line being written: dropped, with a warning, when asked for.
  restore();
  const o = { ...STEP1, seed: 2, root };
  await runExperiment(o, { shouldStop: () => true });
  appendFileSync(join(runDir(o), 'train.csv'), '2,0,tabu');
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (m: string) => warnings.push(m);
  try {
    const frame = loadRuns({ root, table: 'train', seeds: [2], unfinished: true })!;
    assert.equal(frame.shape[0], 1);
  } finally {
    console.warn = warn;
  }
  assert.match(warnings.join('\n'), /seed-2\/train\.csv: line 3 is incomplete .*; reading the run without it/);
});

test('bad input: each flag value is refused with its own message and a non-zero exit, before anything is written', { timeout: 120_000 }, async () => {
  const root = join(mkdtempSync(join(tmpdir(), 'bad-input-')), 'runs');
  const base = ['step1', '--preset', 'smoke', '--root', root];
  const cases: [string[], RegExp][] = [
    [['--jobs', 'abc'], /^experiment: --jobs: 'abc' is not a number of processes \(a whole number >= 1\)$/m],
    [['--jobs', '0'], /--jobs: '0' is not a number of processes/],
    [['--seeds', '-1'], /^experiment: --seeds: '-1' is not a seed \(a whole number >= 0\) or a range like 0-4$/m],
    [['--seeds', '3-1'], /--seeds: range 3-1 is empty/],
    [['--seeds'], /--seeds needs a value/],
    [['--set', 'batchEpisodes=1e9'], /step1\/a2c\/smoke would need about \d+ TiB of memory per seed, more than this machine has \(.*\): one training update alone takes about .*batchEpisodes=1000000000.*; lower batchEpisodes/],
    [['--set', 'learningRate=abc'], /invalid a2c settings: learningRate/],
    [['--root', join(PROJECT, 'package.json')], /--root: .*package\.json is a file, not a directory/],
    [['--until', 'soon'], /--until: 'soon' is neither HH:MM/],
    [['--resume', '--force'], /--resume and --force contradict each other/],
    [['--algo', 'dqn'], /--algo: 'dqn' is not one of a2c, ppi/],
  ];
  for (const [args, message] of cases) {
    const r = await runCli([...base.filter((a) => !(args.includes('--root') && (a === '--root' || a === root))), ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.out}`);
    assert.match(r.out, message, args.join(' '));
    assert.doesNotMatch(r.out, /\n\s+at /, `${args.join(' ')}: no stack trace`);
  }
  assert.ok(!existsSync(root), 'nothing was written');
});

test('the memory check names the largest part, its setting and the estimate; seeds run at the same time multiply it', () => {
  const parts: MemoryPart[] = [
    { what: 'one training update', bytes: 6 * 2 ** 30, how: '1 learner × batchEpisodes=20000 × 100 rounds', settings: ['batchEpisodes'] },
    { what: 'an evaluation', bytes: 2 ** 20, how: 'evalEpisodes=8', settings: ['evalEpisodes'] },
  ];
  const gib = 2 ** 30;
  assert.doesNotThrow(() => checkMemory('step1/a2c/paper', parts, 1, 8 * gib));
  assert.throws(() => checkMemory('step1/a2c/paper', parts, 1, 4 * gib),
    /^RangeError: step1\/a2c\/paper would need about 6\.2 GiB of memory per seed, more than this machine has \(4\.0 GiB\): one training update alone takes about 6\.0 GiB \(1 learner × batchEpisodes=20000 × 100 rounds\); lower batchEpisodes$/);
  assert.throws(() => checkMemory('step1/a2c/paper', parts, 2, 8 * gib), /per seed, 2 seeds at a time: 12\.4 GiB, more than this machine has \(8\.0 GiB\).*; run fewer seeds at a time \(--jobs\)$/);
});

test('a run that fails before its first checkpoint leaves no directory marked running; one that fails later stays resumable', async () => {
  const root = mkdtempSync(join(tmpdir(), 'early-failure-'));
  const a2c = ALGORITHMS.a2c;
  let failAt = 0;
  // Unit `failAt` throws once it has run, before the runner records anything of it.
  ALGORITHMS.a2c = {
    ...a2c,
    learners(...args: Parameters<typeof a2c.learners>) {
      const l = a2c.learners(...args);
      return {
        ...l,
        train: (from, hooks) => l.train(from, {
          ...hooks,
          afterUnit: (done, result) => { if (done - 1 === failAt) throw new Error(`unit ${done - 1} failed`); return hooks.afterUnit?.(done, result); },
        }),
      };
    },
  };
  try {
    const o = { ...STEP1, root };
    await assert.rejects(runExperiment(o), /unit 0 failed/);
    assert.ok(!existsSync(runDir(o)), 'no directory left behind');
    assert.deepEqual(readdirSync(join(root, 'step1/a2c/smoke')), [], 'no lock left behind either');
    failAt = 3; // after the checkpoint at unit 2
    await assert.rejects(runExperiment(o), /unit 3 failed/);
    assert.equal(readStatus(runDir(o))?.unitsDone, 2);
    failAt = -1;
    assert.equal((await runExperiment({ ...o, resume: true })).status, 'done');
  } finally {
    ALGORITHMS.a2c = a2c;
  }
});

/**
 * Starts two seeds through `npm run experiment` and, once both train, signals one process of the tree; then checks
 * that every process of the tree has exited and both seeds stopped at a checkpoint.
 */
async function stopTree(target: 'npm' | 'cli' | 'seed', signal: NodeJS.Signals): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), `signal-${target}-`));
  const npm = npmExperiment(['step1', '--preset', 'smoke', '--seeds', '0,1', '--jobs', '2', '--root', root, ...sets([...FAST, 'iterations=20000', 'checkpointEvery=5000'])]);
  const done = finished(npm);
  const dirs = [0, 1].map((seed) => runDir({ experiment: 'step1', algo: 'a2c', preset: 'smoke', seed, root }));
  try {
    for (let i = 0; i < 400 && !dirs.every((d) => (existsSync(join(d, 'train.csv')))); i++) await sleep(50);
    const tree = descendants(npm.pid!);
    const cliProcess = tree.find((p) => /src\/bin\/cli\.ts/.test(p.cmd) && !/--child/.test(p.cmd));
    const seed0 = tree.find((p) => /--child/.test(p.cmd) && /--seeds 0 /.test(p.cmd));
    assert.ok(cliProcess && seed0, tree.map((p) => `${p.pid} ${p.cmd}`).join('\n'));
    process.kill({ npm: npm.pid!, cli: cliProcess.pid, seed: seed0.pid }[target], signal);
    let timer: NodeJS.Timeout | undefined;
    const r = await Promise.race([done, new Promise<undefined>((late) => { timer = setTimeout(() => late(undefined), 60_000); })]);
    clearTimeout(timer);
    assert.ok(r, 'npm exited');
    for (let i = 0; i < 100 && tree.some((p) => running(p.pid)); i++) await sleep(50);
    assert.deepEqual(tree.filter((p) => running(p.pid)).map((p) => p.cmd), [], `no process of the tree left running after ${signal} to ${target}`);
    for (const d of dirs) {
      const s = readStatus(d)!;
      assert.equal(s.state, 'running', `${d}: stopped, not run to the end`);
      assert.ok(s.unitsDone < 20000);
      assert.equal(JSON.parse(readFileSync(join(d, 'resume/checkpoint.json'), 'utf8')).unitsDone, s.unitsDone, `${d}: a checkpoint where it stopped`);
      assert.ok(!existsSync(`${d}.lock`), 'locks released');
    }
  } finally {
    try { process.kill(-npm.pid!, 'SIGKILL'); } catch { /* already gone */ }
  }
}

test('SIGTERM to the npm process stops the whole tree after a checkpoint, with no orphan', { timeout: 120_000 }, () => stopTree('npm', 'SIGTERM'));
test('SIGINT (Ctrl-C) or SIGTERM to the CLI stops every seed after a checkpoint', { timeout: 120_000 }, async () => {
  await stopTree('cli', 'SIGINT');
  await stopTree('cli', 'SIGTERM');
});
test('SIGTERM to one seed process stops the other seeds and the CLI too', { timeout: 120_000 }, () => stopTree('seed', 'SIGTERM'));
test('SIGKILL to the npm process (which cannot pass it on): the orphaned CLI notices and stops its seeds after a checkpoint', { timeout: 120_000 }, () => stopTree('npm', 'SIGKILL'));
