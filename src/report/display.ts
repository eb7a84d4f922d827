/**
 * Showing figures, tables and training progress in a notebook (tslab), and exporting figures from scripts.
 *
 * Figures are plotly specs from ./figures. In the notebook, `await showFigure(fig)` shows them as `ICL_FIGURES` says:
 *   - `plotly` (the default): one output holding the figure in plotly's own MIME type,
 *     `application/vnd.plotly.v1+json` (the spec as a JSON object: JupyterLab's plotly renderer does not parse a
 *     string), and a line of text. JupyterLab (and VS Code) draw it interactively with their own copy of plotly.js,
 *     and JupyterLab's renderer adds a PNG of what it drew to the output, so a saved or autosaved notebook holds the
 *     figure's data and a small image, never the library;
 *   - `plotly+png`: the same output with a PNG rendered here (Debian's Chromium, through playwright-core), for
 *     notebooks written headlessly (the committed ones): JupyterLab still draws them interactively, and viewers
 *     without a plotly renderer (GitHub, nbviewer) show the PNG;
 *   - `png`: the PNG alone;
 *   - `html`: the plotly.js bundle (~10 MB) inlined once per kernel session and every figure as a `<div>` and a
 *     script, for the classic Notebook (which has no plotly renderer) and the self-contained HTML reports.
 * Scripts call `exportFigure(fig, 'out.png' | 'out.html')` and `closeFigureRenderer()` when done.
 *
 * Everything that runs in the browser is a string here: src/ compiles without the DOM library (tslab's rule).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import type { Figure, Trace } from './figures';
import type { DataFrame } from './frames';
import { optimizePng } from './png';

type Tslab = typeof import('tslab');

/** How `showFigure` renders (see the module's header). */
export type FigureMode = 'plotly' | 'plotly+png' | 'png' | 'html';
export const FIGURE_MODES: readonly FigureMode[] = ['plotly', 'plotly+png', 'png', 'html'];

/** plotly's own MIME type, which JupyterLab's plotly renderer (jupyterlab-plotly) and VS Code draw. */
export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

/** The figure mode from the environment (`ICL_FIGURES`, default "plotly"). */
export function figureMode(): FigureMode {
  const v = (process.env.ICL_FIGURES ?? '').trim().toLowerCase();
  if (v === '') return 'plotly';
  if ((FIGURE_MODES as readonly string[]).includes(v)) return v as FigureMode;
  throw new RangeError(`ICL_FIGURES must be one of ${FIGURE_MODES.map((m) => `"${m}"`).join(', ')}, got "${process.env.ICL_FIGURES}"`);
}

/** True inside a tslab kernel (this process was started as `tslab kernel`). */
export function inKernel(): boolean {
  return /tslab([\\/]bin[\\/]tslab)?$/.test(process.argv[1] ?? '') && process.argv[2] === 'kernel';
}

function tslab(where: string): Tslab {
  if (!inKernel()) {
    throw new Error(`${where}: there is no tslab kernel here; in scripts use exportFigure(fig, "out.png" | "out.html")`);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('tslab') as Tslab;
}

// State that must outlive a re-evaluation of this module (tslab reloads a module when its file changes).
const SESSION = Symbol.for('icl-coop.report.display');
interface Session {
  bundleSent: boolean;
  figureCount: number;
  renderer: Promise<Renderer> | null;
}
function session(): Session {
  const g = globalThis as unknown as Record<symbol, Session | undefined>;
  return (g[SESSION] ??= { bundleSent: false, figureCount: 0, renderer: null });
}

// ---------------------------------------------------------------------------------------------------------------
// HTML
// ---------------------------------------------------------------------------------------------------------------

/** The path of the plotly.js bundle (the browser build; it cannot be `require`d in Node). */
export function plotlyBundlePath(): string {
  return require.resolve('plotly.js-dist/plotly.js');
}

let bundleText: string | null = null;
function plotlyBundle(): string {
  // `</script` cannot occur inside an inline script element; the bundle has none, but a future version might.
  bundleText ??= readFileSync(plotlyBundlePath(), 'utf8').replace(/<\/script/gi, '<\\/script');
  return bundleText;
}

/**
 * The plotly bundle as inline script elements. Classic Notebook loads require.js, whose global `define` would make
 * a UMD bundle register itself as an AMD module instead of setting `window.Plotly`; `define` is hidden while the
 * bundle runs and restored afterwards.
 */
export function plotlyBundleHtml(): string {
  return (
    '<script type="text/javascript">window.__iclSavedDefine = window.define; window.define = undefined;</script>\n' +
    `<script type="text/javascript">${plotlyBundle()}</script>\n` +
    '<script type="text/javascript">window.define = window.__iclSavedDefine; delete window.__iclSavedDefine;</script>\n'
  );
}

/** JSON safe to place inside an inline script element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/**
 * A `<div>` and a script that draws `fig` into it with the page's `Plotly` (waiting up to 10 s for the bundle;
 * after that the div says how to load it). `id` must be unique in the page.
 */
export function figureHtml(fig: Figure, id: string): string {
  const width = typeof fig.layout.width === 'number' ? `${fig.layout.width}px` : '100%';
  const height = typeof fig.layout.height === 'number' ? `${fig.layout.height}px` : '450px';
  return (
    `<div id="${id}" class="icl-figure" style="width:${width};height:${height};"></div>\n` +
    '<script type="text/javascript">\n' +
    '(function () {\n' +
    `  var fig = ${scriptJson(fig)};\n` +
    `  var el = document.getElementById(${JSON.stringify(id)});\n` +
    '  var config = { displaylogo: false, responsive: false };\n' +
    '  function draw() { window.Plotly.newPlot(el, fig.data, fig.layout, config); }\n' +
    '  if (window.Plotly) { draw(); return; }\n' +
    '  var tries = 0;\n' +
    '  var timer = setInterval(function () {\n' +
    '    if (window.Plotly) { clearInterval(timer); draw(); }\n' +
    '    else if (++tries > 100) { clearInterval(timer); el.textContent = "plotly.js is not loaded in this page: run loadPlotly() (from ./src/report) and re-run this cell."; }\n' +
    '  }, 100);\n' +
    '})();\n' +
    '</script>\n'
  );
}

/** A standalone HTML document showing `fig` (plotly inlined, so it works offline; ~10 MB). */
export function standaloneHtml(fig: Figure, title = 'figure'): string {
  const t = title.replace(/[<&]/g, (c) => (c === '<' ? '&lt;' : '&amp;'));
  return (
    `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${t}</title></head><body>\n` +
    plotlyBundleHtml() + figureHtml(fig, 'figure') + '</body></html>\n'
  );
}

// ---------------------------------------------------------------------------------------------------------------
// PNG: Debian's Chromium through playwright-core, one browser page reused for every figure
// ---------------------------------------------------------------------------------------------------------------

/** Chromium's flags on this machine kind (no GPU, no network beyond the package mirrors, maybe running as root). */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage',
];
/** The renderer closes its browser after this long without a figure (a new figure relaunches it). */
const IDLE_CLOSE_MS = 15_000;

interface Renderer {
  readonly browser: Browser;
  readonly page: Page;
  idle: ReturnType<typeof setTimeout> | null;
}

function chromiumPath(): string {
  return process.env.ICL_CHROMIUM ?? '/usr/bin/chromium';
}

async function launchRenderer(): Promise<Renderer> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: [...CHROMIUM_FLAGS] });
  } catch (err) {
    throw new Error(
      `PNG figures need Chromium at ${chromiumPath()} (install it with \`bash scripts/setup.sh --png\`, or set ` +
      `ICL_CHROMIUM; ICL_FIGURES=plotly or html needs no browser): ${(err as Error).message.split('\n')[0]}`,
    );
  }
  const page = await browser.newPage();
  // Loading the bundle by file URL from a file page parses it about twice as fast as injecting its text.
  const shell = join(tmpdir(), `icl-coop-render-${process.pid}.html`);
  writeFileSync(shell, `<!DOCTYPE html><html><head><meta charset="utf-8"><script src="${pathToFileURL(plotlyBundlePath()).href}"></script></head><body></body></html>`);
  try {
    await page.goto(pathToFileURL(shell).href);
  } finally {
    rmSync(shell, { force: true });
  }
  if ((await page.evaluate('typeof Plotly')) !== 'object') {
    await browser.close().catch(() => undefined);
    throw new Error(`the PNG renderer could not load plotly.js from ${plotlyBundlePath()}`);
  }
  const renderer: Renderer = { browser, page, idle: null };
  // playwright kills the browsers it launched when this process exits; a browser that goes away is relaunched.
  browser.on('disconnected', () => {
    const s = session();
    s.renderer = null;
  });
  return renderer;
}

async function renderer(): Promise<Renderer> {
  const s = session();
  s.renderer ??= launchRenderer().catch((err) => {
    s.renderer = null;
    throw err;
  });
  const r = await s.renderer;
  if (r.idle) clearTimeout(r.idle);
  r.idle = null;
  return r;
}

function armIdleClose(r: Renderer): void {
  if (r.idle) clearTimeout(r.idle);
  r.idle = setTimeout(() => void closeFigureRenderer(), IDLE_CLOSE_MS);
  r.idle.unref();
}

export interface PngOptions {
  /** Pixel size; default the figure's layout width/height (else 900 × 450). */
  readonly width?: number;
  readonly height?: number;
  /** Device pixels per layout pixel (default 1; 2 for crisp exports). */
  readonly scale?: number;
}

/**
 * Renders a figure to PNG bytes in headless Chromium (the first call launches it, ~1–2 s; later ones reuse the page),
 * re-encoded losslessly by ./png (about a fifth smaller).
 */
export async function renderPng(fig: Figure, opts: PngOptions = {}): Promise<Buffer> {
  const width = opts.width ?? (typeof fig.layout.width === 'number' ? fig.layout.width : 900);
  const height = opts.height ?? (typeof fig.layout.height === 'number' ? fig.layout.height : 450);
  const scale = opts.scale ?? 1;
  const r = await renderer();
  try {
    const url = (await r.page.evaluate(
      '(async () => {\n' +
      `  const fig = ${scriptJson(fig)};\n` +
      `  return await Plotly.toImage({ data: fig.data, layout: fig.layout }, { format: 'png', width: ${width}, height: ${height}, scale: ${scale} });\n` +
      '})()',
    )) as string;
    const prefix = 'data:image/png;base64,';
    if (typeof url !== 'string' || !url.startsWith(prefix)) throw new Error('Plotly.toImage returned no PNG data URL');
    return optimizePng(Buffer.from(url.slice(prefix.length), 'base64'));
  } finally {
    armIdleClose(r);
  }
}

/** Closes the PNG renderer's browser (scripts call this when done; in a kernel it also closes itself when idle). */
export async function closeFigureRenderer(): Promise<void> {
  const s = session();
  const pending = s.renderer;
  s.renderer = null;
  if (!pending) return;
  const r = await pending.catch(() => null);
  if (!r) return;
  if (r.idle) clearTimeout(r.idle);
  await r.browser.close().catch(() => undefined);
}

/**
 * Writes a figure to a file: `.png` (rendered in Chromium; default scale 2) or `.html` (standalone, plotly
 * inlined). Creates the directory; returns the absolute path.
 */
export async function exportFigure(fig: Figure, path: string, opts: PngOptions = {}): Promise<string> {
  const file = resolve(path);
  const ext = extname(file).toLowerCase();
  if (ext !== '.png' && ext !== '.html') throw new RangeError(`exportFigure: ${path} must end in .png or .html`);
  mkdirSync(dirname(file), { recursive: true });
  if (ext === '.png') writeFileSync(file, await renderPng(fig, { scale: 2, ...opts }));
  else writeFileSync(file, standaloneHtml(fig, typeof fig.layout.title === 'object' ? String((fig.layout.title as { text?: unknown }).text ?? 'figure') : 'figure'));
  return file;
}

// ---------------------------------------------------------------------------------------------------------------
// Showing things in the notebook
// ---------------------------------------------------------------------------------------------------------------

/** Sends the plotly bundle to the page (again), e.g. after reloading the browser page without restarting the kernel. */
export function loadPlotly(): void {
  tslab('loadPlotly').display.html(plotlyBundleHtml());
  session().bundleSent = true;
}

/** The figure's title text, or "" (a title is a string or `{ text }`). */
export function figureTitle(fig: Figure): string {
  const t = fig.layout.title;
  const text = typeof t === 'string' ? t : t && typeof t === 'object' ? (t as { text?: unknown }).text : undefined;
  return typeof text === 'string' ? text.replace(/<[^>]*>/g, '') : '';
}

/**
 * The output bundle of a figure in plotly's MIME type: the spec as a JSON object (with the display options), a line
 * of text for frontends without a plotly renderer, and, when given, a PNG (base64).
 */
export function plotlyMimeBundle(fig: Figure, png?: Buffer): Record<string, unknown> {
  const title = figureTitle(fig);
  return {
    [PLOTLY_MIME]: { data: packTraces(fig.data), layout: fig.layout, config: { displaylogo: false } },
    'text/plain': `[plotly figure${title ? `: ${title}` : ''}] (drawn by JupyterLab's plotly renderer)`,
    ...(png ? { 'image/png': png.toString('base64') } : {}),
  };
}

/**
 * A figure's traces with their number arrays (x, y, customdata, …) as plotly's typed-array specs,
 * `{ dtype: 'f4' | 'i4', bdata: <base64> }`, which plotly.js ≥ 2.28 (JupyterLab's renderer, and ours) reads as
 * arrays. A saved notebook pretty-prints JSON one array element per line; base64 keeps each array one line, about a
 * quarter of the size. Arrays of fewer than 4 numbers, or with anything but numbers, are left as they are.
 */
export function packTraces(traces: readonly Trace[]): Trace[] {
  return traces.map((t) => Object.fromEntries(Object.entries(t).map(([k, v]) => [k, packArray(v)])) as Trace);
}

function packArray(v: unknown): unknown {
  const arr = ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v;
  if (!Array.isArray(arr) || arr.length < 4 || !arr.every((x) => typeof x === 'number')) return v;
  const ints = arr.every((x) => Number.isInteger(x) && Math.abs(x) < 2 ** 31);
  const typed = ints ? Int32Array.from(arr as number[]) : Float32Array.from(arr as number[]);
  return { dtype: ints ? 'i4' : 'f4', bdata: Buffer.from(typed.buffer, typed.byteOffset, typed.byteLength).toString('base64') };
}

interface TslabJupyter {
  lastWriteDisplayData: ((data: { data: Record<string, unknown>; metadata: Record<string, unknown>; transient: Record<string, unknown> }, update: boolean) => void) | null;
}

/**
 * Sends one output with several MIME types. tslab's public `display.raw` sends one MIME type per output, so this
 * goes through the function it uses itself (tslab 1.0.22, `dist/jupyter`), set while a cell runs.
 */
export function displayBundle(data: Record<string, unknown>): void {
  tslab('displayBundle');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const jupyter = require('tslab/dist/jupyter') as TslabJupyter;
  if (typeof jupyter.lastWriteDisplayData !== 'function') throw new Error('displayBundle: tslab is not executing a cell');
  jupyter.lastWriteDisplayData({ data, metadata: {}, transient: {} }, false);
}

/**
 * Shows a figure in the notebook as `ICL_FIGURES` (or `mode`) says: plotly's MIME type (with a PNG in `plotly+png`),
 * a PNG, or inline HTML. Await it: a PNG is rendered asynchronously, and the output must land in the cell that asked.
 */
export async function showFigure(fig: Figure, opts: { readonly mode?: FigureMode } & PngOptions = {}): Promise<void> {
  const t = tslab('showFigure');
  const mode = opts.mode ?? figureMode();
  if (mode === 'png') {
    t.display.png(await renderPng(fig, opts));
    return;
  }
  if (mode === 'plotly' || mode === 'plotly+png') {
    displayBundle(plotlyMimeBundle(fig, mode === 'plotly+png' ? await renderPng(fig, opts) : undefined));
    return;
  }
  const s = session();
  s.figureCount += 1;
  const id = `icl-fig-${process.pid}-${s.figureCount}`;
  const html = (s.bundleSent ? '' : plotlyBundleHtml()) + figureHtml(fig, id);
  t.display.html(html);
  s.bundleSent = true;
}

/** An HTML table of a DataFrame (numbers rounded to `digits`), for `showFrame` and reports. */
export function frameHtml(df: DataFrame, opts: { readonly digits?: number; readonly maxRows?: number; readonly index?: boolean } = {}): string {
  const digits = opts.digits ?? 3;
  const maxRows = opts.maxRows ?? 50;
  const showIndex = opts.index ?? false;
  const cols: string[] = df.columns.map(String);
  const rows: unknown[][] = df.values as unknown[][];
  const index: unknown[] = df.index as unknown[];
  const esc = (v: unknown): string =>
    String(v).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
  // A column with any fractional number shows all its numbers with `digits` decimals (0.000 beside 0.125, not 0);
  // a column of whole numbers (seeds, counts, units) shows them as integers.
  const fractional = cols.map((_, j) => rows.some((row) => typeof row[j] === 'number' && Number.isFinite(row[j]) && !Number.isInteger(row[j])));
  const cell = (v: unknown, j: number): string => {
    if (typeof v === 'number') {
      if (Number.isNaN(v)) return ''; // danfo's empty cell
      if (!Number.isFinite(v)) return String(v);
      if (!fractional[j]) return String(v === 0 ? 0 : v);
      return v.toFixed(digits).replace(/^-(0\.?0*)$/, '$1'); // no "-0.000" for a tiny negative
    }
    return v === null || v === undefined ? '' : esc(v);
  };
  const head = (showIndex ? '<th></th>' : '') + cols.map((c) => `<th>${esc(c)}</th>`).join('');
  const shown = rows.slice(0, maxRows);
  const body = shown
    .map((row, i) => `<tr>${showIndex ? `<th>${esc(index[i])}</th>` : ''}${row.map((v, j) => `<td>${cell(v, j)}</td>`).join('')}</tr>`)
    .join('\n');
  const more = rows.length > maxRows ? `<p>… ${rows.length - maxRows} more rows</p>` : '';
  return `<table class="dataframe">\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>${more}`;
}

/** Shows a DataFrame as an HTML table in the notebook (in scripts: danfo's text table on stdout). */
export function showFrame(df: DataFrame, opts: { readonly digits?: number; readonly maxRows?: number; readonly index?: boolean } = {}): void {
  if (!inKernel()) {
    df.print();
    return;
  }
  tslab('showFrame').display.html(frameHtml(df, opts));
}

// ---------------------------------------------------------------------------------------------------------------
// Live training progress
// ---------------------------------------------------------------------------------------------------------------

/** A progress report: any object; the fields below are recognised, other numbers and strings are listed. */
export type ProgressReport = object;

const STEP_KEYS = ['step', 'iteration', 'phase', 'update', 'episode'];
const TOTAL_KEYS = ['total', 'iterations', 'phases', 'updates', 'steps', 'episodes'];

/** The updatable output of a training run: a learner's `onProgress` hook calls `update`. */
export interface ProgressDisplay {
  /** Redraws the display with this report (throttled; a string is shown as a status line). */
  update(report: ProgressReport | string): void;
  /** Draws the last report and a final note. */
  done(note?: string): void;
  /** `update`, bound: pass it as a learner's `onProgress` option. */
  readonly onProgress: (report: ProgressReport) => void;
}

/** Flattens a report one level deep into displayable fields ("metrics.reward": 0.9). */
export function progressFields(report: ProgressReport): [string, number | string | boolean][] {
  const out: [string, number | string | boolean][] = [];
  const visit = (obj: object, prefix: string, depth: number): void => {
    for (const [k, v] of Object.entries(obj)) {
      const key = prefix + k;
      if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') out.push([key, v]);
      else if (v && typeof v === 'object' && !ArrayBuffer.isView(v) && !Array.isArray(v) && depth < 1) visit(v, `${key}.`, depth + 1);
    }
  };
  visit(report, '', 0);
  return out;
}

/** Step and total from a report's recognised fields (`step`/`iteration`/`phase`…, `total`/`iterations`/`phases`…). */
export function progressPosition(report: ProgressReport): { step: number | null; total: number | null } {
  const r = report as Record<string, unknown>;
  const first = (keys: string[]): number | null => {
    for (const k of keys) if (typeof r[k] === 'number' && Number.isFinite(r[k])) return r[k] as number;
    return null;
  };
  return { step: first(STEP_KEYS), total: first(TOTAL_KEYS) };
}

function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(0)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

function formatValue(v: number | string | boolean): string {
  if (typeof v !== 'number') return String(v);
  return Number.isInteger(v) ? String(v) : Math.abs(v) >= 1e4 || Math.abs(v) < 1e-3 ? v.toExponential(3) : v.toFixed(4);
}

/**
 * A live progress display for a training run in the notebook, built on tslab's updatable `newDisplay()`: a bar
 * (step of total, elapsed, estimated time left) and the report's latest numbers. Outside a kernel it prints a
 * line to stderr every few seconds instead.
 */
export function showProgress(title: string, opts: { readonly minIntervalMs?: number } = {}): ProgressDisplay {
  const live = inKernel();
  const minInterval = opts.minIntervalMs ?? (live ? 250 : 3000);
  const started = Date.now();
  const display = live ? tslab('showProgress').newDisplay() : null;
  let last: ProgressReport | string | null = null;
  let lastDrawn = 0;

  const render = (note?: string): void => {
    const elapsed = (Date.now() - started) / 1000;
    const report = typeof last === 'string' || last === null ? null : last;
    const { step, total } = report ? progressPosition(report) : { step: null, total: null };
    const frac = step !== null && total ? Math.min(1, Math.max(0, step / total)) : null;
    const eta = frac && frac > 0 && frac < 1 ? ` · about ${formatSeconds((elapsed * (1 - frac)) / frac)} left` : '';
    const position = step !== null ? `${step}${total ? ` / ${total}` : ''}` : '';
    const fields = report ? progressFields(report) : [];
    const status = typeof last === 'string' ? last : '';
    if (display) {
      const esc = (s: string): string => s.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] as string);
      const bar = frac !== null
        ? `<div style="width:320px;height:10px;background:#e5e5e5;border-radius:5px;overflow:hidden;display:inline-block;vertical-align:middle">` +
          `<div style="width:${(frac * 100).toFixed(1)}%;height:100%;background:#1f77b4"></div></div> `
        : '';
      const table = fields.length
        ? `<table style="font-size:12px;margin-top:4px"><tr>${fields.map(([k]) => `<th style="padding:0 8px">${esc(k)}</th>`).join('')}</tr>` +
          `<tr>${fields.map(([, v]) => `<td style="padding:0 8px">${esc(formatValue(v))}</td>`).join('')}</tr></table>`
        : '';
      display.html(
        `<div style="font-family:sans-serif;font-size:13px"><b>${esc(title)}</b> ${bar}${esc(position)} · ${formatSeconds(elapsed)}${eta}` +
        `${status ? ` · ${esc(status)}` : ''}${note ? `<br>${esc(note)}` : ''}${table}</div>`,
      );
    } else {
      const nums = fields.map(([k, v]) => `${k}=${formatValue(v)}`).join(' ');
      process.stderr.write(`${title}: ${position} ${formatSeconds(elapsed)}${eta} ${status} ${nums}${note ? ` ${note}` : ''}\n`.replace(/ +/g, ' '));
    }
    lastDrawn = Date.now();
  };

  const update = (report: ProgressReport | string): void => {
    last = report;
    if (Date.now() - lastDrawn >= minInterval) render();
  };
  return { update, onProgress: (report: ProgressReport) => update(report), done: (note?: string) => render(note ?? 'done') };
}
