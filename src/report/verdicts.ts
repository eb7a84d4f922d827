/**
 * The verdict each notebook opens with: one row per claim of the paper, with the paper's numbers, ours and the
 * verdict. "Ours" is measured when the table is shown, from the reference results in data/ (the campaign in
 * data/runs and the studies in data/studies), each experiment at the largest scale with finished runs, so longer
 * runs update the numbers without edits. The verdict is a judgement written for the scale the campaign's runs had
 * (`judgedAt`, one for both learners or one per learner); when a campaign line's numbers come from another scale the row
 * says so, to be re-read. Study lines (data/studies) are runs of a fixed scale and do not move.
 */
import type { CoPlayerKind } from '../agents/actor';
import type { Algo, ExperimentName } from '../experiments/experiments';
import type { PresetName } from '../experiments/presets';
import { inKernel } from './display';
import { formatSeeds, loadRecords, resolvePreset } from './results';

/** One number of ours: the end (or start) of a training curve, or a window of rounds of a per-round evaluation. */
export type Probe =
  | {
    readonly table: 'train'; readonly coplayer: CoPlayerKind; readonly field: 'reward' | 'cooperation' | 'coplayer_reward' | 'coplayer_cooperation';
    /** The first or the last logged row, or the mean of the rows within a span of training (fractions of its length). */
    readonly at: 'first' | 'final' | readonly [number, number]; readonly learner?: number;
  }
  | { readonly table: 'episode'; readonly coplayer: CoPlayerKind; readonly metric: 'reward' | 'cooperation'; readonly at: 'before' | 'snapshot' | 'final'; readonly rounds: readonly [number, number]; readonly learner?: number };

/** A line of the "ours" column: which runs, which numbers (joined with →), and what they are. */
export interface Evidence {
  /** e.g. "PPI", "A2C, mixed-pool settings (study)". */
  readonly label: string;
  readonly experiment: ExperimentName;
  readonly algo: Algo;
  /** A study's root (data/studies/…); default the campaign in data/runs. */
  readonly root?: string;
  readonly probes: readonly Probe[];
  /** What the numbers are, e.g. "cooperation with TFT, rounds 1–4 → 20–59 → 60–89". */
  readonly what: string;
  /**
   * The scale this line was read at when the verdict was written, where it differs from the claim's `judgedAt` for its
   * learner (one run set of a claim landed at a larger scale, another not yet).
   */
  readonly judgedAt?: PresetName;
}

export interface Claim {
  readonly claim: string;
  /** The paper's numbers, in words. */
  readonly paper: string;
  readonly ours: readonly Evidence[];
  readonly verdict: string;
  /** The scale of the campaign's runs the verdict was written for: one for both learners, or per learner. */
  readonly judgedAt: PresetName | Readonly<Partial<Record<Algo, PresetName>>>;
}

/** A measured line: the numbers (mean over seeds), the seeds and the scale; null numbers where a run is missing. */
export interface Measured {
  readonly label: string;
  readonly values: (number | null)[];
  readonly seeds: number[];
  readonly preset: PresetName;
  readonly what: string;
}

const mean = (xs: readonly number[]): number | null => (xs.length ? xs.reduce((a, x) => a + x, 0) / xs.length : null);

/** The mean over seeds of one probe, and the seeds it had. */
export function measureProbe(runs: { experiment: ExperimentName; algo: Algo; preset: PresetName; root?: string }, p: Probe): { value: number | null; seeds: number[] } {
  const base = { experiments: [runs.experiment], algos: [runs.algo], presets: [runs.preset], root: runs.root, learner: p.learner ?? 0, coplayers: [p.coplayer] };
  if (p.table === 'train') {
    const rows = loadRecords({ ...base, table: 'train' });
    const unit = rows.length > 0 && 'iteration' in rows[0] ? 'iteration' : 'phase';
    const bySeed = new Map<number, typeof rows>();
    for (const r of rows) bySeed.set(Number(r.seed), [...(bySeed.get(Number(r.seed)) ?? []), r]);
    const at = p.at;
    const values = [...bySeed.values()].flatMap((rs) => {
      const sorted = [...rs].sort((a, b) => Number(a[unit]) - Number(b[unit]));
      if (at === 'first' || at === 'final') return [Number((at === 'final' ? sorted[sorted.length - 1] : sorted[0])[p.field])];
      const last = Number(sorted[sorted.length - 1][unit]);
      const inSpan = sorted.filter((r) => Number(r[unit]) > at[0] * last && Number(r[unit]) <= at[1] * last);
      const m = mean(inSpan.map((r) => Number(r[p.field])));
      return m === null ? [] : [m];
    });
    return { value: mean(values), seeds: [...bySeed.keys()].sort((a, b) => a - b) };
  }
  const rows = loadRecords({ ...base, table: 'episode', at: p.at });
  const bySeed = new Map<number, number[]>();
  for (const r of rows) {
    const round = Number(r.round);
    if (round < p.rounds[0] || round > p.rounds[1]) continue;
    const seed = Number(r.seed);
    bySeed.set(seed, [...(bySeed.get(seed) ?? []), Number(r[p.metric])]);
  }
  const values = [...bySeed.values()].map((xs) => mean(xs) as number);
  return { value: mean(values), seeds: [...bySeed.keys()].sort((a, b) => a - b) };
}

/** Measures one line of evidence at the largest scale with finished runs under its root. */
export function measure(e: Evidence): Measured {
  const preset = resolvePreset('largest', e.experiment, e.algo, e.root);
  const runs = { experiment: e.experiment, algo: e.algo, preset, root: e.root };
  const got = e.probes.map((p) => measureProbe(runs, p));
  const seeds = [...new Set(got.flatMap((g) => g.seeds))].sort((a, b) => a - b);
  return { label: e.label, values: got.map((g) => g.value), seeds, preset, what: e.what };
}

/** A measured line as text: "PPI (reduced, seeds 0–9): 0.16 → 0.48 → 0.54, cooperation with TFT, rounds …". */
export function evidenceText(m: Measured): string {
  if (m.seeds.length === 0) return `${m.label}: no finished run in data/ yet`;
  const nums = m.values.map((v) => (v === null ? '–' : fixed(v))).join(' → ');
  return `${m.label} (${m.preset}, seed${m.seeds.length > 1 ? 's' : ''} ${formatSeeds(m.seeds)}): ${nums}, ${m.what}`;
}

function fixed(v: number): string {
  const s = Math.abs(v) < 0.01 && v !== 0 ? v.toFixed(3) : v.toFixed(2);
  return s.replace(/^-(0\.0+)$/, '$1');
}

/** One row of a verdict table, measured. */
export interface VerdictRow {
  readonly claim: string;
  readonly paper: string;
  readonly ours: string[];
  readonly verdict: string;
}

/** Measures a notebook's claims: the rows of its verdict table. */
export function verdictRows(claims: readonly Claim[]): VerdictRow[] {
  return claims.map((c) => {
    const measured = c.ours.map(measure);
    const judged = c.judgedAt;
    const judgedFor = (algo: Algo) => (typeof judged === 'string' ? judged : judged[algo]);
    const moved = measured.filter((m, i) => m.seeds.length > 0 && !isStudy(c.ours[i]) && m.preset !== (c.ours[i].judgedAt ?? judgedFor(c.ours[i].algo)));
    const when = typeof judged === 'string'
      ? `the ${judged} scale`
      : Object.entries(judged).map(([algo, preset]) => `${algo.toUpperCase()} ${preset}`).join(', ');
    const now = [...new Set(moved.map((m) => m.preset))].join(', ');
    return {
      claim: c.claim,
      paper: c.paper,
      ours: measured.map(evidenceText),
      verdict: moved.length > 0 ? `${c.verdict} (judged at ${when}; these numbers are at ${now}: re-read them)` : c.verdict,
    };
  });
}

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);

/** The verdict table as HTML (one row per claim; the "ours" lines one under the other). */
export function verdictHtml(rows: readonly VerdictRow[]): string {
  const td = 'style="text-align:left;vertical-align:top;padding:4px 8px"';
  const body = rows.map((r) =>
    `<tr><td ${td}>${esc(r.claim)}</td><td ${td}>${esc(r.paper)}</td><td ${td}>${r.ours.map(esc).join('<br>')}</td><td ${td}><b>${esc(r.verdict)}</b></td></tr>`).join('\n');
  const th = 'style="text-align:left;padding:4px 8px"';
  return `<table class="icl-verdict">\n<thead><tr><th ${th}>claim</th><th ${th}>the paper</th><th ${th}>ours (measured now, from data/)</th><th ${th}>verdict</th></tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/** The verdict table as plain text (scripts, and the text shown where HTML is not). */
export function verdictText(rows: readonly VerdictRow[]): string {
  return rows.map((r) => [`claim: ${r.claim}`, `  the paper: ${r.paper}`, ...r.ours.map((o) => `  ours: ${o}`), `  verdict: ${r.verdict}`].join('\n')).join('\n\n');
}

/** Shows a notebook's verdict table (in a kernel as HTML, in scripts as text) and returns its rows. */
export function showVerdicts(claims: readonly Claim[]): VerdictRow[] {
  const rows = verdictRows(claims);
  if (inKernel()) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require('tslab') as typeof import('tslab')).display.html(verdictHtml(rows));
  } else {
    console.log(verdictText(rows));
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------------------
// The claims of notebooks 01–04
// ---------------------------------------------------------------------------------------------------------------

const STUDIES = 'data/studies';
const isStudy = (e: Evidence): boolean => e.root?.startsWith(`${STUDIES}/`) ?? false;
const tft = (rounds: readonly (readonly [number, number])[], at: 'final' | 'snapshot' | 'before' = 'final', coplayer: CoPlayerKind = 'tft'): Probe[] =>
  rounds.map((r) => ({ table: 'episode', coplayer, metric: 'cooperation', at, rounds: r }));
const WINDOWS: readonly (readonly [number, number])[] = [[1, 4], [20, 59], [60, 89]];
/** Fig. 3's reading of an episode against the other learner: the opening, the probes, then the settled play. */
const EPISODE_STRETCHES: readonly (readonly [number, number])[] = [[0, 0], [1, 9], [10, 19], [20, 59], [60, 89]];
const endOf = (coplayer: CoPlayerKind, field: 'reward' | 'cooperation' | 'coplayer_reward' | 'coplayer_cooperation'): Probe =>
  ({ table: 'train', coplayer, field, at: 'final' });
const startOf = (coplayer: CoPlayerKind, field: 'reward' | 'cooperation'): Probe => ({ table: 'train', coplayer, field, at: 'first' });
type TrainField = 'reward' | 'cooperation' | 'coplayer_reward' | 'coplayer_cooperation';
/** The mean of the training rows within a span of training, as fractions of its length. */
const span = (coplayer: CoPlayerKind, field: TrainField, from: number, to: number): Probe => ({ table: 'train', coplayer, field, at: [from, to] });
/** A2C's curves after the first collapse of its random initial policy (5–15 % of training), and over the last 10 %. */
const early = (coplayer: CoPlayerKind, field: TrainField): Probe => span(coplayer, field, 0.05, 0.15);
const late = (coplayer: CoPlayerKind, field: TrainField): Probe => span(coplayer, field, 0.9, 1);

/** The claims of each notebook, keyed by its number. */
export const CLAIMS: Readonly<Record<'01' | '02' | '03' | '04', readonly Claim[]>> = {
  '01': [
    {
      claim: 'Step 1: against the random pool the agent earns about Always-Defect\'s exact 1.0 per round and exploits Always-Cooperate',
      paper: 'PPI 1.0, A2C 1.02 per round against the pool (Figs. 2A, 4A); 2.0 against ALLC',
      ours: [
        { label: 'PPI', experiment: 'step1', algo: 'ppi', probes: [endOf('tabular', 'reward')], what: 'reward per round against the pool, last phase' },
        { label: 'A2C', experiment: 'step1', algo: 'a2c', probes: [late('tabular', 'reward')], what: 'reward per round against the pool, last 10 % of training' },
        { label: 'A2C vs ALLC', experiment: 'step1', algo: 'a2c', probes: [{ table: 'episode', coplayer: 'allc', metric: 'reward', at: 'final', rounds: [0, 99] }], what: 'reward per round against ALLC' },
      ],
      verdict: 'reproduced',
      judgedAt: 'long',
    },
    {
      claim: 'Step 1: within one episode the agent learns that Tit-for-Tat reciprocates, and its cooperation with TFT climbs (Fig. 2B / 4B)',
      paper: 'PPI ≈ 0.5 by round 15, ≈ 0.9 by round 35; A2C 1.0 from round ≈ 20',
      ours: [
        { label: 'PPI', experiment: 'step1', algo: 'ppi', probes: tft(WINDOWS), what: 'cooperation with TFT, rounds 1–4 → 20–59 → 60–89' },
        { label: 'A2C, mixed-pool settings then c_e decay (study)', experiment: 'step1', algo: 'a2c', root: `${STUDIES}/a2c-step1-seeds/mixed-column-then-decay`, probes: tft(WINDOWS), what: 'cooperation with TFT, rounds 1–4 → 20–59 → 60–89' },
        { label: 'A2C (campaign: at long the variant A2C_STEP1_ICL, at reduced Table 2\'s Step-1 settings)', experiment: 'step1', algo: 'a2c', probes: tft(WINDOWS), what: 'cooperation with TFT, the same rounds' },
      ],
      verdict: 'PPI: yes, slower (at long, 12 phases of 2,048 episodes, not 30 of 20,000: 0.77, 0.89 and 0.86 with TFT in rounds 60–89 in seeds 0–2, the paper ≈ 0.9 by round 35); A2C: yes under Table 2\'s mixed-pool settings with the entropy bonus decayed (the long preset\'s Step-1 variant, seeds 0–2: 0.96, 0.98 and 0.99 with TFT from round 60, the paper 1.0 from round ≈ 20), not under its Step-1 settings (41 of 41 runs collapse to always-defect, in two implementations)',
      judgedAt: 'long',
    },
  ],
  '02': [
    {
      claim: 'Step 2: a new agent trained against the frozen in-context learner extorts it: it earns much more than its victim, which cooperates more',
      paper: 'PPI 0.88 vs the Fixed-ICL\'s 0.24, cooperation 0.45 vs 0.66 (Fig. 2C); A2C 1.25–1.33 vs ≈ 0 (Fig. 4C)',
      ours: [
        { label: 'A2C vs an in-context learner (study, --frozen-from the mixed-pool agent)', experiment: 'step2', algo: 'a2c', root: `${STUDIES}/a2c-step2-vs-mixed`, probes: [span('learner', 'reward', 0.15, 1), span('learner', 'coplayer_reward', 0.15, 1), span('learner', 'cooperation', 0.15, 1), span('learner', 'coplayer_cooperation', 0.15, 1)], what: 'from iteration 500 on: reward new agent → victim, then cooperation new agent → victim' },
        { label: 'PPI', experiment: 'step2', algo: 'ppi', probes: [startOf('learner', 'reward'), endOf('learner', 'reward'), endOf('learner', 'coplayer_reward')], what: 'the new agent\'s reward first → last phase, then the Fixed-ICL\'s at the end' },
        { label: 'A2C (campaign: at long against the Step-1 variant\'s in-context learner, at reduced against an always-defector)', experiment: 'step2', algo: 'a2c', probes: [late('learner', 'reward'), late('learner', 'coplayer_reward'), late('learner', 'cooperation'), late('learner', 'coplayer_cooperation')], what: 'last 10 % of training: reward new agent → victim, then cooperation new agent → victim' },
      ],
      verdict: 'A2C: yes at long, against its own Step-1 agent (a surplus of 0.66–0.98 per round in 3 seeds, the paper\'s ≈ 1.3; the victim cooperates 1.4–1.9 times as much), and against the mixed-pool study\'s agent (0.2); PPI: yes at long in seeds 0–2, smaller (8 phases of 2,048 episodes: 0.42, 0.50 and 0.50 per round against the Fixed-ICL\'s −0.00, 0.02 and −0.01, which cooperates 0.28, 0.34 and 0.33 to the new agent\'s 0.14, 0.18 and 0.16; the paper 0.88 against 0.24 at phase 30), the direction only at reduced',
      judgedAt: 'long',
    },
  ],
  '03': [
    {
      claim: 'Step 3: two extortioners trained against each other move to mutual cooperation',
      paper: 'PPI 0.13 → 0.9 by phase 8 (Fig. 2E); A2C ≈ 0.95 at 4–5k iterations, then a mean of 0.57 across seeds (Fig. 4E)',
      ours: [
        { label: 'PPI', experiment: 'step3', algo: 'ppi', probes: [startOf('learner', 'cooperation'), endOf('learner', 'cooperation')], what: 'cooperation between the two, first → last phase' },
        { label: 'A2C from the study\'s extortioner', experiment: 'step3', algo: 'a2c', root: `${STUDIES}/a2c-step2-vs-mixed`, probes: [startOf('learner', 'cooperation'), late('learner', 'cooperation')], what: 'cooperation between the two, first logged iterations → last 10 %' },
        { label: 'A2C (campaign: at long from the Step-2 extortioner, at reduced from an always-defector)', experiment: 'step3', algo: 'a2c', probes: [startOf('learner', 'cooperation'), late('learner', 'cooperation')], what: 'cooperation between the two, first logged iterations → last 10 %' },
      ],
      verdict: 'PPI: the rise at long, slower, and just short of the target on the mean (12 phases of 1,024 episodes: seed 0 0.13 / 0.12 → 0.69 / 0.68 with each other, still rising; seed 1 0.24 / 0.17 → 0.57 / 0.43, learner 2 extorting learner 1, 0.72 against 0.28 per round; seed 2 0.12 / 0.11 → 0.52 / 0.59; learner 1 0.594 ± 0.090 over seeds 0–2, target 0.6; the paper ≈ 0.6 at phase 5, ≈ 0.9 by phase 8), no rise in the reduced runs\' 2 phases; A2C at long falls from its extortioner to mutual defection within 1,300–4,000 iterations in seeds 0–2 (0.003 ± 0.006 at the end; seed 0\'s extortioner never opens against its copy, seeds 1 and 2 cooperate with it in rounds 0–24 and 0–9 before training)',
      judgedAt: 'long',
    },
  ],
  '04': [
    {
      claim: 'Mixed pool (Fig. 1): two learners that are told nothing about their co-players come to cooperate with each other, and still exploit the tabular ones',
      paper: 'A2C ≈ 0.95 after a jump at 60–75k of 200k iterations (Fig. 1B); PPI ≈ 0.89 by phase 12–13 (Fig. 1A); ≈ 1.0 against tabular co-players',
      ours: [
        { label: 'A2C', experiment: 'mixed', algo: 'a2c', probes: [early('learner', 'cooperation'), late('learner', 'cooperation'), late('tabular', 'reward')], what: 'cooperation with the other learner, 5–15 % → last 10 % of training, then reward against tabular co-players' },
        { label: 'A2C, 6,000 iterations (study)', experiment: 'mixed', algo: 'a2c', root: `${STUDIES}/a2c-mixed-long`, probes: [span('learner', 'cooperation', 2 / 3, 1), span('learner', 'coplayer_cooperation', 2 / 3, 1)], what: 'cooperation of learner 1 → learner 2, iterations 4,001–6,000' },
        { label: 'PPI', experiment: 'mixed', algo: 'ppi', probes: [startOf('learner', 'cooperation'), endOf('learner', 'cooperation')], what: 'cooperation with the other learner, first → last phase' },
        { label: 'PPI, 12 phases of 512 (study)', experiment: 'mixed', algo: 'ppi', root: `${STUDIES}/ppi-mixed-long`, probes: [startOf('learner', 'cooperation'), endOf('learner', 'cooperation')], what: 'cooperation with the other learner, phase 1 → 12' },
        { label: 'PPI, 12 phases of 2,048 (study)', experiment: 'mixed', algo: 'ppi', root: `${STUDIES}/ppi-mixed-long12`, probes: [startOf('learner', 'cooperation'), endOf('learner', 'cooperation')], what: 'cooperation with the other learner, phase 1 → 12' },
      ],
      verdict: 'A2C: a rise to ≈ 0.4 by 4–6k iterations, then flat to 20,000 at the long scale (3 seeds, batch 256; the paper jumps at 60–75k of batch 4,096): not reproduced at this length; PPI: not reproduced (at long, seeds 0–2, 8 phases of 2,048 episodes: 0.11–0.15 → 0.076 ± 0.004 with each other while each learner cooperates 0.66–0.74 with TFT in rounds 20–59; seed 1 lengthened to 12 phases inches up to 0.12 / 0.10, the paper ≈ 0.88 there; a 12-phase reduced study ends in mutual defection too)',
      judgedAt: 'long',
    },
    {
      claim: 'Ablations: told the co-player\'s identity (Opponent ID), or without tabular co-players (No Tabular), the learners do not come to cooperate',
      paper: 'Opponent ID ≈ 0, No Tabular ≈ 0.1–0.22 throughout (Fig. 1)',
      ours: [
        { label: 'A2C, Opponent ID', experiment: 'mixed-opponent-id', algo: 'a2c', probes: [early('learner', 'cooperation'), late('learner', 'cooperation')], what: 'cooperation with the other learner, 5–15 % → last 10 % of training' },
        { label: 'A2C, No Tabular', experiment: 'mixed-no-tabular', algo: 'a2c', probes: [early('learner', 'cooperation'), late('learner', 'cooperation')], what: 'the same' },
        { label: 'PPI, Opponent ID', experiment: 'mixed-opponent-id', algo: 'ppi', probes: [startOf('learner', 'cooperation'), endOf('learner', 'cooperation')], what: 'first → last phase' },
        { label: 'PPI, No Tabular', experiment: 'mixed-no-tabular', algo: 'ppi', probes: [startOf('learner', 'cooperation'), endOf('learner', 'cooperation')], what: 'first → last phase' },
      ],
      verdict: 'A2C: flat without tabular co-players (0.11–0.14 through 20,000 iterations at long, 3 seeds) and with identities (0.13–0.17 through 20,000 at long, 3 seeds; at reduced two of eight Opponent-ID seeds drift late, below every mixed-pool seed); PPI at long (8 phases each): without tabular co-players it falls 0.27 → 0.12 (0.118 ± 0.020, seeds 0–2), as the paper\'s 0.1–0.22; with identities 0.05 → 0.002, 0.025 → 0.001 and 0.08 → 0.001 (0.002 ± 0.001, seeds 0–2; the paper ≈ 0), while cooperating 0.93–1.00 with a co-player named TFT; both ablations end in defection, but so does PPI\'s mixed pool (0.076 ± 0.004, seeds 0–2)',
      judgedAt: 'long',
    },
    {
      claim: 'Fig. 3: before convergence the agent already reciprocates with TFT in context, exploits ALLC, and cooperates with the other learner after exploiting it early',
      paper: 'PPI at phase 8: TFT ≈ 0.85, the other learner 0.12 → 0.47; A2C at 70k: the other learner ≈ 0.8 within ten rounds',
      ours: [
        { label: 'A2C (campaign: at long the evaluation at 35 % of 20,000 iterations, as the paper\'s 70k of 200k)', experiment: 'mixed', algo: 'a2c', probes: tft(EPISODE_STRETCHES, 'snapshot', 'learner'), what: 'cooperation with the other learner, rounds 0 → 1–9 → 10–19 → 20–59 → 60–89' },
        { label: 'the same A2C agent with TFT', experiment: 'mixed', algo: 'a2c', probes: tft(WINDOWS, 'snapshot'), what: 'cooperation with TFT, rounds 1–4 → 20–59 → 60–89' },
        { label: 'PPI (campaign: at long phase 8, the paper\'s snapshot phase and our last)', experiment: 'mixed', algo: 'ppi', probes: tft(EPISODE_STRETCHES, 'final', 'learner'), what: 'cooperation with the other learner, rounds 0 → 1–9 → 10–19 → 20–59 → 60–89' },
        { label: 'the same PPI agent with TFT', experiment: 'mixed', algo: 'ppi', probes: tft(WINDOWS), what: 'cooperation with TFT, rounds 1–4 → 20–59 → 60–89' },
        { label: 'A2C after 6,000 iterations (study)', experiment: 'mixed', algo: 'a2c', root: `${STUDIES}/a2c-mixed-long`, probes: tft(WINDOWS), what: 'cooperation with TFT, rounds 1–4 → 20–59 → 60–89' },
        { label: 'the same agent with learner 2', experiment: 'mixed', algo: 'a2c', root: `${STUDIES}/a2c-mixed-long`, probes: tft([[0, 0], [1, 9], [20, 59], [60, 89]], 'final', 'learner'), what: 'cooperation, rounds 0 → 1–9 → 20–59 → 60–89' },
      ],
      verdict: 'A2C: the pattern at long, weaker: at 35 % of training (iteration 7,000, seeds 0–2) each learner cooperates little with the other in rounds 1–9 (0.14 and 0.25) and then 0.47–0.58 in rounds 10–59, less in the end game (the paper ≈ 0.8 from round 10 on), while reciprocating with TFT; by iteration 20,000 it has faded to 0.30–0.53 in rounds 20–59. PPI at long (phase 8, seeds 0–1): TFT (0.22–0.32 → 0.66–0.74 → 0.77–0.85) and ALLC as in the paper, but no cooperation with the other learner (0.19–0.30 in round 0, 0.02–0.04 from round 60; the paper 0.12 → 0.47)',
      judgedAt: 'long',
    },
  ],
};
