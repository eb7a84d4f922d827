/**
 * Running one seed of one experiment, resumably, with its results under
 * `data/runs/<experiment>/<algo>/<preset>/seed-<n>/`:
 *
 *   config.json    the resolved configuration, code version, engine/backend, and the checkpoints it started from
 *   train.csv      training curves: unit (iteration/phase), learner, co-player, reward and cooperation of both sides, loss stats
 *   episode.csv    per-round evaluation curves: unit, learner, co-player, round, reward and cooperation of both sides
 *   final/         the learners' final weights (learner-<i>/), read by later steps and notebooks
 *   resume/        the last resumable checkpoint (weights, optimiser state, data; git-ignored), removed when done
 *   status.json    running / done, units done, compute seconds so far (summed over sessions)
 *
 * Everything a unit does is a function of (seed, unit index), so a run resumed from a checkpoint continues with
 * exactly the numbers an uninterrupted run would have produced.
 */
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { Actor } from '../agents/actor';
import { evaluateEpisodes, mergePoints, type TrainPoint } from '../agents/evaluate';
import { memoryOneActor, tabularPoolActor } from '../agents/tabular';
import { NUM_ROUNDS } from '../game/ipd';
import { ALLC, ALLD, TFT } from '../game/memory-one';
import { describeEngine, resolveEngineKind, resolveThreads } from '../model/engines';
import { seeded } from '../rng';
import { a2cTrainerFactory } from './a2c-trainer';
import { experimentSpec, type Algo, type ExperimentName, type ExperimentSpec } from './experiments';
import { appendCsv, filterCsv, readJson, writeJsonAtomic, type CsvRow } from './files';
import { ppiTrainerFactory } from './ppi-trainer';
import { a2cPreset, applyOverrides, ppiPreset, ppiRunSettings, RUN_SETTINGS, type PresetName, type RunSettings } from './presets';
import type { Trainer, TrainerDeps, TrainerFactory } from './trainer';

/**
 * The trainer factory and the preset of each algorithm. PPI registers itself here, with its own run settings (its
 * units are phases: a handful per run, each minutes to hours long, so it logs and checkpoints after every one).
 */
export const ALGORITHMS: Record<Algo, { factory: TrainerFactory<any>; preset(e: ExperimentName, p: PresetName): object; run?(e: ExperimentName, p: PresetName): RunSettings } | undefined> = {
  a2c: { factory: a2cTrainerFactory, preset: a2cPreset },
  ppi: { factory: ppiTrainerFactory, preset: ppiPreset, run: ppiRunSettings },
};

export const DEFAULT_ROOT = resolve(__dirname, '..', '..', 'data', 'runs');

export interface RunOptions {
  readonly experiment: ExperimentName;
  readonly algo: Algo;
  readonly preset: PresetName;
  readonly seed: number;
  /** `name=value` overrides of learner or run settings. */
  readonly overrides?: readonly string[];
  /** Root of the results tree (default data/runs). */
  readonly root?: string;
  /** Continue from the last checkpoint of an interrupted run. */
  readonly resume?: boolean;
  /** Discard an existing run (finished or not) and start again. */
  readonly force?: boolean;
  /**
   * Start the learners from saved agents instead of fresh weights (a study option; no preset uses it): a run
   * directory, its `final/`, or a `resume/`. Learner i starts from `learner-<i>` there, or from `learner-0` when the
   * source has fewer learners; A2C takes the weights (with a fresh optimiser), PPI the model and its data set, as
   * Step 3 does from Step 2. Not for Step 3 itself, which starts from its Step-2 agent.
   */
  readonly initFrom?: string;
  /**
   * Step 2 only (a study option): the frozen co-player, the Fixed In-Context Learner, is `learner-0` of the saved
   * agents in this directory (a run directory or its `final/`) instead of this seed's Step-1 agent, e.g. an agent
   * trained in the mixed pool. No Step-1 run is needed then.
   */
  readonly frozenFrom?: string;
}

export interface Progress {
  readonly experiment: ExperimentName;
  readonly algo: Algo;
  readonly seed: number;
  readonly unit: 'iteration' | 'phase';
  readonly done: number;
  readonly total: number;
  /** Units per second over this session of the run. */
  readonly rate: number;
  /** Seconds to go at that rate. */
  readonly eta: number;
  /** The latest training points of learner 0, per co-player. */
  readonly latest: readonly TrainPoint[];
  /** Progress inside the unit under way (PPI: 'refit learner 1 120/350'; the evaluation), when it reports any. */
  readonly message?: string;
}

export interface RunHooks {
  onProgress?(p: Progress): void;
  /** Polled between units; true stops the run after a checkpoint (SIGINT/SIGTERM, a time budget). */
  shouldStop?(): boolean;
  /** Messages for the user (which checkpoint a step depends on, skipping a finished run, ...). */
  log?(message: string): void;
}

export interface RunResult {
  readonly dir: string;
  readonly status: 'done' | 'stopped' | 'already-done';
  readonly unitsDone: number;
}

export interface Status {
  readonly state: 'running' | 'done';
  readonly unitsDone: number;
  readonly totalUnits: number;
  readonly updatedAt: string;
  /**
   * Seconds the run has spent running, summed over its sessions: an interrupted run resumed a day later counts the
   * time of each session, not the day between. Written with every checkpoint, so a session killed (not stopped)
   * loses the time since its last checkpoint. Absent in runs written before it was recorded.
   */
  readonly computeSeconds?: number;
  /** True when `computeSeconds` builds on an estimate: a run begun before the field existed, then resumed. */
  readonly computeApproximate?: boolean;
}

interface ResumeExtra {
  readonly unitsDone: number;
  /** Training points of the log window still open at the checkpoint. */
  readonly window: TrainPoint[];
  readonly windowStats: Record<string, number>[][];
}

export function runDir(o: Pick<RunOptions, 'experiment' | 'algo' | 'preset' | 'seed' | 'root'>): string {
  return join(o.root ?? DEFAULT_ROOT, o.experiment, o.algo, o.preset, `seed-${o.seed}`);
}

/** The resolved learner configuration and run settings of a run. */
export function resolveSettings(o: RunOptions): { spec: ExperimentSpec; learner: object; run: RunSettings } {
  const spec = experimentSpec(o.experiment);
  const algo = ALGORITHMS[o.algo];
  if (!algo) throw new Error(`algorithm '${o.algo}' is not available yet`);
  const { learner, run } = applyOverrides(o.algo, algo.preset(o.experiment, o.preset), algo.run?.(o.experiment, o.preset) ?? RUN_SETTINGS[o.preset], o.overrides ?? []);
  return { spec, learner, run };
}

const PROJECT_ROOT = resolve(__dirname, '..', '..');

/** A path as config.json records it: relative to the project root when inside it, so that a clone elsewhere reads it. */
export function recordedPath(p: string): string {
  const r = relative(PROJECT_ROOT, p);
  return r !== '' && !r.startsWith('..') && !isAbsolute(r) ? r : p;
}

function codeVersion(): { commit: string; dirty: boolean; package: string } {
  const root = PROJECT_ROOT;
  let commit = 'unknown', dirty = false;
  try {
    commit = execSync('git rev-parse HEAD', { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    dirty = execSync('git status --porcelain -- src', { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() !== '';
  } catch {
    /* not a git checkout */
  }
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  return { commit, dirty, package: pkg.version };
}

/** Where and with what one session of a run ran: config.json holds the first, and `resumed` the later ones. */
export interface RunSession {
  readonly startedAt: string;
  readonly code: { commit: string; dirty: boolean; package: string };
  readonly engine: string;
  readonly node: string;
}

export function readStatus(dir: string): Status | undefined {
  return existsSync(join(dir, 'status.json')) ? readJson<Status>(join(dir, 'status.json')) : undefined;
}

/** How long a run has computed so far; `approximate` when (part of) it is a wall-clock estimate. */
export interface ComputeTime {
  readonly seconds: number;
  readonly approximate: boolean;
}

/**
 * The compute time of a run so far: status.json's `computeSeconds`. Runs written before that field existed fall
 * back to the wall time from the start of the last session in config.json (`startedAt`, or its last `resumed` entry)
 * to status.json's `updatedAt`, marked approximate: for a run that was resumed this covers its last session only.
 * Undefined when the run has no status (or no usable start time).
 */
export function readComputeTime(dir: string): ComputeTime | undefined {
  const status = readStatus(dir);
  if (!status) return undefined;
  if (status.computeSeconds !== undefined) return { seconds: status.computeSeconds, approximate: status.computeApproximate === true };
  const configPath = join(dir, 'config.json');
  if (!existsSync(configPath)) return undefined;
  const config = readJson<{ startedAt?: string; resumed?: { startedAt?: string }[] }>(configPath);
  const lastStart = config.resumed?.at(-1)?.startedAt ?? config.startedAt ?? '';
  const seconds = (Date.parse(status.updatedAt) - Date.parse(lastStart)) / 1000;
  return Number.isFinite(seconds) && seconds >= 0 ? { seconds, approximate: true } : undefined;
}

/** The directory holding `learner-<i>/` agents: `dir` itself, or a run directory's `final/`. */
function savedAgentsDir(dir: string, option: string): string {
  const d = resolve(dir);
  for (const c of [d, join(d, 'final')]) if (existsSync(join(c, 'learner-0', 'manifest.json'))) return c;
  throw new Error(`${option}: no saved agents in ${d} (looked for learner-0/manifest.json in it and in final/)`);
}

/** Whether `dir` holds a resumable checkpoint (`resume/state.json` is written last, so it marks a complete one). */
function hasCheckpoint(dir: string): boolean {
  return existsSync(join(dir, 'resume', 'state.json'));
}

/**
 * Seconds of compute one seed of this run still needs, estimated from the finished seeds of the same experiment,
 * learner and preset under the same root (their longest `computeSeconds`), scaled by the units this seed has left,
 * plus the same estimate for a Step-1/Step-2 dependency that is not finished yet. Undefined when no finished seed
 * says how long the run takes. Used to avoid starting runs that a time limit would cut off (`--until`).
 */
export function estimateRemainingSeconds(o: RunOptions): number | undefined {
  const dir = runDir(o);
  const status = readStatus(dir);
  if (status?.state === 'done' && !o.force) return 0;
  const parent = dirname(dir);
  const finished = existsSync(parent)
    ? readdirSync(parent)
        .filter((name) => /^seed-\d+$/.test(name))
        .map((name) => join(parent, name))
        .filter((d) => d !== dir && readStatus(d)?.state === 'done')
        .map((d) => readComputeTime(d)?.seconds)
        .filter((t): t is number => t !== undefined && t > 0)
    : [];
  if (finished.length === 0) return undefined;
  const perRun = Math.max(...finished);
  const left = status && !o.force && o.resume && hasCheckpoint(dir) && status.totalUnits > 0
    ? 1 - status.unitsDone / status.totalUnits
    : 1;
  const spec = experimentSpec(o.experiment);
  let dependency = 0;
  if (spec.dependsOn && !o.frozenFrom) {
    const dep = estimateRemainingSeconds({ ...o, experiment: spec.dependsOn.experiment, overrides: [], resume: true, force: false });
    if (dep === undefined) return undefined;
    dependency = dep;
  }
  return perRun * left + dependency;
}

/**
 * `--until`: an ISO date-time, or HH:MM (UTC), as milliseconds since the epoch. HH:MM is the next time the UTC clock
 * shows it (within 24 h of `now`), so `--until 01:30` given at 23:40 means 01:30 of the next day.
 */
export function parseUntil(text: string, now: number = Date.now()): number {
  const hm = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (hm) {
    const [h, m] = [Number(hm[1]), Number(hm[2])];
    if (h > 23 || m > 59) throw new RangeError(`--until: '${text}' is not a time of day`);
    const d = new Date(now);
    d.setUTCHours(h, m, 0, 0);
    return d.getTime() <= now ? d.getTime() + 24 * 3600_000 : d.getTime();
  }
  const t = Date.parse(text);
  if (!Number.isFinite(t)) throw new RangeError(`--until: '${text}' is neither HH:MM (UTC) nor an ISO date-time`);
  return t;
}

const TRAIN_COLUMNS = ['learner', 'coplayer', 'reward', 'cooperation', 'coplayer_reward', 'coplayer_cooperation', 'episodes'];
const EPISODE_COLUMNS = ['learner', 'coplayer', 'round', 'reward', 'cooperation', 'coplayer_reward', 'coplayer_cooperation'];

/** Co-players of the per-round evaluation: the paper's fixed strategies, the random pool, and the learning/frozen one. */
function evaluationCoPlayers(trainer: Trainer, learner: number, frozen: Actor | undefined): Actor[] {
  const list: Actor[] = [memoryOneActor(ALLC, 'allc'), memoryOneActor(ALLD, 'alld'), memoryOneActor(TFT, 'tft'), tabularPoolActor()];
  const actors = trainer.actors();
  if (actors.length > 1) list.push(actors[(learner + 1) % actors.length]);
  else if (frozen) list.push(frozen);
  return list;
}

/**
 * Runs (or resumes, or skips if finished) one seed of one experiment. Depends-on steps of the same seed are run
 * first when their results are missing.
 */
export async function runExperiment(o: RunOptions, hooks: RunHooks = {}): Promise<RunResult> {
  const log = hooks.log ?? (() => {});
  const dir = runDir(o);
  const status = readStatus(dir);
  if (status?.state === 'done' && !o.force) {
    log(`${o.experiment}/${o.algo}/${o.preset}/seed-${o.seed}: already done (${dir}); use --force to run it again`);
    return { dir, status: 'already-done', unitsDone: status.unitsDone };
  }
  if (o.force) rmSync(dir, { recursive: true, force: true });
  else if (status && !o.resume) {
    throw new Error(`${dir} holds an unfinished run (${status.unitsDone}/${status.totalUnits}); continue it with --resume or discard it with --force`);
  }
  // The compute time of earlier sessions, read before this session rewrites config.json (the legacy estimate uses it).
  // Only a run that continues from a checkpoint builds on it: one that starts again from the beginning (its checkpoint
  // lost, e.g. with a work tree that was not kept) counts its own time only.
  const fromCheckpoint = o.resume === true && !o.force && hasCheckpoint(dir);
  const earlier = status && fromCheckpoint ? readComputeTime(dir) : undefined;
  const { spec, learner, run } = resolveSettings(o);
  const algo = ALGORITHMS[o.algo]!;

  // Steps 2 and 3 start from an earlier step of the same seed; run it first when it is missing.
  const deps: { -readonly [K in keyof TrainerDeps]: TrainerDeps[K] } = {};
  let dependency: { experiment: string; dir: string } | undefined;
  let frozenFrom: string | undefined;
  if (o.frozenFrom) {
    if (spec.dependsOn?.use !== 'frozen-opponent') throw new Error(`--frozen-from: only Step 2 plays against a frozen agent, not ${o.experiment}`);
    frozenFrom = savedAgentsDir(o.frozenFrom, '--frozen-from');
    deps.frozenFrom = frozenFrom;
    log(`${o.experiment} seed ${o.seed}: the frozen co-player is learner-0 of ${frozenFrom}`);
  } else if (spec.dependsOn) {
    const depOptions: RunOptions = { ...o, experiment: spec.dependsOn.experiment, overrides: [], resume: true, force: false, initFrom: undefined };
    const depDir = runDir(depOptions);
    if (readStatus(depDir)?.state !== 'done') {
      log(`${o.experiment} needs ${spec.dependsOn.experiment} of seed ${o.seed}: running it first (${depDir})`);
      const r = await runExperiment(depOptions, hooks);
      if (r.status === 'stopped') return { dir, status: 'stopped', unitsDone: 0 };
    }
    const finalDir = join(depDir, 'final');
    log(`${o.experiment} seed ${o.seed}: using the ${spec.dependsOn.experiment} agent at ${finalDir}`);
    if (spec.dependsOn.use === 'frozen-opponent') deps.frozenFrom = finalDir;
    else deps.initialiseFrom = finalDir;
    dependency = { experiment: spec.dependsOn.experiment, dir: recordedPath(finalDir) };
  }
  let initialisedFrom: string | undefined;
  if (o.initFrom) {
    if (deps.initialiseFrom) throw new Error(`--init-from: ${o.experiment} already starts its learners from the ${spec.dependsOn!.experiment} agent`);
    initialisedFrom = savedAgentsDir(o.initFrom, '--init-from');
    deps.initialiseFrom = initialisedFrom;
    log(`${o.experiment} seed ${o.seed}: learners start from ${initialisedFrom}`);
  }
  // A resumed run continues from the starting point it had.
  const configPath = join(dir, 'config.json');
  const before = existsSync(configPath)
    ? readJson<Partial<RunSession> & { resumed?: RunSession[]; initialisedFrom?: string; frozenFrom?: string }>(configPath)
    : undefined;
  if (status && before) {
    const given = { '--init-from': [before.initialisedFrom, initialisedFrom], '--frozen-from': [before.frozenFrom, frozenFrom] } as const;
    for (const [option, [then, now]] of Object.entries(given)) {
      if ((then && resolve(PROJECT_ROOT, then)) !== now) throw new Error(`${dir} was started ${then ? `with ${option} ${then}` : `without ${option}`}; continue it the same way, or discard it with --force`);
    }
  }

  // This session's compute starts here: a dependency run above records its own.
  const sessionStart = performance.now();
  const rng = seeded(`${o.experiment}/${o.algo}/seed-${o.seed}`);
  const trainer = algo.factory.create(spec, learner, rng.child('init'), deps);
  const frozen = deps.frozenFrom ? algo.factory.loadActor(deps.frozenFrom, 0) : undefined;
  const total = trainer.totalUnits;
  const unitCol = trainer.unit;
  const trainPath = join(dir, 'train.csv'), episodePath = join(dir, 'episode.csv'), resumeDir = join(dir, 'resume');

  let unitsDone = 0;
  let window: TrainPoint[] = [];
  let windowStats: Record<string, number>[][] = [];
  if (fromCheckpoint) {
    const extra = readJson<ResumeExtra>(join(resumeDir, 'state.json'));
    trainer.loadState(resumeDir);
    ({ unitsDone, window, windowStats } = extra);
    log(`resuming ${dir} from ${unitCol} ${unitsDone}/${total}`);
  } else if (o.resume && status) {
    log(`${dir}: no checkpoint yet, starting from the beginning`);
  }
  // Rows written after the checkpoint are recomputed identically below: drop them (and any line cut by a crash).
  filterCsv(trainPath, (r) => Number(r[unitCol]) <= unitsDone);
  filterCsv(episodePath, (r) => unitsDone > 0 && Number(r[unitCol]) <= unitsDone); // evaluations up to the checkpoint were written before it

  const engineKind = resolveEngineKind();
  // Provenance: the first session's code and start stay; each resumed session is appended, so a run continued
  // under newer code (or another engine) says so.
  const session: RunSession = { startedAt: new Date().toISOString(), code: codeVersion(), engine: describeEngine(engineKind, resolveThreads()), node: process.version };
  const first = fromCheckpoint && before?.startedAt && before.code ? before as RunSession : undefined;
  const origin = first ?? session;
  writeJsonAtomic(configPath, {
    experiment: o.experiment, algo: o.algo, preset: o.preset, seed: o.seed,
    figure: spec.figure, description: spec.description,
    [o.algo]: learner, run, overrides: o.overrides ?? [],
    dependsOn: dependency ?? null,
    ...(initialisedFrom ? { initialisedFrom: recordedPath(initialisedFrom) } : {}),
    ...(frozenFrom ? { frozenFrom: recordedPath(frozenFrom) } : {}),
    code: origin.code, engine: origin.engine, node: origin.node, startedAt: origin.startedAt,
    ...(first ? { resumed: [...(before?.resumed ?? []), session] } : {}),
  });
  const writeStatus = (state: Status['state']) =>
    writeJsonAtomic(join(dir, 'status.json'), {
      state, unitsDone, totalUnits: total, updatedAt: new Date().toISOString(),
      computeSeconds: (earlier?.seconds ?? 0) + (performance.now() - sessionStart) / 1000,
      ...(earlier?.approximate ? { computeApproximate: true } : {}),
    } satisfies Status);
  writeStatus('running');

  const started = Date.now(), startUnits = unitsDone;
  let latest: TrainPoint[] = [];
  const progress = (message?: string): Progress => {
    const rate = (unitsDone - startUnits) / Math.max(1e-3, (Date.now() - started) / 1000);
    return {
      experiment: o.experiment, algo: o.algo, seed: o.seed, unit: unitCol, done: unitsDone, total, rate,
      eta: rate > 0 ? (total - unitsDone) / rate : NaN, latest, ...(message ? { message } : {}),
    };
  };
  // Work inside a unit, at most every 2 s: a PPI phase runs for minutes (hours at the paper's sizes).
  let lastWork = 0;
  const onWork = (stage: string, done: number, of: number) => {
    if (!hooks.onProgress || (Date.now() - lastWork < 2000 && done < of)) return;
    lastWork = Date.now();
    hooks.onProgress(progress(`${stage} ${done}/${of}`));
  };
  trainer.setWorkListener?.(onWork);

  const evalUnits = new Set(run.evalAt.map((f) => Math.round(f * total)));
  evalUnits.add(total);
  const evaluate = (atUnit: number) => {
    const rows: CsvRow[] = [];
    const actors = trainer.actors();
    actors.forEach((actor, i) => {
      const coPlayers = evaluationCoPlayers(trainer, i, frozen);
      const stage = `evaluation at ${unitCol} ${atUnit}, learner ${i + 1}`;
      let played = 0;
      const onRound = () => onWork(stage, ++played, coPlayers.length * NUM_ROUNDS);
      const points = evaluateEpisodes(i, actor, coPlayers, run.evalEpisodes, rng.child(`eval-${atUnit}-${i}`), {
        identities: trainer.identities, onRound,
      });
      for (const p of points) {
        rows.push({ [unitCol]: atUnit, learner: p.learner, coplayer: p.coPlayer, round: p.round, reward: p.reward, cooperation: p.cooperation, coplayer_reward: p.coplayerReward, coplayer_cooperation: p.coplayerCooperation });
      }
    });
    appendCsv(episodePath, [unitCol, ...EPISODE_COLUMNS], rows);
  };
  const checkpoint = () => {
    trainer.saveState(resumeDir);
    writeJsonAtomic(join(resumeDir, 'state.json'), { unitsDone, window, windowStats } satisfies ResumeExtra);
    writeStatus('running');
  };

  if (unitsDone === 0 && evalUnits.has(0)) evaluate(0);
  let stopped = false;
  while (unitsDone < total) {
    const result = trainer.runUnit(unitsDone, rng.child(`unit-${unitsDone}`));
    unitsDone++;
    window.push(...result.points);
    windowStats.push(result.stats.map((s) => ({ ...s })));
    latest = mergePoints(result.points.filter((p) => p.learner === 0));
    if (unitsDone % run.logEvery === 0 || unitsDone === total) {
      const merged = mergePoints(window);
      const rows = merged.map((p) => {
        const stats: Record<string, number> = {};
        for (const name of trainer.statNames) {
          const vals = windowStats.map((s) => s[p.learner]?.[name]).filter((v): v is number => v !== undefined);
          stats[name] = vals.reduce((a, b) => a + b, 0) / Math.max(1, vals.length);
        }
        return {
          [unitCol]: unitsDone, learner: p.learner, coplayer: p.coPlayer, reward: p.reward, cooperation: p.cooperation,
          coplayer_reward: p.coplayerReward, coplayer_cooperation: p.coplayerCooperation, episodes: p.episodes, ...stats,
        };
      });
      appendCsv(trainPath, [unitCol, ...TRAIN_COLUMNS, ...trainer.statNames], rows);
      window = [];
      windowStats = [];
    }
    if (evalUnits.has(unitsDone)) evaluate(unitsDone);
    stopped = unitsDone < total && (hooks.shouldStop?.() ?? false);
    if (unitsDone % run.checkpointEvery === 0 || stopped) checkpoint();
    hooks.onProgress?.(progress());
    if (stopped) break;
    await new Promise((r) => setImmediate(r)); // let signals and progress through between units
  }
  if (stopped) {
    trainer.dispose();
    log(`stopped ${dir} at ${unitCol} ${unitsDone}/${total}; continue with --resume`);
    return { dir, status: 'stopped', unitsDone };
  }
  trainer.saveFinal(join(dir, 'final'));
  writeStatus('done');
  rmSync(resumeDir, { recursive: true, force: true });
  trainer.dispose();
  return { dir, status: 'done', unitsDone };
}
