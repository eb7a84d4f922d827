/**
 * Runs notebooks the way a person does in JupyterLab (`npm start`'s server, headless Chromium): a copy of each with
 * its outputs cleared, Run All from the Run menu, Ctrl-S; then reports each saved file's size (they must stay under
 * 2 MB) and, with --screens, saves a screenshot of JupyterLab showing the notebook's first figure.
 *
 *   node --import tsx scripts/lab-check.ts [NAME ...] [--screens DIR]
 *
 *   NAME        notebook prefixes or file names (default: every numbered notebook, notebooks/NN-*.ipynb)
 *   --screens   write <DIR>/<notebook>.png: the first figure as a person sees it after Run All
 *
 * The committed notebooks are never touched. Exit code 1 if a notebook fails, shows no figure or saves at 2 MB or more.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  ROOT, freePort, launchBrowser, openNotebook, runAll, save, shutDownKernel, startLab, stopLab, waitForFigures, writeCleared,
  type Notebook,
} from '../test/browser/lab-driver';
import { PLOTLY_MIME } from '../src/report/display';

const MAX_BYTES = 2_000_000;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let screens: string | null = null;
  const names: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--screens') screens = resolve(args[++i] ?? '');
    else names.push(args[i]);
  }
  const all = readdirSync(join(ROOT, 'notebooks')).filter((f) => /^\d\d-.*\.ipynb$/.test(f)).sort();
  const chosen = names.length === 0 ? all : all.filter((f) => names.some((n) => f === n || f.startsWith(n)));
  if (chosen.length === 0) throw new Error(`no notebook matches ${names.join(', ')}`);
  if (screens) mkdirSync(screens, { recursive: true });

  const dir = mkdtempSync(join(tmpdir(), 'icl-lab-check-'));
  const lab = await startLab(dir, await freePort());
  const browser = await launchBrowser();
  let failed = 0;
  try {
    for (const name of chosen) {
      const file = join(dir, name);
      const nb = writeCleared(join(ROOT, 'notebooks', name), file);
      const codeCells = nb.cells.filter((c) => c.cell_type === 'code');
      const page = await browser.newPage({ viewport: { width: 1400, height: 1250 } });
      const started = Date.now();
      try {
        await openNotebook(page, lab, name);
        await runAll(page, codeCells.length, Number(process.env.LAB_CHECK_TIMEOUT ?? 900) * 1000);
        const errors = await page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').count();
        await waitForFigures(page, 1);
        await page.waitForTimeout(2000);
        if (screens) {
          // The first figure at the top of the view, fully drawn, as a person scrolling to it sees it.
          await page.evaluate(`document.querySelector('.jp-RenderedPlotly').closest('.jp-Cell').querySelector('.jp-RenderedPlotly').scrollIntoView({ block: 'start' })`);
          await page.waitForTimeout(1500);
          await page.evaluate(`document.querySelector('.jp-RenderedPlotly').scrollIntoView({ block: 'start' })`);
          await page.waitForTimeout(1500);
          await page.screenshot({ path: join(screens, name.replace(/\.ipynb$/, '.png')) });
        }
        await save(page);
        await shutDownKernel(page);
        const bytes = statSync(file).size;
        const saved = JSON.parse(readFileSync(file, 'utf8')) as Notebook;
        const outputs = saved.cells.flatMap((c) => c.outputs ?? []);
        const figures = outputs.filter((o) => o.data?.[PLOTLY_MIME] !== undefined);
        const withPng = figures.filter((o) => typeof o.data?.['image/png'] === 'string').length;
        const ok = errors === 0 && bytes < MAX_BYTES && figures.length > 0;
        if (!ok) failed++;
        console.log(`lab-check: ${ok ? 'ok    ' : 'FAILED'} ${name}: ${(bytes / 1024).toFixed(0)} KB after Run All + save, ` +
          `${figures.length} figures saved (${withPng} with a PNG), ${errors} stderr outputs, ${((Date.now() - started) / 1000).toFixed(1)} s`);
        if (process.env.LAB_CHECK_KEEP) copyFileSync(file, join(process.env.LAB_CHECK_KEEP, name));
      } catch (err) {
        failed++;
        if (screens) await page.screenshot({ path: join(screens, name.replace(/\.ipynb$/, '.failed.png')) }).catch(() => undefined);
        console.log(`lab-check: FAILED ${name}: ${(err as Error).message.split('\n')[0]}`);
      } finally {
        await page.close();
      }
    }
  } finally {
    await browser.close().catch(() => undefined);
    await stopLab(lab);
    rmSync(dir, { recursive: true, force: true });
  }
  if (failed > 0) process.exit(1);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
