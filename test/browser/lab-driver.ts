/**
 * Driving JupyterLab as `npm start` serves it, in headless Chromium (Debian's, through playwright-core), the way a
 * person uses it: start the server with scripts/notebooks.sh, open a notebook, Run All from the Run menu, wait for
 * every cell, save with Ctrl-S. Used by the browser test (jupyterlab.test.ts) and by scripts/lab-check.ts, which runs
 * every numbered notebook this way and reports the saved sizes.
 *
 * Page functions are strings: this project compiles without the DOM library.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_FLAGS } from '../../src/report/display';

export const ROOT = resolve(__dirname, '..', '..');
export const CHROMIUM = process.env.ICL_CHROMIUM ?? '/usr/bin/chromium';

export interface Output { output_type: string; data?: Record<string, unknown>; name?: string; text?: string | string[] }
export interface Cell { cell_type: string; id?: string; source: string | string[]; outputs?: Output[]; execution_count?: number | null }
export interface Notebook { cells: Cell[]; metadata: { kernelspec?: { name?: string } } }

export const sourceOf = (c: Cell): string => (Array.isArray(c.source) ? c.source.join('') : c.source);

/** Writes a copy of a notebook with its outputs cleared (what a person who runs it from scratch starts from). */
export function writeCleared(from: string, to: string): Notebook {
  const nb = JSON.parse(readFileSync(from, 'utf8')) as Notebook;
  for (const c of nb.cells) {
    if (c.cell_type !== 'code') continue;
    c.outputs = [];
    c.execution_count = null;
  }
  writeFileSync(to, JSON.stringify(nb, null, 1));
  return nb;
}

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => done(port));
    });
  });
}

export interface Lab {
  readonly child: ChildProcess;
  /** The URL notebooks.sh printed (with its token). */
  readonly url: URL;
  output(): string;
}

/** Starts `npm start`'s script serving `dir` and resolves with the URL it prints (the server keeps running). */
export function startLab(dir: string, port: number): Promise<Lab> {
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

/** Stops notebooks.sh (its trap stops the server and its kernels). */
export function stopLab(lab: Lab): Promise<void> {
  const child = lab.child;
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(kill);
      done();
    });
    child.kill('SIGTERM');
  });
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_FLAGS] });
}

/** Opens a notebook of the served folder and waits until its kernel is idle. */
export async function openNotebook(page: Page, lab: Lab, name: string): Promise<void> {
  const url = new URL(lab.url);
  url.pathname = `/lab/tree/${name}`;
  url.searchParams.set('reset', ''); // a fresh workspace: no tabs restored from an earlier session
  await page.goto(url.href);
  await page.locator('.jp-Notebook .jp-Cell').first().waitFor({ timeout: 60_000 });
  // Opened by URL while JupyterLab is still loading its kernelspecs, a notebook may ask which kernel to start (a
  // person who opens it from the file browser does not see this): pick the notebook's own.
  const dialog = page.locator('.jp-Dialog', { hasText: 'Select Kernel' });
  await dialog.waitFor({ timeout: 4000 }).then(async () => {
    await dialog.locator('select').selectOption({ label: KERNEL_DISPLAY_NAME });
    await dialog.locator('button', { hasText: /^Select$/ }).click();
  }, () => undefined);
  await page.locator('.jp-Toolbar-kernelName', { hasText: KERNEL_DISPLAY_NAME }).first().waitFor({ timeout: 30_000 });
  await page.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]').waitFor({ timeout: 90_000 });
}

export const KERNEL_DISPLAY_NAME = 'TypeScript (icl-coop)';

/** Run > Run All Cells, then waits until every code cell has an execution count (none left at "[*]"). */
export async function runAll(page: Page, codeCells: number, timeoutMs: number): Promise<void> {
  await page.locator('.lm-MenuBar-itemLabel', { hasText: /^Run$/ }).click();
  await page.locator('.lm-Menu-itemLabel', { hasText: /^Run All Cells$/ }).click();
  await page.waitForFunction(`(() => {
    const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map((p) => p.textContent || '');
    return prompts.length === ${codeCells} && prompts.every((p) => /\\[\\d+\\]/.test(p));
  })()`, undefined, { timeout: timeoutMs, polling: 500 });
}

/** Waits until at least `n` figures are drawn by JupyterLab's plotly renderer (SVG plots, not images or text). */
export async function waitForFigures(page: Page, n: number, timeoutMs = 60_000): Promise<void> {
  await page.waitForFunction(`document.querySelectorAll('.jp-RenderedPlotly .plot-container').length >= ${n}`,
    undefined, { timeout: timeoutMs });
}

/** Ctrl-S, then waits until the notebook's tab is no longer marked dirty. */
export async function save(page: Page): Promise<void> {
  await page.locator('.jp-Notebook').first().click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+s');
  await page.waitForFunction(`!document.querySelector('.lm-TabBar-tab.jp-mod-current.jp-mod-dirty')`, undefined, { timeout: 30_000 });
  await page.waitForTimeout(500);
}

/** Kernel > Shut Down Kernel (a notebook's kernel keeps running after its page is closed otherwise). */
export async function shutDownKernel(page: Page): Promise<void> {
  await page.locator('.lm-MenuBar-itemLabel', { hasText: /^Kernel$/ }).click();
  await page.locator('.lm-Menu-itemLabel', { hasText: /^Shut Down Kernel$/ }).click();
  await page.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"], .jp-Notebook-ExecutionIndicator[data-status="dead"]')
    .first().waitFor({ timeout: 15_000 }).catch(() => undefined);
}
