/**
 * Where a notebook's results come from, and retraining them live (style.md §7.5: one knob per notebook).
 *
 *   - `load` (default): the reference results in data/runs, each experiment and algorithm at the largest preset that
 *     has a finished run (smoke < reduced < long < paper), so longer runs replace shorter ones without edits; a
 *     missing run is reported with the command that produces it, and its figure is skipped.
 *   - `train`: the notebook's experiments are run again at ICL_PRESET into a fresh temporary root (never data/),
 *     with live progress, and the figures are drawn from those results. At the smoke preset the networks are
 *     shrunk (`SMOKE_OVERRIDES`) so that a notebook runs in seconds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EXPERIMENT_SPECS, type Algo, type ExperimentName } from '../experiments/experiments';
import { allowedSettings, type PresetName } from '../experiments/presets';
import { ALGORITHMS, DEFAULT_ROOT, runExperiment, type Progress } from '../experiments/run';
import { showProgress } from './display';
import { presetsOf, runsNote, scalesAscending, type PresetChoice } from './results';
import { notebookSettings, type NotebookSettings } from './settings';

/** The results a notebook draws from: a preset under a root, and (when training) the seeds it trains. */
export interface NotebookResults {
  readonly mode: 'load' | 'train';
  /** The preset trained (train mode), or 'largest' (load mode: per experiment and algorithm, the largest with runs). */
  readonly preset: PresetChoice;
  /** The same as a query's `presets` (`loadRuns({ presets: res.presets, … })`). */
  readonly presets: readonly PresetName[] | 'largest';
  readonly root: string;
  /** Seeds trained in train mode, per algorithm (load mode reads whatever seeds exist). */
  readonly seeds: Readonly<Record<Algo, readonly number[]>>;
  /** One line for the notebook's output. */
  readonly summary: string;
}

/**
 * What smoke-mode notebooks shrink so that each runs in seconds: the networks, PPI's rollouts per action, and the
 * episodes per evaluation point. Each algorithm gets the ones its settings have; never applied at other presets.
 */
export const SMOKE_OVERRIDES: readonly string[] = ['hiddenSize=16', 'embedSize=8', 'rolloutsPerAction=1', 'evalEpisodes=4'];

/** What notebooks load in `load` mode: per experiment and algorithm, the largest preset with a finished run. */
export const LOAD_PRESET: PresetChoice = 'largest';

/**
 * The seeds trained live. At smoke: two for A2C (so bands and groupings across seeds show) and one for PPI, whose
 * smoke runs cost about ten times as much (rollouts at every decision). At reduced: one (~30 min each).
 */
export function trainSeeds(preset: PresetName, algo: Algo): number[] {
  return preset === 'smoke' && algo === 'a2c' ? [0, 1] : [0];
}

/**
 * The notebook's results source from its settings. Train mode trains into `root`, else into `ICL_TRAIN_ROOT` (the
 * headless runner sets it to one temporary folder for all the notebooks it runs, so a later notebook reuses the
 * finished Step-1 and Step-2 runs of an earlier one), else into a fresh temporary folder removed when the kernel exits.
 */
export function notebookResults(settings: NotebookSettings = notebookSettings(), opts: { readonly root?: string } = {}): NotebookResults {
  if (settings.mode === 'load') {
    const root = opts.root ?? DEFAULT_ROOT;
    return {
      mode: 'load', preset: LOAD_PRESET, presets: presetsOf(LOAD_PRESET), root, seeds: { a2c: [], ppi: [] },
      summary: `results: the reference runs in ${root === DEFAULT_ROOT ? 'data/runs' : root}, each experiment at the largest scale with ` +
        `finished runs (${scalesAscending().join(' < ')}; ICL_NOTEBOOK_MODE=load)`,
    };
  }
  let root = opts.root ?? (process.env.ICL_TRAIN_ROOT?.trim() || undefined);
  if (root && resolve(root).startsWith(DEFAULT_ROOT)) throw new RangeError(`ICL_TRAIN_ROOT must not be inside data/runs (${root}): live training never writes there`);
  if (!root) {
    const made = mkdtempSync(join(tmpdir(), 'icl-notebook-'));
    process.once('exit', () => rmSync(made, { recursive: true, force: true }));
    root = made;
  }
  const seeds = { a2c: trainSeeds(settings.preset, 'a2c'), ppi: trainSeeds(settings.preset, 'ppi') };
  const shrink = settings.preset === 'smoke' ? `, shrunk by ${SMOKE_OVERRIDES.join(' ')} (where the algorithm has the setting)` : '';
  return {
    mode: 'train', preset: settings.preset, presets: [settings.preset], root, seeds,
    summary: `results: trained live at the ${settings.preset} preset (A2C seeds ${seeds.a2c.join(', ')}, PPI seeds ${seeds.ppi.join(', ')})${shrink}, into ${root} (ICL_NOTEBOOK_MODE=train)`,
  };
}

/** Whether an algorithm's trainer is registered with the runner (PPI lands after A2C). */
export function algoAvailable(algo: Algo): boolean {
  return ALGORITHMS[algo] !== undefined;
}

/** The overrides a notebook passes when training: the smoke shrink (the settings the algorithm has), else none. */
export function notebookOverrides(algo: Algo, preset: PresetName): string[] {
  if (preset !== 'smoke' || !algoAvailable(algo)) return [];
  let allowed: string[];
  try {
    allowed = allowedSettings(algo);
  } catch {
    return [];
  }
  return SMOKE_OVERRIDES.filter((o) => allowed.includes(o.slice(0, o.indexOf('='))));
}

/** An experiment preceded by the experiments it depends on (Step 3 → Step 1, Step 2, Step 3). */
export function withDependencies(experiment: ExperimentName): ExperimentName[] {
  const dep = EXPERIMENT_SPECS[experiment].dependsOn;
  return dep ? [...withDependencies(dep.experiment), experiment] : [experiment];
}

/** One (experiment, algorithm) pair a notebook shows. */
export interface WantedRun {
  readonly experiment: ExperimentName;
  readonly algo: Algo;
}

/**
 * Makes the notebook's results ready and says where they come from. In train mode it runs each wanted experiment
 * (and the steps it depends on, with the same overrides) for the notebook's seeds, showing live progress; an
 * algorithm that has not landed yet is skipped with a note. In load mode it trains nothing. Either way it returns,
 * and prints, one line per wanted run: its seeds, commit and settings, or the command that produces it.
 */
export async function prepareRuns(res: NotebookResults, wanted: readonly WantedRun[], opts: { readonly quiet?: boolean } = {}): Promise<string[]> {
  const notes: string[] = [];
  if (res.mode === 'train') {
    if (res.preset === 'largest') throw new RangeError('prepareRuns: train mode needs a preset to train at, not "largest"');
    const preset = res.preset;
    const plan: WantedRun[] = [];
    for (const w of wanted) {
      if (!algoAvailable(w.algo)) continue;
      for (const experiment of withDependencies(w.experiment)) {
        if (!plan.some((p) => p.experiment === experiment && p.algo === w.algo)) plan.push({ experiment, algo: w.algo });
      }
    }
    if (plan.length > 0) {
      const progress = showProgress(`training ${plan.map((p) => `${p.experiment}/${p.algo}`).join(', ')} at the ${preset} preset`);
      const log: string[] = [];
      let runIndex = 0;
      const runs = plan.reduce((n, p) => n + res.seeds[p.algo].length, 0);
      for (const p of plan) {
        const overrides = notebookOverrides(p.algo, preset);
        for (const seed of res.seeds[p.algo]) {
          runIndex++;
          await runExperiment(
            { experiment: p.experiment, algo: p.algo, preset, seed, root: res.root, overrides },
            { onProgress: (q) => progress.update(progressReport(q, runIndex, runs)), log: (m) => log.push(m) },
          );
        }
      }
      progress.done(`done: ${runs} run(s) in ${res.root}`);
    }
  }
  for (const w of wanted) {
    if (!algoAvailable(w.algo) && res.mode === 'train') {
      notes.push(`${w.experiment}/${w.algo}: not trained, because ${w.algo.toUpperCase()} is not available in this checkout yet (src/learners/${w.algo}.ts)`);
    } else {
      notes.push(runsNote({ experiment: w.experiment, algo: w.algo, preset: res.preset, root: res.root }));
    }
  }
  if (!opts.quiet) for (const n of notes) console.log(n);
  return notes;
}

function progressReport(p: Progress, runIndex: number, runs: number): Record<string, number | string> {
  const report: Record<string, number | string> = {
    run: `${p.experiment}/${p.algo} seed ${p.seed} (${runIndex}/${runs})`,
    [p.unit]: p.done,
    total: p.total,
    ...(p.message ? { now: p.message } : {}),
  };
  for (const t of p.latest) {
    report[`${t.coPlayer} reward`] = t.reward;
    report[`${t.coPlayer} cooperation`] = t.cooperation;
  }
  return report;
}
