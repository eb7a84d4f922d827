/**
 * Reading finished runs back: the records of train.csv / episode.csv across seeds, and the summary the README,
 * REPRODUCTION.md and notebooks quote (`npm run -s summary`).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Algo, ExperimentName } from './experiments';
import { readCsv, readJson } from './files';
import type { PresetName } from './presets';
import { DEFAULT_ROOT, readStatus } from './run';

export interface RunRef {
  readonly experiment: ExperimentName;
  readonly algo: Algo;
  readonly preset: PresetName;
  readonly seed: number;
  readonly dir: string;
  readonly done: boolean;
}

/** The runs present for an experiment/algo/preset (finished or not), by seed. */
export function listRuns(experiment: ExperimentName, algo: Algo, preset: PresetName, root = DEFAULT_ROOT): RunRef[] {
  const base = join(root, experiment, algo, preset);
  if (!existsSync(base)) return [];
  return readdirSync(base)
    .filter((d) => /^seed-\d+$/.test(d))
    .map((d) => {
      const dir = join(base, d);
      return { experiment, algo, preset, seed: Number(d.slice(5)), dir, done: readStatus(dir)?.state === 'done' };
    })
    .sort((a, b) => a.seed - b.seed);
}

export type Row = Record<string, number | string>;

/** Rows of one of a run's tables, each tagged with experiment, algo, preset and seed. */
export function readRunTable(run: RunRef, table: 'train' | 'episode'): Row[] {
  const path = join(run.dir, `${table}.csv`);
  if (!existsSync(path)) return [];
  return readCsv(path).map((r) => ({ experiment: run.experiment, algo: run.algo, preset: run.preset, seed: run.seed, ...r }));
}

export function readRunConfig(run: RunRef): Record<string, unknown> {
  return readJson<Record<string, unknown>>(join(run.dir, 'config.json'));
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
  const runs = listRuns(experiment, algo, preset, root).filter((r) => r.done);
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
