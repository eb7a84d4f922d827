/**
 * Files of a run directory: how they are written so that a process killed at any instant leaves nothing that
 * reads wrongly, and how they are read back strictly.
 *
 * Writing: JSON is written to a temporary name, flushed and renamed into place; CSV rows are appended as whole
 * lines in one write and flushed. A CSV can still end in a line cut short by a kill mid-append: on resume the
 * checkpoint cuts each CSV back to the length it recorded (src/experiments/checkpoint.ts), and readers refuse it.
 *
 * Reading is strict (README "Guarantees of a run"): a missing file, a garbled JSON file, a CSV line with the
 * wrong number of cells or a last line without its newline (a write cut short) is an error naming the file and the
 * line. Only the reader of an unfinished run, whose writer may be appending at that moment or may have been
 * killed, drops an unterminated last line, and it says so (`unterminated: 'drop'`).
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, statSync, truncateSync, writeSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { ioStep } from '../fault-injection';
import { fsyncDir, writeSynced } from '../model/checkpoint';

/** Writes `text` (or bytes) to `path` atomically (temporary file in the same folder, fsync, rename, fsync of the folder). */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeSynced(tmp, data);
  renameSync(tmp, path);
  fsyncDir(dirname(path));
  ioStep(`rename into place ${basename(path)}`);
}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}

/** Line and column (1-based) of a character offset in `text`. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** A text file's content; a missing file is an error saying so, naming it. */
function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new Error(err.code === 'ENOENT' ? `${path} is missing` : `cannot read ${path}: ${err.message}`);
  }
}

/**
 * Where JSON text first goes wrong: the offset of the first character that cannot continue it (the text's length
 * when it ends too early). Only run after JSON.parse failed, to say where: V8's own messages do not always give a
 * position ("Unexpected token '}', ... is not valid JSON").
 */
function jsonErrorOffset(text: string): number {
  let i = 0;
  const ws = () => { while (i < text.length && ' \t\n\r'.includes(text[i])) i++; };
  const fail = (): never => { throw i; };
  const literal = (word: string) => { if (text.startsWith(word, i)) i += word.length; else fail(); };
  const string = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') i++;
      else if (text.charCodeAt(i) < 0x20) fail();
      i++;
    }
    if (i >= text.length) fail();
    i++;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) { i++; return; }
      for (;;) {
        if (c === '{') {
          ws();
          if (text[i] !== '"') fail();
          string();
          ws();
          if (text[i] !== ':') fail();
          i++;
        }
        value();
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === close) { i++; return; }
        fail();
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) fail();
    i += m![0].length;
  };
  try {
    value();
    ws();
    return i < text.length ? i : text.length;
  } catch (at) {
    return Math.min(at as number, text.length);
  }
}

/** Reads a JSON file; a missing or garbled file is an error naming the file (and, for bad JSON, the line). */
export function readJson<T>(path: string): T {
  const text = readText(path);
  try {
    return JSON.parse(text) as T;
  } catch {
    if (text.trim() === '') throw new Error(`${path} is not valid JSON: the file is empty`);
    const at = jsonErrorOffset(text);
    const { line, column } = lineAndColumn(text, at);
    const what = at >= text.length ? 'it ends too early (cut short?)' : `unexpected ${JSON.stringify(text[at])}`;
    throw new Error(`${path} is not valid JSON at line ${line}, column ${column}: ${what}`);
  }
}

export type CsvRow = Readonly<Record<string, number | string>>;

/** A cell as `appendCsv` writes it (7 significant digits). */
export function formatCell(v: number | string): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(7)));
  if (/[",\n]/.test(v)) return `"${v.replace(/"/g, '""')}"`;
  return v;
}

/**
 * Appends rows (whole lines, one write) to a CSV file, writing the header first if the file is new. Not flushed
 * here: a checkpoint flushes the tables before it commits their lengths (`flushFile`), and rows after the last
 * checkpoint are recomputed on resume anyway.
 */
export function appendCsv(path: string, columns: readonly string[], rows: readonly CsvRow[]): void {
  if (rows.length === 0) return;
  mkdirSync(dirname(path), { recursive: true });
  const fresh = !existsSync(path);
  if (!fresh) {
    // Rows under another header would read as garbage (e.g. a run continued by code with other columns).
    const header = firstLine(path);
    if (header !== columns.join(',')) throw new Error(`${path} has the columns ${header}, but this code writes ${columns.join(',')}`);
  }
  const lines = rows.map((r) =>
    columns
      .map((c) => {
        if (!(c in r)) throw new Error(`appendCsv: row lacks column '${c}' for ${path}`);
        return formatCell(r[c]);
      })
      .join(','),
  );
  const fd = openSync(path, 'a');
  try {
    writeSync(fd, (fresh ? columns.join(',') + '\n' : '') + lines.join('\n') + '\n');
  } finally {
    closeSync(fd);
  }
  ioStep(`append ${basename(path)}`);
}

/**
 * Flushes a file's data to disk (before a checkpoint or a finished run's status commits to its length). Opening
 * read-only and fsyncing serves files as it serves directories, so the model checkpoints' helper does it.
 */
export function flushFile(path: string): void {
  fsyncDir(path);
}

/** The first line of a text file, without its newline (read in small pieces: tables grow long). */
function firstLine(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const chunks: Buffer[] = [];
    const buf = Buffer.alloc(4096);
    for (let at = 0; ; ) {
      const n = readSync(fd, buf, 0, buf.length, at);
      const nl = buf.subarray(0, n).indexOf(10);
      chunks.push(Buffer.from(buf.subarray(0, nl >= 0 ? nl : n)));
      if (nl >= 0 || n === 0) return Buffer.concat(chunks).toString('utf8');
      at += n;
    }
  } finally {
    closeSync(fd);
  }
}

export interface ReadCsvOptions {
  /**
   * What to do with a last line that has no newline (a write cut short): 'error' (default: finished runs, the
   * summary) or 'drop' with a warning through `warn` (runs still being written).
   */
  readonly unterminated?: 'error' | 'drop';
  readonly warn?: (message: string) => void;
}

/**
 * Parses a CSV file written by `appendCsv` (no quoted commas in numeric tables); numeric-looking cells become
 * numbers. Strict: see the module comment. Line numbers in errors count the header as line 1.
 */
export function readCsv(path: string, options: ReadCsvOptions = {}): Record<string, number | string>[] {
  const text = readText(path);
  if (text === '') throw new Error(`${path} is empty (not even a header line)`);
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  else {
    const n = lines.length;
    const what = `${path}: line ${n} is incomplete (the file ends without a newline, as a write cut short leaves it)`;
    if (options.unterminated !== 'drop' || n === 1) throw new Error(what);
    options.warn?.(`${what}; reading the run without it`);
    lines.pop();
  }
  const header = lines[0].split(',');
  const rows: Record<string, number | string>[] = [];
  for (let i = 1; i < lines.length; i++) {
    const cells = lines[i].split(',');
    if (cells.length !== header.length) {
      throw new Error(`${path}: line ${i + 1} has ${cells.length} cells where the header has ${header.length}${lines[i] === '' ? ' (an empty line)' : ''}`);
    }
    const row: Record<string, number | string> = {};
    header.forEach((h, j) => {
      const c = cells[j];
      const n = Number(c);
      row[h] = c !== '' && Number.isFinite(n) ? n : c;
    });
    rows.push(row);
  }
  return rows;
}

/** Size and SHA-256 of a file's first `bytes` bytes (all of it by default): how checkpoints and finished runs pin their files. */
export interface FileDigest {
  readonly bytes: number;
  readonly sha256: string;
}

export function fileDigest(path: string, bytes?: number): FileDigest {
  const buf = readFileSync(path);
  const part = bytes === undefined ? buf : buf.subarray(0, bytes);
  return { bytes: part.length, sha256: createHash('sha256').update(part).digest('hex') };
}

/** The size of a file, 0 when it does not exist. */
export function fileSize(path: string): number {
  return existsSync(path) ? statSync(path).size : 0;
}

/** Cuts a file back to its first `bytes` bytes (one system call), e.g. a CSV to its length at a checkpoint. */
export function truncateFile(path: string, bytes: number): void {
  truncateSync(path, bytes);
  flushFile(path);
  ioStep(`truncate ${basename(path)}`);
}

/** Renames `from` to `to` and flushes the folder: one atomic step. */
export function renameDurably(from: string, to: string): void {
  renameSync(from, to);
  fsyncDir(dirname(to));
  ioStep(`rename ${basename(from)} to ${basename(to)}`);
}
