/**
 * Files of a run directory, written so that an interrupted run never leaves something that reads wrongly:
 * JSON is written to a temporary name, flushed and renamed into place; CSV rows are appended as whole lines and,
 * on resume, the file is cut back (atomically) to the rows of the last checkpoint.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** Writes `text` to `path` atomically (temporary file in the same folder, fsync, rename). */
export function writeFileAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}

export function readJson<T>(path: string): T {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as Error).message}`);
  }
}

export type CsvRow = Readonly<Record<string, number | string>>;

function formatCell(v: number | string): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(7)));
  if (/[",\n]/.test(v)) return `"${v.replace(/"/g, '""')}"`;
  return v;
}

/** Appends rows (whole lines, one write) to a CSV file, writing the header first if the file is new. */
export function appendCsv(path: string, columns: readonly string[], rows: readonly CsvRow[]): void {
  if (rows.length === 0) return;
  mkdirSync(dirname(path), { recursive: true });
  const fresh = !existsSync(path);
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
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Parses a CSV file written by `appendCsv` (no quoted commas in numeric tables). Numeric-looking cells become numbers. */
export function readCsv(path: string): Record<string, number | string>[] {
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  const header = lines[0].split(',');
  const rows: Record<string, number | string>[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') continue;
    const cells = line.split(',');
    if (cells.length !== header.length) continue; // a line cut by a crash mid-write
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

/** Keeps only the rows of a CSV file for which `keep` holds (rewritten atomically); a missing file stays missing. */
export function filterCsv(path: string, keep: (row: Record<string, number | string>) => boolean): void {
  if (!existsSync(path)) return;
  const text = readFileSync(path, 'utf8');
  const header = text.slice(0, text.indexOf('\n'));
  const columns = header.split(',');
  const rows = readCsv(path).filter(keep);
  writeFileAtomic(path, [header, ...rows.map((r) => columns.map((c) => formatCell(r[c])).join(','))].join('\n') + '\n');
}
