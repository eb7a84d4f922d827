/**
 * The paper's numbers as typed data: the values that the notes (`paper.md` §7) read off its Figures 1–4, or that its
 * text states. Notebooks draw them beside our curves; REPRODUCTION.md compares them with our summaries.
 *
 * Tags: **F** = read off a figure by eye (about ±0.05); **P** = stated in the paper's text.
 *
 * Two shapes:
 *   - `PAPER_CURVES`: a few key points of a curve of a figure panel (x in the paper's own units: training phase 1–30,
 *     training iteration, or round 0–99, where the paper's "round 100" is our last round, 99). Lines between the
 *     points are only a guide: the paper gives no values there.
 *   - `PAPER_VALUES`: one number per summary key (`train.<co-player>.reward`, `episode.<co-player>.late.cooperation`,
 *     … as printed by `npm run -s summary`), with its range where the paper gives one.
 *
 * Nothing here is computed: every number traces to a line of paper.md §7 (cited in `source`).
 */
import type { Algo, ExperimentName } from '../experiments/experiments';

/** How a value was obtained: F = read off a figure (±0.05), P = stated in the text. */
export type PaperTag = 'F' | 'P';

/** The paper's figure panels that hold results. */
export type PaperFigureId = '1A' | '1B' | '2A' | '2B' | '2C' | '2D' | '2E' | '2F' | '3A' | '3B' | '4A' | '4B' | '4C' | '4D' | '4E' | '4F';

/** Which per-round evaluation an episode panel shows: before training, the snapshot before convergence, the end. */
export type EvaluationPoint = 'before' | 'snapshot' | 'final';

/** Key points of one curve of a paper figure. */
export interface PaperCurve {
  readonly figure: PaperFigureId;
  readonly experiment: ExperimentName;
  readonly algo: Algo;
  readonly kind: 'training' | 'episode';
  /** For episode panels: which evaluation it shows. */
  readonly at?: EvaluationPoint;
  /** The legend label, as the notebooks name the matching series of ours. */
  readonly series: string;
  /** Key points of the Avg. Reward panel, [x, y] in the paper's units. */
  readonly reward?: readonly (readonly [number, number])[];
  /** Key points of the Cooperation Rate panel. */
  readonly cooperation?: readonly (readonly [number, number])[];
  readonly tag: PaperTag;
  /** What paper.md says, briefly, where the points simplify it. */
  readonly note?: string;
}

/** The paper's training length per figure, in its x units (the range of its own training axis in our figures). */
export const PAPER_TRAINING_LENGTH: Readonly<Record<Algo, Readonly<Partial<Record<ExperimentName, number>>>>> = Object.freeze({
  ppi: { step1: 30, step2: 30, step3: 30, mixed: 30, 'mixed-opponent-id': 30, 'mixed-no-tabular': 30 },
  a2c: { step1: 50_000, step2: 100_000, step3: 10_000, mixed: 200_000, 'mixed-opponent-id': 200_000, 'mixed-no-tabular': 200_000 },
});

/** Where the paper took its Fig. 3 snapshot of the mixed-pool runs: PPI phase 8 of 30, A2C iteration 70k of 200k. */
export const PAPER_SNAPSHOT: Readonly<Record<Algo, number>> = Object.freeze({ ppi: 8, a2c: 70_000 });

const flat = (x0: number, x1: number, y: number): [number, number][] => [[x0, y], [x1, y]];
const LAST_ROUND = 99;
const mid = (lo: number, hi: number): number => Math.round(((lo + hi) / 2) * 1000) / 1000;

/** Key points of the curves of Figs. 1–4 (paper.md §7.1, §7.3–7.6). */
export const PAPER_CURVES: readonly PaperCurve[] = Object.freeze([
  // ----- Fig. 1A: PPI, mixed pool (10 seeds) -------------------------------------------------------------------------
  {
    figure: '1A', experiment: 'mixed', algo: 'ppi', kind: 'training', series: 'PPI¹ vs PPI²', tag: 'F',
    reward: [[1, 0.075], [5, 0.1], [12, 0.9], [30, 0.92]],
    cooperation: [[1, 0.1], [13, 0.89], [30, 0.89]],
    note: 'reward 0.05–0.1 up to phase ~5, steep rise over phases 6–12, plateau ≈ 0.9; cooperation ≈ 0.1 → 0.88–0.9 by phase 12–13',
  },
  {
    figure: '1A', experiment: 'mixed', algo: 'ppi', kind: 'training', series: 'PPI¹ vs Tabular', tag: 'F',
    reward: flat(1, 30, mid(0.98, 1.0)), cooperation: flat(1, 30, mid(0.07, 0.1)),
    note: 'reward 0.98–1.0 and cooperation 0.07–0.1 throughout',
  },
  {
    figure: '1A', experiment: 'mixed-opponent-id', algo: 'ppi', kind: 'training', series: 'Opponent ID: PPI¹ vs PPI²', tag: 'F',
    reward: flat(1, 30, 0.1), cooperation: flat(1, 30, 0.1), note: 'dashed: mutual defection throughout',
  },
  {
    figure: '1A', experiment: 'mixed-opponent-id', algo: 'ppi', kind: 'training', series: 'Opponent ID: PPI¹ vs Tabular', tag: 'F',
    reward: flat(1, 30, mid(1.03, 1.05)), note: 'dashed: 1.03–1.05 against tabular co-players',
  },
  {
    figure: '1A', experiment: 'mixed-no-tabular', algo: 'ppi', kind: 'training', series: 'No Tabular Opp.: PPI¹ vs PPI²', tag: 'F',
    reward: flat(1, 30, mid(0.1, 0.25)), cooperation: flat(1, 30, mid(0.1, 0.22)),
    note: 'dotted: reward 0.1–0.25 and cooperation 0.1–0.22 with a wide band; drawn at the middle of the range',
  },
  // ----- Fig. 1B: A2C, mixed pool (10 seeds, 200k iterations) ---------------------------------------------------------
  {
    figure: '1B', experiment: 'mixed', algo: 'a2c', kind: 'training', series: 'A2C¹ vs A2C²', tag: 'F',
    reward: [[10_000, 0], [35_000, mid(0.2, 0.5)], [60_000, mid(0.2, 0.5)], [75_000, 0.95], [200_000, 0.97]],
    cooperation: [[75_000, 0.95], [200_000, 0.95]],
    note: 'reward crashes to ≈ 0 within 10k, noisy 0.2–0.5 over 10k–60k, jumps to ≈ 0.95 at 60–75k, ≈ 0.97 after (one dip near 120k)',
  },
  {
    figure: '1B', experiment: 'mixed', algo: 'a2c', kind: 'training', series: 'A2C¹ vs Tabular', tag: 'F',
    reward: flat(0, 200_000, 1.0), cooperation: flat(0, 200_000, 0.05),
  },
  {
    figure: '1B', experiment: 'mixed-opponent-id', algo: 'a2c', kind: 'training', series: 'Opponent ID: A2C¹ vs A2C²', tag: 'F',
    reward: flat(0, 200_000, 0), cooperation: flat(0, 200_000, 0), note: 'dashed: mutual defection',
  },
  // ----- Fig. 2A–B: PPI, Step 1 (10 seeds, 30 phases) ----------------------------------------------------------------
  {
    figure: '2A', experiment: 'step1', algo: 'ppi', kind: 'training', series: 'PPI', tag: 'F',
    reward: flat(1, 30, 1.0), cooperation: [[1, 0.06], [30, 0.08]],
  },
  {
    figure: '2A', experiment: 'step1', algo: 'ppi', kind: 'training', series: 'Avg. Tabular', tag: 'F',
    reward: flat(1, 30, -0.4), cooperation: flat(1, 30, 0.53), note: 'the random tabular co-players',
  },
  {
    figure: '2B', experiment: 'step1', algo: 'ppi', kind: 'episode', at: 'final', series: 'Always-Cooperate', tag: 'F',
    reward: flat(0, LAST_ROUND, 2.0), cooperation: flat(0, LAST_ROUND, 0), note: 'always exploits',
  },
  {
    figure: '2B', experiment: 'step1', algo: 'ppi', kind: 'episode', at: 'final', series: 'Always-Defect', tag: 'F',
    reward: [[5, -0.3], [LAST_ROUND, -0.08]], cooperation: [[5, 0.28], [LAST_ROUND, 0.08]],
    note: 'cooperation peaks ≈ 0.28 near round 5 and decays to ≈ 0.08; the reward mirrors it',
  },
  {
    figure: '2B', experiment: 'step1', algo: 'ppi', kind: 'episode', at: 'final', series: 'Tit-for-Tat', tag: 'F',
    reward: [[0, 2.0], [4, -0.1], [LAST_ROUND, 1.0]],
    cooperation: [[0, 0], [15, 0.5], [35, 0.9], [50, mid(0.97, 0.98)], [LAST_ROUND, mid(0.97, 0.98)]],
    note: 'defects in round 0, reward dips to ≈ −0.1 around rounds 3–5, then cooperation climbs to ≈ 0.97–0.98',
  },
  {
    figure: '2B', experiment: 'step1', algo: 'ppi', kind: 'episode', at: 'final', series: 'Avg. Tabular', tag: 'F',
    reward: flat(0, LAST_ROUND, 1.0), cooperation: flat(0, LAST_ROUND, mid(0.08, 0.1)),
  },
  // ----- Fig. 2C–D: PPI, Step 2 ---------------------------------------------------------------------------------------
  {
    figure: '2C', experiment: 'step2', algo: 'ppi', kind: 'training', series: 'PPI', tag: 'F',
    reward: [[1, 0.05], [5, 0.75], [10, 0.85], [30, 0.88]], cooperation: [[1, 0.08], [5, 0.35], [30, 0.45]],
  },
  {
    figure: '2C', experiment: 'step2', algo: 'ppi', kind: 'training', series: 'Fixed-ICL', tag: 'F',
    reward: [[1, mid(0, 0.15)], [10, 0.2], [30, 0.24]], cooperation: [[1, 0.08], [5, 0.5], [30, 0.66]],
    note: 'the frozen Step-1 agent; reward 0.0–0.15 early',
  },
  {
    figure: '2D', experiment: 'step2', algo: 'ppi', kind: 'episode', at: 'final', series: 'PPI', tag: 'F',
    reward: [[LAST_ROUND, mid(1.0, 1.05)]], cooperation: [[0, 0.28], [3, 0], [25, 0.53], [LAST_ROUND, 0.48]],
    note: 'the extortioner at phase 30: reward → 1.0–1.05',
  },
  {
    figure: '2D', experiment: 'step2', algo: 'ppi', kind: 'episode', at: 'final', series: 'Fixed-ICL', tag: 'F',
    reward: [[20, 0.42], [LAST_ROUND, 0.2]], cooperation: [[0, 0], [3, 0], [40, 0.76], [LAST_ROUND, 0.76]],
  },
  // ----- Fig. 2E–F: PPI, Step 3 ---------------------------------------------------------------------------------------
  {
    figure: '2E', experiment: 'step3', algo: 'ppi', kind: 'training', series: 'PPI¹_extort', tag: 'F',
    reward: [[1, 0.15], [2, 0.1], [5, 0.55], [8, 0.9], [10, 0.96], [20, 0.96], [30, mid(0.92, 0.96)]],
    cooperation: [[1, 0.13], [2, 0.1], [5, 0.6], [8, 0.9], [10, 0.96], [20, 0.96], [30, 0.93]],
    note: 'both agents alike',
  },
  {
    figure: '2F', experiment: 'step3', algo: 'ppi', kind: 'episode', at: 'before', series: 'PPI¹_extort', tag: 'F',
    reward: [[0, 0.3], [2, 0.04], [15, 0.13], [LAST_ROUND, mid(0.17, 0.18)]],
    cooperation: [[0, 0.3], [2, 0.04], [15, 0.13], [LAST_ROUND, mid(0.17, 0.18)]],
    note: 'one episode before Step-3 training: collapse to ≈ 0.04 at rounds 2–3, then a slow rise',
  },
  // ----- Fig. 3: the mixed-pool snapshot before convergence ------------------------------------------------------------
  {
    figure: '3A', experiment: 'mixed', algo: 'ppi', kind: 'episode', at: 'snapshot', series: 'PPI²', tag: 'F',
    reward: [[0, 0.15], [3, 0.05], [40, 0.5], [LAST_ROUND, 0.47]], cooperation: [[0, 0.12], [50, 0.47], [LAST_ROUND, 0.43]],
    note: 'PPI¹ at phase 8 against PPI²; wide band 0.15–0.75',
  },
  {
    figure: '3A', experiment: 'mixed', algo: 'ppi', kind: 'episode', at: 'snapshot', series: 'Tit-for-Tat', tag: 'F',
    reward: flat(0, LAST_ROUND, mid(0.85, 0.9)), cooperation: flat(0, LAST_ROUND, 0.85),
  },
  {
    figure: '3A', experiment: 'mixed', algo: 'ppi', kind: 'episode', at: 'snapshot', series: 'Always-Cooperate', tag: 'F',
    reward: flat(0, LAST_ROUND, 2.0),
  },
  {
    figure: '3A', experiment: 'mixed', algo: 'ppi', kind: 'episode', at: 'snapshot', series: 'Always-Defect', tag: 'F',
    reward: flat(0, LAST_ROUND, -0.05), cooperation: flat(0, LAST_ROUND, 0.06),
  },
  {
    figure: '3A', experiment: 'mixed', algo: 'ppi', kind: 'episode', at: 'snapshot', series: 'Avg. Tabular', tag: 'F',
    reward: flat(0, LAST_ROUND, 1.0), cooperation: flat(0, LAST_ROUND, 0.09),
  },
  {
    figure: '3B', experiment: 'mixed', algo: 'a2c', kind: 'episode', at: 'snapshot', series: 'A2C²', tag: 'F',
    reward: flat(10, LAST_ROUND, 0.8), cooperation: [[10, mid(0.8, 0.83)], [LAST_ROUND, 0.8]],
    note: 'A2C¹ at iteration 70k: cooperation jumps to 0.8–0.83 within ~10 rounds; wide band',
  },
  {
    figure: '3B', experiment: 'mixed', algo: 'a2c', kind: 'episode', at: 'snapshot', series: 'Avg. Tabular', tag: 'F',
    reward: flat(0, LAST_ROUND, mid(1.0, 1.05)), cooperation: flat(0, LAST_ROUND, mid(0.03, 0.05)),
  },
  // ----- Fig. 4A–B: A2C, Step 1 (5 seeds, 50k iterations) --------------------------------------------------------------
  {
    figure: '4A', experiment: 'step1', algo: 'a2c', kind: 'training', series: 'A2C', tag: 'F',
    reward: flat(0, 50_000, 1.02), cooperation: flat(0, 50_000, mid(0.03, 0.05)),
  },
  {
    figure: '4A', experiment: 'step1', algo: 'a2c', kind: 'training', series: 'Avg. Tabular', tag: 'F',
    reward: flat(0, 50_000, -0.47), cooperation: flat(0, 50_000, 0.53),
  },
  {
    figure: '4B', experiment: 'step1', algo: 'a2c', kind: 'episode', at: 'final', series: 'Always-Cooperate', tag: 'F',
    reward: flat(0, LAST_ROUND, 2.0), cooperation: flat(0, LAST_ROUND, 0),
  },
  {
    figure: '4B', experiment: 'step1', algo: 'a2c', kind: 'episode', at: 'final', series: 'Always-Defect', tag: 'F',
    reward: flat(10, LAST_ROUND, 0), cooperation: flat(10, LAST_ROUND, 0), note: 'mostly ≈ 0, with oscillating probes early on',
  },
  {
    figure: '4B', experiment: 'step1', algo: 'a2c', kind: 'episode', at: 'final', series: 'Tit-for-Tat', tag: 'F',
    cooperation: [[20, 1.0], [94, 1.0], [LAST_ROUND, 0]], note: 'cooperation 1.0 by round ≈ 20; defects again in the last ~5 rounds',
  },
  {
    figure: '4B', experiment: 'step1', algo: 'a2c', kind: 'episode', at: 'final', series: 'Avg. Tabular', tag: 'F',
    reward: flat(0, LAST_ROUND, 1.0), cooperation: flat(0, LAST_ROUND, mid(0.08, 0.1)),
  },
  // ----- Fig. 4C–D: A2C, Step 2 (100k iterations) ---------------------------------------------------------------------
  {
    figure: '4C', experiment: 'step2', algo: 'a2c', kind: 'training', series: 'A2C', tag: 'F',
    reward: flat(5_000, 100_000, mid(1.25, 1.33)), cooperation: flat(5_000, 100_000, 0.42),
    note: 'the exploiter reaches 1.25–1.33 within a few thousand iterations',
  },
  {
    figure: '4C', experiment: 'step2', algo: 'a2c', kind: 'training', series: 'Fixed-ICL', tag: 'F',
    reward: flat(5_000, 100_000, 0), cooperation: flat(5_000, 100_000, 0.86), note: 'reward ≈ 0, slightly negative',
  },
  {
    figure: '4D', experiment: 'step2', algo: 'a2c', kind: 'episode', at: 'final', series: 'Fixed-ICL', tag: 'F',
    cooperation: flat(20, 95, 1.0), note: 'cooperates ≈ 1.0 from round ~20 to ~95; the exploiter oscillates (cooperation 0.2–0.75, reward 1.3–1.8)',
  },
  // ----- Fig. 4E–F: A2C, Step 3 (10k iterations) ----------------------------------------------------------------------
  {
    figure: '4E', experiment: 'step3', algo: 'a2c', kind: 'training', series: 'A2C¹_extort', tag: 'F',
    reward: [[1_000, mid(0.55, 0.9)], [4_500, 0.95], [10_000, 0.57]], cooperation: [[4_500, 0.93]],
    note: 'both ≈ 0.95 around 4–5k iterations, then a collapse to a mean ≈ 0.57 with a huge spread (0.05–1.1)',
  },
  {
    figure: '4F', experiment: 'step3', algo: 'a2c', kind: 'episode', at: 'before', series: 'A2C¹_extort', tag: 'F',
    cooperation: [[20, mid(0.3, 0.6)], [LAST_ROUND, 0.07]], note: 'noisy: cooperation 0.3–0.6 over rounds 10–30, ≈ 0.07 at the end',
  },
] satisfies PaperCurve[]);

/** One number of the paper for a summary key of one experiment and algorithm. */
export interface PaperValue {
  readonly experiment: ExperimentName;
  readonly algo: Algo;
  /**
   * A summary key: `train.<co-player>.<reward|cooperation|coplayerReward|coplayerCooperation>` (end of training),
   * `episode.<co-player>.<early|mid|late>.<reward|cooperation>` (final per-round evaluation, rounds 0–9 / 20–89 /
   * 90–99: `EPISODE_WINDOWS`), or
   * `snapshot.<co-player>.<early|late>.<…>` (the Fig. 3 evaluation before convergence).
   */
  readonly key: string;
  readonly value: number;
  /** The range the paper's figure or text spans, where it gives one. */
  readonly range?: readonly [number, number];
  readonly tag: PaperTag;
  readonly figure: string;
  readonly note?: string;
}

const v = (
  experiment: ExperimentName, algo: Algo, key: string, value: number, figure: string, tag: PaperTag = 'F',
  extra: { range?: [number, number]; note?: string } = {},
): PaperValue => ({ experiment, algo, key, value, tag, figure, ...extra });
const r = (lo: number, hi: number, note?: string) => ({ range: [lo, hi] as [number, number], ...(note ? { note } : {}) });

/** The paper's end values per summary key (paper.md §7; P where its text states them). */
export const PAPER_VALUES: readonly PaperValue[] = Object.freeze([
  // Step 1 (Fig. 2A–B PPI, Fig. 4A–B A2C)
  v('step1', 'ppi', 'train.tabular.reward', 1.0, 'Fig. 2A'),
  v('step1', 'ppi', 'train.tabular.cooperation', 0.08, 'Fig. 2A', 'F', r(0.06, 0.08, '0.06 at phase 1, 0.08 at phase 30')),
  v('step1', 'ppi', 'train.tabular.coplayerReward', -0.4, 'Fig. 2A'),
  v('step1', 'ppi', 'train.tabular.coplayerCooperation', 0.53, 'Fig. 2A'),
  v('step1', 'ppi', 'episode.allc.late.reward', 2.0, 'Fig. 2B'),
  v('step1', 'ppi', 'episode.allc.late.cooperation', 0, 'Fig. 2B'),
  v('step1', 'ppi', 'episode.alld.late.reward', -0.08, 'Fig. 2B'),
  v('step1', 'ppi', 'episode.alld.late.cooperation', 0.08, 'Fig. 2B'),
  v('step1', 'ppi', 'episode.tft.late.reward', 1.0, 'Fig. 2B'),
  v('step1', 'ppi', 'episode.tft.late.cooperation', 0.975, 'Fig. 2B', 'F', r(0.97, 0.98)),
  v('step1', 'ppi', 'episode.tft.mid.cooperation', 0.9, 'Fig. 2B', 'F', r(0.85, 0.95, 'the curve (≈ 0.5 at round 15, ≈ 0.9 at 35, ≈ 0.97 from 50) averaged by eye over rounds 20–89')),
  v('step1', 'ppi', 'episode.tabular.late.reward', 1.0, 'Fig. 2B'),
  v('step1', 'ppi', 'episode.tabular.late.cooperation', 0.09, 'Fig. 2B', 'F', r(0.08, 0.1)),
  v('step1', 'a2c', 'train.tabular.reward', 1.02, 'Fig. 4A'),
  v('step1', 'a2c', 'train.tabular.cooperation', 0.04, 'Fig. 4A', 'F', r(0.03, 0.05)),
  v('step1', 'a2c', 'train.tabular.coplayerReward', -0.47, 'Fig. 4A'),
  v('step1', 'a2c', 'train.tabular.coplayerCooperation', 0.53, 'Fig. 4A'),
  v('step1', 'a2c', 'episode.allc.late.reward', 2.0, 'Fig. 4B'),
  v('step1', 'a2c', 'episode.allc.late.cooperation', 0, 'Fig. 4B'),
  v('step1', 'a2c', 'episode.alld.late.reward', 0, 'Fig. 4B'),
  v('step1', 'a2c', 'episode.alld.late.cooperation', 0, 'Fig. 4B'),
  v('step1', 'a2c', 'episode.tft.mid.reward', 1.0, 'Fig. 4B', 'F', { note: 'cooperation with TFT reaches 1.0 by round ≈ 20 (end-game defections after round ≈ 95)' }),
  v('step1', 'a2c', 'episode.tft.mid.cooperation', 1.0, 'Fig. 4B', 'F', { note: 'reaches 1.0 by round ≈ 20' }),
  v('step1', 'a2c', 'episode.tabular.late.reward', 1.0, 'Fig. 4B'),
  v('step1', 'a2c', 'episode.tabular.late.cooperation', 0.09, 'Fig. 4B', 'F', r(0.08, 0.1)),
  // Step 2 (Fig. 2C–D PPI, Fig. 4C–D A2C); App. B.2 states the exploiters' rewards.
  v('step2', 'ppi', 'train.learner.reward', 0.9, 'App. B.2 (Fig. 2C: ≈ 0.88 at phase 30)', 'P'),
  v('step2', 'ppi', 'train.learner.cooperation', 0.45, 'Fig. 2C'),
  v('step2', 'ppi', 'train.learner.coplayerReward', 0.24, 'Fig. 2C'),
  v('step2', 'ppi', 'train.learner.coplayerCooperation', 0.66, 'Fig. 2C'),
  v('step2', 'ppi', 'episode.learner.late.reward', 1.025, 'Fig. 2D', 'F', r(1.0, 1.05)),
  v('step2', 'ppi', 'episode.learner.late.cooperation', 0.48, 'Fig. 2D'),
  v('step2', 'a2c', 'train.learner.reward', 1.25, 'App. B.2 (Fig. 4C: 1.25–1.33)', 'P', r(1.25, 1.33)),
  v('step2', 'a2c', 'train.learner.cooperation', 0.42, 'Fig. 4C'),
  v('step2', 'a2c', 'train.learner.coplayerReward', 0, 'Fig. 4C', 'F', { note: 'slightly negative' }),
  v('step2', 'a2c', 'train.learner.coplayerCooperation', 0.86, 'Fig. 4C'),
  v('step2', 'a2c', 'episode.learner.late.reward', 1.55, 'Fig. 4D', 'F', r(1.3, 1.8, 'irregular, oscillating')),
  // Step 3 (Fig. 2E–F PPI, Fig. 4E–F A2C)
  v('step3', 'ppi', 'train.learner.reward', 0.94, 'Fig. 2E', 'F', r(0.92, 0.96)),
  v('step3', 'ppi', 'train.learner.cooperation', 0.93, 'Fig. 2E'),
  v('step3', 'ppi', 'train.learner.coplayerReward', 0.94, 'Fig. 2E', 'F', r(0.92, 0.96)),
  v('step3', 'ppi', 'train.learner.coplayerCooperation', 0.93, 'Fig. 2E'),
  v('step3', 'a2c', 'train.learner.reward', 0.57, 'Fig. 4E', 'F', r(0.05, 1.1, 'mean over seeds after a collapse; the seeds spread from 0.05 to 1.1')),
  // Mixed pool and ablations (Fig. 1)
  v('mixed', 'ppi', 'train.learner.reward', 0.92, 'Fig. 1A'),
  v('mixed', 'ppi', 'train.learner.cooperation', 0.89, 'Fig. 1A', 'F', r(0.88, 0.9)),
  v('mixed', 'ppi', 'train.tabular.reward', 0.99, 'Fig. 1A', 'F', r(0.98, 1.0)),
  v('mixed', 'ppi', 'train.tabular.cooperation', 0.085, 'Fig. 1A', 'F', r(0.07, 0.1)),
  v('mixed', 'a2c', 'train.learner.reward', 0.97, 'Fig. 1B'),
  v('mixed', 'a2c', 'train.learner.cooperation', 0.95, 'Fig. 1B'),
  v('mixed', 'a2c', 'train.tabular.reward', 1.0, 'Fig. 1B'),
  v('mixed', 'a2c', 'train.tabular.cooperation', 0.05, 'Fig. 1B'),
  v('mixed-opponent-id', 'ppi', 'train.learner.reward', 0.1, 'Fig. 1A (dashed)'),
  v('mixed-opponent-id', 'ppi', 'train.learner.cooperation', 0.1, 'Fig. 1A (dashed)'),
  v('mixed-opponent-id', 'ppi', 'train.tabular.reward', 1.04, 'Fig. 1A (dashed)', 'F', r(1.03, 1.05)),
  v('mixed-opponent-id', 'a2c', 'train.learner.reward', 0, 'Fig. 1B (dashed)'),
  v('mixed-opponent-id', 'a2c', 'train.learner.cooperation', 0, 'Fig. 1B (dashed)'),
  v('mixed-no-tabular', 'ppi', 'train.learner.reward', 0.175, 'Fig. 1A (dotted)', 'F', r(0.1, 0.25, 'wide band')),
  v('mixed-no-tabular', 'ppi', 'train.learner.cooperation', 0.16, 'Fig. 1A (dotted)', 'F', r(0.1, 0.22, 'wide band')),
  // Fig. 3: the snapshot (PPI phase 8, A2C iteration 70k)
  v('mixed', 'ppi', 'snapshot.learner.late.reward', 0.47, 'Fig. 3A', 'F', r(0.15, 0.75, 'wide band')),
  v('mixed', 'ppi', 'snapshot.learner.late.cooperation', 0.43, 'Fig. 3A', 'F', r(0.15, 0.75, 'wide band')),
  v('mixed', 'ppi', 'snapshot.tft.late.reward', 0.875, 'Fig. 3A', 'F', r(0.85, 0.9)),
  v('mixed', 'ppi', 'snapshot.tft.late.cooperation', 0.85, 'Fig. 3A'),
  v('mixed', 'ppi', 'snapshot.allc.late.reward', 2.0, 'Fig. 3A'),
  v('mixed', 'ppi', 'snapshot.alld.late.reward', -0.05, 'Fig. 3A'),
  v('mixed', 'ppi', 'snapshot.alld.late.cooperation', 0.06, 'Fig. 3A'),
  v('mixed', 'ppi', 'snapshot.tabular.late.reward', 1.0, 'Fig. 3A'),
  v('mixed', 'ppi', 'snapshot.tabular.late.cooperation', 0.09, 'Fig. 3A'),
  v('mixed', 'a2c', 'snapshot.learner.late.reward', 0.8, 'Fig. 3B', 'F', { note: 'wide band' }),
  v('mixed', 'a2c', 'snapshot.learner.late.cooperation', 0.8, 'Fig. 3B'),
  v('mixed', 'a2c', 'snapshot.tabular.late.reward', 1.025, 'Fig. 3B', 'F', r(1.0, 1.05)),
  v('mixed', 'a2c', 'snapshot.tabular.late.cooperation', 0.04, 'Fig. 3B', 'F', r(0.03, 0.05)),
] satisfies PaperValue[]);

/** The paper's value for a summary key, or undefined where the paper gives none. */
export function paperValue(experiment: ExperimentName, algo: Algo, key: string): PaperValue | undefined {
  return PAPER_VALUES.find((p) => p.experiment === experiment && p.algo === algo && p.key === key);
}

/** The paper's curves of one figure panel pair (e.g. '2B'), optionally for one series. */
export function paperCurves(filter: { figure?: PaperFigureId; experiment?: ExperimentName; algo?: Algo; series?: string; kind?: 'training' | 'episode' }): PaperCurve[] {
  return PAPER_CURVES.filter((c) =>
    (filter.figure === undefined || c.figure === filter.figure) &&
    (filter.experiment === undefined || c.experiment === filter.experiment) &&
    (filter.algo === undefined || c.algo === filter.algo) &&
    (filter.series === undefined || c.series === filter.series) &&
    (filter.kind === undefined || c.kind === filter.kind));
}
