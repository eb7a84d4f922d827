/**
 * A run's tables: their columns, and the log window that averages `logEvery` units into one row each of train.csv
 * (the curve points and the algorithm's statistics) and timing.csv (seconds), plus episode.csv's per-round evaluation
 * rows. The open window is part of a checkpoint (`RunProgressState`), so a resumed run writes the rows an
 * uninterrupted one would.
 */
import { join } from 'node:path';
import { mergePoints, type EpisodePoint, type TrainPoint } from '../agents/evaluate';
import type { UnitResult } from '../learners/training';
import { appendCsv } from './files';
import type { TableName } from './run-state';

const TRAIN_COLUMNS = ['learner', 'coplayer', 'reward', 'cooperation', 'coplayer_reward', 'coplayer_cooperation', 'episodes'];
const EPISODE_COLUMNS = ['learner', 'coplayer', 'round', 'reward', 'cooperation', 'coplayer_reward', 'coplayer_cooperation'];
/** timing.csv: seconds of each unit, then the algorithm's timings of parts of it. */
const TIMING_COLUMNS = ['learner', 'unitSeconds'];

/** The units of the log window not yet written: their points, and per unit and learner the statistics and timings. */
export interface LogWindow {
  readonly window: TrainPoint[];
  readonly windowStats: Record<string, number>[][];
  readonly windowTimings: Record<string, number>[][];
}

/** The mean of one statistic of one learner over the units of the window. */
function windowMean(units: Record<string, number>[][], learner: number, stat: string): number {
  const vals = units.map((s) => s[learner]?.[stat]).filter((v): v is number => v !== undefined);
  return vals.reduce((a, b) => a + b, 0) / Math.max(1, vals.length);
}

export class RunTables {
  /** Each table's header as this code writes it; the first column is the unit ('iteration' or 'phase'). */
  readonly columns: Readonly<Record<TableName, readonly string[]>>;
  private open: LogWindow;

  constructor(private readonly dir: string, private readonly unit: string, private readonly statNames: readonly string[], timingNames: readonly string[], open?: LogWindow) {
    this.columns = {
      'train.csv': [unit, ...TRAIN_COLUMNS, ...statNames],
      'episode.csv': [unit, ...EPISODE_COLUMNS],
      'timing.csv': [unit, ...TIMING_COLUMNS, ...timingNames],
    };
    this.open = open ?? { window: [], windowStats: [], windowTimings: [] };
  }

  /** The open window (for a checkpoint). */
  get window(): LogWindow {
    return this.open;
  }

  /** Adds unit `unitsDone`'s metrics to the window; with `close`, writes the window's rows and opens a new one. */
  add(unitsDone: number, result: UnitResult, close: boolean): void {
    const { window, windowStats, windowTimings } = this.open;
    window.push(...result.points);
    windowStats.push(result.stats.map((s) => ({ ...s })));
    windowTimings.push(result.timings.map((t) => ({ ...t })));
    if (!close) return;
    const rows = mergePoints(window).map((p) => ({
      [this.unit]: unitsDone, learner: p.learner, coplayer: p.coPlayer, reward: p.reward, cooperation: p.cooperation,
      coplayer_reward: p.coplayerReward, coplayer_cooperation: p.coplayerCooperation, episodes: p.episodes,
      ...Object.fromEntries(this.statNames.map((s) => [s, windowMean(windowStats, p.learner, s)])),
    }));
    const timingNames = this.columns['timing.csv'].slice(2);
    const timings = windowTimings[0].map((_, learner) => ({
      [this.unit]: unitsDone, learner, ...Object.fromEntries(timingNames.map((s) => [s, windowMean(windowTimings, learner, s)])),
    }));
    appendCsv(join(this.dir, 'train.csv'), this.columns['train.csv'], rows);
    appendCsv(join(this.dir, 'timing.csv'), this.columns['timing.csv'], timings);
    this.open = { window: [], windowStats: [], windowTimings: [] };
  }

  /** Appends an evaluation's per-round rows, taken at unit `atUnit`. */
  evaluation(atUnit: number, points: readonly EpisodePoint[]): void {
    appendCsv(join(this.dir, 'episode.csv'), this.columns['episode.csv'], points.map((p) => ({
      [this.unit]: atUnit, learner: p.learner, coplayer: p.coPlayer, round: p.round, reward: p.reward, cooperation: p.cooperation,
      coplayer_reward: p.coplayerReward, coplayer_cooperation: p.coplayerCooperation,
    })));
  }
}
