import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  closeFigureRenderer, displayBundle, exportFigure, figureHtml, figureMode, frameHtml, plotlyMimeBundle, PLOTLY_MIME, inKernel, progressFields, progressPosition, showFigure,
} from '../../src/report/display';
import { lineBandFigure } from '../../src/report/figures';
import { toFrame } from '../../src/report/frames';

const fig = lineBandFigure({ x: 'round', panels: [{ y: 'reward', series: [{ name: '</script><b>x', curves: [[1, 2], [2, 3]] }] }] });

test('figureHtml: the spec is embedded as script-safe JSON in a sized div with the given id', () => {
  const html = figureHtml(fig, 'fig-1');
  assert.match(html, /<div id="fig-1" class="icl-figure" style="width:460px;height:427px;">/);
  assert.equal(html.match(/<\/script>/g)?.length, 1, 'a series name cannot close the script element');
  const json = /var fig = (.*);\n/.exec(html)?.[1] ?? '';
  assert.equal(JSON.parse(json).data[1].name, '</script><b>x');
});

test('figureMode reads ICL_FIGURES; outside a kernel showFigure says to use exportFigure', async () => {
  const saved = process.env.ICL_FIGURES;
  try {
    delete process.env.ICL_FIGURES;
    assert.equal(figureMode(), 'plotly', 'the default: plotly\'s MIME type');
    for (const m of ['plotly', 'plotly+png', 'png', 'html']) {
      process.env.ICL_FIGURES = m;
      assert.equal(figureMode(), m);
    }
    process.env.ICL_FIGURES = 'svg';
    assert.throws(() => figureMode(), /ICL_FIGURES must be one of "plotly", "plotly\+png", "png", "html", got "svg"/);
  } finally {
    if (saved === undefined) delete process.env.ICL_FIGURES;
    else process.env.ICL_FIGURES = saved;
  }
  assert.equal(inKernel(), false);
  await assert.rejects(showFigure(fig, { mode: 'html' }), /no tslab kernel here; in scripts use exportFigure/);
});

test('plotlyMimeBundle: the spec as a JSON object (JupyterLab\'s renderer does not parse a string), a text line, the PNG when given', () => {
  const titled = { ...fig, layout: { ...fig.layout, title: { text: '<b>Fig. 1B</b>: A2C' } } };
  const bundle = plotlyMimeBundle(titled);
  const spec = bundle[PLOTLY_MIME] as { data: unknown[]; layout: Record<string, unknown>; config: Record<string, unknown> };
  assert.equal(typeof spec, 'object');
  assert.equal(spec.data.length, fig.data.length);
  assert.equal(spec.config.displaylogo, false);
  assert.equal(bundle['text/plain'], '[plotly figure: Fig. 1B: A2C] (drawn by JupyterLab\'s plotly renderer)');
  assert.equal('image/png' in bundle, false);
  assert.equal(plotlyMimeBundle(fig, Buffer.from([1, 2, 3]))['image/png'], 'AQID');
  assert.equal(JSON.stringify(bundle).length < 5_000, true, 'the data, not the library');
  // Number arrays travel as plotly typed-array specs (base64 Int32 / Float32), short ones and mixed ones as they are.
  const precise = { data: [{ name: 'a', x: [0, 4500, 200_000, 7], y: [0.123456789, -1, NaN, 2.5], text: ['a', 'b', 'c', 'd'], z: [1, 2] }], layout: {} };
  const sent = (plotlyMimeBundle(precise)[PLOTLY_MIME] as { data: Record<string, unknown>[] }).data[0];
  const x = sent.x as { dtype: string; bdata: string };
  const y = sent.y as { dtype: string; bdata: string };
  assert.deepEqual([x.dtype, y.dtype], ['i4', 'f4']);
  assert.deepEqual(Array.from(new Int32Array(new Uint8Array(Buffer.from(x.bdata, 'base64')).buffer)), [0, 4500, 200_000, 7]);
  const ys = Array.from(new Float32Array(new Uint8Array(Buffer.from(y.bdata, 'base64')).buffer));
  assert.ok(Math.abs(ys[0] - 0.123456789) < 1e-7 && ys[1] === -1 && Number.isNaN(ys[2]) && ys[3] === 2.5);
  assert.deepEqual([sent.name, sent.text, sent.z], ['a', ['a', 'b', 'c', 'd'], [1, 2]]);
  assert.equal(precise.data[0].y[0], 0.123456789, 'the figure itself is not changed');
});

test('displayBundle reaches the function tslab uses for its own display outputs', () => {
  // tslab 1.0.22 keeps it in dist/jupyter (set while a cell runs); a tslab upgrade that moves it must fail here.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const jupyter = require('tslab/dist/jupyter') as Record<string, unknown>;
  assert.ok('lastWriteDisplayData' in jupyter);
  assert.throws(() => displayBundle({}), /no tslab kernel here/);
});

test('frameHtml: escapes text, rounds numbers, keeps integers', () => {
  const html = frameHtml(toFrame([{ name: 'a<b', v: 0.123456, n: 3 }]), { digits: 2 });
  assert.match(html, /<td>a&lt;b<\/td><td>0.12<\/td><td>3<\/td>/);
});

test('frameHtml: a column with fractions shows every number with the same decimals (0.000, not 0); blanks for null', () => {
  const html = frameHtml(toFrame([{ seed: 0, v: 0, w: null }, { seed: 1, v: 0.1254, w: 2 }, { seed: 2, v: -0.00001, w: 1 }]));
  const rows = [...html.matchAll(/<tr><td>(.*?)<\/td><td>(.*?)<\/td><td>(.*?)<\/td><\/tr>/g)].map((m) => m.slice(1));
  assert.deepEqual(rows, [['0', '0.000', ''], ['1', '0.125', '2'], ['2', '0.000', '1']]);
});

test('progress reports: step and total are recognised by name; nested numbers are flattened one level', () => {
  assert.deepEqual(progressPosition({ iteration: 40, iterations: 200, reward: 0.1 }), { step: 40, total: 200 });
  assert.deepEqual(progressPosition({ phase: 3 }), { step: 3, total: null });
  assert.deepEqual(progressFields({ phase: 3, metrics: { reward: 0.5, deep: { x: 1 } }, curve: [1, 2] }), [['phase', 3], ['metrics.reward', 0.5]]);
});

const chromium = process.env.ICL_CHROMIUM ?? '/usr/bin/chromium';
test('exportFigure writes a PNG (rendered in Chromium, re-encoded as RGB) and a standalone HTML file', { skip: !existsSync(chromium) && `no Chromium at ${chromium}` }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'icl-display-'));
  try {
    const png = await exportFigure(fig, join(dir, 'sub', 'f.png'), { scale: 1 });
    const bytes = readFileSync(png);
    assert.deepEqual([...bytes.subarray(1, 4)], [0x50, 0x4e, 0x47], 'PNG signature');
    assert.equal(bytes.readUInt32BE(16), 460, 'the layout width');
    assert.equal(bytes[25], 2, 'colour type RGB: the opaque alpha channel Chromium writes is dropped (./png)');
    const html = await exportFigure(fig, join(dir, 'f.html'));
    assert.ok(statSync(html).size > 1_000_000, 'plotly is inlined');
    await assert.rejects(exportFigure(fig, join(dir, 'f.svg')), /must end in .png or .html/);
  } finally {
    await closeFigureRenderer();
  }
});
