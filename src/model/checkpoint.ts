/**
 * Model checkpoints: a network's weights, optionally its optimiser's state, its configuration and any JSON the
 * caller adds, in one directory:
 *
 *   manifest.json   format version, GruNetConfig, array lengths and checksums, optimiser config/step, `extra`
 *   params.bin      the flat Float32 weights (little-endian)
 *   adam-m.bin, adam-v.bin   the optimiser's moments (only when an optimiser is saved)
 *   any further files the caller adds (a PPI learner's data set), written in the same atomic step
 *
 * Written atomically: everything goes to a temporary sibling directory, is flushed, and is renamed into place; an
 * existing checkpoint is moved aside first and removed only after the new one is in place, so a crash at any
 * moment leaves either the old or the new checkpoint (`loadCheckpoint` falls back to the moved-aside one). Files
 * and directories are fsynced before each rename, so the renames cannot reach the disk before the data.
 * JSON has no Infinity: an optimiser's `maxGradNorm = Infinity` (no clipping) is stored as null and restored.
 * A checkpoint whose checksums, sizes or configuration do not match gets a clear error, never silent garbage.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ioStep } from '../fault-injection';
import { Adam, type OptimizerConfig } from './adam';
import { GruNet, type GruNetConfig, type GruNetOptions } from './gru-net';

const FORMAT = 'icl-coop/gru-checkpoint@1';

interface Manifest {
  readonly format: string;
  readonly config: GruNetConfig;
  readonly params: { readonly length: number; readonly sha256: string };
  readonly optimizer?: {
    readonly config: OptimizerConfig;
    readonly step: number;
    readonly m: { readonly length: number; readonly sha256: string };
    readonly v: { readonly length: number; readonly sha256: string };
  };
  readonly extra?: unknown;
}

/** A loaded checkpoint: the network, its optimiser when one was saved, and the caller's `extra` JSON. */
export interface Checkpoint {
  readonly net: GruNet;
  readonly optimizer?: Adam;
  readonly extra?: unknown;
  /** Where it was read from: the directory asked for, or its moved-aside copy after an interrupted save (its files are there). */
  readonly dir: string;
}

function sha256(a: Float32Array): string {
  return createHash('sha256').update(Buffer.from(a.buffer, a.byteOffset, a.byteLength)).digest('hex');
}

/** Writes a whole file and flushes it to disk (then counts as one step for fault injection, src/fault-injection.ts). */
export function writeSynced(path: string, data: string | Uint8Array): void {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const fd = openSync(path, 'w');
  try {
    let at = 0;
    while (at < buf.byteLength) at += writeSync(fd, buf, at, buf.byteLength - at);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  ioStep(`write ${basename(path)}`);
}

/** Flushes a directory's entries (the renames and new files in it) to disk. */
export function fsyncDir(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function bytes(a: Float32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/**
 * Saves `net` (and `optimizer`, `extra` as JSON, and `files` by name) to directory `dir`, atomically: all of it or,
 * after a crash, all of the previous checkpoint. The caller records what it needs to check its files in `extra`.
 */
export function saveCheckpoint(dir: string, ck: { net: GruNet; optimizer?: Adam; extra?: unknown; files?: Readonly<Record<string, Uint8Array>> }): void {
  const parent = dirname(dir);
  mkdirSync(parent, { recursive: true });
  const tmp = join(parent, `.${basename(dir)}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  const params = ck.net.params;
  let optimizer: Manifest['optimizer'];
  writeSynced(join(tmp, 'params.bin'), bytes(params));
  for (const [name, data] of Object.entries(ck.files ?? {})) writeSynced(join(tmp, name), data);
  if (ck.optimizer) {
    const s = ck.optimizer.state();
    if (s.m.length !== params.length) {
      throw new RangeError(`saveCheckpoint: the optimiser holds ${s.m.length} moments but the network ${params.length} parameters`);
    }
    writeSynced(join(tmp, 'adam-m.bin'), bytes(s.m));
    writeSynced(join(tmp, 'adam-v.bin'), bytes(s.v));
    optimizer = {
      // JSON.stringify turns Infinity into null; loadCheckpoint maps null back to Infinity.
      config: s.config, step: s.step,
      m: { length: s.m.length, sha256: sha256(s.m) },
      v: { length: s.v.length, sha256: sha256(s.v) },
    };
  }
  const manifest: Manifest = {
    format: FORMAT,
    config: ck.net.config,
    params: { length: params.length, sha256: sha256(params) },
    ...(optimizer ? { optimizer } : {}),
    ...(ck.extra !== undefined ? { extra: ck.extra } : {}),
  };
  // The manifest is written last: a temporary directory without one is never mistaken for a checkpoint.
  writeSynced(join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 1));
  fsyncDir(tmp);
  const old = join(parent, `.${basename(dir)}.old`);
  if (existsSync(dir)) {
    rmSync(old, { recursive: true, force: true });
    renameSync(dir, old);
    ioStep(`move aside ${basename(dir)}`);
  }
  // (When dir is missing, a moved-aside checkpoint from an interrupted save is kept until the new one is in place.)
  renameSync(tmp, dir);
  fsyncDir(parent);
  ioStep(`rename into place ${basename(dir)}`);
  if (existsSync(old)) {
    rmSync(old, { recursive: true, force: true });
    ioStep(`remove old ${basename(dir)}`);
  }
}

function readFloats(path: string, length: number, sha: string, what: string, dir: string): Float32Array {
  if (!existsSync(path)) throw new Error(`loadCheckpoint: ${dir} has no ${basename(path)} (${what})`);
  const buf = readFileSync(path);
  if (buf.byteLength !== length * 4) {
    throw new Error(`loadCheckpoint: ${what} in ${dir} holds ${buf.byteLength} bytes, expected ${length * 4} (${length} floats): truncated or from another model`);
  }
  const a = new Float32Array(length);
  new Uint8Array(a.buffer).set(buf);
  if (sha256(a) !== sha) throw new Error(`loadCheckpoint: ${what} in ${dir} fails its checksum: the file is corrupted`);
  return a;
}

/** Whether `dir` (or its moved-aside copy from an interrupted save) holds a checkpoint. */
export function hasCheckpoint(dir: string): boolean {
  return existsSync(join(dir, 'manifest.json')) || existsSync(join(dirname(dir), `.${basename(dir)}.old`, 'manifest.json'));
}

/**
 * Loads a checkpoint. `expect` checks the stored configuration against the one the caller needs and names any
 * field that differs.
 */
export function loadCheckpoint(dir: string, expect?: Partial<GruNetConfig>, options: GruNetOptions = {}): Checkpoint {
  let where = dir;
  if (!existsSync(join(dir, 'manifest.json'))) {
    const old = join(dirname(dir), `.${basename(dir)}.old`);
    if (existsSync(join(old, 'manifest.json'))) where = old;
    else throw new Error(`loadCheckpoint: no checkpoint at ${dir} (no manifest.json)`);
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(join(where, 'manifest.json'), 'utf8')) as Manifest;
  } catch (e) {
    throw new Error(`loadCheckpoint: ${where}/manifest.json is not valid JSON: ${(e as Error).message}`);
  }
  if (manifest.format !== FORMAT) throw new Error(`loadCheckpoint: ${where} has format '${String(manifest.format)}', expected '${FORMAT}'`);
  if (expect) {
    for (const [k, v] of Object.entries(expect)) {
      const stored = (manifest.config as unknown as Record<string, unknown>)[k];
      if (JSON.stringify(stored) !== JSON.stringify(v)) {
        throw new Error(`loadCheckpoint: ${where} holds a network with ${k} = ${JSON.stringify(stored)}, expected ${JSON.stringify(v)}`);
      }
    }
  }
  const params = readFloats(join(where, 'params.bin'), manifest.params.length, manifest.params.sha256, 'the weights', where);
  const net = GruNet.fromParams(manifest.config, params, options);
  let optimizer: Adam | undefined;
  if (manifest.optimizer) {
    const o = manifest.optimizer;
    const m = readFloats(join(where, 'adam-m.bin'), o.m.length, o.m.sha256, 'the first moments', where);
    const v = readFloats(join(where, 'adam-v.bin'), o.v.length, o.v.sha256, 'the second moments', where);
    const maxGradNorm = (o.config.maxGradNorm as number | null) ?? Infinity;
    optimizer = Adam.restore({ config: { ...o.config, maxGradNorm }, step: o.step, m, v });
  }
  return { net, optimizer, extra: manifest.extra, dir: where };
}
