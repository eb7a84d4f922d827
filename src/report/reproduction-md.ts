/**
 * REPRODUCTION.md (issue #8): claim by claim, the paper's values beside ours, our settings beside the paper's, and
 * the compute each run took; a verdict per claim, written by hand.
 *
 * The file mixes generated tables and hand-written prose. `npm run reproduction` (src/bin/reproduction.ts) rewrites only
 * what stands between a marker pair `<!-- generated:<section> -->` … `<!-- /generated:<section> -->` and leaves
 * every other byte as it was, so verdicts survive regeneration. Without a file it first writes a skeleton: a heading
 * per claim with a verdict line to fill in, and the marker pairs.
 *
 * Every number comes from the existing readers: `compareWithPaper` (paper values beside ours), `findRuns` and
 * `readRunConfig` (which runs, their settings), `readComputeTime` (status.json), `meanStd`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { ALGOS, EXPERIMENTS, type Algo, type ExperimentName } from '../experiments/experiments';
import { writeFileAtomic } from '../experiments/files';
import type { PresetName } from '../experiments/presets';
import { meanCurve, meanStd, readCurves, readRunConfig, windowCurve, windowWidth, type RunRef } from '../experiments/read-runs';
import { ALGORITHMS, DEFAULT_ROOT, readComputeTime, readStatus, type ComputeTime } from '../experiments/run';
import { compareWithPaper, type ComparisonRecord } from './comparison';
import { displayPath, findRuns, formatSeeds, resolvePreset, runQuery, runsNote, type RunSet } from './results';

/** Where the generated text goes, in the file's order: one section per claim, then settings and compute. */
export const REPRODUCTION_SECTIONS = ['campaign', 'step1', 'step2', 'step3', 'fig1', 'fig3', 'settings', 'compute'] as const;
export type ReproductionSection = (typeof REPRODUCTION_SECTIONS)[number];
export type ClaimSection = Exclude<ReproductionSection, 'campaign' | 'settings' | 'compute'>;

/** Seeds per experiment and learner that issue #8 asks for at the least (the paper used 10, 5 for Fig. 4). */
export const CAMPAIGN_SEEDS = 5;
/** The paper's seeds per experiment (Figs. 1–3), which issue #8 asks for where time allows. */
export const PAPER_SEEDS = 10;

/** One claim of the paper: its heading, the experiments whose runs test it, and which of their summary keys it quotes. */
interface Claim {
  readonly heading: string;
  readonly experiments: readonly ExperimentName[];
  /** Fig. 3 quotes the evaluation before convergence (`snapshot.…` keys); the others the end of training. */
  readonly snapshot: boolean;
}

const CLAIMS: Readonly<Record<ClaimSection, Claim>> = Object.freeze({
  step1: {
    heading: 'Step 1: diversity induces in-context best responses (Fig. 2A–B PPI, Fig. 4A–B A2C)',
    experiments: ['step1'], snapshot: false,
  },
  step2: { heading: 'Step 2: in-context learners can be extorted (Fig. 2C–D PPI, Fig. 4C–D A2C)', experiments: ['step2'], snapshot: false },
  step3: { heading: 'Step 3: mutual extortion leads to cooperation (Fig. 2E–F PPI, Fig. 4E–F A2C)', experiments: ['step3'], snapshot: false },
  fig1: {
    heading: 'Fig. 1: the mixed pool leads to cooperation; the ablations (Opponent ID, No Tabular Opp.) to defection',
    experiments: ['mixed', 'mixed-opponent-id', 'mixed-no-tabular'], snapshot: false,
  },
  fig3: {
    heading: 'Fig. 3: before convergence, each learner extorts its learning co-player and defects against tabular ones',
    experiments: ['mixed'], snapshot: true,
  },
});

/** Which runs the tables read. */
export interface ReproductionOptions {
  /** The results root (default data/runs). */
  readonly root?: string;
  /** The preset whose runs are compared with the paper (default `reduced`). */
  readonly preset?: PresetName;
  /**
   * Several presets side by side (e.g. `reduced` and `long`): a column of ours per preset in the claim tables, and the
   * campaign, settings and compute sections once per preset. Overrides `preset`.
   */
  readonly presets?: readonly PresetName[];
}

/** The presets an options object asks for, in order. */
const presetsOf = (o: ReproductionOptions): readonly PresetName[] => (o.presets && o.presets.length > 0 ? o.presets : [o.preset ?? 'reduced']);

/** A section generated once per preset: a single preset's text as it is, several with a line naming each. */
function perPreset(o: ReproductionOptions, text: (o: ReproductionOptions) => string): string {
  const presets = presetsOf(o);
  if (presets.length === 1) return text({ ...o, preset: presets[0], presets: undefined });
  return presets.map((preset) => `**At \`${preset}\`**\n\n${text({ ...o, preset, presets: undefined })}`).join('\n\n');
}

const VERDICT = '**Verdict**: (to be written)';
const openMarker = (id: string) => `<!-- generated:${id} -->`;
const closeMarker = (id: string) => `<!-- /generated:${id} -->`;

// ---------------------------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------------------------

/** A number as the tables print it, never as "-0.000". */
function num(x: number, digits = 3): string {
  const s = x.toFixed(digits);
  return Number(s) === 0 ? (0).toFixed(digits) : s;
}

const signed = (x: number) => (Number(num(x)) > 0 ? '+' : '') + num(x);

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

const runName = (experiment: ExperimentName, algo: Algo) => `${experiment}/${algo}`;

/** Every experiment/algorithm pair of a list of experiments, in the order of EXPERIMENTS and ALGOS. */
function pairs(experiments: readonly ExperimentName[]): { experiment: ExperimentName; algo: Algo }[] {
  return experiments.flatMap((experiment) => ALGOS.map((algo) => ({ experiment, algo })));
}

function runSet(experiment: ExperimentName, algo: Algo, o: ReproductionOptions): RunSet {
  return { experiment, algo, preset: o.preset ?? 'reduced', root: o.root ?? DEFAULT_ROOT };
}

/** The finished runs of one experiment/algorithm at the options' preset. */
function finishedRuns(experiment: ExperimentName, algo: Algo, o: ReproductionOptions): RunRef[] {
  return findRuns({ ...runQuery(runSet(experiment, algo, o)), unfinished: false });
}

// ---------------------------------------------------------------------------------------------------------------
// The claims: the paper's values beside ours
// ---------------------------------------------------------------------------------------------------------------

/** Our cell of a comparison row: mean ± std, or why there is none. */
function oursCell(r: ComparisonRecord, finished: number): string {
  // One seed has no spread to quote: its value alone, so that "± 0.000" does not pass for agreement across seeds.
  if (r.ours_mean !== null && r.ours_std !== null) return r.seeds > 1 ? `${num(r.ours_mean)} ± ${num(r.ours_std)}` : num(r.ours_mean);
  // A finished run without the value: its evaluations do not include this one (e.g. no snapshot at this preset).
  return finished === 0 ? 'no run yet' : 'not in the finished runs';
}

/**
 * The generated text of one claim: every paper value of its experiments for both learners, beside ours at the
 * preset (mean ± std over finished seeds), then where each run set comes from or the command that produces it.
 */
export function claimText(section: ClaimSection, o: ReproductionOptions = {}): string {
  const claim = CLAIMS[section];
  const presets = presetsOf(o);
  const rows: string[][] = [];
  const notes: string[] = [];
  const withoutValues: string[] = [];
  for (const { experiment, algo } of pairs(claim.experiments)) {
    const at = presets.map((preset) => {
      const one = { ...o, preset, presets: undefined };
      const set = runSet(experiment, algo, one);
      return {
        set, finished: finishedRuns(experiment, algo, one).length,
        records: new Map(compareWithPaper(set).filter((r) => r.key.startsWith('snapshot.') === claim.snapshot).map((r) => [r.key, r])),
      };
    });
    if (at[0].records.size === 0) {
      withoutValues.push(runName(experiment, algo));
      continue;
    }
    for (const r of at[0].records.values()) {
      const cells = at.map((p) => {
        const mine = p.records.get(r.key);
        return { ours: mine ? oursCell(mine, p.finished) : 'no run yet', seeds: String(mine?.seeds ?? 0), difference: mine?.difference ?? null };
      });
      // ours − paper at the largest scale that has a value
      const difference = [...cells].reverse().find((c) => c.difference !== null)?.difference ?? null;
      rows.push([
        runName(experiment, algo), `\`${r.key}\``, r.figure, r.paper_range ? `${r.paper} (${r.paper_range})` : String(r.paper), r.tag,
        ...(presets.length === 1 ? [cells[0].ours] : cells.flatMap((c) => [c.ours, c.seeds])),
        difference === null ? '' : signed(difference), ...(presets.length === 1 ? [cells[0].seeds] : []),
      ]);
    }
    for (const p of at) {
      notes.push(`- ${runsNote(p.set)}`);
      const curve = claim.snapshot ? null : curveText(p.set);
      if (curve) notes.push(`  ${curve}`);
    }
  }
  const header = presets.length === 1
    ? ['run', 'key', 'figure', 'paper (range)', 'tag', `ours (${presets[0]})`, 'ours − paper', 'seeds']
    : ['run', 'key', 'figure', 'paper (range)', 'tag', ...presets.flatMap((p) => [`ours (${p})`, `seeds (${p})`]), 'ours − paper (largest scale)'];
  return [
    presets.length === 1
      ? `At the \`${presets[0]}\` preset; ours = mean ± sample std over the finished seeds (the value alone for one seed).`
      : `At the ${presets.map((p) => `\`${p}\``).join(' and ')} presets; ours = mean ± sample std over the finished seeds (the value alone ` +
        'for one seed); ours − paper at the largest scale with a finished seed.',
    '',
    table(header, rows),
    ...(withoutValues.length > 0 ? ['', `The paper gives no values for ${withoutValues.join(', ')}.`] : []),
    '',
    'Runs:',
    '',
    ...notes,
  ].join('\n');
}

/**
 * What the training curve was doing up to the end: learner 0's cooperation per co-player, averaged over the finished
 * seeds in about ten windows of the run (`meanCurve`), e.g. still rising, levelled or falling. Null without a
 * finished seed.
 */
export function curveText(set: RunSet): string | null {
  const preset = resolvePreset(set.preset, set.experiment, set.algo, set.root);
  const done = readCurves(set.experiment, set.algo, preset, set.root).filter((c) => c.done);
  if (done.length === 0 || done[0].logEvery === 0) return null;
  const width = windowWidth(Math.max(...done.map((c) => c.last)), Math.max(...done.map((c) => c.logEvery)));
  const { seeds, windows } = meanCurve(done.map((c) => windowCurve(c, width)));
  const per = width > 1 ? `${width.toLocaleString('en-US')} ${done[0].unitName}s` : done[0].unitName;
  const lines = Object.entries(windows).map(([co, ws]) => `against ${co} ${ws.map((w) => num(w.cooperation, 2)).join(' → ')}`);
  return `training curve, learner 0's cooperation per ${per} (mean over seed${seeds.length > 1 ? 's' : ''} ${formatSeeds(seeds)}): ${lines.join('; ')}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Settings: ours beside the paper's
// ---------------------------------------------------------------------------------------------------------------

/** Settings shown for every run even when they equal the paper's: the scale of the run. */
const SCALE_SETTINGS = ['batchEpisodes', 'iterations', 'phases'];

/** One setting's value across seeds: the value, or each value with its seeds when the seeds' configs differ. */
function acrossSeeds(values: readonly { seed: number; value: unknown }[]): { text: string; differs: boolean } {
  const bySeed = new Map<string, number[]>();
  for (const { seed, value } of values) {
    const text = value === undefined ? '(not set)' : String(value);
    bySeed.set(text, [...(bySeed.get(text) ?? []), seed]);
  }
  if (bySeed.size === 1) return { text: [...bySeed.keys()][0], differs: false };
  const parts = [...bySeed].map(([text, seeds]) => `${text} (seed${seeds.length > 1 ? 's' : ''} ${formatSeeds(seeds)})`);
  return { text: parts.join('; '), differs: true };
}

/**
 * Per experiment and learner with finished runs: our resolved learner settings (config.json of each seed) beside the
 * paper preset's, only those that differ plus the run's scale (batch, iterations or phases).
 */
export function settingsText(o: ReproductionOptions = {}): string {
  const preset = o.preset ?? 'reduced';
  const blocks: string[] = [];
  const missing: string[] = [];
  for (const { experiment, algo } of pairs(EXPERIMENTS)) {
    const runs = finishedRuns(experiment, algo, o);
    if (runs.length === 0) {
      missing.push(runName(experiment, algo));
      continue;
    }
    const paper = ALGORITHMS[algo]!.preset(experiment, 'paper') as unknown as Record<string, unknown>;
    const configs = runs.map((run) => ({ seed: run.seed, config: readRunConfig(run) }));
    const ours = configs.map(({ seed, config }) => ({ seed, learner: (config[algo] ?? {}) as Record<string, unknown> }));
    const keys = [...new Set([...Object.keys(paper), ...ours.flatMap((c) => Object.keys(c.learner))])];
    let differs = false;
    const rows: string[][] = [];
    for (const key of keys) {
      const across = acrossSeeds(ours.map(({ seed, learner }) => ({ seed, value: learner[key] })));
      differs ||= across.differs;
      const same = !across.differs && across.text === String(paper[key]);
      if (same && !SCALE_SETTINGS.includes(key)) continue;
      rows.push([key, paper[key] === undefined ? '(not set)' : String(paper[key]), across.text]);
    }
    const overrides = acrossSeeds(configs.map(({ seed, config }) => ({
      seed, value: Array.isArray(config.overrides) && config.overrides.length > 0 ? config.overrides.join(' ') : 'none',
    })));
    blocks.push([
      `**${runName(experiment, algo)}**, seed${runs.length > 1 ? 's' : ''} ${formatSeeds(runs.map((r) => r.seed))}` +
        `${differs ? ' (the seeds\' configurations differ)' : ''}; overrides: ${overrides.text}`,
      '',
      table(['setting', 'paper', `ours (${preset})`], rows),
    ].join('\n'));
  }
  return [
    `Learner settings of the finished \`${preset}\` runs (their config.json) beside the paper's (the \`paper\` preset: ` +
      'Table 2 for A2C, App. A.3.1 for PPI): only those that differ, and the scale (batch, iterations, phases).',
    ...blocks.flatMap((b) => ['', b]),
    ...(missing.length > 0 ? ['', `No finished \`${preset}\` run yet: ${missing.join(', ')}.`] : []),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------------------------
// Compute
// ---------------------------------------------------------------------------------------------------------------

const APPROXIMATE = ' (wall, ≈)';

/** Minutes per seed: the mean and, for several seeds, the range. */
function minutesCell(minutes: readonly number[]): string {
  if (minutes.length === 0) return '';
  const mean = num(meanStd(minutes).mean, 2);
  return minutes.length > 1 ? `${mean} (${num(Math.min(...minutes), 2)}–${num(Math.max(...minutes), 2)})` : mean;
}

/**
 * Per experiment and learner: finished seeds, minutes per seed (mean, min–max), total core-hours (one seed runs on
 * one core) and engine. Runs from before the runner recorded its compute time carry the wall-time estimate, marked.
 */
export function computeText(o: ReproductionOptions = {}): string {
  const preset = o.preset ?? 'reduced';
  const rows: string[][] = [];
  let totalSeconds = 0;
  let anyApproximate = false;
  for (const { experiment, algo } of pairs(EXPERIMENTS)) {
    const runs = finishedRuns(experiment, algo, o);
    if (runs.length === 0) continue;
    const times = runs.map((run) => readComputeTime(run.dir));
    const known = times.filter((t): t is ComputeTime => t !== undefined);
    const minutes = known.map((t) => t.seconds / 60);
    const approximate = known.some((t) => t.approximate) ? APPROXIMATE : '';
    const unknown = runs.length - known.length;
    const engines = new Set(runs.map((run) => String(readRunConfig(run).engine ?? 'unknown').split(' ')[0]));
    const seconds = known.reduce((a, t) => a + t.seconds, 0);
    totalSeconds += seconds;
    anyApproximate ||= approximate !== '';
    rows.push([
      runName(experiment, algo),
      formatSeeds(runs.map((r) => r.seed)) + (unknown > 0 ? ` (${unknown} without a recorded time)` : ''),
      minutesCell(minutes) + (minutes.length > 0 ? approximate : ''),
      `${num(seconds / 3600, 2)}${approximate}`,
      [...engines].join(', '),
    ]);
  }
  const unfinished = findRuns({ presets: [preset], root: o.root ?? DEFAULT_ROOT, unfinished: true }).filter((r) => !r.done);
  const running = unfinished.map((run) => {
    const status = readStatus(run.dir);
    const t = readComputeTime(run.dir);
    const spent = t ? `, ${num(t.seconds / 60, 2)} min so far${t.approximate ? APPROXIMATE : ''}` : '';
    return `${runName(run.experiment, run.algo)} seed ${run.seed} (${status?.unitsDone ?? 0}/${status?.totalUnits ?? '?'}${spent})`;
  });
  return [
    `Finished \`${preset}\` runs. Minutes: the time the run's process was computing, from status.json (\`computeSeconds\`, ` +
      'summed over the sessions of a resumed run, without the gaps between them); one seed runs on one core, so ' +
      `core-hours are the seeds' hours summed.${anyApproximate ? ' (wall, ≈): a run from before that was recorded; config.json ' +
        '`startedAt` → status.json `updatedAt`, the last session only.' : ''}`,
    '',
    table(['run', 'seeds finished', 'minutes per seed: mean (min–max)', 'core-hours', 'engine'], rows),
    '',
    `Total: ${num(totalSeconds / 3600, 2)} core-hours${anyApproximate ? APPROXIMATE : ''}.`,
    ...(running.length > 0 ? ['', `Unfinished: ${running.join(', ')}.`] : []),
  ].join('\n');
}

/**
 * Where the campaign stands: per experiment and learner, the finished seeds, the unfinished ones (units done), how
 * many are missing to `CAMPAIGN_SEEDS` and to `PAPER_SEEDS`, and the core-hours those would take at the mean compute
 * time of the finished seeds (unknown without a finished seed).
 */
export function campaignText(o: ReproductionOptions = {}): string {
  const preset = o.preset ?? 'reduced';
  const unfinished = findRuns({ presets: [preset], root: o.root ?? DEFAULT_ROOT, unfinished: true }).filter((r) => !r.done);
  const rows: string[][] = [];
  let hoursLeft = 0, hoursToPaper = 0, unknownLeft = 0, complete = 0, completeToPaper = 0;
  for (const { experiment, algo } of pairs(EXPERIMENTS)) {
    const runs = finishedRuns(experiment, algo, o);
    const open = unfinished.filter((r) => r.experiment === experiment && r.algo === algo).map((r) => {
      const status = readStatus(r.dir);
      return `${r.seed} (${status?.unitsDone ?? 0}/${status?.totalUnits ?? '?'})`;
    });
    const missing = Math.max(0, CAMPAIGN_SEEDS - runs.length);
    const missingToPaper = Math.max(0, PAPER_SEEDS - runs.length);
    const minutes = runs.map((r) => readComputeTime(r.dir)?.seconds).filter((t): t is number => t !== undefined).map((t) => t / 60);
    const hoursPerSeed = minutes.length > 0 ? meanStd(minutes).mean / 60 : undefined;
    const estimate = (n: number): string =>
      n === 0 ? '0' : hoursPerSeed === undefined ? '? (no finished seed)' : `≈ ${num(n * hoursPerSeed, 1)}`;
    if (missing === 0) complete++;
    if (missingToPaper === 0) completeToPaper++;
    if (hoursPerSeed === undefined) unknownLeft++;
    else {
      hoursLeft += missing * hoursPerSeed;
      hoursToPaper += missingToPaper * hoursPerSeed;
    }
    rows.push([
      runName(experiment, algo), runs.length > 0 ? formatSeeds(runs.map((r) => r.seed)) : '—', open.join(', ') || '—',
      String(missing), estimate(missing), String(missingToPaper), estimate(missingToPaper),
    ]);
  }
  return [
    `Seeds of every experiment at \`${preset}\`, against the ${CAMPAIGN_SEEDS} that issue #8 asks for at the least and the ` +
      `paper's ${PAPER_SEEDS}. Core-hours: the missing seeds at the mean compute time of the finished ones (Compute, below); ` +
      'an unfinished seed resumes from its checkpoint.',
    '',
    table(['run', 'seeds finished', 'unfinished (units done)', `missing to ${CAMPAIGN_SEEDS}`, 'core-hours',
      `missing to ${PAPER_SEEDS}`, 'core-hours'], rows),
    '',
    `${complete} of ${rows.length} run sets have ${CAMPAIGN_SEEDS} seeds (about ${num(hoursLeft, 1)} core-hours left), ` +
      `${completeToPaper} have ${PAPER_SEEDS} (about ${num(hoursToPaper, 1)} core-hours left)` +
      `${unknownLeft > 0 ? `, plus ${unknownLeft} run set(s) with no finished seed to estimate from` : ''}.`,
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------------------------
// The file: skeleton, marker pairs, update
// ---------------------------------------------------------------------------------------------------------------

/** The generated text of every section. */
export function generateSections(o: ReproductionOptions = {}): Record<ReproductionSection, string> {
  return {
    campaign: perPreset(o, campaignText),
    step1: claimText('step1', o), step2: claimText('step2', o), step3: claimText('step3', o), fig1: claimText('fig1', o),
    fig3: claimText('fig3', o), settings: perPreset(o, settingsText), compute: perPreset(o, computeText),
  };
}

/** A new REPRODUCTION.md: a heading per claim with a verdict to write, the settings and compute sections, empty markers. */
export function reproductionSkeleton(): string {
  const markers = (id: ReproductionSection) => [openMarker(id), closeMarker(id)];
  const claims = (Object.keys(CLAIMS) as ClaimSection[]).flatMap((id) => [`## ${CLAIMS[id].heading}`, '', VERDICT, '', ...markers(id), '']);
  return [
    '# Reproduction',
    '',
    'How far this implementation reproduces *Multi-agent cooperation through in-context co-player inference* (Weis,',
    'Wołczyk et al., arXiv 2602.16301, 2026), claim by claim (issue #8): the paper\'s values beside ours, our settings',
    'beside the paper\'s, the compute each run took, and a verdict per claim.',
    '',
    'Paper values: the value, with its range where the paper gives one; tag F = read off a figure (about ±0.05), P =',
    'stated in the text. Keys: `train.<co-player>.<metric>` is the last logged training row of the first learner (PPI¹,',
    'A2C¹); `episode.<co-player>.<early|mid|late>.<metric>` its final per-round evaluation over rounds 0–9, 20–89 or',
    '90–99; `snapshot.…` the same at the evaluation before convergence (Fig. 3). Under each run set, its training curve:',
    'learner 0\'s cooperation per co-player in about ten windows of the run, averaged over the finished seeds.',
    '',
    'The text between `<!-- generated:… -->` marker pairs is rewritten by `npm run reproduction`; write verdicts and',
    'other prose outside them, where regeneration leaves it as it is.',
    '',
    '## The campaign',
    '',
    ...markers('campaign'),
    '',
    ...claims,
    '## Settings: ours beside the paper\'s',
    '',
    ...markers('settings'),
    '',
    '## Compute',
    '',
    ...markers('compute'),
    '',
  ].join('\n');
}

function occurrences(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

/**
 * Replaces the text between each section's marker pair by its generated text and leaves everything else as it is.
 * Every section given must have exactly one marker pair, opening before closing.
 */
export function fillSections(text: string, sections: Partial<Record<ReproductionSection, string>>): string {
  let out = text;
  for (const [id, body] of Object.entries(sections)) {
    const open = openMarker(id), close = closeMarker(id);
    const start = out.indexOf(open), end = out.indexOf(close);
    if (occurrences(out, open) !== 1 || occurrences(out, close) !== 1 || end < start) {
      throw new Error(`the section '${id}' needs exactly one marker pair, '${open}' before '${close}' ` +
        `(found ${occurrences(out, open)} and ${occurrences(out, close)}); the generated text goes between them`);
    }
    out = `${out.slice(0, start + open.length)}\n${body.trimEnd()}\n${out.slice(end)}`;
  }
  return out;
}

/** Writes REPRODUCTION.md at `path`: regenerates its sections, or creates it from the skeleton when missing. */
export function updateReproduction(path: string, o: ReproductionOptions = {}): { created: boolean } {
  const created = !existsSync(path);
  const text = created ? reproductionSkeleton() : readFileSync(path, 'utf8');
  const sections = generateSections(o);
  let filled: string;
  try {
    filled = fillSections(text, sections);
  } catch (e) {
    throw new Error(`${displayPath(path)}: ${(e as Error).message}`);
  }
  writeFileAtomic(path, filled);
  return { created };
}
