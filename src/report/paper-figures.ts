/**
 * The paper's results figures (Figs. 1–4) from our runs: one builder per panel pair, each returning the plotly spec
 * shaped like the paper's (mean ± std over seeds), the paper's values beside ours (dashed, `paper-values.ts`) and the
 * exact ceilings as reference lines, together with notes saying which runs the curves come from, or which run is
 * missing and the command that produces it. A builder whose runs are all missing returns no figure: the notebook
 * prints the notes and moves on.
 *
 * The paper's training curves run over 30 PPI phases or 10k–200k A2C iterations; ours are much shorter. Its values are
 * drawn in a row of their own below ours, on the paper's own training axis, with the span our run covers shaded; in
 * the within-episode figures (rounds 0–99 in both) they share our panels. A figure that cannot be drawn says why.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CoPlayerKind } from '../agents/actor';
import { bestResponse } from '../game/exact';
import { PAPER_PAYOFF } from '../game/ipd';
import { TFT } from '../game/memory-one';
import type { Algo, ExperimentName } from '../experiments/experiments';
import { showFigure } from './display';
import {
  episodeFigure, trainingFigure, PALETTE, type Figure, type MetricSeries, type PaperMetricOverlay, type PaperRow, type ReferenceLine,
} from './figures';
import { ceilingLines, exactCeilings, horizonSeries, type Ceilings } from './game-tables';
import { PAPER_TRAINING_LENGTH, paperCurves, type EvaluationPoint, type PaperFigureId } from './paper-values';
import {
  episodeCurves, evaluationUnits, findRuns, formatSeeds, metricSeries, presetsOf, resolvePreset, runsNote, runsSource, trainingCurves,
  type PresetChoice, type SeedCurves,
} from './results';
import { readRunConfig, readRunTable, unitColumn } from '../experiments/read-runs';

/**
 * Which results a figure draws: a preset under a root (a `NotebookResults` is one). With 'largest', each experiment
 * and algorithm is read at the largest preset that has a finished run (smoke < reduced < long < paper).
 */
export interface ResultsSource {
  readonly preset: PresetChoice;
  readonly root?: string;
}

/** A study's results: everything under `root` (e.g. 'data/studies/a2c-mixed-long'), at the largest preset present. */
export function study(root: string): ResultsSource {
  return { preset: 'largest', root };
}

/** The presets a figure's curves come from, e.g. "reduced" (or "long, reduced" when its experiments differ). */
function presetsText(src: ResultsSource, algo: Algo, experiments: readonly ExperimentName[]): string {
  return [...new Set(experiments.map((e) => resolvePreset(src.preset, e, algo, src.root)))].join(', ');
}

/** A built figure (null when none of its runs exist) and what to say beside it. */
export interface PaperFigure {
  /** The paper's panels, e.g. "Fig. 4A–B". */
  readonly id: string;
  readonly figure: Figure | null;
  readonly notes: readonly string[];
}

/** One curve family of a figure: whose curves, against which co-player, under which legend label. */
export interface SeriesSpec {
  readonly name: string;
  readonly experiment: ExperimentName;
  readonly coplayer: CoPlayerKind;
  readonly learner?: number;
  /** The learner's own metrics, or its co-player's (e.g. the Fixed-ICL, the pool's "Avg. Tabular"). */
  readonly side?: 'self' | 'coplayer';
  readonly color?: string;
  readonly dash?: 'solid' | 'dash' | 'dot' | 'dashdot';
}

/** The algorithm's name in legends. */
export function algoLabel(algo: Algo): string {
  return algo.toUpperCase();
}

let ceilingCache: Ceilings | null = null;
/** The exact ceilings of the paper's game (computed once per session, ~1 s). */
export function ceilings(): Ceilings {
  ceilingCache ??= exactCeilings();
  return ceilingCache;
}

/** Mutual cooperation's reward per round, R (= 1, also Always-Defect's exact value against the pool). */
function mutualCooperationLine(label = 'mutual cooperation, R (exact)'): ReferenceLine {
  return { y: PAPER_PAYOFF.R, label };
}

const SUPERSCRIPT = ['¹', '²'];

/** The paper's values of a figure for the series named, in the paper's own x units. */
function overlaysFor(figure: PaperFigureId, names: readonly string[]): PaperMetricOverlay[] {
  const out: PaperMetricOverlay[] = [];
  for (const c of paperCurves({ figure })) {
    if (!names.includes(c.series)) continue;
    if (c.reward) out.push({ series: c.series, x: c.reward.map(([x]) => x), reward: c.reward.map(([, y]) => y) });
    if (c.cooperation) out.push({ series: c.series, x: c.cooperation.map(([x]) => x), cooperation: c.cooperation.map(([, y]) => y) });
  }
  return out;
}

const thousands = (n: number): string => n.toLocaleString('en-US');

/**
 * Why a figure has no curves although runs of its experiments may exist: no finished run; or the runs have no
 * evaluation at that point (e.g. a 2-phase run has no evaluation between the first and the last, so none "before
 * convergence"); or they log no rows against that co-player.
 */
export function skipReason(src: ResultsSource, algo: Algo, experiments: readonly ExperimentName[], at?: EvaluationPoint): string {
  const runs = findRuns({ experiments: [...new Set(experiments)], algos: [algo], presets: presetsOf(src.preset), root: src.root });
  if (runs.length === 0) return 'no finished run (the command that produces it is above)';
  if (at === undefined) return 'the finished runs log no training rows for these curves';
  const evaluated = new Map<string, number[]>();
  const fractions = new Set<string>();
  let unit = 'unit';
  for (const run of runs) {
    const rows = readRunTable(run, 'episode');
    if (rows.length === 0) continue;
    unit = unitColumn(rows);
    const units = evaluationUnits(rows).map((u) => u.unit).join(', ');
    evaluated.set(units, [...(evaluated.get(units) ?? []), run.seed]);
    try {
      const evalAt = (readRunConfig(run).run as { evalAt?: number[] } | undefined)?.evalAt;
      if (evalAt) fractions.add(evalAt.join(', '));
    } catch {
      // a run without a readable config.json: its units above still say when it was evaluated
    }
  }
  if (evaluated.size === 0) return 'the finished runs have no per-round evaluations (episode.csv)';
  const where = [...evaluated].map(([units, seeds]) => `${unit} ${units} only (seed${seeds.length > 1 ? 's' : ''} ${formatSeeds(seeds)}` +
    `${fractions.size === 1 ? `; evalAt ${[...fractions][0]} of training` : ''})`).join('; ');
  const totals = [...new Set(runs.map((r) => readStatusTotal(r.dir)))].filter((t) => t > 0).sort((x, y) => x - y);
  const wanted = at === 'before'
    ? 'none before training'
    : at === 'snapshot'
      ? `none between the first and the last, so ${totals.length > 0 ? `this ${totals.join('/')}-${unit} run` : 'the run'} has no evaluation before convergence`
      : 'none at the end';
  return `the runs were evaluated at ${where}: ${wanted}`;
}

function readStatusTotal(dir: string): number {
  try {
    return Number((JSON.parse(readFileSync(join(dir, 'status.json'), 'utf8')) as { totalUnits?: number }).totalUnits ?? 0);
  } catch {
    return 0;
  }
}

/** The paper's own training axis for a training figure, with the span our run covers shaded. */
function paperTrainingRow(figure: PaperFigureId, algo: Algo, experiment: ExperimentName, unit: 'iteration' | 'phase', ours: number): PaperRow {
  const length = PAPER_TRAINING_LENGTH[algo][experiment];
  const axis = unit === 'phase' ? 'Training Phase' : 'Training Iteration';
  return {
    x: `${axis}, the paper's${length ? ` (${thousands(length)} ${unit}s)` : ''}`,
    title: `The paper's Fig. ${figure}, on its own training axis`,
    spans: [{ x0: unit === 'phase' ? 0.5 : 0, x1: unit === 'phase' ? ours + 0.5 : ours, label: `ours: ${thousands(ours)} ${unit}${ours === 1 ? '' : 's'}` }],
    ...(length ? { xRange: [0, unit === 'phase' ? length + 0.5 : length * 1.02] as const } : {}),
  };
}

interface Collected {
  readonly series: MetricSeries[];
  readonly curves: SeedCurves[];
  readonly notes: string[];
}

function collect(
  src: ResultsSource,
  algo: Algo,
  specs: readonly SeriesSpec[],
  read: (experiment: ExperimentName, spec: SeriesSpec) => SeedCurves | null,
): Collected {
  const series: MetricSeries[] = [];
  const curves: SeedCurves[] = [];
  const notes: string[] = [];
  const noted = new Set<string>();
  const missing: string[] = [];
  for (const spec of specs) {
    const c = read(spec.experiment, spec);
    if (!noted.has(spec.experiment)) {
      noted.add(spec.experiment);
      const runs = { experiment: spec.experiment, algo, preset: src.preset, root: src.root };
      notes.push(c ? `curves from ${runsSource(runs)}` : runsNote(runs));
    }
    if (!c) {
      missing.push(spec.name);
      continue;
    }
    curves.push(c);
    series.push(metricSeries(c, spec.name, spec.side ?? 'self', { color: spec.color, dash: spec.dash }));
  }
  if (series.length > 0 && missing.length > 0) notes.push(`not drawn (no results): ${missing.join(', ')}`);
  for (const c of curves) {
    const lengths = c.seeds.map((seed, k) => ({ seed, last: lastFinite(c.x, c.reward[k]) }));
    if (new Set(lengths.map((l) => l.last)).size > 1) {
      const text = `seeds of different lengths (${lengths.map((l) => `seed ${l.seed} to ${c.unit} ${thousands(l.last)}`).join(', ')}): ` +
        'the band and mean are drawn where at least two seeds have values, and each seed thinly over its own length';
      if (!notes.includes(text)) notes.push(text);
    }
  }
  return { series, curves, notes };
}

function lastFinite(x: readonly number[], y: readonly number[]): number {
  for (let t = y.length - 1; t >= 0; t--) if (Number.isFinite(y[t])) return x[t];
  return NaN;
}

function seedsText(curves: readonly SeedCurves[]): string {
  const all = new Set(curves.flatMap((c) => c.seeds));
  return `${all.size} seed${all.size === 1 ? '' : 's'} (${formatSeeds([...all])})`;
}

/**
 * A training-progress figure: Avg. Reward and Cooperation Rate against training phase (PPI) or iteration (A2C),
 * one series per spec, the paper's points of `figure` beside them.
 */
export function trainingPaperFigure(
  src: ResultsSource,
  algo: Algo,
  opts: {
    readonly figure: PaperFigureId;
    readonly id: string;
    readonly title: string;
    readonly series: readonly SeriesSpec[];
    readonly rewardReferences?: readonly ReferenceLine[];
    readonly cooperationReferences?: readonly ReferenceLine[];
  },
): PaperFigure {
  const got = collect(src, algo, opts.series, (experiment, s) =>
    trainingCurves({ experiment, algo, preset: src.preset, root: src.root }, { learner: s.learner, coplayer: s.coplayer }));
  if (got.series.length === 0) {
    const why = skipReason(src, algo, opts.series.map((s) => s.experiment));
    return { id: opts.id, figure: null, notes: [...got.notes, `${opts.id}: skipped: ${why}`] };
  }
  const total = Math.max(...got.curves.map((c) => c.totalUnits));
  const overlays = overlaysFor(opts.figure, opts.series.map((s) => s.name));
  const unit = got.curves[0].unit;
  const notes = [...got.notes];
  const row = paperTrainingRow(opts.figure, algo, opts.series[0].experiment, unit, total);
  if (overlays.length > 0) {
    notes.push(`below ours: the paper's ${opts.id} values (read off its figure, ±0.05) on its own axis, ${row.x.replace(/^.*\((.*)\)$/, '$1')}; ` +
      `the shaded part is as far as our ${thousands(total)} ${unit}s would reach on it`);
  }
  const figure = trainingFigure(unit, {
    title: `${opts.title} · ours: ${presetsText(src, algo, opts.series.map((s) => s.experiment))}, ${seedsText(got.curves)}`,
    series: got.series,
    paper: overlays,
    paperRow: row,
    rewardReferences: opts.rewardReferences,
    cooperationReferences: opts.cooperationReferences,
    panelTitles: panelLetters(opts.figure),
  });
  return { id: opts.id, figure, notes };
}

/** A within-episode figure: per-round reward and cooperation at one evaluation of the runs. */
export function episodePaperFigure(
  src: ResultsSource,
  algo: Algo,
  opts: {
    readonly figure: PaperFigureId;
    readonly id: string;
    readonly title: string;
    readonly at: EvaluationPoint;
    readonly series: readonly SeriesSpec[];
    /** Exact curves drawn as thin grey series (e.g. the best response to TFT). */
    readonly exact?: readonly MetricSeries[];
    readonly rewardReferences?: readonly ReferenceLine[];
    /** Draw the paper's values (default true; false when our evaluation is not the one the paper shows). */
    readonly paper?: boolean;
  },
): PaperFigure {
  const got = collect(src, algo, opts.series, (experiment, s) =>
    episodeCurves({ experiment, algo, preset: src.preset, root: src.root }, { learner: s.learner, coplayer: s.coplayer, at: opts.at }));
  if (got.series.length === 0) {
    const why = skipReason(src, algo, opts.series.map((s) => s.experiment), opts.at);
    return { id: opts.id, figure: null, notes: [...got.notes, `${opts.id}: skipped: ${why}`] };
  }
  const notes = [...got.notes];
  const units = new Set(got.curves.flatMap((c) => c.evaluatedAt ?? []));
  const total = Math.max(...got.curves.map((c) => c.totalUnits));
  const unit = got.curves[0].unit;
  notes.push(`evaluation ${opts.at === 'before' ? 'before training' : opts.at === 'snapshot' ? 'before convergence' : 'of the final agents'}: ` +
    `${unit} ${[...units].sort((a, b) => a - b).join(', ')} of ${total}`);
  const overlays = opts.paper === false ? [] : overlaysFor(opts.figure, opts.series.map((s) => s.name));
  if (overlays.length > 0) notes.push(`open diamonds: the paper's ${opts.id} values (read off its figure, ±0.05)`);
  const when = opts.at === 'before' ? 'before training' : opts.at === 'snapshot' ? `at ${unit} ${[...units].join('/')}` : 'after training';
  const figure = episodeFigure({
    title: `${opts.title} (${when}) · ours: ${presetsText(src, algo, opts.series.map((s) => s.experiment))}, ${seedsText(got.curves)}`,
    series: [...got.series, ...(opts.exact ?? [])],
    paper: overlays,
    rewardReferences: opts.rewardReferences,
    panelTitles: panelLetters(opts.figure),
  });
  return { id: opts.id, figure, notes };
}

/** The paper's panel letter over both of our panels (its panels hold reward and cooperation side by side). */
function panelLetters(figure: PaperFigureId): [string, string] {
  return [figure, figure];
}

/** The exact best response to Tit-for-Tat, round by round, as a dark dash-dot series. */
export function bestResponseToTftSeries(): MetricSeries {
  return { ...horizonSeries('best response to TFT (exact)', bestResponse(TFT)), color: '#222222', dash: 'dashdot' };
}

const figId = (algo: Algo, ppi: string, a2c: string): PaperFigureId => (algo === 'ppi' ? ppi : a2c) as PaperFigureId;

// ---------------------------------------------------------------------------------------------------------------
// The figures of notebooks 01–04
// ---------------------------------------------------------------------------------------------------------------

/** Fig. 2A (PPI) / 4A (A2C): Step-1 training against the random tabular pool. */
export function stepOneTrainingFigure(src: ResultsSource, algo: Algo): PaperFigure {
  const A = algoLabel(algo);
  const figure = figId(algo, '2A', '4A');
  return trainingPaperFigure(src, algo, {
    figure, id: `Fig. ${figure}`, title: `Fig. ${figure}: ${A} trained against the random tabular pool`,
    series: [
      { name: A, experiment: 'step1', coplayer: 'tabular', color: PALETTE[0] },
      { name: 'Avg. Tabular', experiment: 'step1', coplayer: 'tabular', side: 'coplayer', color: PALETTE[1] },
    ],
    rewardReferences: ceilingLines(ceilings(), ['poolAlwaysDefect', 'poolInformed']),
  });
}

/** Fig. 2B (PPI) / 4B (A2C): the final Step-1 agent within one episode against fixed strategies and the pool. */
export function stepOneEpisodeFigure(src: ResultsSource, algo: Algo): PaperFigure {
  const figure = figId(algo, '2B', '4B');
  return episodePaperFigure(src, algo, {
    figure, id: `Fig. ${figure}`, title: `Fig. ${figure}: the Step-1 ${algoLabel(algo)} agent within an episode`, at: 'final',
    series: [
      { name: 'Always-Cooperate', experiment: 'step1', coplayer: 'allc', color: PALETTE[2] },
      { name: 'Always-Defect', experiment: 'step1', coplayer: 'alld', color: PALETTE[3] },
      { name: 'Tit-for-Tat', experiment: 'step1', coplayer: 'tft', color: PALETTE[4] },
      { name: 'Avg. Tabular', experiment: 'step1', coplayer: 'tabular', color: PALETTE[1] },
    ],
    exact: [bestResponseToTftSeries()],
    rewardReferences: ceilingLines(ceilings(), ['poolAlwaysDefect']),
  });
}

/** Step 2's two curve families: the new agent (learner 0) and its co-player, the frozen Step-1 agent (Fixed-ICL). */
function stepTwoSeries(label: string): SeriesSpec[] {
  return [
    { name: label, experiment: 'step2', coplayer: 'learner', color: PALETTE[0] },
    { name: 'Fixed-ICL', experiment: 'step2', coplayer: 'learner', side: 'coplayer', color: PALETTE[3] },
  ];
}

/** Fig. 2C (PPI) / 4C (A2C): Step-2 training of a new agent against the frozen Step-1 agent (Fixed-ICL). */
export function stepTwoTrainingFigure(src: ResultsSource, algo: Algo): PaperFigure {
  const A = algoLabel(algo);
  const figure = figId(algo, '2C', '4C');
  return trainingPaperFigure(src, algo, {
    figure, id: `Fig. ${figure}`, title: `Fig. ${figure}: a new ${A} trained against the Fixed-ICL`,
    series: stepTwoSeries(A),
    rewardReferences: [mutualCooperationLine()],
  });
}

/** Fig. 2D (PPI) / 4D (A2C): the final Step-2 agent and the Fixed-ICL within one episode. */
export function stepTwoEpisodeFigure(src: ResultsSource, algo: Algo): PaperFigure {
  const A = algoLabel(algo);
  const figure = figId(algo, '2D', '4D');
  return episodePaperFigure(src, algo, {
    figure, id: `Fig. ${figure}`, title: `Fig. ${figure}: the Step-2 ${A} against the Fixed-ICL`, at: 'final',
    series: stepTwoSeries(A),
    rewardReferences: [mutualCooperationLine()],
  });
}

/** Fig. 2E (PPI) / 4E (A2C): Step-3 training of two agents that start as extortioners. */
export function stepThreeTrainingFigure(src: ResultsSource, algo: Algo): PaperFigure {
  const A = algoLabel(algo);
  const figure = figId(algo, '2E', '4E');
  return trainingPaperFigure(src, algo, {
    figure, id: `Fig. ${figure}`, title: `Fig. ${figure}: two ${A} extortioners trained against each other`,
    series: [0, 1].map((i) => ({
      name: `${A}${SUPERSCRIPT[i]}_extort`, experiment: 'step3' as const, coplayer: 'learner' as const, learner: i, color: PALETTE[i],
    })),
    rewardReferences: [mutualCooperationLine()],
  });
}

/** Fig. 2F (PPI) / 4F (A2C): one Step-3 episode before training ('before'), or after it ('final', not in the paper). */
export function stepThreeEpisodeFigure(src: ResultsSource, algo: Algo, at: 'before' | 'final' = 'before'): PaperFigure {
  const A = algoLabel(algo);
  const figure = figId(algo, '2F', '4F');
  return episodePaperFigure(src, algo, {
    figure, id: at === 'before' ? `Fig. ${figure}` : `Fig. ${figure} (after training)`,
    title: `Fig. ${figure}: ${A}¹_extort against ${A}²_extort`, at, paper: at === 'before',
    series: [
      { name: `${A}¹_extort`, experiment: 'step3', coplayer: 'learner', color: PALETTE[0] },
      { name: `${A}²_extort`, experiment: 'step3', coplayer: 'learner', side: 'coplayer', color: PALETTE[1] },
    ],
    rewardReferences: [mutualCooperationLine()],
  });
}

/**
 * Fig. 1A (PPI) / 1B (A2C): mixed-pool training, with the Opponent-ID ablation dashed and No-Tabular dotted;
 * `ablations: false` draws the mixed pool alone (a study run without its ablations, e.g. data/studies/a2c-mixed-long).
 */
export function mixedPoolFigure(src: ResultsSource, algo: Algo, opts: { readonly ablations?: boolean } = {}): PaperFigure {
  const A = algoLabel(algo);
  const figure = figId(algo, '1A', '1B');
  const vsLearner = `${A}¹ vs ${A}²`;
  const vsTabular = `${A}¹ vs Tabular`;
  const ablations = opts.ablations ?? true;
  return trainingPaperFigure(src, algo, {
    figure, id: `Fig. ${figure}`, title: `Fig. ${figure}: ${A} in the mixed pool${ablations ? ', and the two ablations' : ''}`,
    series: [
      { name: vsLearner, experiment: 'mixed', coplayer: 'learner', color: PALETTE[0] },
      { name: vsTabular, experiment: 'mixed', coplayer: 'tabular', color: PALETTE[1] },
      ...(ablations ? [
        { name: `Opponent ID: ${vsLearner}`, experiment: 'mixed-opponent-id', coplayer: 'learner', color: PALETTE[0], dash: 'dash' },
        { name: `Opponent ID: ${vsTabular}`, experiment: 'mixed-opponent-id', coplayer: 'tabular', color: PALETTE[1], dash: 'dash' },
        { name: `No Tabular Opp.: ${vsLearner}`, experiment: 'mixed-no-tabular', coplayer: 'learner', color: PALETTE[2], dash: 'dot' },
      ] as const : []),
    ],
    rewardReferences: [mutualCooperationLine('1.0: mutual cooperation R, and Always-Defect vs the pool (exact)')],
  });
}

/**
 * Fig. 3A (PPI) / 3B (A2C): learner 0 of the mixed pool within an episode, at the snapshot before convergence (or,
 * with `final`, after training, without the paper's values). `paperValues` draws them with `final` too: for a run
 * whose end is the paper's snapshot point (PPI at `long` ends at phase 8, the phase of Fig. 3A).
 */
export function snapshotEpisodeFigure(src: ResultsSource, algo: Algo, at: 'snapshot' | 'final' = 'snapshot', opts: { readonly paperValues?: boolean } = {}): PaperFigure {
  const A = algoLabel(algo);
  const figure = figId(algo, '3A', '3B');
  return episodePaperFigure(src, algo, {
    figure, id: `Fig. ${figure}`, title: `Fig. ${figure}: ${A}¹ of the mixed pool within an episode`, at,
    paper: opts.paperValues ?? at === 'snapshot', // the paper shows the snapshot before convergence only
    series: [
      { name: `${A}²`, experiment: 'mixed', coplayer: 'learner', color: PALETTE[0] },
      { name: 'Tit-for-Tat', experiment: 'mixed', coplayer: 'tft', color: PALETTE[4] },
      { name: 'Always-Cooperate', experiment: 'mixed', coplayer: 'allc', color: PALETTE[2] },
      { name: 'Always-Defect', experiment: 'mixed', coplayer: 'alld', color: PALETTE[3] },
      { name: 'Avg. Tabular', experiment: 'mixed', coplayer: 'tabular', color: PALETTE[1] },
    ],
    exact: [bestResponseToTftSeries()],
    rewardReferences: ceilingLines(ceilings(), ['poolAlwaysDefect']),
  });
}

/** Prints a figure's notes and shows it (a figure without results prints its notes only). */
export async function showPaperFigure(f: PaperFigure): Promise<void> {
  for (const n of f.notes) console.log(n);
  if (f.figure) await showFigure(f.figure);
}
