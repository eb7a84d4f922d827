/**
 * Plotly figure specs shaped like the paper's figures. Pure functions: they return plain `{ data, layout }`
 * objects and render nothing (src/report/display.ts shows or exports them).
 *
 * The paper's plots are rows of panels, "Avg. Reward" and "Cooperation Rate" against "Training Phase" (PPI),
 * "Training Iteration" (A2C) or "Round" (within one episode), each curve the mean across seeds with a ±1 std band.
 * `lineBandFigure` draws any such row of panels; `trainingFigure` and `episodeFigure` are the two shapes every
 * figure of the paper takes; the rest are the few special figures of notebook 00 (the payoff matrix, the ZD relation).
 *
 * Conventions: one colour per series name across all panels, the legend entry shown once; exact ceilings are grey
 * reference lines (dotted, then dash-dot, long-dash); values read off the paper's figures are dashed lines with markers named "<series> (paper)".
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
  /** One curve per seed (a single curve draws the line without a band). */
  readonly curves: readonly Curve[];
  /** x positions; default 0, 1, 2, … (or `start`, `start + 1`, … from the panel). */
  readonly x?: Curve;
  /** A fixed colour; default: by the series name's first appearance in the figure. */
  readonly color?: string;
  readonly dash?: 'solid' | 'dash' | 'dot' | 'dashdot';
  /** Draw the ±1 std band (default true; no band for a single curve). */
  readonly band?: boolean;
}

/** A horizontal reference line across the panel, e.g. an exact ceiling. */
export interface ReferenceLine {
  readonly y: number;
  readonly label: string;
  readonly color?: string;
}

/** Values read off the paper's figures for one series, drawn dashed beside ours. */
export interface PaperOverlay {
  /** The series these values belong to (sets the colour); the legend reads "<series> (paper)". */
  readonly series: string;
  readonly x: Curve;
  readonly y: Curve;
}

/** One panel: a y quantity against the figure's x axis. */
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
}

export interface LineBandSpec {
  /** The x-axis title: "phase", "iteration", "round" (the paper's) or any text. */
  readonly x: AxisName | string;
  readonly panels: readonly Panel[];
  readonly title?: string;
  /** Pixel size; default 460 px wide per panel (at most 1100) and 440 high (the legend sits below the panels). */
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

/**
 * A row of panels of mean ± std curves across seeds: the shape of every results figure of the paper.
 * Per series and panel it emits a band trace (a closed polygon: mean + std forwards, mean − std backwards,
 * `fill: 'toself'`) and a mean line; then the reference lines and the paper overlays.
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
  const count = spec.panels.length;
  const gap = count > 1 ? 0.08 : 0;
  const widthEach = (1 - gap * (count - 1)) / count;
  const annotations: Record<string, unknown>[] = [];

  spec.panels.forEach((panel, i) => {
    const axisSuffix = i === 0 ? '' : String(i + 1);
    const xref = `x${axisSuffix}`;
    const yref = `y${axisSuffix}`;
    let xMin = Infinity;
    let xMax = -Infinity;

    for (const s of panel.series) {
      if (s.curves.length === 0) throw new RangeError(`lineBandFigure: series "${s.name}" has no curves`);
      const band = meanStd(s.curves);
      const x = s.x ? Array.from(s.x) : band.mean.map((_, t) => t);
      if (x.length !== band.mean.length) {
        throw new RangeError(`lineBandFigure: series "${s.name}" has ${x.length} x values for ${band.mean.length} points`);
      }
      for (const v of x) {
        xMin = Math.min(xMin, v);
        xMax = Math.max(xMax, v);
      }
      const c = color(s.name);
      if (band.n > 1 && s.band !== false) {
        data.push({
          type: 'scatter', mode: 'lines', name: `${s.name} ± std`, legendgroup: s.name, showlegend: false,
          x: [...x, ...x.slice().reverse()],
          y: [...band.mean.map((m, t) => m + band.std[t]), ...band.mean.map((m, t) => m - band.std[t]).reverse()],
          fill: 'toself', fillcolor: withAlpha(c, 0.2), line: { width: 0, color: c }, hoverinfo: 'skip',
          xaxis: xref, yaxis: yref,
        });
      }
      data.push({
        type: 'scatter', mode: x.length === 1 ? 'markers' : 'lines', name: s.name, legendgroup: s.name,
        showlegend: showOnce(s.name), x, y: band.mean,
        line: { color: c, width: 2, dash: s.dash ?? 'solid' }, marker: { color: c },
        customdata: band.std, hovertemplate: `${s.name}: %{y:.3f} ± %{customdata:.3f}<extra></extra>`,
        xaxis: xref, yaxis: yref,
      });
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
      data.push({
        type: 'scatter', mode: 'lines+markers', name, legendgroup: name, showlegend: showOnce(name), x, y,
        line: { color: color(o.series), width: 1.5, dash: 'dash' }, marker: { color: color(o.series), size: 6, symbol: 'diamond-open' },
        hovertemplate: `${name}: %{y:.2f}<extra></extra>`, xaxis: xref, yaxis: yref,
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
        hovertemplate: `${r.label}: ${r.y}<extra></extra>`, xaxis: xref, yaxis: yref,
      });
    });

    const left = i * (widthEach + gap);
    layout[`xaxis${axisSuffix}`] = {
      title: { text: axisTitle(spec.x) }, domain: [left, left + widthEach], anchor: yref, zeroline: false,
    };
    layout[`yaxis${axisSuffix}`] = {
      title: { text: axisTitle(panel.y) }, anchor: xref, zeroline: false,
      ...(panel.yRange ? { range: [...panel.yRange] } : {}),
    };
    if (panel.title) {
      annotations.push({
        text: `<b>${panel.title}</b>`, xref: 'paper', yref: 'paper', x: left, y: 1.02, xanchor: 'left', yanchor: 'bottom',
        showarrow: false, font: { size: 14 },
      });
    }
  });

  Object.assign(layout, {
    template: 'plotly_white',
    width: spec.width ?? Math.min(1100, 460 * count),
    height: spec.height ?? 440,
    margin: { l: 60, r: 20, t: spec.title ? 60 : 30, b: 55 },
    legend: { orientation: 'h', x: 0, y: -0.2, yanchor: 'top' },
    hovermode: 'closest',
    annotations,
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
  readonly color?: string;
  readonly dash?: 'solid' | 'dash' | 'dot' | 'dashdot';
}

/** Values read off the paper's figure for one series, per metric (either may be omitted). */
export interface PaperMetricOverlay {
  readonly series: string;
  readonly x: Curve;
  readonly reward?: Curve;
  readonly cooperation?: Curve;
}

export interface MetricFigureSpec {
  readonly series: readonly MetricSeries[];
  readonly paper?: readonly PaperMetricOverlay[];
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

/** The reward and cooperation panels of a two-panel figure against the x axis named. */
export function metricPanels(x: AxisName | string, spec: MetricFigureSpec): Figure {
  const pick = (metric: 'reward' | 'cooperation'): BandSeries[] =>
    spec.series.map((s) => ({ name: s.name, curves: s[metric], x: s.x, color: s.color, dash: s.dash }));
  const overlays = (metric: 'reward' | 'cooperation'): PaperOverlay[] =>
    (spec.paper ?? []).flatMap((o) => {
      const y = o[metric];
      return y ? [{ series: o.series, x: o.x, y }] : [];
    });
  return lineBandFigure({
    x,
    title: spec.title,
    width: spec.width,
    height: spec.height,
    panels: [
      { y: 'reward', series: pick('reward'), references: spec.rewardReferences, paper: overlays('reward'), title: spec.panelTitles?.[0], yRange: spec.rewardRange },
      { y: 'cooperation', series: pick('cooperation'), references: spec.cooperationReferences, paper: overlays('cooperation'), title: spec.panelTitles?.[1], yRange: [-0.02, 1.02] },
    ],
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

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}
