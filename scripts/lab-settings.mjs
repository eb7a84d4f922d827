#!/usr/bin/env node
// JupyterLab's defaults for this project, written into the project's own .venv (never the user's configuration):
//
//   node scripts/lab-settings.mjs <venv>
//
//   - <venv>/share/jupyter/lab/settings/overrides.json: no "would you like news?" prompt and no update check (the
//     server runs offline on 127.0.0.1);
//   - <venv>/etc/jupyter/labconfig/page_config.json: the file browser's "Copy Shareable Link" (a cloud-share link
//     that points at this private, token-protected server) is switched off.
// scripts/notebooks.sh calls it on every start; it rewrites the files only when their content changes.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const LAB_OVERRIDES = {
  '@jupyterlab/apputils-extension:notification': { fetchNews: 'false', checkForUpdates: false },
};
export const DISABLED_PLUGINS = ['@jupyterlab/filebrowser-extension:share-file'];

function writeJson(file, value) {
  const text = JSON.stringify(value, null, 2) + '\n';
  if (existsSync(file) && readFileSync(file, 'utf8') === text) return;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

export function writeLabSettings(venv) {
  writeJson(join(venv, 'share', 'jupyter', 'lab', 'settings', 'overrides.json'), LAB_OVERRIDES);
  writeJson(join(venv, 'etc', 'jupyter', 'labconfig', 'page_config.json'), {
    disabledExtensions: Object.fromEntries(DISABLED_PLUGINS.map((p) => [p, true])),
  });
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const venv = process.argv[2];
  if (!venv) {
    console.error('usage: node scripts/lab-settings.mjs <venv>');
    process.exit(2);
  }
  writeLabSettings(resolve(venv));
}
