/**
 * Results of the experiment runner as danfo DataFrames and as the per-seed curves the figure builders take
 * (issue 6, item 4). It reads what `npm run experiment` writes under `<root>/<experiment>/<algo>/<preset>/seed-<n>/`
 * (see src/experiments/run.ts) and never writes.
 *
 *   - `loadRuns({ table: 'train' | 'episode', experiments, algos, presets, … })`: one DataFrame across seeds and
 *     experiments, columns `experiment, algo, preset, seed, <iteration|phase>, …` (+ `evaluation` for episodes);
 *   - `trainingCurves` / `episodeCurves`: one curve per seed for one learner and co-player, aligned on a common x;
 *     `metricSeries` turns them into a figure series;
 *   - `describeRuns` / `runsNote`: which runs exist (seeds, finished or not, code commit, settings), so a notebook can
 *     say where its figures come from, and `produceCommand`, the command that makes a missing run.
 */
import { join } from 'node:path';
import type { CoPlayerKind } from '../agents/actor';
import { EXPERIMENTS, ALGOS, type Algo, type ExperimentName } from '../experiments/experiments';
import { PRESETS, type PresetName } from '../experiments/presets';
import { listRuns, readRunConfig, readRunTable, refuseDamaged, unitColumn, type Row, type RunRef } from '../experiments/read-runs';
import { DEFAULT_ROOT, readStatus } from '../experiments/run';
import { projectRelative } from '../paths';
import type { MetricSeries } from './figures';
import { toFrame, type DataFrame, type TableRecord } from './frames';
import type { EvaluationPoint } from './paper-values';

/** A path as notebooks print it: relative to the project when inside it (no machine-specific prefix), else as given. */
export const displayPath = projectRelative;

/** The scales from smallest to largest. A name not (yet) among PRESETS is skipped, so a preset added later takes its place here without edits. */
export const SCALE_ORDER: readonly string[] = ['smoke', 'reduced', 'long', 'paper'];

/** A preset, or 'largest': for each experiment and algorithm, the largest preset (SCALE_ORDER) with a finished run. */
export type PresetChoice = PresetName | 'largest';

/** What 'largest' means where no run exists at all (the notes then print the command that produces one). */
export const FALLBACK_PRESET: PresetName = 'reduced';

/** The presets from smallest to largest: SCALE_ORDER's that exist, any other preset before them. */
export function scalesAscending(): PresetName[] {
  const ordered = SCALE_ORDER.filter((p) => (PRESETS as readonly string[]).includes(p)) as PresetName[];
  return [...PRESETS.filter((p) => !ordered.includes(p)), ...ordered];
}

/** The largest preset with a finished run of this experiment and algorithm under `root`, or null. */
export function largestPreset(experiment: ExperimentName, algo: Algo, root?: string): PresetName | null {
  for (const p of scalesAscending().reverse()) if (listRuns(experiment, algo, p, root ?? DEFAULT_ROOT).some((r) => r.done)) return p;
  return null;
}

/** A concrete preset for a choice: itself, or the largest with a finished run (FALLBACK_PRESET when none has). */
export function resolvePreset(choice: PresetChoice, experiment: ExperimentName, algo: Algo, root?: string): PresetName {
  return choice === 'largest' ? largestPreset(experiment, algo, root) ?? FALLBACK_PRESET : choice;
}

/** Which runs to read. Every list defaults to all; only finished runs unless `unfinished`. */
export interface RunQuery {
  readonly experiments?: readonly ExperimentName[];
  readonly algos?: readonly Algo[];
  /** Presets to read, or 'largest': per experiment and algorithm only the largest preset with a finished run. */
  readonly presets?: readonly PresetName[] | 'largest';
  readonly seeds?: readonly number[];
  /** The results root (default data/runs). */
  readonly root?: string;
  /** Also read runs that have not finished (their curves stop where they are). Default false. */
  readonly unfinished?: boolean;
}

/** A table query: which table, and optional row filters applied while reading. */
export interface TableQuery extends RunQuery {
  readonly table: 'train' | 'episode';
  /** Only this learner's rows (learner 0 is the paper's "PPI¹"/"A2C¹"). */
  readonly learner?: number;
  readonly coplayers?: readonly CoPlayerKind[];
  /**
   * Only one evaluation per seed: for `episode`, 'before' (unit 0), 'snapshot' (between the first and the last),
   * 'final' or a unit number; for `train`, 'final' keeps the last logged unit (the end of training).
   */
  readonly at?: EvaluationPoint | number;
}

/** Every run matching a query's lists, finished, unfinished or damaged (marked done but failing its check). */
function matchingRuns(q: RunQuery): RunRef[] {
  const root = q.root ?? DEFAULT_ROOT;
  const out: RunRef[] = [];
  for (const experiment of q.experiments ?? EXPERIMENTS) {
    for (const algo of q.algos ?? ALGOS) {
      const presets = q.presets === 'largest' ? [resolvePreset('largest', experiment, algo, root)] : q.presets ?? PRESETS;
      for (const preset of presets) {
        out.push(...listRuns(experiment, algo, preset, root).filter((run) => !q.seeds || q.seeds.includes(run.seed)));
      }
    }
  }
  return out;
}

/**
 * The runs matching a query (finished ones only unless `unfinished`), in experiment, algo, preset, seed order. A
 * matching run marked done whose outputs fail their check is an error naming it and what is wrong: results are never
 * drawn from a damaged run, nor silently without it (README "Guarantees of a run").
 */
export function findRuns(q: RunQuery = {}): RunRef[] {
  const runs = matchingRuns(q);
  refuseDamaged(runs);
  return runs.filter((run) => run.done || q.unfinished);
}

/** The evaluation units present in one run's episode rows, named: the first is 'before', the last 'final'. */
export function evaluationUnits(rows: readonly Row[]): { unit: number; evaluation: EvaluationPoint }[] {
  if (rows.length === 0) return [];
  const col = unitColumn(rows);
  const units = [...new Set(rows.map((r) => Number(r[col])))].sort((a, b) => a - b);
  return units.map((unit, i) => ({
    unit,
    evaluation: unit === 0 ? 'before' : i === units.length - 1 ? 'final' : 'snapshot',
  }));
}

/** The unit of one run's evaluation point (for 'snapshot': the middle evaluation, nearest 35% of training if several). */
function pickUnit(rows: readonly Row[], at: EvaluationPoint | number, table: 'train' | 'episode'): number | undefined {
  if (rows.length === 0) return undefined;
  const col = unitColumn(rows);
  const units = [...new Set(rows.map((r) => Number(r[col])))].sort((a, b) => a - b);
  if (typeof at === 'number') return units.includes(at) ? at : undefined;
  if (at === 'final') return units[units.length - 1];
  if (table === 'train') throw new RangeError(`the train table has no '${at}' evaluation; use at: 'final' or a unit number`);
  const named = evaluationUnits(rows);
  const candidates = named.filter((u) => u.evaluation === at).map((u) => u.unit);
  if (candidates.length <= 1) return candidates[0];
  const last = units[units.length - 1];
  return candidates.reduce((best, u) => (Math.abs(u / last - 0.35) < Math.abs(best / last - 0.35) ? u : best));
}

/** The rows of a table query across runs, each tagged with experiment, algo, preset, seed (and `evaluation` for episodes). */
export function loadRecords(q: TableQuery): Row[] {
  const out: Row[] = [];
  for (const run of findRuns(q)) {
    let rows = readRunTable(run, q.table);
    if (rows.length === 0) continue;
    const col = unitColumn(rows);
    if (q.table === 'episode') {
      const names = new Map(evaluationUnits(rows).map((u) => [u.unit, u.evaluation]));
      rows = rows.map((r) => ({ ...r, evaluation: names.get(Number(r[col])) ?? 'snapshot' }));
    }
    if (q.at !== undefined) {
      const unit = pickUnit(rows, q.at, q.table);
      rows = unit === undefined ? [] : rows.filter((r) => Number(r[col]) === unit);
    }
    if (q.learner !== undefined) rows = rows.filter((r) => Number(r.learner) === q.learner);
    if (q.coplayers) rows = rows.filter((r) => (q.coplayers as readonly string[]).includes(String(r.coplayer)));
    out.push(...rows);
  }
  return out;
}

/**
 * One DataFrame of a results table across seeds, experiments, algorithms and presets, or null when no run matches.
 * Columns: experiment, algo, preset, seed, the training unit (`iteration` for A2C, `phase` for PPI; a frame of both
 * algorithms has both columns, empty where they do not apply), then the table's own columns; episode tables also get
 * `evaluation` ('before', 'snapshot', 'final').
 */
export function loadRuns(q: TableQuery): DataFrame | null {
  const rows = loadRecords(q);
  if (rows.length === 0) return null;
  const first = ['experiment', 'algo', 'preset', 'seed', 'iteration', 'phase'];
  const present = new Set(rows.flatMap((r) => Object.keys(r)));
  const columns = [...first.filter((c) => present.has(c)), ...[...present].filter((c) => !first.includes(c))];
  return toFrame(rows, columns);
}

// ---------------------------------------------------------------------------------------------------------------
// Per-seed curves for the figure builders
// ---------------------------------------------------------------------------------------------------------------

/** One experiment, algorithm and preset: the runs behind one figure. */
export interface RunSet {
  readonly experiment: ExperimentName;
  readonly algo: Algo;
  /** A preset, or 'largest' (the largest with a finished run of this experiment and algorithm). */
  readonly preset: PresetChoice;
  readonly root?: string;
  readonly seeds?: readonly number[];
  readonly unfinished?: boolean;
}

/**
 * Curves of one learner against one co-player kind, one per seed, on a common x: every x any seed has. A seed that
 * trained for fewer units (or is still running) has NaN where it has no value, so figures show each seed's own length.
 */
export interface SeedCurves {
  /** Training units (train) or rounds (episode): the union over the seeds, ascending. */
  readonly x: number[];
  readonly seeds: number[];
  /** The learner's own reward and cooperation, one array per seed (NaN where that seed has no row). */
  readonly reward: number[][];
  readonly cooperation: number[][];
  /** The co-player's, one array per seed. */
  readonly coplayerReward: number[][];
  readonly coplayerCooperation: number[][];
  /** The training unit column and, for episode curves, the unit each seed was evaluated at. */
  readonly unit: 'iteration' | 'phase';
  readonly evaluatedAt?: number[];
  /** The largest training unit of the runs (their length), for placing the paper's points. */
  readonly totalUnits: number;
}

export interface CurveSelection {
  /** The learner whose curves these are (default 0). */
  readonly learner?: number;
  readonly coplayer: CoPlayerKind;
}

/** A run set's query: its experiment and algorithm at its preset choice. */
export function runQuery(s: RunSet): RunQuery {
  return { experiments: [s.experiment], algos: [s.algo], presets: presetsOf(s.preset), root: s.root, seeds: s.seeds, unfinished: s.unfinished };
}

/** A query's `presets` for a preset choice. */
export function presetsOf(choice: PresetChoice): readonly PresetName[] | 'largest' {
  return choice === 'largest' ? 'largest' : [choice];
}

function bySeed(rows: readonly Row[]): Map<number, Row[]> {
  const m = new Map<number, Row[]>();
  for (const r of rows) {
    const s = Number(r.seed);
    m.set(s, [...(m.get(s) ?? []), r]);
  }
  return m;
}

function totalUnitsOf(s: RunSet): number {
  let total = 0;
  for (const run of findRuns(runQuery(s))) total = Math.max(total, readStatus(run.dir)?.totalUnits ?? 0);
  return total;
}

/** Aligns per-seed rows on every x value any seed has (NaN where a seed has none), and reads the four metrics. */
function align(groups: Map<number, Row[]>, xKey: string, unit: 'iteration' | 'phase', totalUnits: number, evaluatedAt?: number[]): SeedCurves | null {
  if (groups.size === 0) return null;
  const seeds = [...groups.keys()].sort((a, b) => a - b);
  const x = [...new Set(seeds.flatMap((s) => groups.get(s)!.map((r) => Number(r[xKey]))))].sort((a, b) => a - b);
  if (x.length === 0) return null;
  const pick = (field: string) => seeds.map((s) => {
    const at = new Map(groups.get(s)!.map((r) => [Number(r[xKey]), Number(r[field])]));
    return x.map((v) => at.get(v) ?? NaN);
  });
  return {
    x, seeds, unit, totalUnits, evaluatedAt,
    reward: pick('reward'), cooperation: pick('cooperation'),
    coplayerReward: pick('coplayer_reward'), coplayerCooperation: pick('coplayer_cooperation'),
  };
}

/** Training curves (train.csv) of one learner against one co-player kind, per seed; null when no run has them. */
export function trainingCurves(s: RunSet, sel: CurveSelection): SeedCurves | null {
  const rows = loadRecords({ ...runQuery(s), table: 'train', learner: sel.learner ?? 0, coplayers: [sel.coplayer] });
  if (rows.length === 0) return null;
  const unit = unitColumn(rows);
  return align(bySeed(rows), unit, unit, totalUnitsOf(s));
}

/**
 * Per-round curves (episode.csv) of one learner against one co-player kind at one evaluation ('before' = unit 0,
 * 'snapshot', 'final' or a unit number), per seed; null when no run has that evaluation.
 */
export function episodeCurves(s: RunSet, sel: CurveSelection & { readonly at: EvaluationPoint | number }): SeedCurves | null {
  const rows = loadRecords({ ...runQuery(s), table: 'episode', learner: sel.learner ?? 0, coplayers: [sel.coplayer], at: sel.at });
  if (rows.length === 0) return null;
  const unit = unitColumn(rows);
  const groups = bySeed(rows);
  const evaluatedAt = [...groups.keys()].sort((a, b) => a - b).map((seed) => Number(groups.get(seed)![0][unit]));
  return align(groups, 'round', unit, totalUnitsOf(s), evaluatedAt);
}

/** A figure series from per-seed curves: the learner's own metrics ('self') or its co-player's. */
export function metricSeries(
  curves: SeedCurves,
  name: string,
  side: 'self' | 'coplayer' = 'self',
  style: { readonly color?: string; readonly dash?: 'solid' | 'dash' | 'dot' | 'dashdot' } = {},
): MetricSeries {
  return {
    name,
    x: curves.x,
    labels: curves.seeds.map((s) => `seed ${s}`),
    reward: side === 'self' ? curves.reward : curves.coplayerReward,
    cooperation: side === 'self' ? curves.cooperation : curves.coplayerCooperation,
    ...style,
  };
}

/** The `final/` directory of a finished run (the given seed, or the lowest finished seed), or null when none exists. */
export function finalDir(s: RunSet, seed?: number): string | null {
  const runs = findRuns({ ...runQuery(s), unfinished: false }).filter((r) => seed === undefined || r.seed === seed);
  return runs.length > 0 ? join(runs[0].dir, 'final') : null;
}

// ---------------------------------------------------------------------------------------------------------------
// Which runs exist
// ---------------------------------------------------------------------------------------------------------------

/** Seeds as a short list: "0–4", "0, 2, 5". */
export function formatSeeds(seeds: readonly number[]): string {
  const s = [...seeds].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < s.length; ) {
    let j = i;
    while (j + 1 < s.length && s[j + 1] === s[j] + 1) j++;
    parts.push(j - i >= 2 ? `${s[i]}–${s[j]}` : s.slice(i, j + 1).join(', '));
    i = j + 1;
  }
  return parts.join(', ');
}

/** The learner settings worth quoting beside a figure (whichever of these the algorithm's config has). */
const QUOTED_SETTINGS = [
  'iterations', 'phases', 'batchEpisodes', 'pretrainEpisodes', 'episodesPerPhase', 'epochs', 'hiddenSize', 'embedSize',
  'beta', 'rolloutRounds', 'rolloutsPerAction', 'learningRate',
];

/** One row per experiment/algo/preset with runs: what `describeRuns` returns (a `toFrame` record). */
export interface RunDescription extends TableRecord {
  readonly experiment: string;
  readonly algo: string;
  readonly preset: string;
  /** Finished seeds, e.g. "0–4". */
  readonly finished: string;
  readonly finished_count: number;
  /** Unfinished seeds with their progress, e.g. "1 (200/4500)". */
  readonly unfinished: string;
  /** Seeds marked done whose outputs fail their check, with what is wrong; never counted as finished. */
  readonly damaged: string;
  readonly unit: string;
  readonly units: number;
  /** Short commit(s) of the code that produced the runs, "+dirty" if src/ had uncommitted changes. */
  readonly commit: string;
  readonly engine: string;
  readonly settings: string;
}

/** Which runs exist under a root: seeds finished and unfinished, code commit, engine and the main settings. */
export function describeRuns(q: RunQuery = {}): RunDescription[] {
  const runs = matchingRuns(q);
  const groups = new Map<string, RunRef[]>();
  for (const r of runs) {
    const k = `${r.experiment}/${r.algo}/${r.preset}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const out: RunDescription[] = [];
  for (const group of groups.values()) {
    const { experiment, algo, preset } = group[0];
    const commits = new Set<string>();
    const engines = new Set<string>();
    const settings = new Set<string>();
    let unit = '';
    let units = 0;
    const unfinished: string[] = [];
    const damaged = group.filter((r) => r.problem).map((r) => `${r.seed} (${r.problem})`);
    for (const run of group.filter((r) => !r.problem)) {
      const status = readStatus(run.dir);
      units = Math.max(units, status?.totalUnits ?? 0);
      if (!run.done) unfinished.push(`${run.seed} (${status?.unitsDone ?? 0}/${status?.totalUnits ?? '?'})`);
      const config = readRunConfig(run);
      const code = config.code as { commit?: string; dirty?: boolean } | undefined;
      if (code?.commit) commits.add(`${code.commit.slice(0, 7)}${code.dirty ? '+dirty' : ''}`);
      if (typeof config.engine === 'string') engines.add(config.engine.split(' ')[0]);
      const learner = (config[algo] ?? {}) as Record<string, unknown>;
      const quoted = QUOTED_SETTINGS.filter((k) => typeof learner[k] === 'number').map((k) => `${k}=${learner[k]}`);
      const overrides = Array.isArray(config.overrides) && config.overrides.length > 0 ? ` (overrides: ${config.overrides.join(' ')})` : '';
      settings.add(quoted.join(', ') + overrides);
      unit = algo === 'ppi' ? 'phase' : 'iteration';
    }
    const done = group.filter((r) => r.done).map((r) => r.seed);
    out.push({
      experiment, algo, preset,
      finished: done.length > 0 ? formatSeeds(done) : '',
      finished_count: done.length,
      unfinished: unfinished.join(', '),
      damaged: damaged.join(', '),
      unit, units,
      commit: [...commits].join(', '),
      engine: [...engines].join(', '),
      settings: [...settings].join(' | '),
    });
  }
  return out;
}

/** The command that produces the runs of an experiment (and, through its dependencies, the earlier steps). */
export function produceCommand(experiment: ExperimentName, algo: Algo, preset: PresetName, seeds = '0-4'): string {
  return `npm run experiment -- ${experiment} --algo ${algo} --preset ${preset} --seeds ${seeds}`;
}

/** Where a figure's curves come from, briefly: "step1/a2c/reduced, seeds 0–4, code 72554a6" (null when none finished). */
export function runsSource(s: RunSet): string | null {
  const [d] = describeRuns({ ...runQuery(s), unfinished: true });
  if (!d || d.finished_count === 0) return null;
  return `${s.experiment}/${s.algo}/${d.preset}, seed${d.finished_count > 1 ? 's' : ''} ${d.finished}, code ${d.commit || 'unknown'}`;
}

/**
 * One line saying where a figure's results come from ("step1/a2c/reduced: seeds 0–4 finished, code 72554a6, …"), or,
 * when no run has finished, that the figure is skipped and the command that produces it.
 */
export function runsNote(s: RunSet): string {
  const preset = resolvePreset(s.preset, s.experiment, s.algo, s.root);
  const [d] = describeRuns({ ...runQuery({ ...s, preset }), unfinished: true });
  const name = `${s.experiment}/${s.algo}/${preset}`;
  const where = displayPath(join(s.root ?? DEFAULT_ROOT, s.experiment, s.algo, preset));
  const damaged = d?.damaged ? `; failing their check, not used: seed ${d.damaged}` : '';
  if (!d || d.finished_count === 0) {
    const running = d?.unfinished ? ` (still running: seed ${d.unfinished})` : '';
    return `${name}: no finished run in ${where}${running}${damaged}. Produce it with: ${produceCommand(s.experiment, s.algo, preset)}`;
  }
  const more = (d.unfinished ? `; still running: seed ${d.unfinished}` : '') + damaged;
  return `${name}: seed${d.finished_count > 1 ? 's' : ''} ${d.finished} finished (${d.units} ${d.unit}s; ${d.settings}), ` +
    `code ${d.commit || 'unknown'}, engine ${d.engine || 'unknown'}${more}`;
}
