/**
 * The browser test (issue 28): JupyterLab as `npm start` serves it, driven by headless Chromium the way a person uses
 * it (./lab-driver.ts): open a notebook, Run All from the Run menu, see the figures drawn by JupyterLab's plotly
 * renderer, save with Ctrl-S, and check what was saved: the figures' data and small PNGs, no plotly library, under 2 MB.
 *
 * It runs a copy of notebooks/00-the-game.ipynb (outputs cleared) in a temporary folder served with `--dir`, so the
 * committed notebook is never touched. scripts/test.sh runs it after the unit tests; `scripts/setup.sh --lab --png`
 * installs JupyterLab (.venv) and Chromium.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PLOTLY_MIME } from '../../src/report/display';
import {
  CHROMIUM, ROOT, freePort, launchBrowser, openNotebook, runAll, save, sourceOf, startLab, stopLab, waitForFigures, writeCleared,
  type Notebook,
} from './lab-driver';

const NOTEBOOK = '00-the-game.ipynb';
const MAX_BYTES = 2_000_000;

test('JupyterLab from npm start runs a notebook through the UI, draws its plotly figures and saves it under 2 MB', {
  skip: !existsSync(CHROMIUM) && `no Chromium at ${CHROMIUM} (bash scripts/setup.sh --png installs it)`,
  timeout: 240_000,
}, async () => {
  assert.ok(existsSync(join(ROOT, '.venv', 'bin', 'jupyter-lab')),
    'JupyterLab is not installed in .venv: run bash scripts/setup.sh --lab (pip could not install it?)');
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'icl-lab-'));
  const file = join(dir, NOTEBOOK);
  const original = writeCleared(join(ROOT, 'notebooks', NOTEBOOK), file);
  const figures = original.cells.filter((c) => c.cell_type === 'code' && /showFigure\(/.test(sourceOf(c))).length;
  assert.ok(figures >= 3, `${NOTEBOOK} should show figures (found ${figures} cells calling showFigure)`);

  const lab = await startLab(dir, await freePort());
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await openNotebook(page, lab, NOTEBOOK);
    await runAll(page, original.cells.filter((c) => c.cell_type === 'code').length, 150_000);
    assert.equal(await page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').count(), 0,
      'a cell wrote to stderr (a TypeScript error?)');

    // The figures are drawn by JupyterLab's plotly renderer (an SVG plot, not an image or text), with traces.
    await waitForFigures(page, figures);
    // Their lines are drawn from the data (typed-array specs decoded): SVG paths with real geometry.
    const lines = await page.evaluate(`[...document.querySelectorAll('.jp-RenderedPlotly .scatterlayer path.js-line')]
      .filter((p) => (p.getAttribute('d') || '').split(/[ML]/).length > 10).length`) as number;
    assert.ok(lines >= figures, `the figures' lines are drawn (${lines} SVG paths of 10 points or more)`);
    // Save once the renderer has attached its PNGs.
    await page.waitForTimeout(1500);
    await save(page);
  } finally {
    await browser.close().catch(() => undefined);
    await stopLab(lab);
  }
  try {
    const bytes = statSync(file).size;
    const text = readFileSync(file, 'utf8');
    const saved = JSON.parse(text) as Notebook;
    assert.ok(bytes < MAX_BYTES, `the saved notebook is ${(bytes / 1e6).toFixed(2)} MB`);
    assert.equal(saved.metadata.kernelspec?.name, 'tslab-icl');
    const plots = saved.cells.flatMap((c) => c.outputs ?? []).filter((o) => o.data?.[PLOTLY_MIME] !== undefined);
    assert.equal(plots.length, figures, 'one plotly output per figure cell');
    for (const o of plots) {
      const spec = o.data?.[PLOTLY_MIME] as { data?: unknown[] };
      assert.equal(typeof spec, 'object', 'the spec is saved as JSON data, not as a string');
      assert.ok(Array.isArray(spec.data) && spec.data.length > 0);
    }
    const withPng = plots.filter((o) => typeof o.data?.['image/png'] === 'string').length;
    assert.ok(withPng > 0, 'JupyterLab saved a PNG beside the figure data');
    assert.ok(!text.includes('plotly.js v'), 'no plotly.js library in the notebook');
    console.log(`browser test: ${NOTEBOOK} run in JupyterLab, ${plots.length} figures drawn (${withPng} with a PNG), saved at ` +
      `${(bytes / 1024).toFixed(0)} KB, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
