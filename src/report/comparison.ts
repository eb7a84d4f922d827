/**
 * Our values beside the paper's, per summary key: for the notebooks' tables and REPRODUCTION.md.
 *
 * A key reads like the summary JSON (`npm run -s summary`): `train.<co-player>.<metric>` is the last logged training
 * row of learner 0; `episode.<co-player>.<early|mid|late>.<reward|cooperation>` the final per-round evaluation averaged
 * over a window of rounds (`EPISODE_WINDOWS`: 0–9, 20–89, 90–99); `snapshot.…` the same at the evaluation before convergence (Fig. 3).
 * Each is computed per seed, then its mean and sample std over the finished seeds.
 */
import type { CoPlayerKind } from '../agents/actor';
import type { Algo, ExperimentName } from '../experiments/experiments';
import { EPISODE_WINDOWS, meanStd, type EpisodeWindow, type Row } from '../experiments/read-runs';
import { PAPER_VALUES, type PaperValue } from './paper-values';
import { loadRecords, runQuery, type RunSet } from './results';

/** Our value of one key: mean and sample std over seeds, and the number of seeds. */
export interface OurValue {
  readonly mean: number;
  readonly std: number;
  readonly seeds: number;
}

const TRAIN_FIELDS: Readonly<Record<string, string>> = {
  reward: 'reward', cooperation: 'cooperation', coplayerReward: 'coplayer_reward', coplayerCooperation: 'coplayer_cooperation',
};

/** Our value of a summary key for one experiment/algo/preset (finished runs), or undefined without results. */
export function ourValue(runs: RunSet, key: string): OurValue | undefined {
  const parts = key.split('.');
  const base = { ...runQuery(runs), unfinished: false, learner: 0 };
  let perSeed: number[] = [];
  if (parts[0] === 'train' && parts.length === 3) {
    const field = TRAIN_FIELDS[parts[2]];
    if (!field) throw new RangeError(`ourValue: unknown training metric '${parts[2]}' in '${key}'`);
    const rows = loadRecords({ ...base, table: 'train', coplayers: [parts[1] as CoPlayerKind], at: 'final' });
    perSeed = rows.map((r) => Number(r[field]));
  } else if ((parts[0] === 'episode' || parts[0] === 'snapshot') && parts.length === 4) {
    const [, coplayer, window, metric] = parts;
    if (!(window in EPISODE_WINDOWS)) throw new RangeError(`ourValue: '${window}' in '${key}' must be one of ${Object.keys(EPISODE_WINDOWS).join(', ')}`);
    if (metric !== 'reward' && metric !== 'cooperation') throw new RangeError(`ourValue: '${metric}' in '${key}' must be reward or cooperation`);
    const rows = loadRecords({ ...base, table: 'episode', coplayers: [coplayer as CoPlayerKind], at: parts[0] === 'episode' ? 'final' : 'snapshot' });
    const seeds = new Map<number, Row[]>();
    for (const r of rows) seeds.set(Number(r.seed), [...(seeds.get(Number(r.seed)) ?? []), r]);
    for (const rs of seeds.values()) {
      const rounds = Math.max(...rs.map((r) => Number(r.round))) + 1;
      const [lo, hi] = EPISODE_WINDOWS[window as EpisodeWindow](rounds);
      const sel = rs.filter((r) => Number(r.round) >= lo && Number(r.round) < hi);
      perSeed.push(sel.reduce((a, r) => a + Number(r[metric]), 0) / sel.length);
    }
  } else {
    throw new RangeError(`ourValue: '${key}' is not a summary key (train.<co-player>.<metric> or episode|snapshot.<co-player>.<early|mid|late>.<metric>)`);
  }
  return perSeed.length > 0 ? { ...meanStd(perSeed), seeds: perSeed.length } : undefined;
}

/** One row of a comparison table (a `toFrame` record). */
export interface ComparisonRecord {
  readonly [column: string]: string | number | null;
  readonly key: string;
  readonly figure: string;
  readonly paper: number;
  readonly paper_range: string;
  readonly tag: string;
  readonly ours_mean: number | null;
  readonly ours_std: number | null;
  readonly seeds: number;
  readonly difference: number | null;
}

/** Every paper value of an experiment and algorithm beside ours (null where we have no finished run). */
export function compareWithPaper(runs: RunSet): ComparisonRecord[] {
  return PAPER_VALUES.filter((p: PaperValue) => p.experiment === runs.experiment && p.algo === runs.algo).map((p) => {
    const ours = ourValue(runs, p.key);
    return {
      key: p.key,
      figure: p.figure,
      paper: p.value,
      paper_range: p.range ? `${p.range[0]}–${p.range[1]}` : '',
      tag: p.tag,
      ours_mean: ours ? ours.mean : null,
      ours_std: ours ? ours.std : null,
      seeds: ours ? ours.seeds : 0,
      difference: ours ? ours.mean - p.value : null,
    };
  });
}

/** The experiments and algorithms the paper gives values for. */
export function paperValueRuns(): { experiment: ExperimentName; algo: Algo }[] {
  const seen = new Map<string, { experiment: ExperimentName; algo: Algo }>();
  for (const p of PAPER_VALUES) seen.set(`${p.experiment}/${p.algo}`, { experiment: p.experiment, algo: p.algo });
  return [...seen.values()];
}

/**
 * Surpluses over mutual defection (P = 0) within this of zero count as zero: about two standard errors of one
 * training row's reward at the reduced batch sizes, and the precision of values read off the paper's figures.
 */
export const SURPLUS_NOISE = 0.05;

/**
 * Step 2's fairness columns for one end-of-training row: `share`, the exploiter's fraction of the pair's surplus over
 * mutual defection (0.5 is fair), and `extortion`, the ratio of the two surpluses s_X / s_Y (a ZD extortioner's χ).
 * Either is null (shown blank) where it means nothing: `share` when the pair's total surplus is within `noise` of zero
 * or one surplus is below −noise; `extortion` when either surplus is not clearly positive. So two players who both
 * earn ≈ 0 get blanks, not −1, 1, Infinity or 65.4.
 */
export function fairness(reward: number, coplayerReward: number, opts: { readonly P?: number; readonly noise?: number } = {}): { share: number | null; extortion: number | null } {
  const P = opts.P ?? 0;
  const noise = opts.noise ?? SURPLUS_NOISE;
  const x = reward - P;
  const y = coplayerReward - P;
  const share = x + y > noise && x >= -noise && y >= -noise ? x / (x + y) : null;
  const extortion = x > noise && y > noise ? x / y : null;
  return { share, extortion };
}

/** Records with `reward` and `coplayer_reward` (e.g. `loadRecords` of Step 2's train table) with `share` and `extortion` added. */
export function withFairness<R extends Readonly<Record<string, unknown>>>(records: readonly R[], opts: { readonly P?: number; readonly noise?: number } = {}): (R & { share: number | null; extortion: number | null })[] {
  return records.map((r) => ({ ...r, ...fairness(Number(r.reward), Number(r.coplayer_reward), opts) }));
}
