/**
 * Running one seed of one experiment, resumably, with its results under
 * `data/runs/<experiment>/<algo>/<preset>/seed-<n>/`:
 *
 *   config.json    the resolved configuration, code version, engine/backend, and the checkpoints it started from
 *   train.csv      training curves: unit (iteration/phase), learner, co-player, reward and cooperation of both sides, loss stats
 *   episode.csv    per-round evaluation curves: unit, learner, co-player, round, reward and cooperation of both sides
 *   timing.csv     wall-clock seconds per unit (and of its parts), kept apart because no two runs share them
 *   final/         the learners' final weights (learner-<i>/), read by later steps and notebooks
 *   resume/        the last resumable checkpoint, one generation (src/experiments/run-checkpoint.ts; git-ignored), removed when done
 *   status.json    running / done, units done, compute seconds so far (summed over sessions); when done, the
 *                  outputs' checksums (src/experiments/run-state.ts)
 * and beside the directory `seed-<n>.lock` while a process runs it (src/experiments/lock.ts).
 *
 * Everything a unit does is a function of (seed, unit index), so a run resumed from a checkpoint continues with
 * exactly the numbers an uninterrupted run would have produced. What a run guarantees, and how each guarantee is
 * kept, is README "Guarantees of a run": one writer; a resume is the same run (same settings) or refused; the
 * checkpoint is switched in with one atomic step; a finished run is skipped only while its outputs match their checksums.
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Actor } from '../agents/actor';
import { evaluateEpisodes, mergePoints, type TrainPoint } from '../agents/evaluate';
import { memoryOneActor, tabularPoolActor } from '../agents/tabular';
import { PROJECT_ROOT, projectRelative } from '../paths';
import { ioStep } from '../fault-injection';
import { NUM_ROUNDS } from '../game/ipd';
import { ALLC, ALLD, TFT } from '../game/memory-one';
import type { UnitResult } from '../learners/training';
import { describeEngine, resolveEngineKind, resolveThreads } from '../model/engines';
import { seeded, type Rng } from '../rng';
import { A2C_ALGORITHM, PPI_ALGORITHM, type Algorithm, type LearnerDeps, type Learners } from './algorithms';
import { experimentSpec, type Algo, type ExperimentName, type ExperimentSpec } from './experiments';
import { readJson, renameDurably, writeJsonAtomic } from './files';
import { acquireRunLock } from './lock';
import { checkMemory, type MemoryPart } from './memory';
import { allowedSettings, LEARNER_SETTINGS, RUN_SETTINGS, RUN_SETTINGS_SCHEMA, type LearnerConfigs, type PresetName, type RunSettings } from './presets';
import type { Settings } from '../check';
import { hasCheckpoint, readCheckpoint, removeCheckpoint, RESUME_DIR, restoreTables, savedAgentsDir, writeCheckpoint } from './run-checkpoint';
import { checkFinishedRun, CONFIG_FILE, FINAL_DIR, outputDigests, readStatus, STATUS_FILE, TABLES, type Status } from './run-state';
import { RunTables } from './run-tables';

export { readStatus, type Status };

/**
 * Each algorithm as the runner drives it (src/experiments/algorithms.ts): presets, memory need, its learners and their
 * training loop. PPI has its own run settings (its units are phases: a handful per run, each minutes to hours long,
 * so it logs and checkpoints after every one).
 */
export const ALGORITHMS: { [A in Algo]: Algorithm<LearnerConfigs[A]> } = { a2c: A2C_ALGORITHM, ppi: PPI_ALGORITHM };

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
  /** Continue from the last checkpoint of an interrupted run (with the settings it was started with). */
  readonly resume?: boolean;
  /** Discard an existing run (finished or not) and start again. */
  readonly force?: boolean;
  /**
   * Continue a run, finished or not, to a larger unit count than it was started with: the algorithm's length setting
   * (PPI's `phases`) is then the one setting allowed to differ from config.json, and only upwards. The units already
   * done stay as they are and the new ones are those an uninterrupted run of the new length computes (every unit
   * draws on its own random stream; PPI's final/ is its whole state). Refused for A2C, whose final/ holds no optimiser
   * state, and for a run that another run under the same root starts from.
   */
  readonly extend?: boolean;
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
  /** Units per second over this session of the run; before its first unit, over the run's earlier sessions (0 if none). */
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

export function runDir(o: Pick<RunOptions, 'experiment' | 'algo' | 'preset' | 'seed' | 'root'>): string {
  return join(o.root ?? DEFAULT_ROOT, o.experiment, o.algo, o.preset, `seed-${o.seed}`);
}

/** How messages name a run: `step1/a2c/smoke/seed-0`. */
export function runName(o: Pick<RunOptions, 'experiment' | 'algo' | 'preset' | 'seed'>): string {
  return `${o.experiment}/${o.algo}/${o.preset}/seed-${o.seed}`;
}

/**
 * Applies `key=value` overrides to a learner configuration and the run settings, and checks both whole. Each key
 * must name a field of one of the two; values are read and checked by the field's rules.
 */
export function applyOverrides<A extends Algo>(
  algo: A,
  learner: LearnerConfigs[A],
  run: RunSettings,
  overrides: readonly string[],
): { learner: LearnerConfigs[A]; run: RunSettings } {
  const schema: Settings<LearnerConfigs[A]> = LEARNER_SETTINGS[algo];
  const learnerPatch: Record<string, unknown> = {};
  const runPatch: Record<string, unknown> = {};
  for (const o of overrides) {
    const eq = o.indexOf('=');
    if (eq <= 0) throw new RangeError(`override '${o}' must look like name=value; allowed names: ${allowedSettings(algo).join(', ')}`);
    const key = o.slice(0, eq), value = o.slice(eq + 1);
    if (schema.names.includes(key)) learnerPatch[key] = value;
    else if (RUN_SETTINGS_SCHEMA.names.includes(key)) runPatch[key] = value;
    else throw new RangeError(`unknown setting '${key}' for ${algo}; allowed: ${allowedSettings(algo).join(', ')}`);
  }
  return {
    learner: schema.parse(`invalid ${algo} settings`, { ...learner, ...learnerPatch }),
    run: RUN_SETTINGS_SCHEMA.parse('invalid run settings', { ...run, ...runPatch }),
  };
}

/** A run's algorithm at its resolved settings: all the runner does with it, the configuration's type kept inside. */
interface Resolved {
  readonly spec: ExperimentSpec;
  readonly learner: LearnerConfigs[Algo];
  readonly run: RunSettings;
  readonly unit: 'iteration' | 'phase';
  readonly statNames: readonly string[];
  readonly timingNames: readonly string[];
  readonly totalUnits: number;
  /** The algorithm's length setting (`Algorithm.lengthSetting`), where a run may be extended by it. */
  readonly lengthSetting?: string;
  memory(): MemoryPart[];
  learners(rng: Rng, deps: LearnerDeps): Learners;
}

function resolveWith<A extends Algo>(algo: A, o: RunOptions): Resolved {
  const a: Algorithm<LearnerConfigs[A]> = ALGORITHMS[algo];
  const spec = experimentSpec(o.experiment);
  const { learner, run } = applyOverrides(algo, a.preset(o.experiment, o.preset), a.run?.(o.experiment, o.preset) ?? RUN_SETTINGS[o.preset], o.overrides ?? []);
  return {
    spec, learner, run, unit: a.unit, statNames: a.statNames, timingNames: a.timingNames, totalUnits: a.units(learner),
    lengthSetting: a.lengthSetting,
    memory: () => a.memory(spec, learner, run),
    learners: (rng, deps) => a.learners(spec, learner, rng, deps),
  };
}

/** The resolved learner configuration and run settings of a run. */
export function resolveSettings(o: RunOptions): { spec: ExperimentSpec; learner: LearnerConfigs[Algo]; run: RunSettings } {
  const { spec, learner, run } = resolveWith(o.algo, o);
  return { spec, learner, run };
}

/** A path as config.json records it: relative to the project root when inside it, so that a clone elsewhere reads it. */
export const recordedPath = projectRelative;

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
  /** A session that lengthened the run (`--extend`): the unit count before and after. */
  readonly extended?: { readonly from: number; readonly to: number };
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
 * Undefined when the run has no status (or no usable start time). `status`: the run's status.json when the caller
 * has read it already.
 */
export function readComputeTime(dir: string, status: Status | undefined = readStatus(dir)): ComputeTime | undefined {
  if (!status) return undefined;
  if (status.computeSeconds !== undefined) return { seconds: status.computeSeconds, approximate: status.computeApproximate === true };
  const configPath = join(dir, CONFIG_FILE);
  if (!existsSync(configPath)) return undefined;
  const config = readJson<{ startedAt?: string; resumed?: { startedAt?: string }[] }>(configPath);
  const lastStart = config.resumed?.at(-1)?.startedAt ?? config.startedAt ?? '';
  const seconds = (Date.parse(status.updatedAt) - Date.parse(lastStart)) / 1000;
  return Number.isFinite(seconds) && seconds >= 0 ? { seconds, approximate: true } : undefined;
}

/** The directory holding `learner-<i>/` saved agents of an option's directory, or an error naming the option. */
function agentsDirOf(dir: string, option: string): string {
  const found = savedAgentsDir(resolve(dir));
  if (!found) throw new Error(`${option}: no saved agents in ${resolve(dir)} (looked for learner-0/manifest.json in it, in final/ and in a checkpoint under resume/)`);
  return found;
}

/**
 * Seconds of compute one seed of this run still needs, estimated from the finished seeds of the same experiment,
 * learner and preset under the same root and from this seed's own units when it continues (the longest
 * `computeSeconds` per unit among them), times the units this seed has left,
 * plus the same estimate for a Step-1/Step-2 dependency that is not finished yet. Undefined when no finished seed
 * says how long the run takes. Used to avoid starting runs that a time limit would cut off (`--until`).
 */
export function estimateRemainingSeconds(o: RunOptions): number | undefined {
  const dir = runDir(o);
  const status = readStatus(dir);
  const total = resolveWith(o.algo, o).totalUnits;
  const extending = o.extend === true && status?.state === 'done' && status.unitsDone < total;
  if (status?.state === 'done' && !o.force && !extending) return 0;
  const parent = dirname(dir);
  const continues = status && !o.force && ((o.resume && hasCheckpoint(dir)) || extending);
  // Seconds per unit: of the finished seeds, and of this run's own units when it continues (an extension has no
  // other seed of its length to go by).
  const measured = [
    ...(existsSync(parent) ? readdirSync(parent) : [])
      .filter((name) => /^seed-\d+$/.test(name))
      .map((name) => join(parent, name))
      .filter((d) => d !== dir)
      .flatMap((d) => {
        const s = readStatus(d);
        return s?.state === 'done' ? [(readComputeTime(d, s)?.seconds ?? NaN) / s.totalUnits] : [];
      }),
    ...(continues ? [(readComputeTime(dir, status)?.seconds ?? NaN) / status.unitsDone] : []),
  ].filter((t) => Number.isFinite(t) && t > 0);
  if (measured.length === 0) return undefined;
  const perUnit = Math.max(...measured);
  const left = continues ? Math.max(0, total - status.unitsDone) : total;
  const spec = experimentSpec(o.experiment);
  let dependency = 0;
  if (spec.dependsOn && !o.frozenFrom) {
    // A finished dependency is used as it is, never lengthened (`runDependency`).
    const dep = estimateRemainingSeconds({ ...o, experiment: spec.dependsOn.experiment, overrides: [], resume: true, force: false, extend: false });
    if (dep === undefined) return undefined;
    dependency = dep;
  }
  return perUnit * left + dependency;
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

/** Co-players of the per-round evaluation: the paper's fixed strategies, the random pool, and the learning/frozen one. */
function evaluationCoPlayers(actors: readonly Actor[], learner: number, frozen: Actor | undefined): Actor[] {
  const list: Actor[] = [memoryOneActor(ALLC, 'allc'), memoryOneActor(ALLD, 'alld'), memoryOneActor(TFT, 'tft'), tabularPoolActor()];
  if (actors.length > 1) list.push(actors[(learner + 1) % actors.length]);
  else if (frozen) list.push(frozen);
  return list;
}

/** What a run will be, resolved and checked before anything is written (`planRun`). */
interface RunPlan {
  readonly resolved: Resolved;
  readonly deps: LearnerDeps;
  /** The earlier step of the same seed this one starts from, unless `--frozen-from` replaces it. */
  readonly dependency?: { readonly options: RunOptions; readonly finalDir: string };
  readonly initialisedFrom?: string;
  readonly frozenFrom?: string;
}

/**
 * Resolves a run's settings and refuses, before anything is written, what cannot run: bad settings, a memory need
 * beyond the machine (with `concurrent` seeds at a time), saved agents that are not there, options the experiment
 * does not take. The CLI calls it before it starts any process; `runExperiment` again for each seed.
 */
export function planRun(o: RunOptions, concurrent = 1): RunPlan {
  const resolved = resolveWith(o.algo, o);
  const { spec } = resolved;
  checkMemory(`${o.experiment}/${o.algo}/${o.preset}`, resolved.memory(), concurrent);
  const deps: { -readonly [K in keyof LearnerDeps]: LearnerDeps[K] } = {};
  let dependency: RunPlan['dependency'];
  let frozenFrom: string | undefined;
  if (o.frozenFrom) {
    if (spec.dependsOn?.use !== 'frozen-opponent') throw new Error(`--frozen-from: only Step 2 plays against a frozen agent, not ${o.experiment}`);
    frozenFrom = agentsDirOf(o.frozenFrom, '--frozen-from');
    deps.frozenFrom = frozenFrom;
  } else if (spec.dependsOn) {
    // Steps 2 and 3 start from an earlier step of the same seed (run first when missing).
    const options: RunOptions = { ...o, experiment: spec.dependsOn.experiment, overrides: [], resume: true, force: false, initFrom: undefined };
    const finalDir = join(runDir(options), FINAL_DIR);
    if (spec.dependsOn.use === 'frozen-opponent') deps.frozenFrom = finalDir;
    else deps.initialiseFrom = finalDir;
    dependency = { options, finalDir };
  }
  let initialisedFrom: string | undefined;
  if (o.initFrom) {
    if (deps.initialiseFrom) throw new Error(`--init-from: ${o.experiment} already starts its learners from the ${spec.dependsOn!.experiment} agent`);
    initialisedFrom = agentsDirOf(o.initFrom, '--init-from');
    deps.initialiseFrom = initialisedFrom;
  }
  return { resolved, deps, dependency, initialisedFrom, frozenFrom };
}

/** The fields of config.json that make a run what it is: a resume must match them all (engine, code and times may differ). */
function runIdentity(o: RunOptions, plan: RunPlan): Record<string, unknown> {
  return {
    experiment: o.experiment, algo: o.algo, preset: o.preset, seed: o.seed,
    [o.algo]: plan.resolved.learner, run: plan.resolved.run,
    dependsOn: plan.dependency ? { experiment: plan.dependency.options.experiment, dir: recordedPath(plan.dependency.finalDir) } : null,
    initialisedFrom: plan.initialisedFrom ? recordedPath(plan.initialisedFrom) : undefined,
    frozenFrom: plan.frozenFrom ? recordedPath(plan.frozenFrom) : undefined,
  };
}

/** How the options a field comes from are spelled on the command line, for messages. */
const OPTION_OF: Record<string, string> = { initialisedFrom: '--init-from', frozenFrom: '--frozen-from', dependsOn: 'the run it depends on', preset: '--preset' };

/** A leaf where config.json and this command differ, e.g. 'a2c.learningRate: 0.005 in config.json, 0.02 now'. */
interface Difference {
  readonly path: string;
  readonly then: unknown;
  readonly text: string;
}

/** Each leaf where `then` (config.json) and `now` differ. */
function differences(then: unknown, now: unknown, path: string, out: Difference[]): Difference[] {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(then) && isObject(now)) {
    for (const k of new Set([...Object.keys(then), ...Object.keys(now)])) differences(then[k], now[k], path ? `${path}.${k}` : k, out);
  } else if (JSON.stringify(then) !== JSON.stringify(now)) {
    const show = (v: unknown) => (v === undefined ? '(not set)' : JSON.stringify(v));
    const option = OPTION_OF[path] ? ` (${OPTION_OF[path]})` : '';
    out.push({ path, then, text: `${path}${option}: ${show(then)} in config.json, ${show(now)} now` });
  }
  return out;
}

/** Each difference between the settings a run was started with (its config.json) and this command's. */
function settingsDifferences(o: RunOptions, plan: RunPlan, stored: Record<string, unknown>): Difference[] {
  const identity = runIdentity(o, plan);
  // Compare as JSON stores them (undefined fields absent, numbers as written).
  const now = JSON.parse(JSON.stringify(identity)) as Record<string, unknown>;
  const then = Object.fromEntries(Object.keys(identity).map((k) => [k, stored[k]]));
  return differences(then, now, '', []);
}

/**
 * A run directory this command may not touch as asked: other settings than the run's, a run marked done whose
 * outputs do not check, a lengthening that is refused. Trying again changes nothing until someone acts (the message
 * says how), unlike a run lock held by another process; a queue worker fails such a job without retries.
 */
export class RunRefused extends Error {
  override readonly name = 'RunRefused';
}

/** A run this command lengthens (`--extend`): its unit count in config.json and now. */
interface Lengthening {
  readonly from: number;
  readonly to: number;
}

/**
 * Compares the settings a run was started with (config.json) with this command's. The same settings continue it
 * (or find it done); with `--extend`, a larger value of the algorithm's length setting alone lengthens it; any
 * other difference is refused, listing each with both values.
 */
function compareSettings(o: RunOptions, plan: RunPlan, configPath: string, stored: Record<string, unknown>, finished: boolean, log: (m: string) => void): Lengthening | undefined {
  const name = runName(o);
  let diff = settingsDifferences(o, plan, stored);
  if (finished) {
    // A learner or run setting that config.json lacks was added to the code after the run finished (with a default
    // that keeps the old behaviour): the finished run stands, as it did before the setting existed.
    const added = diff.filter((d) => d.then === undefined && (d.path.startsWith(`${o.algo}.`) || d.path.startsWith('run.')));
    if (added.length > 0) log(`${name}: config.json predates ${added.map((d) => d.path).join(', ')}; its results stand`);
    diff = diff.filter((d) => !added.includes(d));
  }
  if (diff.length === 0) return undefined;
  const { lengthSetting: setting, unit, run } = plan.resolved;
  const lengthOnly = setting !== undefined && diff.length === 1 && diff[0].path === `${o.algo}.${setting}` && Number.isFinite(Number(diff[0].then));
  if (lengthOnly) {
    const from = Number(diff[0].then);
    const to = Number((plan.resolved.learner as unknown as Record<string, unknown>)[setting]);
    if (to > from && o.extend && from % run.logEvery !== 0) {
      // Its last row of train.csv (written at its end) averages part of a log window, unlike the longer run's.
      throw new RunRefused(`--extend: ${name} was ${finished ? 'run' : 'started'} to ${unit} ${from}, not a multiple of logEvery=${run.logEvery}: a longer run would log other windows; run it again with --force`);
    }
    if (to > from && o.extend) return { from, to };
    if (to > from) {
      throw new RunRefused(`${name} was ${finished ? 'run' : 'started'} with ${setting}=${from} (${configPath}), this command asks for ${to}: ` +
        `lengthen it to ${to} ${unit}s with --extend (the first ${from} stay as they are), or discard it with --force`);
    }
    throw new RunRefused(`${name} was ${finished ? 'run' : 'started'} with ${setting}=${from} (${configPath}), this command asks for ${to}: ` +
      `a run is never shortened; run it again with --force, or keep ${setting}=${from}`);
  }
  const cannotExtend = o.extend && !setting ? `\n--extend lengthens PPI runs only: an ${o.algo} run's final/ is not the whole state its training continues from` : '';
  const listed = diff.map((d) => d.text).join('\n  ');
  throw new RunRefused(finished
    ? `${name} finished with other settings than this command's (${configPath}):\n  ${listed}\n` +
      `Run it with the settings it finished with, or again with these with --force${cannotExtend}`
    : `${name} was started with other settings (${configPath}); a resumed run must be the same run:\n  ${listed}\n` +
      `Resume it with the settings it was started with, or discard it with --force${cannotExtend}`);
}

/** config.json of every run under `dir` (a results root, or data/ with its studies), a few levels deep. */
function runConfigsUnder(dir: string, depth = 6): string[] {
  if (depth === 0 || !existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isFile() && e.name === CONFIG_FILE) return [join(dir, e.name)];
    if (!e.isDirectory() || e.name === FINAL_DIR || e.name === RESUME_DIR || e.name.startsWith('.')) return [];
    return runConfigsUnder(join(dir, e.name), depth - 1);
  });
}

/**
 * What keeps a finished run from being lengthened: a final/ without its whole state (a PPI data set git does not
 * keep), or a run that starts from its agents (it would no longer match them), looked for under the run's root
 * and the project's data/ (the studies), at any preset.
 */
function refuseExtension(o: RunOptions, dir: string, status: Status): void {
  const name = runName(o);
  const missing = Object.keys(status.outputs ?? {}).find((f) => f.startsWith(`${FINAL_DIR}/`) && !existsSync(join(dir, f)));
  if (!status.outputs || missing) {
    throw new RunRefused(`--extend: ${name} cannot continue from its final agents: ${missing ? `${join(dir, missing)} is not there (git keeps the PPI data sets that a later step or an extension needs only)` : 'it finished before its outputs were recorded'}; ` +
      'extend it where it finished, or run it again with --force');
  }
  const mine = recordedPath(dir);
  const startsFromMine = (p: unknown) => typeof p === 'string' && (p === mine || p.startsWith(`${mine}/`));
  const configs = new Set([...runConfigsUnder(o.root ?? DEFAULT_ROOT), ...runConfigsUnder(join(PROJECT_ROOT, 'data'))]);
  const dependents = [...configs].filter((configPath) => {
    const c = readJson<{ dependsOn?: { dir?: string } | null; initialisedFrom?: string; frozenFrom?: string }>(configPath);
    return [c.dependsOn?.dir, c.initialisedFrom, c.frozenFrom].some(startsFromMine);
  }).map((configPath) => dirname(configPath));
  if (dependents.length > 0) {
    throw new RunRefused(`--extend: ${dependents.join(', ')} start${dependents.length === 1 ? 's' : ''} from the agents of ${name}, which a longer run would replace; ` +
      'discard those runs first (--force, or remove them), then extend this one');
  }
}

/** Removes a run directory: renamed aside first (one atomic step), so that a kill never leaves half of it. */
function discardRun(dir: string): void {
  const aside = join(dirname(dir), `.${basename(dir)}.discarded-${process.pid}`);
  renameDurably(dir, aside);
  rmSync(aside, { recursive: true, force: true });
}

/** Leftovers of a process killed while it created or discarded this run directory (only touched under the lock). */
function clearLeftovers(dir: string): void {
  const parent = dirname(dir);
  if (!existsSync(parent)) return;
  const prefix = `.${basename(dir)}.`;
  for (const name of readdirSync(parent)) {
    if (name.startsWith(prefix) && /\.(new|discarded)-\d+$/.test(name)) rmSync(join(parent, name), { recursive: true, force: true });
  }
}

/**
 * What a run directory holds when this session opens it: nothing, an unfinished run to resume, or a finished one
 * (done, or to be lengthened: `reopen`). `longer` when this session lengthens the run (`--extend`).
 */
type Opened = { readonly done: RunResult } | { readonly status?: Status; readonly before?: RunConfig; readonly longer?: Lengthening; readonly reopen?: boolean };

/** config.json as this code reads it back: the first session's provenance, the later ones under `resumed`. */
type RunConfig = Partial<RunSession> & { resumed?: RunSession[] } & Record<string, unknown>;

/**
 * What to do with the run directory: skip a finished run (after checking its outputs and settings), lengthen it with
 * `--extend`, discard one with `--force`, continue an unfinished one only with `--resume` and the settings it was
 * started with (or, with `--extend`, a larger length setting); refused otherwise.
 */
function openRun(o: RunOptions, plan: RunPlan, dir: string, log: (m: string) => void): Opened {
  const name = runName(o);
  const exists = existsSync(dir);
  let status = exists ? readStatus(dir) : undefined;
  if (exists && !status && !o.force) {
    throw new RunRefused(`${join(dir, STATUS_FILE)} is missing: nothing says whether ${name} finished or how far it got; ` +
      'restore the file, or discard the run with --force');
  }
  if (status?.state === 'done' && !o.force) {
    const check = checkFinishedRun(dir, status);
    if (check.problem) throw new RunRefused(`${name} is marked done, but ${check.problem}; run it again with --force`);
    const configPath = join(dir, CONFIG_FILE);
    const before = readJson<RunConfig>(configPath);
    const longer = compareSettings(o, plan, configPath, before, true, log);
    if (!longer) {
      removeCheckpoint(dir); // left when a process was killed between finishing and removing it
      log(`${name}: already done (${dir}); use --force to run it again`);
      return { done: { dir, status: 'already-done', unitsDone: status.unitsDone } };
    }
    refuseExtension(o, dir, status);
    log(`${name}: finished at ${plan.resolved.unit} ${status.unitsDone}; lengthening it to ${longer.to} (--extend)`);
    return { status, before, longer, reopen: true };
  }
  clearLeftovers(dir);
  if (o.force && exists) {
    discardRun(dir);
    status = undefined;
  } else if (status && !o.resume && !o.extend) {
    throw new RunRefused(`${dir} holds an unfinished run (${status.unitsDone}/${status.totalUnits}); continue it with --resume or discard it with --force`);
  }
  const configPath = join(dir, CONFIG_FILE);
  const before = status ? readJson<RunConfig>(configPath) : undefined;
  const longer = before ? compareSettings(o, plan, configPath, before, false, log) : undefined;
  return { status, before, longer };
}

/** Runs the earlier step this one starts from when it is not finished (false when that run was stopped), else checks it. */
async function runDependency(o: RunOptions, plan: RunPlan, hooks: RunHooks, log: (m: string) => void): Promise<boolean> {
  if (plan.frozenFrom) log(`${o.experiment} seed ${o.seed}: the frozen co-player is learner-0 of ${plan.frozenFrom}`);
  if (plan.dependency) {
    const { options, finalDir } = plan.dependency;
    const depDir = runDir(options);
    const depStatus = readStatus(depDir);
    if (depStatus?.state !== 'done') {
      log(`${o.experiment} needs ${options.experiment} of seed ${o.seed}: running it first (${depDir})`);
      if ((await runExperiment(options, hooks)).status === 'stopped') return false;
    } else {
      const check = checkFinishedRun(depDir, depStatus);
      if (check.problem) throw new RunRefused(`${runName(o)} starts from ${runName(options)}, which is marked done, but ${check.problem}; run it again with --force`);
    }
    log(`${o.experiment} seed ${o.seed}: using the ${options.experiment} agent at ${finalDir}`);
  }
  if (plan.initialisedFrom) log(`${o.experiment} seed ${o.seed}: learners start from ${plan.initialisedFrom}`);
  return true;
}

/**
 * config.json of this session. Provenance: the first session's code and start stay; each resumed session is
 * appended, so a run continued under newer code (or another engine) says so. The engine is not part of a run's
 * identity (a resume may move to another machine), but its arithmetic is: a change of engine is logged.
 */
function sessionConfig(o: RunOptions, plan: RunPlan, before: RunConfig | undefined, resumed: boolean, log: (m: string) => void, longer?: Lengthening): Record<string, unknown> {
  const session: RunSession = {
    startedAt: new Date().toISOString(), code: codeVersion(), engine: describeEngine(resolveEngineKind(), resolveThreads()), node: process.version,
    ...(longer ? { extended: longer } : {}),
  };
  const first = resumed && before?.startedAt && before.code ? (before as RunSession) : undefined;
  const origin = first ?? session;
  const lastEngine = first ? (before?.resumed?.at(-1) ?? first).engine : undefined;
  if (lastEngine && lastEngine !== session.engine) {
    log(`${runName(o)}: this session computes on ${session.engine}, the one before on ${lastEngine}: the results will not be bit-identical to an uninterrupted run (README "The engine", Determinism)`);
  }
  const { spec } = plan.resolved;
  return {
    experiment: o.experiment, algo: o.algo, preset: o.preset, seed: o.seed,
    figure: spec.figure, description: spec.description,
    ...runIdentity(o, plan), overrides: o.overrides ?? [],
    code: origin.code, engine: origin.engine, node: origin.node, startedAt: origin.startedAt,
    ...(first ? { resumed: [...(before?.resumed ?? []), session] } : {}),
  };
}

/**
 * Runs (or resumes, or skips if finished) one seed of one experiment, as the only writer of its directory.
 * Depends-on steps of the same seed are run first when their results are missing. The training itself is the
 * algorithm's own loop (`trainA2c`, `trainPpi`); around it this function does the I/O: after each unit it writes the
 * tables, evaluates and checkpoints; at the end it saves the final agents and marks the run done.
 */
export async function runExperiment(o: RunOptions, hooks: RunHooks = {}): Promise<RunResult> {
  const plan = planRun(o); // everything that can be refused is refused before anything is written
  const dir = runDir(o);
  const lock = acquireRunLock(dir, runName(o), hooks.log);
  try {
    const log = hooks.log ?? (() => {});
    const opened = openRun(o, plan, dir, log);
    if ('done' in opened) return opened.done;
    if (!(await runDependency(o, plan, hooks, log))) return { dir, status: 'stopped', unitsDone: opened.status?.unitsDone ?? 0 };
    return await runSession(o, plan, dir, opened, hooks, log);
  } finally {
    lock.release();
  }
}

/**
 * A finished run made one to continue (`--extend`): its final agents become its checkpoint, at its last unit with an
 * empty log window (a finished run's last row closed it), then status.json says running towards the new length. In
 * that order: a kill between the two leaves the finished run as it was (the next `--extend` writes the checkpoint
 * again), a kill after it a running run that `--resume --extend` continues. config.json follows in the session.
 */
function reopenFinished(dir: string, learners: Learners, status: Status, total: number, rngSeed: string): Status {
  learners.restore(join(dir, FINAL_DIR));
  writeCheckpoint(dir, (generation) => learners.save(generation, 'resume'), { window: [], windowStats: [], windowTimings: [], unitsDone: status.unitsDone }, rngSeed);
  const { outputs: _pinned, ...kept } = status;
  const running: Status = { ...kept, state: 'running', totalUnits: total, updatedAt: new Date().toISOString() };
  writeJsonAtomic(join(dir, STATUS_FILE), running);
  // The shorter run's agents now live in the checkpoint; left in final/ they would pass for this run's (`probe`,
  // `--init-from` read final/ first) until the longer run writes its own.
  rmSync(join(dir, FINAL_DIR), { recursive: true, force: true });
  ioStep('remove final/');
  return running;
}

/** One session of a run: from its checkpoint (or the start) until it is done or stopped. */
async function runSession(o: RunOptions, plan: RunPlan, dir: string, opened: Exclude<Opened, { done: RunResult }>, hooks: RunHooks, log: (m: string) => void): Promise<RunResult> {
  const { before, longer } = opened;
  const { resolved } = plan;
  const { run, unit, totalUnits: total } = resolved;
  // This session's compute starts here: a dependency run records its own.
  const sessionStart = performance.now();
  const rng = seeded(`${o.experiment}/${o.algo}/seed-${o.seed}`);
  const learners = resolved.learners(rng, plan.deps);
  let status = opened.status;
  if (opened.reopen && status) {
    try {
      status = reopenFinished(dir, learners, status, total, rng.seed);
    } catch (e) {
      learners.dispose();
      throw e;
    }
  }
  const ck = status ? readCheckpoint(dir, rng.seed) : undefined;
  // The compute time of earlier sessions, read before this session rewrites status.json. Only a run that continues
  // from a checkpoint builds on it: one that starts again from the beginning (its checkpoint lost, e.g. with a work
  // tree that was not kept) counts its own time only.
  const earlier = ck ? readComputeTime(dir) : undefined;
  let committed = ck !== undefined; // whether the directory holds a checkpoint to resume from
  let unitsDone = ck?.state.unitsDone ?? 0;
  const statusNow = (state: Status['state'], outputs?: Status['outputs']): Status => ({
    state, unitsDone, totalUnits: total, updatedAt: new Date().toISOString(),
    computeSeconds: (earlier?.seconds ?? 0) + (performance.now() - sessionStart) / 1000,
    ...(earlier?.approximate ? { computeApproximate: true } : {}),
    ...(outputs ? { outputs } : {}),
  });
  const writeStatus = (state: Status['state'], outputs?: Status['outputs']) => writeJsonAtomic(join(dir, STATUS_FILE), statusNow(state, outputs));
  try {
    const open = ck && { window: ck.state.window, windowStats: ck.state.windowStats, windowTimings: ck.state.windowTimings };
    const tables = new RunTables(dir, unit, resolved.statNames, resolved.timingNames, open);
    if (ck) {
      learners.restore(ck.learnersDir);
      // Rows written after the checkpoint are recomputed identically below: cut them (and any line cut by a kill).
      restoreTables(dir, ck, unit, tables.columns);
      log(`resuming ${dir} from ${unit} ${unitsDone}/${total}`);
    } else if (status) {
      log(`${dir}: no checkpoint yet, starting from the beginning`);
      for (const t of TABLES) {
        if (existsSync(join(dir, t))) {
          rmSync(join(dir, t));
          ioStep(`remove ${t}`);
        }
      }
    }
    const config = sessionConfig(o, plan, before, ck !== undefined, log, longer);
    if (status) {
      writeJsonAtomic(join(dir, CONFIG_FILE), config);
      writeStatus('running');
    } else {
      // A new run directory appears with its config and status in one step: it never exists half made.
      const fresh = join(dirname(dir), `.${basename(dir)}.new-${process.pid}`);
      mkdirSync(fresh, { recursive: true });
      writeJsonAtomic(join(fresh, CONFIG_FILE), config);
      writeJsonAtomic(join(fresh, STATUS_FILE), statusNow('running'));
      renameDurably(fresh, dir);
    }

    const started = Date.now(), startUnits = unitsDone;
    let latest: TrainPoint[] = [];
    // Until this session finishes a unit, a resumed run is paced by its earlier sessions (status.json's compute
    // time), so a seed resumed inside an hour-long PPI phase shows an ETA instead of '?'.
    const earlierRate = earlier && earlier.seconds > 0 ? startUnits / earlier.seconds : 0;
    const progress = (message?: string): Progress => {
      const rate = unitsDone > startUnits ? (unitsDone - startUnits) / Math.max(1e-3, (Date.now() - started) / 1000) : earlierRate;
      return {
        experiment: o.experiment, algo: o.algo, seed: o.seed, unit, done: unitsDone, total, rate,
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
    const evalUnits = new Set([...run.evalAt.map((f) => Math.round(f * total)), total]);
    const evaluate = (atUnit: number) => {
      const actors = learners.actors(onWork);
      tables.evaluation(atUnit, actors.flatMap((actor, i) => {
        const coPlayers = evaluationCoPlayers(actors, i, learners.frozen);
        const stage = `evaluation at ${unit} ${atUnit}, learner ${i + 1}`;
        let played = 0;
        const onRound = () => onWork(stage, ++played, coPlayers.length * NUM_ROUNDS);
        return evaluateEpisodes(i, actor, coPlayers, run.evalEpisodes, rng.child(`eval-${atUnit}-${i}`), { identities: learners.identities, onRound });
      }));
    };
    /** After each unit of the algorithm's loop: its rows, an evaluation, a checkpoint when due; true stops the run. */
    const afterUnit = async (done: number, result: UnitResult): Promise<boolean> => {
      unitsDone = done;
      latest = mergePoints(result.points.filter((p) => p.learner === 0));
      tables.add(done, result, done % run.logEvery === 0 || done === total);
      if (evalUnits.has(done)) evaluate(done);
      // A unit is one synchronous stretch of work (a PPI phase: minutes), so a signal that came during it is only
      // handled in the event loop's poll phase, where libuv reads it. One setImmediate is not enough: a unit that ran
      // inside an I/O callback (the poll phase itself) gets it back in the same turn's check phase, before any poll.
      // Two always span a poll phase, or the stop would wait for the next unit (test/experiments/ppi-run.test.ts).
      for (let turn = 0; turn < 2; turn++) await new Promise((r) => setImmediate(r));
      const stop = done < total && (hooks.shouldStop?.() ?? false);
      if (done % run.checkpointEvery === 0 || stop) {
        writeCheckpoint(dir, (generation) => learners.save(generation, 'resume'), { ...tables.window, unitsDone }, rng.seed);
        committed = true;
        writeStatus('running');
      }
      hooks.onProgress?.(progress());
      return stop;
    };

    if (unitsDone === 0 && evalUnits.has(0)) evaluate(0);
    if ((await learners.train(unitsDone, { afterUnit, onWork })).stopped) {
      log(`stopped ${dir} at ${unit} ${unitsDone}/${total}; continue with --resume`);
      return { dir, status: 'stopped', unitsDone };
    }
    // final/ is rebuilt whole: nothing of an earlier, killed attempt at it stays.
    const finalDir = join(dir, FINAL_DIR);
    if (existsSync(finalDir)) {
      rmSync(finalDir, { recursive: true, force: true });
      ioStep('remove final/');
    }
    learners.save(finalDir, 'final');
    // The run is done when this status, with its outputs' checksums, is in place.
    writeStatus('done', outputDigests(dir));
    committed = true;
    removeCheckpoint(dir);
    return { dir, status: 'done', unitsDone };
  } catch (e) {
    // A run that failed before its first checkpoint has nothing to resume: leave no directory marked running.
    if (!status && !committed && existsSync(dir)) discardRun(dir);
    throw e;
  } finally {
    learners.dispose();
  }
}
