/**
 * Reading finished runs back: the records of train.csv / episode.csv across seeds, and the summary the README,
 * REPRODUCTION.md and notebooks quote (`npm run -s summary`).
 *
 * Reading is strict (README "Guarantees of a run"): a run counts as finished only when status.json says done and
 * its outputs pass `checkFinishedRun` (their checksums, or for runs from before checksums, a strict read); a run
 * marked done that fails is reported with what is wrong, never counted and never read as if whole. Tables of
 * finished runs must read strictly (a missing file, a garbled line, a last line cut short: an error naming the file
 * and line); only tables of unfinished runs, which a writer may be appending to, drop an unterminated last line,
 * with a warning.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Algo, ExperimentName } from './experiments';
import { readCsv, readJson } from './files';
import type { PresetName } from './presets';
import { DEFAULT_ROOT } from './run';
import { checkFinishedRun, CONFIG_FILE, readStatus } from './run-state';

export interface RunRef {
  readonly experiment: ExperimentName;
  readonly algo: Algo;
  readonly preset: PresetName;
  readonly seed: number;
  readonly dir: string;
  /** Finished, and its outputs pass the check: the only runs counted as seeds. */
  readonly done: boolean;
  /** A run marked done whose outputs fail the check (or whose status.json is missing or garbled): what is wrong. */
  readonly problem?: string;
}

/** The runs present for an experiment/algo/preset (finished or not), by seed. */
export function listRuns(experiment: ExperimentName, algo: Algo, preset: PresetName, root = DEFAULT_ROOT): RunRef[] {
  const base = join(root, experiment, algo, preset);
  if (!existsSync(base)) return [];
  return readdirSync(base)
    .filter((d) => /^seed-\d+$/.test(d))
    .map((d) => {
      const dir = join(base, d);
      const ref = { experiment, algo, preset, seed: Number(d.slice(5)), dir };
      let problem: string | undefined;
      try {
        const status = readStatus(dir);
        if (!status) problem = `${join(dir, 'status.json')} is missing`;
        else if (status.state === 'done') problem = checkFinishedRun(dir, status).problem;
        else return { ...ref, done: false };
      } catch (e) {
        problem = (e as Error).message;
      }
      return problem ? { ...ref, done: false, problem } : { ...ref, done: true };
    })
    .sort((a, b) => a.seed - b.seed);
}

/** Throws, naming each, when any of these runs is marked done but fails the check: such a run is never read as whole. */
export function refuseDamaged(runs: readonly RunRef[]): void {
  const bad = runs.filter((r) => r.problem);
  if (bad.length === 0) return;
  throw new Error(bad.map((r) => `${r.experiment}/${r.algo}/${r.preset}/seed-${r.seed}: ${r.problem}`).join('\n') +
    (bad.length > 1 ? `\n(${bad.length} runs fail the check)` : '') + '\nrerun them with --force, or restore their files');
}

export type Row = Record<string, number | string>;

/**
 * Rows of one of a run's tables, each tagged with experiment, algo, preset and seed. Strict for finished runs; an
 * unfinished run's unterminated last line is dropped with a warning (`warn`, default console.warn). A table the run
 * has not written yet reads as no rows for an unfinished run, and as an error for a finished one.
 */
export function readRunTable(run: RunRef, table: 'train' | 'episode', warn: (message: string) => void = console.warn): Row[] {
  const path = join(run.dir, `${table}.csv`);
  if (!run.done && !existsSync(path)) return [];
  const rows = run.done ? readCsv(path) : readCsv(path, { unterminated: 'drop', warn });
  return rows.map((r) => ({ experiment: run.experiment, algo: run.algo, preset: run.preset, seed: run.seed, ...r }));
}

export function readRunConfig(run: RunRef): Record<string, unknown> {
  return readJson<Record<string, unknown>>(join(run.dir, CONFIG_FILE));
}

/** The x-axis column of a table: 'iteration' (A2C) or 'phase' (PPI). */
export function unitColumn(rows: readonly Row[]): 'iteration' | 'phase' {
  return rows.length > 0 && 'phase' in rows[0] ? 'phase' : 'iteration';
}

export interface MeanStd { readonly mean: number; readonly std: number }

/** Mean and sample standard deviation (0 for a single value) of per-seed values: the statistic every table quotes. */
export function meanStd(xs: readonly number[]): MeanStd {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std };
}

export interface Summary {
  readonly experiment: ExperimentName;
  readonly algo: Algo;
  readonly preset: PresetName;
  readonly seeds: number;
  readonly train: Record<string, { reward: MeanStd; cooperation: MeanStd; coplayerReward: MeanStd; coplayerCooperation: MeanStd }>;
  readonly episode: Record<string, Record<EpisodeWindow, { reward: number; cooperation: number }>>;
}

/**
 * The windows of rounds that summarise a per-round evaluation (one definition for `summary` and REPRODUCTION.md):
 * the first 10 rounds (`early`: probes, openings), rounds 20 to the last 10 (`mid`: the settled in-context
 * response, e.g. Fig. 4B's cooperation with TFT), and the last 10 rounds (`late`: after convergence, end game included).
 */
export const EPISODE_WINDOWS = Object.freeze({
  early: (_rounds: number): [number, number] => [0, 10],
  mid: (rounds: number): [number, number] => [Math.min(20, rounds - 10), rounds - 10],
  late: (rounds: number): [number, number] => [rounds - 10, rounds],
});
export type EpisodeWindow = keyof typeof EPISODE_WINDOWS;

/**
 * End-of-training values of learner 0 across the finished seeds: `train` = the last training-curve row per
 * co-player (mean and sample std over seeds); `episode` = the final per-round evaluation, the agent's own reward and
 * cooperation averaged over each of `EPISODE_WINDOWS`, then over seeds.
 */
export function summarise(experiment: ExperimentName, algo: Algo, preset: PresetName, root = DEFAULT_ROOT): Summary {
  const all = listRuns(experiment, algo, preset, root);
  refuseDamaged(all);
  const runs = all.filter((r) => r.done);
  const train: Summary['train'] = {};
  const episode: Summary['episode'] = {};
  const lastTrain = new Map<string, Row[]>();
  const episodes = new Map<string, Record<EpisodeWindow, number[][]>>();
  for (const run of runs) {
    const rows = readRunTable(run, 'train').filter((r) => r.learner === 0);
    const unit = unitColumn(rows);
    const end = Math.max(...rows.map((r) => Number(r[unit])));
    for (const r of rows.filter((r) => Number(r[unit]) === end)) {
      const k = String(r.coplayer);
      lastTrain.set(k, [...(lastTrain.get(k) ?? []), r]);
    }
    const ep = readRunTable(run, 'episode').filter((r) => r.learner === 0);
    const eu = unitColumn(ep);
    const final = Math.max(...ep.map((r) => Number(r[eu])));
    const atFinal = ep.filter((r) => Number(r[eu]) === final);
    const rounds = Math.max(...atFinal.map((r) => Number(r.round))) + 1;
    for (const co of new Set(atFinal.map((r) => String(r.coplayer)))) {
      const mine = atFinal.filter((r) => r.coplayer === co);
      const avg = (lo: number, hi: number, f: string) => {
        const sel = mine.filter((r) => Number(r.round) >= lo && Number(r.round) < hi);
        return sel.reduce((a, r) => a + Number(r[f]), 0) / sel.length;
      };
      const e = episodes.get(co) ?? { early: [], mid: [], late: [] };
      for (const [w, bounds] of Object.entries(EPISODE_WINDOWS) as [EpisodeWindow, (n: number) => [number, number]][]) {
        const [lo, hi] = bounds(rounds);
        e[w].push([avg(lo, hi, 'reward'), avg(lo, hi, 'cooperation')]);
      }
      episodes.set(co, e);
    }
  }
  for (const [k, rows] of lastTrain) {
    train[k] = {
      reward: meanStd(rows.map((r) => Number(r.reward))),
      cooperation: meanStd(rows.map((r) => Number(r.cooperation))),
      coplayerReward: meanStd(rows.map((r) => Number(r.coplayer_reward))),
      coplayerCooperation: meanStd(rows.map((r) => Number(r.coplayer_cooperation))),
    };
  }
  for (const [k, e] of episodes) {
    const m = (xs: number[][], i: number) => xs.reduce((a, x) => a + x[i], 0) / xs.length;
    const at = (w: EpisodeWindow) => ({ reward: m(e[w], 0), cooperation: m(e[w], 1) });
    episode[k] = { early: at('early'), mid: at('mid'), late: at('late') };
  }
  return { experiment, algo, preset, seeds: runs.length, train, episode };
}

/** One window of a training curve: the mean of learner 0's logged rows with `from` < unit ≤ `to`. */
export interface CurveWindow { readonly from: number; readonly to: number; readonly rows: number; readonly reward: number; readonly cooperation: number }

export interface SeedCurve {
  readonly seed: number;
  /** False for a run still under way (or parked): its last window may be partial. */
  readonly done: boolean;
  /** The curve's unit: A2C's iterations or PPI's phases. */
  readonly unitName: 'iteration' | 'phase';
  /** The last unit logged (0 before the first row). */
  readonly last: number;
  /** The logging interval: the smallest gap between logged units (0 with fewer than two rows). */
  readonly logEvery: number;
  /** Per co-player (the `coplayer` column of train.csv), the windows in order. */
  readonly windows: Record<string, CurveWindow[]>;
}

/** Learner 0's logged training rows of one seed, with what windowing them needs. */
export interface SeedRows extends Omit<SeedCurve, 'windows'> {
  readonly rows: readonly Row[];
}

/** Learner 0's training rows per seed, finished and unfinished runs alike (a damaged finished run is refused). */
export function readCurves(experiment: ExperimentName, algo: Algo, preset: PresetName, root = DEFAULT_ROOT): SeedRows[] {
  const all = listRuns(experiment, algo, preset, root);
  refuseDamaged(all);
  return all.map((run) => {
    const rows = readRunTable(run, 'train', () => {}).filter((r) => r.learner === 0);
    const unit = unitColumn(rows);
    const units = [...new Set(rows.map((r) => Number(r[unit])))].sort((a, b) => a - b);
    const gaps = units.slice(1).map((u, i) => u - units[i]);
    return { seed: run.seed, done: run.done, unitName: unit, last: units.at(-1) ?? 0, logEvery: gaps.length ? Math.min(...gaps) : 0, rows };
  });
}

/**
 * One seed's curve in windows of `width` units: what a curve was doing at the end (still rising, levelled,
 * falling), which the last logged row alone, `summarise`'s value, does not say. A window holds the rows logged at
 * units in (from, to] (the first one also unit 0); empty windows are left out.
 */
export function windowCurve(curve: SeedRows, width: number): SeedCurve {
  if (!Number.isInteger(width) || width < 1) throw new RangeError(`the window width must be a whole number of units ≥ 1, got ${width}`);
  const { rows, ...about } = curve;
  const windows: Record<string, CurveWindow[]> = {};
  for (const co of new Set(rows.map((r) => String(r.coplayer)))) {
    const byWindow = new Map<number, Row[]>();
    for (const r of rows.filter((r) => r.coplayer === co)) {
      const k = Math.max(0, Math.ceil(Number(r[curve.unitName]) / width) - 1);
      byWindow.set(k, [...(byWindow.get(k) ?? []), r]);
    }
    windows[co] = [...byWindow.entries()].sort((a, b) => a[0] - b[0]).map(([k, rs]) => ({
      from: k * width, to: (k + 1) * width, rows: rs.length,
      reward: meanStd(rs.map((r) => Number(r.reward))).mean,
      cooperation: meanStd(rs.map((r) => Number(r.cooperation))).mean,
    }));
  }
  return { ...about, windows };
}

/** Learner 0's training curve per seed, finished and unfinished runs alike, in windows of `width` units. */
export function curveWindows(experiment: ExperimentName, algo: Algo, preset: PresetName, width: number, root = DEFAULT_ROOT): SeedCurve[] {
  return readCurves(experiment, algo, preset, root).map((c) => windowCurve(c, width));
}

/**
 * The windows of the finished seeds' curves averaged seed by seed, per co-player: only windows that every finished
 * seed has (they share a length when they share a preset). Unfinished seeds are left out.
 */
export function meanCurve(curves: readonly SeedCurve[]): { seeds: number[]; windows: Record<string, (CurveWindow & { readonly seeds: number })[]> } {
  const done = curves.filter((c) => c.done);
  const windows: Record<string, (CurveWindow & { seeds: number })[]> = {};
  if (done.length === 0) return { seeds: [], windows };
  for (const co of Object.keys(done[0].windows)) {
    const perSeed = done.map((c) => new Map((c.windows[co] ?? []).map((w) => [w.from, w])));
    windows[co] = done[0].windows[co]
      .filter((w) => perSeed.every((m) => m.has(w.from)))
      .map((w) => {
        const ws = perSeed.map((m) => m.get(w.from)!);
        const mean = (f: 'reward' | 'cooperation') => ws.reduce((a, x) => a + x[f], 0) / ws.length;
        return { from: w.from, to: w.to, rows: ws.reduce((a, x) => a + x.rows, 0), reward: mean('reward'), cooperation: mean('cooperation'), seeds: ws.length };
      });
  }
  return { seeds: done.map((c) => c.seed), windows };
}

/**
 * A window width for about `parts` windows over a run of `units` logged every `step` units: a multiple of the
 * logging step, so that every window holds the same number of rows.
 */
export function windowWidth(units: number, step: number, parts = 10): number {
  return step * Math.max(1, Math.round(units / step / parts));
}

/** A span of rounds of an episode, both ends included (0-based, as episode.csv's `round` column). */
export interface RoundSpan { readonly from: number; readonly to: number }

/**
 * Parses a list of round spans such as `0,1-4,5-19,20-59,60-89,90-99` (a round alone, or `from-to` with both ends
 * included): ascending and not overlapping, so that each reads as one stretch of the episode.
 */
export function parseRoundSpans(spec: string): RoundSpan[] {
  const spans = spec.split(',').map((part) => {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) throw new RangeError(`round spans: '${part}' is not a round or a span like 20-59 (in '${spec}')`);
    const from = Number(m[1]), to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) throw new RangeError(`round spans: '${part.trim()}' ends before it starts`);
    return { from, to };
  });
  for (let i = 1; i < spans.length; i++) {
    if (spans[i].from <= spans[i - 1].to) throw new RangeError(`round spans must ascend without overlapping: ${spans[i - 1].from}-${spans[i - 1].to} then ${spans[i].from}-${spans[i].to}`);
  }
  return spans;
}

/** One player's per-round evaluation against one co-player, averaged over each span of rounds. */
export interface RoundSpanRow {
  readonly seed: number;
  /** False for a run still under way (or parked): its evaluation is an intermediate one. */
  readonly done: boolean;
  readonly unitName: 'iteration' | 'phase';
  /** The unit the evaluation was taken at (0: before training). */
  readonly unit: number;
  readonly learner: number;
  readonly coplayer: string;
  /** Per span, in order: the means over its rounds (and over the evaluation's episodes, as episode.csv has them). */
  readonly spans: readonly (RoundSpan & { readonly reward: number; readonly cooperation: number; readonly coplayerReward: number; readonly coplayerCooperation: number })[];
}

/**
 * Every seed's per-round evaluation (finished and unfinished runs; a damaged finished run is refused) at one
 * evaluation unit, `at` (default: each run's last evaluation, the final one for a finished run), averaged over
 * spans of rounds: how an agent plays through the episode (probes, openings, the settled response, the end game),
 * which the three windows of `summarise` compress. A run without an evaluation at `at` is left out; so is a span
 * with no rounds in the table.
 */
export function roundSpanTable(experiment: ExperimentName, algo: Algo, preset: PresetName, spans: readonly RoundSpan[], options: { root?: string; at?: number } = {}): RoundSpanRow[] {
  const all = listRuns(experiment, algo, preset, options.root ?? DEFAULT_ROOT);
  refuseDamaged(all);
  const out: RoundSpanRow[] = [];
  for (const run of all) {
    const rows = readRunTable(run, 'episode', () => {});
    if (rows.length === 0) continue;
    const unitName = unitColumn(rows);
    const unit = options.at ?? Math.max(...rows.map((r) => Number(r[unitName])));
    const atUnit = rows.filter((r) => Number(r[unitName]) === unit);
    const pairs = [...new Map(atUnit.map((r) => [`${r.learner}\u0000${r.coplayer}`, [Number(r.learner), String(r.coplayer)] as const])).values()];
    for (const [learner, coplayer] of pairs) {
      const mine = atUnit.filter((r) => Number(r.learner) === learner && r.coplayer === coplayer);
      const means = spans.flatMap((s) => {
        const sel = mine.filter((r) => Number(r.round) >= s.from && Number(r.round) <= s.to);
        if (sel.length === 0) return [];
        const mean = (f: string) => sel.reduce((a, r) => a + Number(r[f]), 0) / sel.length;
        return [{ ...s, reward: mean('reward'), cooperation: mean('cooperation'), coplayerReward: mean('coplayer_reward'), coplayerCooperation: mean('coplayer_cooperation') }];
      });
      out.push({ seed: run.seed, done: run.done, unitName, unit, learner, coplayer, spans: means });
    }
  }
  return out;
}
