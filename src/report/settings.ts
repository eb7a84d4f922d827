/**
 * The one knob of every notebook: where its results come from (style.md §7.5).
 *
 *   ICL_NOTEBOOK_MODE = load  (default) read the reference results in data/ and render in seconds
 *                     = train retrain live at ICL_PRESET, with progress in the notebook
 *   ICL_PRESET        = smoke (default) | reduced
 *   ICL_FIGURES       = plotly (default: plotly's MIME type, drawn by JupyterLab) | plotly+png (the committed
 *                       notebooks: the same with a PNG beside it) | png (static) | html (plotly inlined: classic
 *                       Notebook, HTML reports); see ./display
 *
 * scripts/run-notebooks.mjs sets them for headless runs (`npm test` uses train + smoke); in Jupyter, set them
 * before `npm start`, or override them in a notebook's first cell.
 */
import { figureMode, type FigureMode } from './display';

export interface NotebookSettings {
  readonly mode: 'load' | 'train';
  readonly preset: 'smoke' | 'reduced';
  readonly figures: FigureMode;
  /** One line for the notebook's output, e.g. "results: loaded from data/ (ICL_NOTEBOOK_MODE=load)". */
  readonly summary: string;
}

/** The notebook settings from the environment (errors name the variable and the allowed values). */
export function notebookSettings(env: Readonly<Record<string, string | undefined>> = process.env): NotebookSettings {
  const mode = (env.ICL_NOTEBOOK_MODE ?? 'load').trim() || 'load';
  if (mode !== 'load' && mode !== 'train') throw new RangeError(`ICL_NOTEBOOK_MODE must be "load" or "train", got "${mode}"`);
  const preset = (env.ICL_PRESET ?? 'smoke').trim() || 'smoke';
  if (preset !== 'smoke' && preset !== 'reduced') throw new RangeError(`ICL_PRESET must be "smoke" or "reduced", got "${preset}"`);
  const figures = figureMode();
  const summary = mode === 'load'
    ? `results: loaded from data/ (ICL_NOTEBOOK_MODE=load); figures: ${figures}`
    : `results: trained live at the ${preset} preset (ICL_NOTEBOOK_MODE=train, ICL_PRESET=${preset}); figures: ${figures}`;
  return { mode, preset, figures, summary };
}
