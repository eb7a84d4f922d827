/**
 * The browser test (issue 28): JupyterLab as `npm start` serves it, driven by headless Chromium (Debian's, through
 * playwright-core) the way a person uses it: open a notebook, Run All from the Run menu, see the figures drawn by
 * JupyterLab's plotly renderer, save with Ctrl-S, and check what was saved: the figures' data and small PNGs, no
 * plotly library, under 2 MB.
 *
 * It runs a copy of notebooks/00-the-game.ipynb (outputs cleared) in a temporary folder served with `--dir`, so the
 * committed notebook is never touched. scripts/test.sh runs it after the unit tests; `scripts/setup.sh --lab --png`
 * installs JupyterLab (.venv) and Chromium.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM_FLAGS, PLOTLY_MIME } from '../../src/report/display';

const ROOT = resolve(__dirname, '..', '..');
const NOTEBOOK = '00-the-game.ipynb';
const MAX_BYTES = 2_000_000;
const CHROMIUM = process.env.ICL_CHROMIUM ?? '/usr/bin/chromium';

interface Cell { cell_type: string; source: string | string[]; outputs?: Output[]; execution_count?: number | null }
interface Output { output_type: string; data?: Record<string, unknown>; name?: string; text?: string | string[] }
interface Notebook { cells: Cell[]; metadata: { kernelspec?: { name?: string } } }

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => done(port));
    });
  });
}

/** Starts `npm start`'s script on `dir` and resolves with the URL it prints (the server keeps running). */
function startLab(dir: string, port: number): Promise<{ child: ChildProcess; url: URL; output: () => string }> {
  const child = spawn('bash', [join(ROOT, 'scripts', 'notebooks.sh'), '--port', String(port), '--dir', dir], {
    cwd: ROOT, env: { ...process.env, ICL_FIGURES: '' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (b) => (out += String(b)));
  child.stderr?.on('data', (b) => (out += String(b)));
  return new Promise((done, fail) => {
    const timer = setInterval(() => {
      const m = /(http:\/\/127\.0\.0\.1:\d+\/lab\/tree\/\S*\?token=[0-9a-f]+)/.exec(out);
      if (m) {
        clearInterval(timer);
        done({ child, url: new URL(m[1]), output: () => out });
      }
    }, 100);
    child.once('exit', (code) => {
      clearInterval(timer);
      fail(new Error(`notebooks.sh exited (${code}) before printing the URL:\n${out}`));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(kill);
      done();
    });
    child.kill('SIGTERM'); // notebooks.sh's trap stops the server and its kernels
  });
}

async function runAll(page: Page): Promise<void> {
  await page.locator('.lm-MenuBar-itemLabel', { hasText: /^Run$/ }).click();
  await page.locator('.lm-Menu-itemLabel', { hasText: /^Run All Cells$/ }).click();
}

const codeCellCount = (nb: Notebook): number => nb.cells.filter((c) => c.cell_type === 'code').length;
const figureCells = (nb: Notebook): number =>
  nb.cells.filter((c) => c.cell_type === 'code' && /showFigure\(/.test(Array.isArray(c.source) ? c.source.join('') : c.source)).length;

test('JupyterLab from npm start runs a notebook through the UI, draws its plotly figures and saves it under 2 MB', {
  skip: !existsSync(CHROMIUM) && `no Chromium at ${CHROMIUM} (bash scripts/setup.sh --png installs it)`,
  timeout: 240_000,
}, async () => {
  assert.ok(existsSync(join(ROOT, '.venv', 'bin', 'jupyter-lab')),
    'JupyterLab is not installed in .venv: run bash scripts/setup.sh --lab (pip could not install it?)');
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'icl-lab-'));
  const original = JSON.parse(readFileSync(join(ROOT, 'notebooks', NOTEBOOK), 'utf8')) as Notebook;
  for (const c of original.cells) if (c.cell_type === 'code') { c.outputs = []; c.execution_count = null; }
  const file = join(dir, NOTEBOOK);
  writeFileSync(file, JSON.stringify(original, null, 1));
  const figures = figureCells(original);
  assert.ok(figures >= 3, `${NOTEBOOK} should show figures (found ${figures} cells calling showFigure)`);

  const lab = await startLab(dir, await freePort());
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_FLAGS] });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const url = new URL(lab.url);
    url.pathname = `/lab/tree/${NOTEBOOK}`;
    await page.goto(url.href);
    await page.locator('.jp-Notebook .jp-Cell').first().waitFor({ timeout: 60_000 });
    await page.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]').waitFor({ timeout: 90_000 });
    // The notebook's own kernel, as the default kernel would be for a new one.
    await assert.doesNotReject(page.locator('.jp-KernelName', { hasText: 'TypeScript (icl-coop)' }).first().waitFor({ timeout: 10_000 }));

    await runAll(page);
    // Every code cell gets an execution count; none is left waiting ("[*]") and none prints an error.
    const cells = codeCellCount(original);
    // (Page functions are strings: this project compiles without the DOM library.)
    await page.waitForFunction(`(() => {
      const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map((p) => p.textContent || '');
      return prompts.length === ${cells} && prompts.every((p) => /\\[\\d+\\]/.test(p));
    })()`, undefined, { timeout: 150_000, polling: 500 });
    assert.equal(await page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').count(), 0,
      'a cell wrote to stderr (a TypeScript error?)');

    // The figures are drawn by JupyterLab's plotly renderer (an SVG plot, not an image or text).
    const drawn = page.locator('.jp-RenderedPlotly .plot-container .main-svg');
    await page.waitForFunction(`document.querySelectorAll('.jp-RenderedPlotly .plot-container .main-svg').length >= ${figures}`,
      undefined, { timeout: 60_000 });
    assert.ok(await drawn.count() >= figures);
    await drawn.first().scrollIntoViewIfNeeded();
    assert.ok(await page.locator('.jp-RenderedPlotly .main-svg .scatterlayer, .jp-RenderedPlotly .main-svg .heatmaplayer').count() > 0,
      'the plots have traces');

    // Save with Ctrl-S once the renderer has attached its PNGs, and wait until the tab is no longer dirty.
    await page.waitForTimeout(1500);
    await page.locator('.jp-Notebook').first().click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+s');
    await page.waitForFunction(`!document.querySelector('.lm-TabBar-tab.jp-mod-current.jp-mod-dirty')`, undefined, { timeout: 30_000 });
    await page.waitForTimeout(500);
  } finally {
    await browser.close().catch(() => undefined);
    await stop(lab.child);
  }
  try {
    const bytes = statSync(file).size;
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Notebook;
    assert.ok(bytes < MAX_BYTES, `the saved notebook is ${(bytes / 1e6).toFixed(2)} MB`);
    assert.equal(saved.metadata.kernelspec?.name, 'tslab-icl');
    const outputs = saved.cells.flatMap((c) => c.outputs ?? []);
    const plots = outputs.filter((o) => o.data?.[PLOTLY_MIME] !== undefined);
    assert.equal(plots.length, figures, 'one plotly output per figure cell');
    for (const o of plots) {
      const spec = o.data?.[PLOTLY_MIME] as { data?: unknown[] };
      assert.equal(typeof spec, 'object', 'the spec is saved as JSON data, not as a string');
      assert.ok(Array.isArray(spec.data) && spec.data.length > 0);
    }
    const withPng = plots.filter((o) => typeof o.data?.['image/png'] === 'string').length;
    assert.ok(withPng > 0, 'JupyterLab saved a PNG beside the figure data');
    assert.ok(!readFileSync(file, 'utf8').includes('plotly.js v'), 'no plotly.js library in the notebook');
    console.log(`browser test: ${NOTEBOOK} run in JupyterLab, ${plots.length} figures drawn (${withPng} with a PNG), saved at ${(bytes / 1024).toFixed(0)} KB, ` +
      `${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
