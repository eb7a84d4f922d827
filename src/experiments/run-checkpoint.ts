/**
 * A run's resumable checkpoint, kept as one generation that is switched in with one atomic step:
 *
 *   resume/gen-<unitsDone>/     the learners' state (weights, optimiser moments and step, PPI's data sets): written
 *                               in full and flushed first, under a name nothing refers to yet
 *   resume/checkpoint.json      the commit: which generation is current, the unit count, the position of the random
 *                               stream, the open log window, and the length and checksum of train.csv, episode.csv
 *                               and timing.csv at that moment. Written to a temporary file and renamed over the old
 *                               one; the rename is the one step that moves the run from one checkpoint to the next.
 *
 * Then the older generations are removed. A process killed at any instant therefore leaves either the old
 * checkpoint.json with its complete generation or the new one with its own; everything else is garbage that the
 * next checkpoint clears. On resume the CSVs are cut back to the recorded lengths (dropping rows written after the
 * checkpoint and any line cut short) after checking that the recorded part is unchanged.
 *
 * Checkpoints written before generations existed (`resume/state.json` beside `resume/learner-<i>/`, e.g. a run
 * parked in git) are still resumed: their CSVs are cut back by unit, as that code did, and their next checkpoint
 * is a generation.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ioStep } from '../fault-injection';
import { fsyncDir } from '../model/checkpoint';
import { fileDigest, fileSize, flushFile, formatCell, readCsv, readJson, truncateFile, writeFileAtomic, writeJsonAtomic, type FileDigest } from './files';
import { FINAL_DIR, TABLES } from './run-state';
import type { LogWindow } from './run-tables';

export const RESUME_DIR = 'resume';
const POINTER = 'checkpoint.json';
const FORMAT = 'icl-coop/run-checkpoint@1';
/** Checkpoints from before generations: the state file (and `learner-<i>/`, `ppi-fits.json`) right in resume/. */
const LEGACY_STATE = 'state.json';

/** What the runner carries from one unit to the next besides the learners' own state. */
export interface RunProgressState extends LogWindow {
  readonly unitsDone: number;
}

interface Pointer extends RunProgressState {
  readonly format: string;
  readonly generation: string;
  /** Every unit draws from the stream `<seed>/unit-<index>`, so the position of the randomness is the next unit. */
  readonly rng: { readonly seed: string; readonly nextUnit: number };
  readonly files: Readonly<Record<string, FileDigest>>;
}

export interface LoadedCheckpoint {
  readonly state: RunProgressState;
  /** The directory the learners' state is loaded from. */
  readonly learnersDir: string;
  /** Table lengths and checksums at the checkpoint; undefined for a legacy checkpoint. */
  readonly files?: Readonly<Record<string, FileDigest>>;
  readonly legacy: boolean;
}

const generationName = (unitsDone: number) => `gen-${String(unitsDone).padStart(9, '0')}`;

/** Whether a run directory holds a resumable checkpoint (of either layout). */
export function hasCheckpoint(dir: string): boolean {
  return existsSync(join(dir, RESUME_DIR, POINTER)) || existsSync(join(dir, RESUME_DIR, LEGACY_STATE));
}

/**
 * The directory holding a checkpoint's `learner-<i>/`: for a run's `resume/`, its current generation (or, for a
 * legacy checkpoint, resume/ itself); any other directory as it is.
 */
function checkpointAgentsDir(dir: string): string {
  const pointer = join(dir, POINTER);
  return existsSync(pointer) ? join(dir, readJson<Pointer>(pointer).generation) : dir;
}

/**
 * Where the saved agents (`learner-<i>/`) of `dir` are: `dir` itself, a run directory's `final/`, or the current
 * generation of a checkpoint (`dir` as a run's `resume/`, or the run's). Undefined when none holds learner `learner`.
 * For `--init-from`, `--frozen-from` and `probe`.
 */
export function savedAgentsDir(dir: string, learner = 0): string | undefined {
  const holders = [dir, join(dir, FINAL_DIR), checkpointAgentsDir(dir), checkpointAgentsDir(join(dir, RESUME_DIR))];
  return holders.find((h) => existsSync(join(h, `learner-${learner}`, 'manifest.json')));
}

/** Reads a run's checkpoint; undefined when it has none. A damaged one is an error naming the file. */
export function readCheckpoint(dir: string, rngSeed: string): LoadedCheckpoint | undefined {
  const resume = join(dir, RESUME_DIR);
  const pointerPath = join(resume, POINTER);
  if (existsSync(pointerPath)) {
    const p = readJson<Pointer>(pointerPath);
    if (p.format !== FORMAT) throw new Error(`${pointerPath} has format '${String(p.format)}', expected '${FORMAT}'`);
    if (p.rng?.seed !== rngSeed || p.rng.nextUnit !== p.unitsDone) {
      throw new Error(`${pointerPath} continues the random stream ${JSON.stringify(p.rng)}, not this run's '${rngSeed}' at unit ${p.unitsDone}`);
    }
    const learnersDir = join(resume, p.generation);
    if (!existsSync(learnersDir)) throw new Error(`${pointerPath} names ${p.generation}, which is missing from ${resume}`);
    const { unitsDone, window, windowStats, windowTimings } = p;
    return { state: { unitsDone, window, windowStats, windowTimings }, learnersDir, files: p.files, legacy: false };
  }
  const legacyPath = join(resume, LEGACY_STATE);
  if (existsSync(legacyPath)) {
    const s = readJson<Partial<RunProgressState>>(legacyPath);
    if (!Number.isInteger(s.unitsDone) || !Array.isArray(s.window) || !Array.isArray(s.windowStats)) throw new Error(`${legacyPath} is not a checkpoint state`);
    return { state: { unitsDone: s.unitsDone!, window: s.window, windowStats: s.windowStats, windowTimings: s.windowTimings ?? [] }, learnersDir: resume, legacy: true };
  }
  return undefined;
}

/**
 * Brings the tables back to the checkpoint: cut to the recorded lengths, after checking that what the checkpoint
 * recorded is still there unchanged. `unitColumn` and `columns` (each table's header as this code writes it) serve
 * legacy checkpoints, which recorded no lengths.
 */
export function restoreTables(dir: string, ck: LoadedCheckpoint, unitColumn: string, columns: Readonly<Record<string, readonly string[]>>): void {
  for (const table of TABLES) {
    const path = join(dir, table);
    if (ck.legacy) {
      cutLegacyTable(path, table, ck.state.unitsDone, unitColumn, columns[table]);
      continue;
    }
    const recorded = ck.files?.[table] ?? { bytes: 0, sha256: '' };
    const size = fileSize(path);
    if (size < recorded.bytes) {
      throw new Error(`${path} holds ${size} bytes, fewer than the ${recorded.bytes} its checkpoint recorded: it was cut or replaced since; discard the run with --force`);
    }
    if (recorded.bytes === 0) {
      // Nothing of it belongs to the checkpoint; a zero-length file would lose its header on the next append.
      if (existsSync(path)) {
        rmSync(path);
        ioStep(`remove ${table}`);
      }
      continue;
    }
    if (fileDigest(path, recorded.bytes).sha256 !== recorded.sha256) {
      throw new Error(`${path} differs from what its checkpoint recorded in its first ${recorded.bytes} bytes: it was changed since; discard the run with --force`);
    }
    if (size > recorded.bytes) truncateFile(path, recorded.bytes);
  }
}

/**
 * A legacy checkpoint's table: the whole rows up to its unit (evaluations at unit 0 only once a unit is done, as
 * the old runner wrote them), rewritten atomically; a line cut short by a crash goes too. Columns this code no longer
 * writes are dropped (PPI's wall-clock columns, which moved to timing.csv), so that appended rows match the header.
 */
function cutLegacyTable(path: string, table: string, unitsDone: number, unitColumn: string, columns: readonly string[] | undefined): void {
  if (!existsSync(path)) return;
  const rows = readCsv(path, { unterminated: 'drop' });
  const lines = readFileSync(path, 'utf8').split('\n'); // lines[i + 1] holds rows[i]
  const header = lines[0].split(',');
  const wanted = columns ?? header;
  const lacking = wanted.filter((c) => !header.includes(c));
  if (lacking.length > 0) throw new Error(`${path} lacks the column(s) ${lacking.join(', ')} that this code writes; finish the run with the code that started it, or discard it with --force`);
  const same = wanted.join(',') === lines[0];
  const keep = (r: Record<string, number | string>) => Number(r[unitColumn]) <= unitsDone && (table !== 'episode.csv' || unitsDone > 0);
  const kept = rows.flatMap((r, i) => (!keep(r) ? [] : [same ? lines[i + 1] : wanted.map((c) => formatCell(r[c])).join(',')]));
  writeFileAtomic(path, [wanted.join(','), ...kept].join('\n') + '\n');
}

/** Writes a new generation, the learners' part by `saveLearners(generationDir)`, and commits it (see the module comment). */
export function writeCheckpoint(dir: string, saveLearners: (generationDir: string) => void, state: RunProgressState, rngSeed: string): void {
  const resume = join(dir, RESUME_DIR);
  const generation = generationName(state.unitsDone);
  const genDir = join(resume, generation);
  if (existsSync(genDir)) {
    // Left by a session killed before it committed this generation (the current one is never rewritten: a session
    // checkpoints only after at least one more unit).
    rmSync(genDir, { recursive: true, force: true });
    ioStep(`remove uncommitted ${generation}`);
  }
  saveLearners(genDir);
  fsyncDir(genDir);
  fsyncDir(resume);
  const files = Object.fromEntries(TABLES.map((t) => {
    const path = join(dir, t);
    if (!existsSync(path)) return [t, { bytes: 0, sha256: '' }];
    flushFile(path); // the commit below must not reach the disk before the rows it counts
    return [t, fileDigest(path)];
  }));
  const pointer: Pointer = {
    format: FORMAT, generation, rng: { seed: rngSeed, nextUnit: state.unitsDone }, files, ...state,
  };
  writeJsonAtomic(join(resume, POINTER), pointer); // the commit
  let removed = false;
  for (const name of readdirSync(resume)) {
    if (name === POINTER || name === generation) continue;
    rmSync(join(resume, name), { recursive: true, force: true });
    removed = true;
  }
  if (removed) ioStep('remove older generations');
}

/** Removes a run's checkpoint (when the run is done). */
export function removeCheckpoint(dir: string): void {
  const resume = join(dir, RESUME_DIR);
  if (!existsSync(resume)) return;
  rmSync(resume, { recursive: true, force: true });
  ioStep('remove resume/');
}
