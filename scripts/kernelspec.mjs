#!/usr/bin/env node
// Writes the project-local Jupyter kernelspec for tslab and prints the directory to put on JUPYTER_PATH.
//
//   node scripts/kernelspec.mjs            -> writes .jupyter/kernels/tslab-icl/kernel.json, prints <root>/.jupyter
//
// The spec holds absolute paths (this checkout, this node binary), so it lives in the git-ignored .jupyter/ folder
// and is rewritten on every start. Its argv enters the project root before starting tslab: notebooks import
// `./src/...`, and tslab resolves local imports from the kernel's working directory.
import { mkdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const KERNEL_NAME = 'tslab-icl';
export const DISPLAY_NAME = 'TypeScript (icl-coop)';

/** Writes the kernelspec under `<root>/.jupyter/kernels/<name>/` and returns the JUPYTER_PATH entry. */
export function writeKernelspec(root = resolve(dirname(fileURLToPath(import.meta.url)), '..')) {
  const tslab = join(root, 'node_modules', 'tslab', 'bin', 'tslab');
  if (!existsSync(tslab)) throw new Error(`kernelspec: ${tslab} is missing; run \`bash scripts/setup.sh\` first`);
  const jupyterPath = join(root, '.jupyter');
  const dir = join(jupyterPath, 'kernels', KERNEL_NAME);
  mkdirSync(dir, { recursive: true });
  const spec = {
    // bash receives the project root, node and the connection file as $1..$3, so no path is ever re-quoted.
    argv: [
      '/bin/bash', '-c', 'cd "$1" && exec "$2" node_modules/tslab/bin/tslab kernel --config-path "$3"',
      KERNEL_NAME, root, process.execPath, '{connection_file}',
    ],
    display_name: DISPLAY_NAME,
    language: 'typescript',
    interrupt_mode: 'signal',
    metadata: { 'icl-coop': { root } },
  };
  const file = join(dir, 'kernel.json');
  const text = JSON.stringify(spec, null, 2) + '\n';
  if (!existsSync(file) || readFileSync(file, 'utf8') !== text) writeFileSync(file, text);
  return jupyterPath;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(writeKernelspec() + '\n');
}
