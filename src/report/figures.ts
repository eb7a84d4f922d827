/**
 * Plotly figure specs shaped like the paper's figures. Pure functions: they return plain `{ data, layout }`
 * objects and render nothing (src/report/display.ts shows or exports them).
 *
 * The paper's plots are rows of panels, "Avg. Reward" and "Cooperation Rate" against "Training Phase" (PPI),
 * "Training Iteration" (A2C) or "Round" (within one episode), each curve the mean across seeds with a ±1 std band.
 * `lineBandFigure` draws any such row of panels; `trainingFigure` and `episodeFigure` are the two shapes every
 * figure of the paper takes; the rest are the few special figures of notebook 00 (the payoff matrix, the ZD relation).
 *
 * Conventions: one colour per series name across all panels, the legend entry shown once; a line style per experiment
 * (set by the caller: solid, dashed, dotted); exact ceilings are grey reference lines (dotted, then dash-dot,
 * long-dash); values read off the paper's figures are thin lines with open diamonds in the series' colour, one legend
 * entry for all of them (`PAPER_LEGEND`); on a training axis they get a row of their own on the paper's own axis.
 */

/** Any plotly trace attributes (a spec is plain JSON: it goes to the browser as it is). */
export interface Trace {
  type?: string;
  name?: string;
  x?: readonly (number | string)[];
  y?: readonly (number | string)[];
  mode?: string;
  [attribute: string]: unknown;
}

/** Any plotly layout attributes. */
export type Layout = Record<string, unknown>;

/** A plotly figure: what `Plotly.newPlot(div, data, layout)` takes. */
export interface Figure {
  data: Trace[];
  layout: Layout;
}

/** The paper's axis titles. */
export const AXIS = {
  reward: 'Avg. Reward',
  cooperation: 'Cooperation Rate',
  phase: 'Training Phase',
  iteration: 'Training Iteration',
  round: 'Round',
} as const;
export type AxisName = keyof typeof AXIS;

/** The series colours, in order of first appearance (plotly's default qualitative palette). */
export const PALETTE: readonly string[] = [
  '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf',
];
const REFERENCE_COLOR = '#555555';
/** Reference lines of one panel, in order: dotted dark grey, then dash-dot and long-dash in lighter greys. */
const REFERENCE_STYLES: readonly { readonly color: string; readonly dash: string }[] = [
  { color: REFERENCE_COLOR, dash: 'dot' }, { color: '#888888', dash: 'dashdot' }, { color: '#aaaaaa', dash: 'longdash' },
];

/** A number sequence: a plain array or a typed array (the game's exact curves are Float64Arrays). */
export type Curve = ArrayLike<number>;

// ---------------------------------------------------------------------------------------------------------------
// Statistics across seeds
// ---------------------------------------------------------------------------------------------------------------

/** Mean and standard deviation across seeds, per x position. */
export interface Band {
  readonly mean: number[];
  readonly std: number[];
  /** The number of seeds (curves) behind each point. */
  readonly n: number;
}

/**
 * The mean and standard deviation across curves (one curve per seed), point by point. `ddof` 1 gives the sample
 * standard deviation (pandas' and seaborn's convention, and so presumably the paper's); with one curve the std is 0.
 * Curves must have equal lengths and finite values.
 */
export function meanStd(curves: readonly Curve[], ddof: 0 | 1 = 1): Band {
  if (curves.length === 0) throw new RangeError('meanStd: needs at least one curve');
  const len = curves[0].length;
  curves.forEach((c, i) => {
    if (c.length !== len) throw new RangeError(`meanStd: curve ${i} has ${c.length} points, curve 0 has ${len}`);
    for (let t = 0; t < len; t++) {
      if (!Number.isFinite(c[t])) throw new RangeError(`meanStd: curve ${i} has a non-finite value ${c[t]} at index ${t}`);
    }
  });
  const n = curves.length;
  const mean: number[] = [];
  const std: number[] = [];
  for (let t = 0; t < len; t++) {
    let s = 0;
    for (const c of curves) s += c[t];
    const m = s / n;
    let ss = 0;
    for (const c of curves) ss += (c[t] - m) ** 2;
    mean.push(m);
    std.push(n - ddof > 0 ? Math.sqrt(ss / (n - ddof)) : 0);
  }
  return { mean, std, n };
}

// ---------------------------------------------------------------------------------------------------------------
// The generic figure: a row of panels of mean ± std curves
// ---------------------------------------------------------------------------------------------------------------

/** One curve of a panel: the mean across `curves` (one per seed) with a ±1 std band. */
export interface BandSeries {
  readonly name: string;
  /**
   * One curve per seed (a single curve draws the line without a band). Curves may differ in length (seeds trained
   * for different lengths) or hold NaN where a seed has no value: the band and mean are drawn only where at least
   * two seeds have values, and then each seed's own curve is drawn thinly too, so its length shows.
   */
  readonly curves: readonly Curve[];
  /** x positions; default 0, 1, 2, … */
  readonly x?: Curve;
  /** A label per curve (e.g. "seed 10"), for the hover text of a seed drawn on its own. */
  readonly labels?: readonly string[];
  /** A fixed colour; default: by the series name's first appearance in the figure. */
  readonly color?: string;
  readonly dash?: Dash;
  /** Draw the ±1 std band (default true; no band for a single curve). */
  readonly band?: boolean;
}

export type Dash = 'solid' | 'dash' | 'dot' | 'dashdot';

/** A horizontal reference line across the panel, e.g. an exact ceiling. */
export interface ReferenceLine {
  readonly y: number;
  readonly label: string;
  readonly color?: string;
}

/** Values read off the paper's figures for one series, drawn with markers beside ours. */
export interface PaperOverlay {
  /** The series these values belong to: its colour (and, on the paper's own axis, its dash). */
  readonly series: string;
  readonly x: Curve;
  readonly y: Curve;
  /** The line style (default: dashed in a panel of ours, the series' own on the paper's axis). */
  readonly dash?: Dash;
}

/** A shaded span of a panel's x axis with a label, e.g. the part of the paper's training our run covers. */
export interface XSpan {
  readonly x0: number;
  readonly x1: number;
  readonly label: string;
}

/** One panel: a y quantity against an x axis. */
export interface Panel {
  /** The y-axis title: a paper axis name ("reward", "cooperation") or any text. */
  readonly y: AxisName | string;
  readonly series: readonly BandSeries[];
  readonly references?: readonly ReferenceLine[];
  readonly paper?: readonly PaperOverlay[];
  /** The y range; default plotly's autorange. */
  readonly yRange?: readonly [number, number];
  /** A small title above the panel, e.g. "A". */
  readonly title?: string;
  /** This panel's x-axis title (default the figure's `x`). */
  readonly x?: AxisName | string;
  /** The row (0 = top, the default); the panels of a row sit side by side. */
  readonly row?: number;
  /** Share the y range of another panel (its index in `panels`), e.g. the paper's reward panel with ours. */
  readonly matchY?: number;
  readonly spans?: readonly XSpan[];
  /** The x range; default plotly's autorange. */
  readonly xRange?: readonly [number, number];
}

export interface LineBandSpec {
  /** The x-axis title: "phase", "iteration", "round" (the paper's) or any text. */
  readonly x: AxisName | string;
  readonly panels: readonly Panel[];
  readonly title?: string;
  /** A line above a row (index = row), e.g. "The paper, on its own training axis". */
  readonly rowTitles?: readonly (string | undefined)[];
  /** Plot heights per row in pixels (default 300 for the first row, 230 for the others). */
  readonly rowHeights?: readonly number[];
  /** Pixel size; default 460 px wide per panel of a row (at most 980, which fits beside JupyterLab's file browser on a 1400-px screen); the height follows the rows and the legend. */
  readonly width?: number;
  readonly height?: number;
}

/** The axis title for a paper axis name, or the text itself. */
export function axisTitle(name: string): string {
  return (AXIS as Record<string, string>)[name] ?? name;
}

/** A colour assignment that gives each series name the same colour in every panel of a figure. */
export function colorScale(names: readonly string[], fixed: Readonly<Record<string, string>> = {}): (name: string) => string {
  const map = new Map<string, string>();
  let next = 0;
  for (const n of names) {
    if (map.has(n)) continue;
    map.set(n, fixed[n] ?? PALETTE[next++ % PALETTE.length]);
  }
  return (name) => map.get(name) ?? PALETTE[next++ % PALETTE.length];
}

/** `#rrggbb` at the given opacity, as an `rgba(...)` string (for bands). */
export function withAlpha(color: string, alpha: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (!m) return color;
  return `rgba(${parseInt(m[1], 16)},${parseInt(m[2], 16)},${parseInt(m[3], 16)},${alpha})`;
}

/** Per point: the mean and sample std of the curves that have a finite value there, and how many do. */
export interface PartialBand {
  readonly mean: number[];
  readonly std: number[];
  readonly n: number[];
}

/**
 * Like `meanStd`, for curves of different lengths or with gaps (NaN): point t averages the curves that have a finite
 * value at t (sample std, 0 for one curve; NaN mean where none has).
 */
export function partialBand(curves: readonly Curve[]): PartialBand {
  const len = Math.max(0, ...curves.map((c) => c.length));
  const mean: number[] = [];
  const std: number[] = [];
  const n: number[] = [];
  for (let t = 0; t < len; t++) {
    const vals: number[] = [];
    for (const c of curves) if (t < c.length && Number.isFinite(c[t])) vals.push(c[t]);
    const m = vals.reduce((a, v) => a + v, 0) / vals.length;
    mean.push(vals.length ? m : NaN);
    std.push(vals.length > 1 ? Math.sqrt(vals.reduce((a, v) => a + (v - m) ** 2, 0) / (vals.length - 1)) : 0);
    n.push(vals.length);
  }
  return { mean, std, n };
}

/** The x axes of our units (phase, iteration, round) count whole units: integer ticks, every unit on short axes. */
function integerTicks(axis: string, lo: number, hi: number): Layout {
  if (!['phase', 'iteration', 'round'].includes(axis) && !/Phase|Iteration|Round/.test(axis)) return {};
  const span = hi - lo;
  if (span <= 12) return { tick0: 0, dtick: 1, tickformat: 'd' };
  if (/phase|Phase/.test(axis) && span <= 40) return { tick0: 0, dtick: 5, tickformat: 'd' };
  return { tickformat: ',d' };
}

/** About how many legend rows plotly needs for these entries across `width` pixels (12-px font). */
function legendRows(labels: readonly string[], width: number): number {
  let rows = labels.length > 0 ? 1 : 0;
  let used = 0;
  for (const l of labels) {
    const w = 46 + 6.6 * l.length;
    if (used > 0 && used + w > width) {
      rows++;
      used = 0;
    }
    used += w;
  }
  return rows;
}

const PAPER_MARKER = { size: 7, symbol: 'diamond-open' } as const;
/** The legend entry that stands for every series' paper values (their colour names the series). */
export const PAPER_LEGEND = "the paper's values (read off its figure, ±0.05; colour = series)";

/**
 * Rows of panels of mean ± std curves across seeds: the shape of every results figure of the paper. Per series and
 * panel it emits a band trace (a closed polygon: mean + std forwards, mean − std backwards, `fill: 'toself'`) where
 * two or more seeds have values, and a mean line; then the reference lines and the paper's values (lines with open
 * diamonds, one legend entry for all of them). The legend sits below the panels, with room of its own, so it never
 * covers an axis title.
 */
export function lineBandFigure(spec: LineBandSpec): Figure {
  if (spec.panels.length === 0) throw new RangeError('lineBandFigure: needs at least one panel');
  const names: string[] = [];
  const fixed: Record<string, string> = {};
  for (const p of spec.panels) {
    for (const s of p.series) {
      names.push(s.name);
      if (s.color) fixed[s.name] = s.color;
    }
    for (const o of p.paper ?? []) names.push(o.series);
  }
  const color = colorScale(names, fixed);
  const legendShown = new Set<string>();
  const showOnce = (key: string): boolean => {
    if (legendShown.has(key)) return false;
    legendShown.add(key);
    return true;
  };

  const data: Trace[] = [];
  const layout: Layout = {};
  const annotations: Record<string, unknown>[] = [];
  const shapes: Record<string, unknown>[] = [];
  const rowOf = spec.panels.map((p) => p.row ?? 0);
  const rows = Math.max(...rowOf) + 1;
  const perRow = Array.from({ length: rows }, (_, r) => rowOf.filter((x) => x === r).length);
  const widest = Math.max(...perRow);
  const width = spec.width ?? Math.min(980, 460 * widest);
  let paperShown = false;

  // Vertical layout in pixels: title, then per row an optional row title, the plot and the x-axis title; the legend.
  const rowGap = 115;
  const top = (spec.title ? 70 : 35) + (spec.rowTitles?.[0] ? 22 : 0);
  const legendLabels: string[] = [];
  for (const p of spec.panels) {
    for (const s of p.series) if (!legendLabels.includes(s.name)) legendLabels.push(s.name);
    for (const r of p.references ?? []) if (!legendLabels.includes(r.label)) legendLabels.push(r.label);
    if ((p.paper ?? []).length > 0 && !legendLabels.includes(PAPER_LEGEND)) legendLabels.push(PAPER_LEGEND);
  }
  const legendHeight = 22 * legendRows(legendLabels, width - 40) + 8;
  const bottom = 62 + legendHeight;
  const wanted = Array.from({ length: rows }, (_, r) => spec.rowHeights?.[r] ?? (r === 0 ? 300 : 230));
  const height = spec.height ?? top + wanted.reduce((a, h) => a + h, 0) + (rows - 1) * rowGap + bottom;
  const inner = height - top - bottom;
  // Row heights scaled to fill what is left of the height between the gaps (the same as `wanted` by default).
  const scale = (inner - (rows - 1) * rowGap) / wanted.reduce((a, h) => a + h, 0);
  const rowTop = (r: number): number => wanted.slice(0, r).reduce((a, h) => a + h * scale + rowGap, 0);
  const rowDomain = (r: number): [number, number] => {
    const hi = 1 - rowTop(r) / inner;
    const lo = hi - (wanted[r] * scale) / inner;
    return [Math.max(0, lo), Math.min(1, hi)];
  };

  spec.panels.forEach((panel, i) => {
    const axisSuffix = i === 0 ? '' : String(i + 1);
    const xref = `x${axisSuffix}`;
    const yref = `y${axisSuffix}`;
    const row = rowOf[i];
    const inRow = rowOf.slice(0, i).filter((x) => x === row).length;
    const count = perRow[row];
    const gap = count > 1 ? 0.08 : 0;
    const widthEach = (1 - gap * (count - 1)) / count;
    let xMin = Infinity;
    let xMax = -Infinity;

    for (const s of panel.series) {
      if (s.curves.length === 0) throw new RangeError(`lineBandFigure: series "${s.name}" has no curves`);
      const band = partialBand(s.curves);
      const x = s.x ? Array.from(s.x) : band.mean.map((_, t) => t);
      if (x.length !== band.mean.length) {
        throw new RangeError(`lineBandFigure: series "${s.name}" has ${x.length} x values for ${band.mean.length} points`);
      }
      for (let t = 0; t < x.length; t++) {
        if (band.n[t] === 0) continue;
        xMin = Math.min(xMin, x[t]);
        xMax = Math.max(xMax, x[t]);
      }
      const c = color(s.name);
      const many = s.curves.length > 1;
      const ragged = many && band.n.some((k) => k < s.curves.length);
      // Mean and band where at least two seeds have values (all points for a single curve).
      const keep = band.mean.map((_, t) => (many ? band.n[t] >= 2 : band.n[t] >= 1));
      const kx = x.filter((_, t) => keep[t]);
      const km = band.mean.filter((_, t) => keep[t]);
      const ks = band.std.filter((_, t) => keep[t]);
      if (many && s.band !== false && kx.length > 0) {
        data.push({
          type: 'scatter', mode: 'lines', name: `${s.name} ± std`, legendgroup: s.name, showlegend: false,
          x: [...kx, ...kx.slice().reverse()],
          y: [...km.map((m, t) => m + ks[t]), ...km.map((m, t) => m - ks[t]).reverse()],
          fill: 'toself', fillcolor: withAlpha(c, 0.2), line: { width: 0, color: c }, hoverinfo: 'skip',
          xaxis: xref, yaxis: yref,
        });
      }
      if (ragged) {
        // Seeds of different lengths: each seed's own curve, thin, so where each one ends shows.
        s.curves.forEach((curve, k) => {
          const label = s.labels?.[k] ?? `curve ${k + 1}`;
          const sx: number[] = [];
          const sy: number[] = [];
          for (let t = 0; t < curve.length && t < x.length; t++) {
            if (!Number.isFinite(curve[t])) continue;
            sx.push(x[t]);
            sy.push(curve[t]);
          }
          data.push({
            type: 'scatter', mode: 'lines', name: `${s.name}, ${label}`, legendgroup: s.name, showlegend: false,
            x: sx, y: sy, opacity: 0.55, line: { color: c, width: 1, dash: s.dash ?? 'solid' },
            hovertemplate: `${s.name}, ${label}: %{y:.3f}<extra></extra>`, xaxis: xref, yaxis: yref,
          });
        });
      }
      if (kx.length > 0) {
        const what = many ? `mean of ${ragged ? '≥ 2' : s.curves.length} seeds` : '';
        data.push({
          type: 'scatter', mode: kx.length === 1 ? 'markers' : 'lines', name: s.name, legendgroup: s.name,
          showlegend: showOnce(s.name), x: kx, y: km,
          line: { color: c, width: 2, dash: s.dash ?? 'solid' }, marker: { color: c },
          customdata: ks, hovertemplate: `${s.name}${what ? ` (${what})` : ''}: %{y:.3f} ± %{customdata:.3f}<extra></extra>`,
          xaxis: xref, yaxis: yref,
        });
      }
    }

    for (const o of panel.paper ?? []) {
      const x = Array.from(o.x);
      const y = Array.from(o.y);
      if (x.length !== y.length) throw new RangeError(`lineBandFigure: paper values for "${o.series}" have ${x.length} x and ${y.length} y`);
      for (const v of x) {
        xMin = Math.min(xMin, v);
        xMax = Math.max(xMax, v);
      }
      const name = `${o.series} (paper)`;
      const c = color(o.series);
      data.push({
        type: 'scatter', mode: 'lines+markers', name, legendgroup: PAPER_LEGEND, showlegend: false, x, y,
        line: { color: c, width: 1.5, dash: o.dash ?? 'dash' }, marker: { color: c, ...PAPER_MARKER },
        hovertemplate: `${name}: %{y:.2f}<extra></extra>`, xaxis: xref, yaxis: yref,
      });
      if (!paperShown) {
        paperShown = true;
        data.push({
          type: 'scatter', mode: 'markers', name: PAPER_LEGEND, legendgroup: PAPER_LEGEND, showlegend: true,
          x: [null], y: [null], marker: { color: '#444444', ...PAPER_MARKER }, hoverinfo: 'skip', xaxis: xref, yaxis: yref,
        } as unknown as Trace);
      }
    }

    for (const s of panel.spans ?? []) {
      xMin = Math.min(xMin, s.x0);
      xMax = Math.max(xMax, s.x1);
      shapes.push({
        type: 'rect', xref, yref: `${yref} domain`, x0: s.x0, x1: s.x1, y0: 0, y1: 1, layer: 'below',
        fillcolor: 'rgba(120,120,120,0.18)', line: { width: 0 },
      });
      annotations.push({
        text: s.label, xref, yref: `${yref} domain`, x: s.x1, y: 1, xanchor: 'left', yanchor: 'top', showarrow: false,
        font: { size: 11, color: '#555555' },
      });
    }

    if (!Number.isFinite(xMin)) {
      xMin = 0;
      xMax = 1;
    }
    (panel.references ?? []).forEach((r, k) => {
      const style = REFERENCE_STYLES[k % REFERENCE_STYLES.length];
      data.push({
        type: 'scatter', mode: 'lines', name: r.label, legendgroup: `ref:${r.label}`, showlegend: showOnce(`ref:${r.label}`),
        x: [xMin, xMax], y: [r.y, r.y], line: { color: r.color ?? style.color, width: 1.5, dash: style.dash },
        hovertemplate: `${r.label}: ${roundForDisplay(r.y)}<extra></extra>`, xaxis: xref, yaxis: yref,
      });
    });

    const left = inRow * (widthEach + gap);
    const xName = panel.x ?? spec.x;
    const [lo, hi] = rowDomain(row);
    layout[`xaxis${axisSuffix}`] = {
      title: { text: axisTitle(xName) }, domain: [left, left + widthEach], anchor: yref, zeroline: false,
      ...integerTicks(xName, panel.xRange?.[0] ?? xMin, panel.xRange?.[1] ?? xMax),
      ...(panel.xRange ? { range: [...panel.xRange] } : {}),
    };
    layout[`yaxis${axisSuffix}`] = {
      title: { text: axisTitle(panel.y) }, anchor: xref, zeroline: false, domain: [lo, hi],
      ...(panel.yRange ? { range: [...panel.yRange] } : {}),
      ...(panel.matchY !== undefined ? { matches: panel.matchY === 0 ? 'y' : `y${panel.matchY + 1}` } : {}),
    };
    if (panel.title) {
      annotations.push({
        text: `<b>${panel.title}</b>`, xref: 'paper', yref: 'paper', x: left, y: hi + 6 / inner, xanchor: 'left', yanchor: 'bottom',
        showarrow: false, font: { size: 14 },
      });
    }
  });

  (spec.rowTitles ?? []).forEach((t, r) => {
    if (!t || r >= rows) return;
    annotations.push({
      text: `<b>${t}</b>`, xref: 'paper', yref: 'paper', x: 0.5, y: rowDomain(r)[1] + 24 / inner, xanchor: 'center', yanchor: 'bottom',
      showarrow: false, font: { size: 13, color: '#333333' },
    });
  });

  Object.assign(layout, {
    template: 'plotly_white',
    width,
    height,
    margin: { l: 60, r: 20, t: top, b: bottom },
    legend: { orientation: 'h', x: 0, xanchor: 'left', y: -(62 / inner), yanchor: 'top', font: { size: 12 } },
    hovermode: 'closest',
    annotations,
    shapes,
    ...(spec.title ? { title: { text: spec.title, x: 0.02 } } : {}),
  });
  return { data, layout };
}

// ---------------------------------------------------------------------------------------------------------------
// The paper's two shapes: training progress and one episode, each as Avg. Reward and Cooperation Rate panels
// ---------------------------------------------------------------------------------------------------------------

/** One curve family of a two-panel figure: reward and cooperation curves, one of each per seed. */
export interface MetricSeries {
  readonly name: string;
  readonly reward: readonly Curve[];
  readonly cooperation: readonly Curve[];
  readonly x?: Curve;
  /** A label per curve (e.g. "seed 10"). */
  readonly labels?: readonly string[];
  readonly color?: string;
  readonly dash?: Dash;
}

/** Values read off the paper's figure for one series, per metric (either may be omitted). */
export interface PaperMetricOverlay {
  readonly series: string;
  readonly x: Curve;
  readonly reward?: Curve;
  readonly cooperation?: Curve;
}

/** The paper's values drawn in a row of their own, on the paper's own training axis (training figures). */
export interface PaperRow {
  /** The x-axis title of the paper's row, e.g. "Training Phase (the paper: 30 phases)". */
  readonly x: string;
  /** The line above the row. */
  readonly title: string;
  /** Shaded spans of the paper's axis, e.g. how far our run would reach on it. */
  readonly spans?: readonly XSpan[];
  /** The x range of the paper's training (so both of its panels show all of it). */
  readonly xRange?: readonly [number, number];
}

export interface MetricFigureSpec {
  readonly series: readonly MetricSeries[];
  readonly paper?: readonly PaperMetricOverlay[];
  /** Draw the paper's values in a second row on their own axis instead of in our panels. */
  readonly paperRow?: PaperRow;
  /** Reference lines on the reward panel (e.g. exact ceilings) and on the cooperation panel. */
  readonly rewardReferences?: readonly ReferenceLine[];
  readonly cooperationReferences?: readonly ReferenceLine[];
  readonly title?: string;
  /** Panel letters, e.g. ["A", "B"]. */
  readonly panelTitles?: readonly [string, string];
  readonly rewardRange?: readonly [number, number];
  readonly width?: number;
  readonly height?: number;
}

/**
 * The reward and cooperation panels of a two-panel figure against the x axis named; with `paperRow`, the paper's
 * values below them in a second row on their own axis (same y ranges), else in the same panels.
 */
export function metricPanels(x: AxisName | string, spec: MetricFigureSpec): Figure {
  const pick = (metric: 'reward' | 'cooperation'): BandSeries[] =>
    spec.series.map((s) => ({ name: s.name, curves: s[metric], x: s.x, labels: s.labels, color: s.color, dash: s.dash }));
  const dashOf = new Map(spec.series.map((s) => [s.name, s.dash ?? 'solid'] as const));
  const overlays = (metric: 'reward' | 'cooperation', ownAxis: boolean): PaperOverlay[] =>
    (spec.paper ?? []).flatMap((o) => {
      const y = o[metric];
      return y ? [{ series: o.series, x: o.x, y, ...(ownAxis ? { dash: dashOf.get(o.series) ?? 'solid' } : {}) }] : [];
    });
  const coopRange: [number, number] = [-0.02, 1.02];
  const row = spec.paperRow;
  const panels: Panel[] = [
    { y: 'reward', series: pick('reward'), references: spec.rewardReferences, paper: row ? [] : overlays('reward', false), title: spec.panelTitles?.[0], yRange: spec.rewardRange },
    { y: 'cooperation', series: pick('cooperation'), references: spec.cooperationReferences, paper: row ? [] : overlays('cooperation', false), title: spec.panelTitles?.[1], yRange: coopRange },
  ];
  if (row && (spec.paper ?? []).length > 0) {
    panels.push(
      { y: 'reward', x: row.x, row: 1, series: [], paper: overlays('reward', true), matchY: 0, spans: row.spans, xRange: row.xRange, yRange: spec.rewardRange },
      { y: 'cooperation', x: row.x, row: 1, series: [], paper: overlays('cooperation', true), yRange: coopRange, spans: row.spans, xRange: row.xRange },
    );
  }
  return lineBandFigure({
    x,
    title: spec.title,
    width: spec.width,
    height: spec.height,
    panels,
    rowTitles: row ? ['Ours', row.title] : undefined,
    rowHeights: row ? [270, 190] : undefined,
  });
}

/** Training progress (Figs. 1, 2A/C/E, 4A/C/E): Avg. Reward and Cooperation Rate against training phase or iteration. */
export function trainingFigure(x: 'phase' | 'iteration', spec: MetricFigureSpec): Figure {
  return metricPanels(x, spec);
}

/** Within one episode (Figs. 2B/D/F, 3, 4B/D/F): per-round reward and cooperation, x = Round. */
export function episodeFigure(spec: MetricFigureSpec): Figure {
  return metricPanels('round', spec);
}

// ---------------------------------------------------------------------------------------------------------------
// Notebook 00: the game itself
// ---------------------------------------------------------------------------------------------------------------

/** The four payoffs of the row player (R, S, T, P). */
export interface PayoffValues {
  readonly R: number;
  readonly S: number;
  readonly T: number;
  readonly P: number;
}

/**
 * The payoff matrix as a 2 × 2 heatmap: rows are my action, columns the co-player's, each cell labelled with the
 * pair (my payoff, co-player's payoff) and the outcome's name; the colour is my payoff.
 */
export function payoffMatrixFigure(payoff: PayoffValues, title = 'The Prisoner\'s Dilemma, one round'): Figure {
  const { R, S, T, P } = payoff;
  const mine = [[R, S], [T, P]];
  const theirs = [[R, T], [S, P]];
  const names = [['CC: reward R', 'CD: sucker S'], ['DC: temptation T', 'DD: punishment P']];
  const text = mine.map((row, i) => row.map((v, j) => `${names[i][j]}<br><b>(${fmt(v)}, ${fmt(theirs[i][j])})</b>`));
  return {
    data: [{
      type: 'heatmap', x: ['co-player C', 'co-player D'], y: ['I play C', 'I play D'], z: mine, text,
      texttemplate: '%{text}', textfont: { size: 15 }, colorscale: 'RdBu', zmid: 0, showscale: true,
      colorbar: { title: { text: 'my payoff' } }, hovertemplate: '%{y}, %{x}: my payoff %{z}<extra></extra>',
    }],
    layout: {
      template: 'plotly_white', title: { text: title, x: 0.02 }, width: 560, height: 400,
      yaxis: { autorange: 'reversed' }, margin: { l: 90, r: 20, t: 60, b: 40 },
    },
  };
}

/** A point of the ZD scatter: one random co-player's long-run payoffs against the extortioner. */
export interface ZdPoint {
  /** The extortioner's payoff per round. */
  readonly sx: number;
  /** The co-player's payoff per round. */
  readonly sy: number;
}

/**
 * The linear relation a zero-determinant extortioner X enforces, s_X − P = χ (s_Y − P), whatever Y plays:
 * the pairs (s_Y, s_X) of many co-players, the line of slope χ through (P, P), and the diagonal s_X = s_Y
 * (where a fair strategy would put them).
 */
export function zdRelationFigure(spec: {
  readonly points: readonly ZdPoint[];
  readonly chi: number;
  readonly P: number;
  readonly name?: string;
  /** Named points to highlight (e.g. ALLC, TFT), drawn as labelled markers. */
  readonly named?: readonly (ZdPoint & { readonly label: string })[];
  readonly title?: string;
}): Figure {
  const all = [...spec.points, ...(spec.named ?? [])];
  if (all.length === 0) throw new RangeError('zdRelationFigure: needs at least one point');
  const sy = all.map((p) => p.sy);
  const lo = Math.min(spec.P, ...sy);
  const hi = Math.max(spec.P, ...sy);
  const pad = 0.05 * (hi - lo || 1);
  const xs = [lo - pad, hi + pad];
  const data: Trace[] = [
    {
      type: 'scatter', mode: 'markers', name: spec.name ?? 'random co-players',
      x: spec.points.map((p) => p.sy), y: spec.points.map((p) => p.sx),
      marker: { color: PALETTE[0], size: 6, opacity: 0.6 },
      hovertemplate: 's_Y %{x:.3f}, s_X %{y:.3f}<extra></extra>',
    },
    {
      type: 'scatter', mode: 'lines', name: `s_X − P = ${fmt(spec.chi)} (s_Y − P)`,
      x: xs, y: xs.map((v) => spec.P + spec.chi * (v - spec.P)), line: { color: PALETTE[3], width: 2 },
    },
    {
      type: 'scatter', mode: 'lines', name: 'fair: s_X = s_Y', x: xs, y: xs,
      line: { color: REFERENCE_COLOR, width: 1.5, dash: 'dot' },
    },
  ];
  if (spec.named && spec.named.length > 0) {
    data.push({
      type: 'scatter', mode: 'markers+text', name: 'named co-players',
      x: spec.named.map((p) => p.sy), y: spec.named.map((p) => p.sx), text: spec.named.map((p) => p.label),
      textposition: 'top left', marker: { color: PALETTE[1], size: 10, symbol: 'diamond' },
    });
  }
  return {
    data,
    layout: {
      template: 'plotly_white', title: { text: spec.title ?? `Zero-determinant extortion (χ = ${fmt(spec.chi)})`, x: 0.02 },
      width: 640, height: 460, hovermode: 'closest',
      xaxis: { title: { text: 'co-player\'s payoff per round, s_Y' }, zeroline: false },
      yaxis: { title: { text: 'extortioner\'s payoff per round, s_X' }, zeroline: false },
      legend: { x: 0.01, y: 0.99 },
    },
  };
}

/**
 * Grouped bars: one group per category (e.g. opponent), one bar per series (e.g. "ours", "exact"), with optional
 * error bars. For tables of a few numbers that read better as bars than as curves.
 */
export function groupedBarFigure(spec: {
  readonly categories: readonly string[];
  readonly series: readonly { readonly name: string; readonly values: Curve; readonly errors?: Curve; readonly color?: string }[];
  readonly y: AxisName | string;
  readonly title?: string;
  readonly references?: readonly ReferenceLine[];
}): Figure {
  const color = colorScale(spec.series.map((s) => s.name), Object.fromEntries(spec.series.filter((s) => s.color).map((s) => [s.name, s.color as string])));
  const data: Trace[] = spec.series.map((s) => {
    if (s.values.length !== spec.categories.length) {
      throw new RangeError(`groupedBarFigure: series "${s.name}" has ${s.values.length} values for ${spec.categories.length} categories`);
    }
    return {
      type: 'bar', name: s.name, x: [...spec.categories], y: Array.from(s.values), marker: { color: color(s.name) },
      ...(s.errors ? { error_y: { type: 'data', array: Array.from(s.errors), visible: true } } : {}),
    };
  });
  for (const r of spec.references ?? []) {
    data.push({
      type: 'scatter', mode: 'lines', name: r.label, x: [spec.categories[0], spec.categories[spec.categories.length - 1]],
      y: [r.y, r.y], line: { color: r.color ?? REFERENCE_COLOR, dash: 'dot', width: 1.5 },
    });
  }
  return {
    data,
    layout: {
      template: 'plotly_white', barmode: 'group', width: 720, height: 420,
      ...(spec.title ? { title: { text: spec.title, x: 0.02 } } : {}),
      yaxis: { title: { text: axisTitle(spec.y) } }, legend: { orientation: 'h', x: 0, y: -0.15, yanchor: 'top' },
    },
  };
}

/** A number for display: at most `digits` decimals, trailing zeros dropped (0.9999999999999959 → 1, 1.0488 → 1.0488). */
export function roundForDisplay(v: number, digits = 4): number {
  if (!Number.isFinite(v)) return v;
  const r = Number(v.toFixed(digits));
  return r === 0 ? 0 : r;
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}
