import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// The scripts around the notebooks (ES modules in scripts/, untyped), imported as they run.
const script = <T>(name: string): Promise<T> => import(pathToFileURL(join(__dirname, '..', 'scripts', name)).href) as Promise<T>;
test('npm test and npm run report take numbered notebooks only: scratch notebooks saved beside them are left alone', async () => {
  const { numberedNotebooks } = await script<{ numberedNotebooks: (dir: string) => string[] }>('run-notebooks.mjs');
  const dir = mkdtempSync(join(tmpdir(), 'nb-select-'));
  try {
    for (const f of ['01-b.ipynb', '00-a.ipynb', 'Untitled.ipynb', 'Untitled1.ipynb', 'my-notes.ipynb', '1-short.ipynb', '02-c.txt']) writeFileSync(join(dir, f), '{}');
    assert.deepEqual(numberedNotebooks(dir), ['00-a.ipynb', '01-b.ipynb']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(numberedNotebooks(join(__dirname, '..', 'notebooks')).length > 0, true);
});

test('lab-settings: JupyterLab without the news prompt and without the shareable-link command, written into the given venv only', async () => {
  const { writeLabSettings } = await script<{ writeLabSettings: (venv: string) => void }>('lab-settings.mjs');
  const venv = mkdtempSync(join(tmpdir(), 'lab-settings-'));
  try {
    writeLabSettings(venv);
    const overrides = JSON.parse(readFileSync(join(venv, 'share', 'jupyter', 'lab', 'settings', 'overrides.json'), 'utf8'));
    assert.equal(overrides['@jupyterlab/apputils-extension:notification'].fetchNews, 'false');
    const page = JSON.parse(readFileSync(join(venv, 'etc', 'jupyter', 'labconfig', 'page_config.json'), 'utf8'));
    assert.deepEqual(page.disabledExtensions, { '@jupyterlab/filebrowser-extension:share-file': true });
  } finally {
    rmSync(venv, { recursive: true, force: true });
  }
});
