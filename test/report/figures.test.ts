import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AXIS, episodeFigure, lineBandFigure, meanStd, PAPER_LEGEND, partialBand, payoffMatrixFigure, trainingFigure, zdRelationFigure,
  type Figure, type Trace,
} from '../../src/report/figures';

const close = (a: readonly number[], b: readonly number[], tol = 1e-12): void => {
  assert.equal(a.length, b.length);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) <= tol, `index ${i}: ${v} vs ${b[i]}`));
};
const traces = (fig: Figure, pred: (t: Trace) => boolean): Trace[] => fig.data.filter(pred);

test('meanStd: hand-computed mean and sample std (ddof 1) across three seeds, and ddof 0', () => {
  // Point 0: values 1, 2, 3 -> mean 2, sample variance ((1)+(0)+(1))/2 = 1; point 1: 0, 0, 6 -> mean 2, var (4+4+16)/2 = 12.
  const band = meanStd([[1, 0], [2, 0], [3, 6]]);
  assert.equal(band.n, 3);
  close(band.mean, [2, 2]);
  close(band.std, [1, Math.sqrt(12)]);
  close(meanStd([[1, 0], [2, 0], [3, 6]], 0).std, [Math.sqrt(2 / 3), Math.sqrt(8)]);
});

test('meanStd: one curve has std 0; typed arrays work; unequal lengths and NaN are rejected with the index', () => {
  const one = meanStd([Float64Array.from([0.5, 0.25])]);
  close(one.mean, [0.5, 0.25]);
  close(one.std, [0, 0]);
  assert.throws(() => meanStd([[1, 2], [1]]), /curve 1 has 1 points, curve 0 has 2/);
  assert.throws(() => meanStd([[1, NaN]]), /curve 0 has a non-finite value NaN at index 1/);
  assert.throws(() => meanStd([]), /at least one curve/);
});

test('lineBandFigure: the band polygon is mean + std forwards then mean − std backwards, the line is the mean', () => {
  const curves = [[0, 1, 2], [2, 1, 4]]; // means 1, 1, 3; sample stds sqrt(2), 0, sqrt(2)
  const fig = lineBandFigure({ x: 'phase', panels: [{ y: 'reward', series: [{ name: 'PPI', curves, x: [1, 2, 3] }] }] });
  const [band] = traces(fig, (t) => t.fill === 'toself');
  const [line] = traces(fig, (t) => t.name === 'PPI');
  const s = Math.SQRT2;
  assert.deepEqual(band.x, [1, 2, 3, 3, 2, 1]);
  close(band.y as number[], [1 + s, 1, 3 + s, 3 - s, 1, 1 - s]);
  assert.deepEqual(line.x, [1, 2, 3]);
  close(line.y as number[], [1, 1, 3]);
  close(line.customdata as number[], [s, 0, s]);
  assert.equal((fig.layout.xaxis as { title: { text: string } }).title.text, AXIS.phase);
  assert.equal((fig.layout.yaxis as { title: { text: string } }).title.text, AXIS.reward);
});

test('lineBandFigure: a single seed draws no band; default x is 0..n-1', () => {
  const fig = lineBandFigure({ x: 'round', panels: [{ y: 'cooperation', series: [{ name: 'TFT', curves: [[1, 0.5, 0.25]] }] }] });
  assert.equal(traces(fig, (t) => t.fill === 'toself').length, 0);
  assert.deepEqual(traces(fig, (t) => t.name === 'TFT')[0].x, [0, 1, 2]);
});

test('lineBandFigure: series keep one colour and one legend entry across panels; references span the x range; paper overlays are dashed', () => {
  const fig = lineBandFigure({
    x: 'iteration',
    panels: [
      {
        y: 'reward',
        series: [{ name: 'A2C', curves: [[0, 1]], x: [0, 5000] }, { name: 'vs Tabular', curves: [[1, 1]], x: [0, 5000] }],
        references: [{ y: 1.01, label: 'exact ceiling' }],
        paper: [{ series: 'A2C', x: [0, 10000], y: [0.1, 0.95] }],
      },
      { y: 'cooperation', series: [{ name: 'A2C', curves: [[0, 1]], x: [0, 5000] }] },
    ],
  });
  const a2c = traces(fig, (t) => t.name === 'A2C');
  assert.equal(a2c.length, 2);
  assert.equal((a2c[0].line as { color: string }).color, (a2c[1].line as { color: string }).color);
  assert.deepEqual(a2c.map((t) => t.showlegend), [true, false]);
  assert.deepEqual(a2c.map((t) => t.yaxis), ['y', 'y2']);
  const [paper] = traces(fig, (t) => t.name === 'A2C (paper)');
  assert.equal((paper.line as { dash: string }).dash, 'dash');
  assert.equal((paper.line as { color: string }).color, (a2c[0].line as { color: string }).color);
  const [ref] = traces(fig, (t) => t.name === 'exact ceiling');
  assert.deepEqual(ref.x, [0, 10000]); // the overlay extends the x range
  assert.deepEqual(ref.y, [1.01, 1.01]);
  const vsTab = traces(fig, (t) => t.name === 'vs Tabular')[0];
  assert.notEqual((vsTab.line as { color: string }).color, (a2c[0].line as { color: string }).color);
  const [d1, d2] = [fig.layout.xaxis, fig.layout.xaxis2] as { domain: number[] }[];
  assert.ok(d1.domain[1] < d2.domain[0], 'the panels sit side by side without overlap');
});

test('partialBand: curves of different lengths and gaps average over the seeds present at each point', () => {
  const b = partialBand([[1, 3, 5], [3, NaN], [2]]);
  assert.deepEqual(b.n, [3, 1, 1]);
  close(b.mean, [2, 3, 5]);
  close(b.std, [1, 0, 0]);
});

test('lineBandFigure: seeds of different lengths: band and mean where two or more seeds have values, each seed thinly over its own length', () => {
  const fig = lineBandFigure({
    x: 'iteration',
    panels: [{ y: 'reward', series: [{ name: 'A2C', curves: [[1, 2, 3, 4], [3, 4]], x: [0, 1000, 2000, 3000], labels: ['seed 10', 'seed 11'] }] }],
  });
  const [band] = traces(fig, (t) => t.fill === 'toself');
  assert.deepEqual(band.x, [0, 1000, 1000, 0], 'the band stops where the shorter seed stops');
  const [mean] = traces(fig, (t) => t.name === 'A2C');
  assert.deepEqual(mean.x, [0, 1000]);
  close(mean.y as number[], [2, 3]);
  const seeds = traces(fig, (t) => /^A2C, seed/.test(String(t.name)));
  assert.deepEqual(seeds.map((t) => [t.name, (t.x as number[]).length]), [['A2C, seed 10', 4], ['A2C, seed 11', 2]]);
  assert.ok(seeds.every((t) => t.showlegend === false && (t.line as { width: number }).width === 1));
  // Equal lengths: no per-seed lines.
  const even = lineBandFigure({ x: 'iteration', panels: [{ y: 'reward', series: [{ name: 'A2C', curves: [[1, 2], [3, 4]] }] }] });
  assert.equal(traces(even, (t) => /seed|curve/.test(String(t.name))).length, 0);
});

test('trainingFigure with a paper row: the paper on its own axis below ours, the series\' line style per experiment, one legend entry for the paper', () => {
  const fig = trainingFigure('phase', {
    series: [
      { name: 'PPI¹ vs PPI²', reward: [[0.1, 0.1]], cooperation: [[0.1, 0.1]], x: [1, 2] },
      { name: 'Opponent ID: PPI¹ vs PPI²', reward: [[0, 0]], cooperation: [[0, 0]], x: [1, 2], dash: 'dash' },
    ],
    paper: [
      { series: 'PPI¹ vs PPI²', x: [1, 12, 30], cooperation: [0.1, 0.89, 0.89] },
      { series: 'Opponent ID: PPI¹ vs PPI²', x: [1, 30], cooperation: [0.1, 0.1] },
    ],
    paperRow: { x: 'Training Phase, the paper\'s (30 phases)', title: 'The paper', spans: [{ x0: 0.5, x1: 2.5, label: 'ours: 2 phases' }], xRange: [0, 30.5] },
  });
  const paper = traces(fig, (t) => String(t.name).endsWith('(paper)'));
  assert.deepEqual(paper.map((t) => [t.name, t.xaxis, (t.line as { dash: string }).dash]),
    [['PPI¹ vs PPI² (paper)', 'x4', 'solid'], ['Opponent ID: PPI¹ vs PPI² (paper)', 'x4', 'dash']]);
  assert.deepEqual(paper[0].x, [1, 12, 30], 'the paper\'s own phases');
  assert.ok(paper.every((t) => t.showlegend === false && (t.marker as { symbol: string }).symbol === 'diamond-open'));
  assert.equal(traces(fig, (t) => t.name === PAPER_LEGEND && t.showlegend === true).length, 1);
  const x4 = fig.layout.xaxis4 as { title: { text: string }; range: number[] };
  assert.equal(x4.title.text, 'Training Phase, the paper\'s (30 phases)');
  assert.deepEqual(x4.range, [0, 30.5]);
  const [y1, y3] = [fig.layout.yaxis, fig.layout.yaxis3] as { domain: number[] }[];
  assert.ok(y3.domain[1] < y1.domain[0], 'the paper\'s row sits below ours');
  // Our phases are whole numbers: ticks at every phase, no 1.2 or 1.5.
  assert.deepEqual([(fig.layout.xaxis as { dtick: number }).dtick, (fig.layout.xaxis as { tickformat: string }).tickformat], [1, 'd']);
  assert.deepEqual((fig.layout.xaxis4 as { dtick: number }).dtick, 5);
});

test('lineBandFigure: the legend sits below the x-axis titles inside a bottom margin sized for its rows', () => {
  const many = Array.from({ length: 9 }, (_, i) => ({ name: `a rather long series name number ${i}`, curves: [[0, 1]] }));
  const fig = lineBandFigure({ x: 'round', panels: [{ y: 'reward', series: many }, { y: 'cooperation', series: many }] });
  const legend = fig.layout.legend as { y: number; yanchor: string };
  const margin = fig.layout.margin as { b: number; t: number };
  const inner = (fig.layout.height as number) - margin.t - margin.b;
  assert.equal(legend.yanchor, 'top');
  assert.ok(-legend.y * inner >= 60, 'the legend starts 60 px or more below the plot, under the axis title');
  assert.ok(margin.b >= 62 + 3 * 22, `room for several legend rows (margin ${margin.b})`);
});

test('trainingFigure and episodeFigure: reward and cooperation panels with the paper axis labels and overlays per metric', () => {
  const fig = trainingFigure('phase', {
    series: [{ name: 'PPI', reward: [[0.1, 0.9], [0.3, 0.9]], cooperation: [[0.1, 0.8], [0.1, 1.0]], x: [1, 30] }],
    paper: [{ series: 'PPI', x: [30], reward: [0.92] }],
  });
  const titles = ['xaxis', 'yaxis', 'xaxis2', 'yaxis2'].map((k) => (fig.layout[k] as { title: { text: string } }).title.text);
  assert.deepEqual(titles, [AXIS.phase, AXIS.reward, AXIS.phase, AXIS.cooperation]);
  const overlays = traces(fig, (t) => t.name === 'PPI (paper)');
  assert.equal(overlays.length, 1, 'the cooperation panel has no paper values here');
  assert.equal(overlays[0].yaxis, 'y');
  const coop = traces(fig, (t) => t.name === 'PPI' && t.yaxis === 'y2')[0];
  close(coop.y as number[], [0.1, 0.9]);
  const ep = episodeFigure({ series: [{ name: 'vs TFT', reward: [[1, 1, 1]], cooperation: [[1, 1, 1]] }] });
  assert.equal((ep.layout.xaxis as { title: { text: string } }).title.text, AXIS.round);
});

test('payoffMatrixFigure: rows are my action, columns the co-player\'s; z is my payoff', () => {
  const fig = payoffMatrixFigure({ R: 1, S: -1, T: 2, P: 0 });
  assert.deepEqual(fig.data[0].z, [[1, -1], [2, 0]]);
  assert.match(String((fig.data[0].text as string[][])[0][1]), /\(-1, 2\)/);
});

test('zdRelationFigure: the line has slope chi through (P, P)', () => {
  const fig = zdRelationFigure({ points: [{ sx: 1, sy: 0.5 }, { sx: 0, sy: 0 }], chi: 2, P: 0 });
  const line = fig.data[1];
  const [x0, x1] = line.x as number[];
  const [y0, y1] = line.y as number[];
  assert.ok(Math.abs((y1 - y0) / (x1 - x0) - 2) < 1e-12);
  assert.ok(Math.abs(y0 - 2 * x0) < 1e-12);
});
