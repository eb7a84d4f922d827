#!/usr/bin/env node
// Executes notebooks headlessly with the project's tslab kernel (nbclient, from the project's .venv or else Debian's
// Python), fail-fast, and prints the failing cell's source and its own error text.
//
//   node scripts/run-notebooks.mjs [NAME ...] [options]
//
//   NAME            a notebook path, file name or prefix ("00", "00-the-game"); default: every numbered notebook,
//                   notebooks/NN-*.ipynb (scratch notebooks saved beside them are left alone)
//   --preset P      smoke | reduced: exported to the kernel as ICL_PRESET; implies --mode train
//   --mode M        train | load: exported as ICL_NOTEBOOK_MODE (default: train with --preset, else load,
//                   i.e. the notebooks read the reference results in data/, at the largest scale present there)
//   --figures F     plotly | plotly+png | png | html: exported as ICL_FIGURES (default: plotly+png with --inplace or
//                   --out, so a written notebook is interactive in JupyterLab and shows a PNG elsewhere; else plotly)
//   --out DIR       write the executed copies to DIR (the committed notebooks are left alone)
//   --inplace       write the outputs back into the committed notebooks
//   --timeout S     per-cell timeout in seconds (default 600)
//   --keep-going    run the remaining notebooks after a failure (the default stops at the first one)
//
// In train mode the notebooks retrain into one temporary folder shared by the run (ICL_TRAIN_ROOT), removed at the end.
// `npm test` runs `--preset smoke`; `npm run report` runs `--out` and converts the copies to HTML.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KERNEL_NAME, writeKernelspec } from './kernelspec.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIG_NOTEBOOK = 2_000_000; // bytes: committed notebooks carry figure data and small PNGs, never the inlined plotly bundle
const FIGURE_MODES = ['plotly', 'plotly+png', 'png', 'html'];
/** The notebooks the runner, `npm test` and `npm run report` take: numbered ones, "NN-name.ipynb". */
export const NUMBERED_NOTEBOOK = /^\d\d-.*\.ipynb$/;

const hasNbclient = (py) => existsSync(py) && spawnSync(py, ['-c', 'import nbclient, nbformat, jupyter_client'], { stdio: 'ignore' }).status === 0;
/** The Python with nbclient: the project's .venv (scripts/setup.sh --lab), else Debian's (setup.sh's fallback). */
function jupyterPython() {
  const venv = join(root, '.venv', 'bin', 'python');
  return hasNbclient(venv) ? venv : '/usr/bin/python3';
}

function usage(message) {
  if (message) console.error(`run-notebooks: ${message}`);
  console.error('usage: node scripts/run-notebooks.mjs [NAME ...] [--preset smoke|reduced] [--mode train|load] ' +
    `[--figures ${FIGURE_MODES.join('|')}] [--out DIR | --inplace] [--timeout S] [--keep-going]`);
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { names: [], preset: null, mode: null, figures: null, out: null, inplace: false, timeout: 600, keepGoing: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => (i + 1 < argv.length ? argv[++i] : usage(`${a} needs a value`));
    if (a === '--preset') opts.preset = value();
    else if (a === '--mode') opts.mode = value();
    else if (a === '--figures') opts.figures = value();
    else if (a === '--out') opts.out = resolve(value());
    else if (a === '--inplace') opts.inplace = true;
    else if (a === '--timeout') opts.timeout = Number(value());
    else if (a === '--keep-going') opts.keepGoing = true;
    else if (a === '--help' || a === '-h') usage();
    else if (a.startsWith('--')) usage(`unknown option ${a}`);
    else opts.names.push(a);
  }
  if (opts.preset !== null && !['smoke', 'reduced'].includes(opts.preset)) usage(`--preset must be smoke or reduced, got ${opts.preset}`);
  opts.mode ??= opts.preset !== null ? 'train' : 'load';
  if (!['train', 'load'].includes(opts.mode)) usage(`--mode must be train or load, got ${opts.mode}`);
  opts.presetGiven = opts.preset !== null;
  opts.preset ??= 'smoke';
  opts.figures ??= opts.inplace || opts.out ? 'plotly+png' : 'plotly';
  if (!FIGURE_MODES.includes(opts.figures)) usage(`--figures must be one of ${FIGURE_MODES.join(', ')}, got ${opts.figures}`);
  if (opts.out && opts.inplace) usage('--out and --inplace exclude each other');
  if (!(opts.timeout > 0)) usage('--timeout must be a positive number of seconds');
  return opts;
}

/** The numbered notebooks of a folder, in order (a scratch "Untitled.ipynb" or "my-notes.ipynb" is not one). */
export function numberedNotebooks(dir) {
  return existsSync(dir) ? readdirSync(dir).filter((f) => NUMBERED_NOTEBOOK.test(f)).sort() : [];
}

function selectNotebooks(names) {
  const dir = join(root, 'notebooks');
  const all = numberedNotebooks(dir);
  if (names.length === 0) return all.map((f) => join(dir, f));
  return names.map((name) => {
    if (existsSync(name) && name.endsWith('.ipynb')) return resolve(name);
    const hits = all.filter((f) => f === name || f === `${name}.ipynb` || f.startsWith(name));
    if (hits.length !== 1) usage(`"${name}" matches ${hits.length === 0 ? 'no notebook' : hits.join(', ')} in notebooks/`);
    return join(dir, hits[0]);
  });
}

function ensureTools(figures) {
  const need = [];
  if (!hasNbclient(jupyterPython())) need.push('--jupyter');
  if (figures.includes('png') && !existsSync('/usr/bin/chromium')) need.push('--png');
  if (need.length === 0) return;
  const r = spawnSync('bash', [join(root, 'scripts/setup.sh'), ...need], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) { console.error('run-notebooks: set-up failed (see above)'); process.exit(1); }
}

const indent = (text, prefix = '    ') => text.replace(/\n$/, '').split('\n').map((l) => prefix + l).join('\n');

function report(result, inplace) {
  const name = relative(root, result.path);
  if (result.ok) {
    const size = result.bytes !== undefined ? `, ${(result.bytes / 1024).toFixed(0)} KB written to ${relative(root, result.written)}` : '';
    console.log(`notebooks: ok     ${name} (${result.seconds.toFixed(1)} s${size})`);
    if (inplace && result.bytes > BIG_NOTEBOOK) {
      console.log(`notebooks: warning: ${relative(root, result.written)} is ${(result.bytes / 1e6).toFixed(1)} MB; ` +
        'committed notebooks should carry figure data and small PNGs (--figures plotly+png), not the inlined plotly bundle');
    }
    return;
  }
  const where = result.cell === null || result.cell === undefined ? '' : `, cell ${result.cell}${result.cell_id ? ` (id ${result.cell_id})` : ''}`;
  console.log(`notebooks: FAILED ${name}${where} after ${result.seconds.toFixed(1)} s`);
  if (result.source) console.log(`  the cell:\n${indent(result.source)}`);
  console.log(`  its error:\n${indent(result.error)}`);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const notebooks = selectNotebooks(opts.names);
  if (notebooks.length === 0) { console.log('notebooks: no notebooks/*.ipynb to run'); return; }
  ensureTools(opts.figures);
  if (opts.out) mkdirSync(opts.out, { recursive: true });

  const jupyterPath = writeKernelspec(root);
  // In train mode the notebooks share one temporary results root, so a later notebook reuses the finished runs of an
  // earlier one (Step 2 needs Step 1, Step 3 needs both); it is removed at the end. Never data/.
  const trainRoot = opts.mode === 'train' ? mkdtempSync(join(tmpdir(), 'icl-notebooks-')) : null;
  if (trainRoot) process.on('exit', () => rmSync(trainRoot, { recursive: true, force: true }));
  const env = {
    ...process.env,
    JUPYTER_PATH: [jupyterPath, process.env.JUPYTER_PATH].filter(Boolean).join(':'),
    // Load mode reads the largest scale present in data/ whatever ICL_PRESET says; it is passed on only when given.
    ...(opts.mode === 'train' || opts.presetGiven ? { ICL_PRESET: opts.preset } : {}),
    ICL_NOTEBOOK_MODE: opts.mode,
    ICL_FIGURES: opts.figures,
    ...(trainRoot ? { ICL_TRAIN_ROOT: trainRoot } : {}),
    PYDEVD_DISABLE_FILE_VALIDATION: '1',
  };
  const job = {
    kernel: KERNEL_NAME,
    cwd: root,
    timeout: opts.timeout,
    keep_going: opts.keepGoing,
    notebooks: notebooks.map((path) => ({
      path,
      write: opts.inplace ? path : opts.out ? join(opts.out, basename(path)) : null,
    })),
  };
  const scale = opts.mode === 'train' ? `ICL_PRESET=${opts.preset}` : '(the largest scale with results in data/)';
  console.log(`notebooks: running ${notebooks.length} notebook(s) with kernel ${KERNEL_NAME}: ` +
    `ICL_NOTEBOOK_MODE=${opts.mode} ${scale} ICL_FIGURES=${opts.figures}`);
  const started = Date.now();
  const child = spawn(jupyterPython(), [join(root, 'scripts/nbexec.py')], { cwd: root, env, stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdin.end(JSON.stringify(job));
  const results = [];
  let buffered = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    buffered += chunk;
    let nl;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (!line.trim()) continue;
      let result;
      try { result = JSON.parse(line); } catch { console.log(line); continue; }
      results.push(result);
      report(result, opts.inplace);
    }
  });
  const code = await new Promise((done) => child.on('close', done));
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  const notRun = notebooks.length - results.length;
  if (code !== 0 && failed === 0) console.log(`notebooks: the runner (nbexec.py) exited with code ${code}`);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`notebooks: ${passed} passed, ${failed} failed${notRun ? `, ${notRun} not run` : ''} (${seconds} s)`);
  if (failed > 0 || notRun > 0 || code !== 0) process.exit(1);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => { console.error(err); process.exit(1); });
}
