/**
 * Paths as the project shows and records them: relative to the project root when inside it, so that what a run
 * writes to config.json or a notebook prints carries no machine-specific prefix and reads the same in a clone
 * elsewhere; as given otherwise.
 */
import { isAbsolute, relative, resolve } from 'node:path';

/** The project root (the folder holding package.json). */
export const PROJECT_ROOT = resolve(__dirname, '..');

/** `path` relative to the project root when it lies inside it, else `path` unchanged. */
export function projectRelative(path: string): string {
  const r = relative(PROJECT_ROOT, path);
  return r !== '' && !r.startsWith('..') && !isAbsolute(r) ? r : path;
}
