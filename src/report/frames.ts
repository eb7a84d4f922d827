/**
 * Tables as danfo DataFrames, for notebooks and scripts.
 *
 * danfojs 1.2.0 publishes only an `exports` map (no `main`, no `types`). Node follows it at run time, but TypeScript's
 * node10 resolution, which tslab always uses, cannot: `import ... from 'danfojs'` has no types there. This module
 * loads the package through Node and types it with the declaration file the exports map points at, so the rest of
 * the project imports danfo from here. danfo's `readCSV` of a file path fails in Node (it uses XMLHttpRequest), so
 * CSV files are parsed with papaparse instead.
 */
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import type * as Danfo from 'danfojs/dist/danfojs-browser/src/index';

/** The danfo module, typed (the same object `require('danfojs')` returns). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const dfd: typeof Danfo = require('danfojs');

export const DataFrame = dfd.DataFrame;
export type DataFrame = InstanceType<typeof Danfo.DataFrame>;
export const Series = dfd.Series;
export type Series = InstanceType<typeof Danfo.Series>;
export const concat = dfd.concat;
export const merge = dfd.merge;

/** A cell of a record table: what a CSV cell or a JSON summary field holds. */
export type Cell = number | string | boolean | null;
/** One row of a table, keyed by column name. */
export type TableRecord = Readonly<Record<string, Cell>>;

/**
 * A DataFrame from row records. The columns are the union of the records' keys in first-seen order; a record that
 * lacks a key gets null there (danfo shows NaN). Typed arrays and other non-cell values are rejected with the row
 * and column named, because danfo would silently turn them into strings.
 */
export function toFrame(records: readonly TableRecord[], columns?: readonly string[]): DataFrame {
  if (!Array.isArray(records) || records.length === 0) {
    throw new RangeError('toFrame: records must be a non-empty array of row objects');
  }
  const cols = columns ? [...columns] : unionKeys(records);
  if (cols.length === 0) throw new RangeError('toFrame: the records have no columns');
  const rows = records.map((rec, i) =>
    cols.map((c) => {
      const v = rec[c] === undefined ? null : rec[c];
      if (v !== null && typeof v !== 'number' && typeof v !== 'string' && typeof v !== 'boolean') {
        throw new TypeError(`toFrame: row ${i}, column "${c}" must be a number, string, boolean or null, got ${describe(v)}`);
      }
      return v;
    }),
  );
  return new DataFrame(rows, { columns: cols });
}

/** The records of a DataFrame (one object per row, keyed by column): the inverse of `toFrame`. */
export function frameRecords(df: DataFrame): Record<string, Cell>[] {
  const cols: string[] = df.columns;
  const values = df.values as Cell[][];
  return values.map((row) => Object.fromEntries(cols.map((c, j) => [c, row[j]])));
}

/** Parses comma-separated text with a header row; numbers and booleans are typed, empty lines skipped. */
export function parseCsv(text: string, where = 'parseCsv'): Record<string, Cell>[] {
  const parsed = Papa.parse<Record<string, Cell>>(text, { header: true, delimiter: ',', dynamicTyping: true, skipEmptyLines: true });
  if (parsed.errors.length > 0) {
    const e = parsed.errors[0];
    const row = e.row === undefined ? '' : ` at data row ${e.row + 1}`;
    throw new SyntaxError(`${where}: ${e.message}${row} (${parsed.errors.length} CSV error(s) in all)`);
  }
  return parsed.data;
}

/** A DataFrame from a CSV file with a header row (parsed with papaparse; danfo's readCSV cannot read paths in Node). */
export function readCsvFrame(path: string): DataFrame {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`readCsvFrame: cannot read ${path}: ${(err as Error).message}`);
  }
  const records = parseCsv(text, `readCsvFrame(${path})`);
  if (records.length === 0) throw new RangeError(`readCsvFrame: ${path} has a header but no data rows`);
  return toFrame(records);
}

function unionKeys(records: readonly TableRecord[]): string[] {
  const seen = new Set<string>();
  for (const r of records) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}

function describe(v: unknown): string {
  if (ArrayBuffer.isView(v)) return v.constructor.name;
  if (Array.isArray(v)) return 'an array';
  return typeof v;
}
