/**
 * What a run directory says about itself: status.json, and whether a finished run's outputs are still the ones it
 * finished with. One place decides whether a run counts as done, for the runner (skip it), `summary`, the danfo
 * loaders and the count of finished seeds (README "Guarantees of a run").
 *
 * A finished run records in status.json (`outputs`) the size and SHA-256 of config.json, train.csv, episode.csv,
 * timing.csv and every file under final/. It counts as done only while they match, with two exceptions, both to keep
 * the repository lean: final/ may be removed as a whole (studies in data/studies keep their curves without the
 * agents), and so may a PPI learner's data set (`final/learner-<i>/ppi-data.bin`), which only a later step starting
 * from the agent reads (.gitignore keeps Step 2's alone); whatever is there must match. Runs finished before
 * checksums were recorded ("legacy", e.g. the committed results in data/) count as done when their config.json
 * parses, their CSVs read strictly and both end at the run's last unit.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileDigest, flushFile, readCsv, readJson, type FileDigest } from './files';

export const STATUS_FILE = 'status.json';
export const CONFIG_FILE = 'config.json';
/** The CSV tables of a run: curves, per-round evaluations, and the wall-clock timings kept out of both. */
export const TABLES = ['train.csv', 'episode.csv', 'timing.csv'] as const;
export type TableName = (typeof TABLES)[number];
export const FINAL_DIR = 'final';

export interface Status {
  readonly state: 'running' | 'done';
  readonly unitsDone: number;
  readonly totalUnits: number;
  readonly updatedAt: string;
  /**
   * Seconds the run has spent running, summed over its sessions: an interrupted run resumed a day later counts the
   * time of each session, not the day between. Written with every checkpoint, so a session killed (not stopped)
   * loses the time since its last checkpoint. Absent in runs written before it was recorded.
   */
  readonly computeSeconds?: number;
  /** True when `computeSeconds` builds on an estimate: a run begun before the field existed, then resumed. */
  readonly computeApproximate?: boolean;
  /** Finished runs: size and checksum of each output (path relative to the run directory). */
  readonly outputs?: Readonly<Record<string, FileDigest>>;
}

/** status.json of a run directory; undefined when there is none. A garbled file is an error naming it. */
export function readStatus(dir: string): Status | undefined {
  const path = join(dir, STATUS_FILE);
  // Only a file that is not there is "no status": any other error (a shared filesystem that fails for a moment) is
  // thrown, not taken for a run that never started.
  if (!statSync(path, { throwIfNoEntry: false })) return undefined;
  const s = readJson<Status>(path);
  if ((s?.state !== 'running' && s?.state !== 'done') || !Number.isInteger(s.unitsDone) || !Number.isInteger(s.totalUnits)) {
    throw new Error(`${path} is not a run status (it needs state 'running' or 'done', unitsDone and totalUnits)`);
  }
  return s;
}

/** Every file under a directory, as paths relative to `base`, sorted. */
function filesUnder(path: string, base: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [relative(base, path)];
  return readdirSync(path).sort().flatMap((name) => filesUnder(join(path, name), base));
}

/** The outputs a finished run pins (see the module comment), with their sizes and checksums. */
export function outputDigests(dir: string): Record<string, FileDigest> {
  const names = [CONFIG_FILE, ...TABLES.filter((t) => existsSync(join(dir, t))), ...filesUnder(join(dir, FINAL_DIR), dir)];
  for (const t of TABLES) if (existsSync(join(dir, t))) flushFile(join(dir, t)); // before the status that pins them
  return Object.fromEntries(names.map((n) => [n, fileDigest(join(dir, n))]));
}

export interface RunCheck {
  /** Undefined when the run passes; otherwise what is wrong, naming the file (and the line where it applies). */
  readonly problem?: string;
  /** True for a run finished before checksums were recorded. */
  readonly legacy: boolean;
}

/** The last value of a CSV's unit column (its first column), or undefined for a table without rows. */
function lastUnit(rows: readonly Record<string, number | string>[]): number | undefined {
  if (rows.length === 0) return undefined;
  const col = Object.keys(rows[0])[0];
  return Math.max(...rows.map((r) => Number(r[col])));
}

function checkLegacy(dir: string, status: Status): string | undefined {
  readJson(join(dir, CONFIG_FILE));
  for (const table of ['train.csv', 'episode.csv']) {
    const last = lastUnit(readCsv(join(dir, table)));
    if (last !== status.totalUnits) {
      return `${join(dir, table)} ends at unit ${last}, but the run finished at ${status.totalUnits}: the file is incomplete`;
    }
  }
  return undefined;
}

/** A saved PPI learner's data set, which a finished run may leave out (see the module comment). */
const PPI_DATA_SET = new RegExp(`^${FINAL_DIR}/learner-\\d+/ppi-data\\.bin$`);

function checkOutputs(dir: string, outputs: Readonly<Record<string, FileDigest>>): string | undefined {
  const withoutAgents = !existsSync(join(dir, FINAL_DIR));
  for (const [name, recorded] of Object.entries(outputs)) {
    const path = join(dir, name);
    if (withoutAgents && name.startsWith(`${FINAL_DIR}/`)) continue;
    if (!existsSync(path)) {
      if (PPI_DATA_SET.test(name)) continue;
      return `${path} is missing`;
    }
    const now = fileDigest(path);
    if (now.bytes === recorded.bytes && now.sha256 === recorded.sha256) continue;
    // A table that no longer parses says best where it broke; a config that no longer parses, likewise.
    if (name.endsWith('.csv')) readCsv(path);
    if (name.endsWith('.json')) readJson(path);
    return now.bytes !== recorded.bytes
      ? `${path} holds ${now.bytes} bytes, not the ${recorded.bytes} recorded in status.json when the run finished: it was cut short or changed since`
      : `${path} does not match the checksum recorded in status.json when the run finished: it was changed since`;
  }
  return undefined;
}

const checked = new Map<string, RunCheck>();

/**
 * Whether a run marked done still holds the outputs it finished with (see the module comment). Results are
 * remembered while none of the files involved changes size or modification time (notebooks ask many times).
 */
export function checkFinishedRun(dir: string, status: Status): RunCheck {
  const names = status.outputs ? Object.keys(status.outputs) : [CONFIG_FILE, 'train.csv', 'episode.csv'];
  const stamp = [STATUS_FILE, ...names].map((n) => {
    const p = join(dir, n);
    if (!existsSync(p)) return '-';
    const s = statSync(p);
    return `${s.size}:${s.mtimeMs}`;
  }).join('|');
  const key = `${dir}\n${stamp}`;
  const known = checked.get(key);
  if (known) return known;
  let problem: string | undefined;
  try {
    problem = status.outputs ? checkOutputs(dir, status.outputs) : checkLegacy(dir, status);
  } catch (e) {
    // A file that cannot be read for another reason than its absence (EIO, ESTALE on a shared filesystem) says
    // nothing about the run: thrown, so that a caller may try again, rather than reported as a problem of the run.
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== undefined && code !== 'ENOENT') throw e;
    problem = (e as Error).message;
  }
  const result: RunCheck = { problem, legacy: status.outputs === undefined };
  checked.set(key, result);
  return result;
}
