/**
 * `npm run experiment -- <experiment> [options]`: runs experiments of the paper, one child process per seed on
 * all cores, with a progress display, resumable results under data/runs/ (see src/experiments/run.ts).
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ALGOS, EXPERIMENT_SPECS, EXPERIMENTS, experimentSpec, type Algo, type ExperimentName } from '../experiments/experiments';
import { allowedSettings, PRESETS, type PresetName } from '../experiments/presets';
import { estimateRemainingSeconds, parseUntil, planRun, runExperiment, RunRefused, type Progress, type RunOptions, type RunResult } from '../experiments/run';
import { formatDuration, formatRate } from '../experiments/progress-format';
import { forkSeed, threadsPerSeed, type SeedMessage } from '../experiments/seed-process';
import { describeEngine, resolveEngineKind } from '../model/engines';

const HELP = `Usage: npm run experiment -- <experiment> [options]

Runs one experiment of the paper for one or more seeds. Results go to
data/runs/<experiment>/<algo>/<preset>/seed-<n>/ (config.json, train.csv, episode.csv, final/).

Experiments:
${EXPERIMENTS.map((e) => `  ${e.padEnd(18)} ${EXPERIMENT_SPECS[e].figure}: ${EXPERIMENT_SPECS[e].description}`).join('\n')}

Options:
  --algo a2c|ppi       learning algorithm (default a2c)
  --preset NAME        paper | long | reduced | smoke (default reduced)
                         paper:   the paper's settings, unchanged
                         long:    4-9x reduced's lengths, an estimated 1-1.5 h per seed on two cores (native)
                         reduced: one seed of one experiment in about 30 minutes on one core
                         smoke:   seconds, for tests
  --seeds LIST         seeds, e.g. 0-4 or 0,2,5 (default 0)
  --jobs N             seeds run in parallel, one process each (default: number of cores); a seed that has
                         the machine's two cores to itself splits its batches over two threads (ICL_THREADS=1|2
                         overrides)
  --set NAME=VALUE     override a setting (repeatable); see the list below
  --resume             continue unfinished runs from their last checkpoint, with the settings they were
                         started with (any difference is refused and listed)
  --force              discard existing results of these runs and start again
  --extend             PPI: lengthen runs, finished or not, to this command's larger number of phases (e.g.
                         --set phases=12, or a preset that grew): the phases done stay, the new ones are those
                         an uninterrupted longer run computes; implies --resume. Refused for a run that a later
                         step starts from, and for A2C. With --queue: replaces the run's ended job by one
                         that lengthens it
  --root DIR           results root (default data/runs)
  --init-from DIR      start the learners from saved agents (a run directory or its final/; learner i from
                         learner-<i>, else learner-0) instead of fresh weights: a study option, e.g. a Step-1
                         run from an agent trained elsewhere; use --root to keep such runs apart
  --frozen-from DIR    Step 2 only: the frozen co-player is learner-0 of DIR's saved agents (a run directory or
                         its final/) instead of this seed's Step-1 agent; a study option, with --root
  --until TIME         a time limit (ISO date-time, or HH:MM UTC, its next occurrence): a seed is not started when the
                         finished seeds of the same run say it would not end by then; running seeds stop
                         after a checkpoint when it passes (for sessions whose work tree is not kept);
                         exit code 3 when seeds were left unstarted and nothing failed
  --queue URL          do not run here: add one job per seed (and per step it needs) to the queue in Redis at URL
                         (redis://[:PASSWORD@]HOST:PORT[/DB]; rediss:// for TLS) for workers on other machines
                         (npm run worker), and return; npm run queue -- status shows them. README "Running on
                         several machines"
  --help               this text

Steps 2 and 3 start from Step 1 / Step 2 of the same seed (run first if missing).
A finished run is not re-run unless --force is given (nor skipped if its files no longer match the checksums
it finished with, or if it finished with other settings than the command's: refused, listing each). One process at a time writes a run: a second start is refused. Ctrl-C (or SIGTERM) stops
every seed after a checkpoint; --resume continues to the same end with identical numbers. Bad values and
settings that would need more memory than the machine has are refused before anything is written (exit 2).
README "Guarantees of a run" says what is guaranteed.

Settings (--set NAME=VALUE):
  a2c: ${allowedSettings('a2c').join(', ')}
  ppi: ${ALGOS.includes('ppi') ? safeAllowed('ppi') : ''}
`;

/** Exit code when no seed failed but `--until` kept at least one from starting. */
const NOT_STARTED_EXIT = 3;

function safeAllowed(algo: Algo): string {
  try {
    return allowedSettings(algo).join(', ') || '(not available yet)';
  } catch {
    return '(not available yet)';
  }
}

function parseSeeds(text: string): number[] {
  const seeds = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw new RangeError(`--seeds: '${part}' is not a seed (a whole number >= 0) or a range like 0-4`);
    const a = Number(m[1]), b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) throw new RangeError(`--seeds: range ${part} is empty`);
    for (let s = a; s <= b; s++) seeds.add(s);
  }
  return [...seeds];
}

/** `--jobs`: a whole number of processes, at least one. */
function parseJobs(text: string): number {
  if (!/^[1-9]\d*$/.test(text.trim())) throw new RangeError(`--jobs: '${text}' is not a number of processes (a whole number >= 1)`);
  return Number(text);
}

/** A directory option: the path, refusing an empty one or one that names a file. */
function parseDir(text: string, flag: string): string {
  if (text.trim() === '') throw new RangeError(`${flag}: empty path`);
  const p = resolve(text);
  if (existsSync(p) && !statSync(p).isDirectory()) throw new RangeError(`${flag}: ${p} is a file, not a directory`);
  return p;
}

function pick<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw new RangeError(`${flag}: '${value}' is not one of ${allowed.join(', ')}`);
  return value as T;
}

function progressLine(p: Progress): string {
  const latest = p.latest.map((t) => `${t.coPlayer} r=${t.reward.toFixed(3)} c=${t.cooperation.toFixed(2)}`).join(' | ');
  const doing = p.message ? `  [${p.message}]` : '';
  return `${p.experiment}/${p.algo} seed ${p.seed}: ${p.unit} ${p.done}/${p.total} ${formatRate(p.rate)} ETA ${formatDuration(p.eta)}${doing}  ${latest}`;
}

/** Child mode: one seed, progress to the parent over IPC. */
async function child(options: RunOptions): Promise<void> {
  let stop = false;
  process.on('SIGINT', () => (stop = true));
  process.on('SIGTERM', () => (stop = true));
  process.on('disconnect', () => (stop = true)); // the parent is gone: checkpoint and stop
  const send = (m: SeedMessage) => { if (process.connected) process.send?.(m); };
  let result: RunResult;
  try {
    result = await runExperiment(options, {
      onProgress: (p) => send({ type: 'progress', progress: p }),
      shouldStop: () => stop,
      log: (message) => send({ type: 'log', seed: options.seed, message }),
    });
  } catch (e) {
    if (e instanceof RunRefused) send({ type: 'refused', seed: options.seed, message: e.message });
    throw e;
  }
  send({ type: 'result', seed: options.seed, result });
}

const OPTIONS = {
  algo: { type: 'string', default: 'a2c' },
  preset: { type: 'string', default: 'reduced' },
  seeds: { type: 'string', default: '0' },
  jobs: { type: 'string' },
  set: { type: 'string', multiple: true, default: [] },
  resume: { type: 'boolean', default: false },
  force: { type: 'boolean', default: false },
  extend: { type: 'boolean', default: false },
  root: { type: 'string' },
  'init-from': { type: 'string' },
  'frozen-from': { type: 'string' },
  until: { type: 'string' },
  queue: { type: 'string' },
  child: { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
} satisfies NonNullable<ParseArgsConfig['options']>;

/**
 * The command line with every value option's value attached (`--seeds=-1`), so that a value starting with '-' reaches
 * the option's own check (`--seeds: '-1' is not a seed`) instead of parseArgs' "argument is ambiguous"; a value
 * option followed by another option or by nothing is refused here, naming it.
 */
function attachValues(argv: readonly string[]): string[] {
  const takesValue = new Set(Object.entries(OPTIONS).filter(([, o]) => o.type === 'string').map(([name]) => `--${name}`));
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { out.push(...argv.slice(i)); break; }
    if (!takesValue.has(a)) { out.push(a); continue; }
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new RangeError(`${a} needs a value${value ? ` (got the option ${value} next)` : ''}`);
    out.push(`${a}=${value}`);
    i++;
  }
  return out;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ args: attachValues(process.argv.slice(2)), allowPositionals: true, options: OPTIONS });
  if (values.help || positionals.length === 0) {
    process.stdout.write(HELP);
    return values.help ? 0 : 2;
  }
  if (positionals.length > 1) throw new RangeError(`one experiment at a time, got ${positionals.join(' ')}`);
  const experiment = experimentSpec(positionals[0]).name as ExperimentName;
  const algo = pick(values.algo!, ALGOS, '--algo');
  const preset = pick(values.preset!, PRESETS, '--preset') as PresetName;
  const seeds = parseSeeds(values.seeds!);
  const base = {
    experiment, algo, preset, overrides: values.set!, resume: values.resume! || values.extend!, force: values.force!, extend: values.extend!,
    root: values.root === undefined ? undefined : parseDir(values.root, '--root'),
    initFrom: values['init-from'] === undefined ? undefined : parseDir(values['init-from'], '--init-from'),
    frozenFrom: values['frozen-from'] === undefined ? undefined : parseDir(values['frozen-from'], '--frozen-from'),
  };
  if (values.resume && values.force) throw new RangeError('--resume and --force contradict each other: continue the runs, or discard them');
  if (values.extend && values.force) throw new RangeError('--extend and --force contradict each other: lengthen the runs, or discard them');
  // --queue (issue 29): the runs go to the queue for workers (src/queue/), loaded only here, so nothing else needs Redis.
  if (values.queue !== undefined) {
    const { enqueueRuns } = await import('../queue/enqueue');
    return enqueueRuns(values.queue, { ...base, seeds }, { jobs: values.jobs, until: values.until });
  }
  if (values.child) {
    await child({ ...base, seed: seeds[0] });
    return 0;
  }
  const until = values.until === undefined ? undefined : parseUntil(values.until);
  const jobs = Math.min(seeds.length, values.jobs === undefined ? cpus().length : parseJobs(values.jobs));
  // Refuse bad settings, a memory need beyond the machine (for `jobs` seeds at a time) and missing saved agents
  // before any process starts or anything is written.
  planRun({ ...base, seed: seeds[0] }, jobs);
  // The cores are shared among the seeds that run at once: a lone seed splits its batches over two threads.
  const threads = threadsPerSeed(jobs);
  console.log(`engine: ${describeEngine(resolveEngineKind(), threads)}; ${experiment} --algo ${algo} --preset ${preset}; seeds ${seeds.join(",")} (${jobs} at a time)`);
  if (until !== undefined) console.log(`--until ${new Date(until).toISOString()} (${until > Date.now() ? `in ${formatDuration((until - Date.now()) / 1000)}` : 'already passed'})`);

  const tty = process.stdout.isTTY === true;
  const lines = new Map<number, string>();
  let drawn = 0;
  let lastPrint = 0;
  const redraw = (force = false) => {
    if (tty) {
      if (drawn > 0) process.stdout.write(`\x1b[${drawn}A\x1b[J`);
      const out = [...lines.values()];
      process.stdout.write(out.map((l) => l.slice(0, process.stdout.columns ?? 200)).join('\n') + (out.length ? '\n' : ''));
      drawn = out.length;
    } else if (force || Date.now() - lastPrint > 15000) {
      for (const l of lines.values()) console.log(l);
      lastPrint = Date.now();
    }
  };
  const say = (text: string) => {
    if (tty && drawn > 0) { process.stdout.write(`\x1b[${drawn}A\x1b[J`); drawn = 0; }
    console.log(text);
    redraw(true);
  };

  const children = new Set<ChildProcess>();
  let stopping = false; // after Ctrl-C/SIGTERM: let running seeds checkpoint, start no new ones
  const forward = (sig: NodeJS.Signals) => { stopping = true; for (const c of children) c.kill(sig); };
  process.on('SIGINT', () => forward('SIGINT'));
  process.on('SIGTERM', () => forward('SIGTERM'));
  // A parent that is gone (npm killed with SIGKILL, a closed terminal's shell) cannot pass a signal on: this process
  // is then re-parented, and stops its seeds after a checkpoint as if it had been signalled, leaving no orphan running.
  const parentAtStart = process.ppid;
  const watchParent = setInterval(() => {
    if (process.ppid === parentAtStart || stopping) return;
    say(`the process that started this one (${parentAtStart}) is gone: stopping after a checkpoint`);
    forward('SIGTERM');
  }, 1000);
  watchParent.unref();

  let failures = 0;
  const queue = [...seeds];
  let deadlineTimer: NodeJS.Timeout | undefined;
  if (until !== undefined) {
    deadlineTimer = setTimeout(() => { say(`--until ${new Date(until).toISOString()} reached: stopping after a checkpoint`); forward('SIGTERM'); }, Math.max(0, until - Date.now()));
    deadlineTimer.unref();
  }
  let notStarted = 0;
  /** False (and says why) when --until leaves too little time for this seed, by the finished seeds' compute time. */
  const fitsBeforeDeadline = (seed: number): boolean => {
    if (until === undefined) return true;
    const needed = estimateRemainingSeconds({ ...base, seed });
    const left = (until - Date.now()) / 1000;
    if (needed === 0) {
      if (left > 0) return true; // the child reports it finished
      // Past the deadline even a finished seed is not launched: the stop signal would cut its child off mid-start.
      say(`seed ${seed}: already finished`);
      return false;
    }
    if (needed === undefined) {
      if (left > 0) return true;
      notStarted++;
      say(`seed ${seed}: not started: --until has passed`);
      return false;
    }
    if (needed <= left) return true;
    notStarted++;
    say(`seed ${seed}: not started: it needs about ${formatDuration(needed)} (at the slowest pace of the finished seeds and its own), ${formatDuration(Math.max(0, left))} left before --until`);
    return false;
  };
  const runOne = (seed: number) =>
    new Promise<void>((done) => {
      const c = forkSeed({ ...base, seed }, threads);
      children.add(c);
      let stderr = '';
      c.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
      // A refusal ('refused') is also on stderr, which the exit handler prints.
      c.on('message', (m: SeedMessage) => {
        if (m.type === 'progress') { lines.set(seed, progressLine(m.progress)); redraw(); }
        else if (m.type === 'log') say(`seed ${m.seed}: ${m.message}`);
        else if (m.type === 'result') {
          say(`seed ${seed}: ${m.result.status} (${m.result.dir})`);
          // A seed stops only on a signal. One sent to it alone (not through this process) stops the whole run.
          if (m.result.status === 'stopped' && !stopping) {
            say(`seed ${seed} was stopped by a signal: stopping the other seeds after a checkpoint`);
            forward('SIGTERM');
          }
        }
      });
      c.on('exit', (code, signal) => {
        children.delete(c);
        if (code !== 0) {
          failures++;
          say(`seed ${seed}: failed (${signal ?? `exit ${code}`})\n${stderr.trim()}`);
        }
        done();
      });
    });
  const workers = Array.from({ length: jobs }, async () => {
    while (queue.length > 0 && !stopping) {
      const seed = queue.shift()!;
      if (fitsBeforeDeadline(seed)) await runOne(seed);
    }
  });
  await Promise.all(workers);
  if (deadlineTimer) clearTimeout(deadlineTimer);
  redraw(true);
  // 3: nothing failed, but --until kept some seeds from starting (scripts tell "not run yet" from "done").
  return failures > 0 ? 1 : notStarted > 0 ? NOT_STARTED_EXIT : 0;
}

main()
  .then(
    (code) => { process.exitCode = code; },
    (e: Error) => {
      console.error(`experiment: ${e.message}`);
      process.exitCode = 2;
    },
  )
  .finally(() => {
    // A per-seed child stays alive while its IPC channel is open.
    if (process.connected) setImmediate(() => process.disconnect());
  });
