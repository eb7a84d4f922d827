/**
 * Saved agents: the one module that writes and reads a learner's directory (a run's `final/learner-<i>/`, a
 * checkpoint's `learner-<i>/`). Each is one model checkpoint (src/model/checkpoint.ts: weights, optionally the
 * optimiser's state, `extra` JSON and extra files, written in one atomic step) whose `extra` starts with the
 * algorithm's tag:
 *
 *   A2C  { algo: 'a2c', opponentId }                                    weights (+ Adam's moments in a checkpoint)
 *   PPI  { algo: 'ppi', opponentId, fittedEpisodes, policy, data }      weights + `ppi-data.bin`
 *
 * PPI refits its model from scratch every phase, so its data set is what carries its policy from phase to phase and
 * from Step 2 to Step 3: `ppi-data.bin` holds all its episodes bit-packed (`packMoves`: 25 bytes per 100-round
 * episode, + 40 bytes of identities in the Opponent-ID ablation), its size and SHA-256 in `data`. `policy` holds the
 * settings it acts with (β, rollouts), so a frozen agent acts as it did in training.
 *
 * A2C checkpoints written before the tag existed carry `{ opponentId }` alone: they are read as A2C.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Actor } from '../agents/actor';
import { ID_SIZE } from '../agents/actor';
import type { IpdEnvOptions } from '../game/env';
import { loadCheckpoint, saveCheckpoint } from '../model/checkpoint';
import type { Adam, GruNet } from '../model/gru-net';
import { a2cActor } from './a2c';
import { packMoves, ppiActor, unpackMoves, type PpiData, type PpiPolicySettings } from './ppi';

/** A saved A2C agent; `optimizer` only in a resumable checkpoint. */
export interface SavedA2c {
  readonly algo: 'a2c';
  readonly net: GruNet;
  readonly opponentId: boolean;
  readonly optimizer?: Adam;
}

/** A saved PPI agent; `data` only when it is written, or read with `{ data: true }`. */
export interface SavedPpi {
  readonly algo: 'ppi';
  readonly net: GruNet;
  readonly opponentId: boolean;
  /** How many of its episodes (the first ones) the model was fitted on. */
  readonly fittedEpisodes: number;
  readonly policy: PpiPolicySettings;
  readonly data?: PpiData;
}

export type SavedAgent = SavedA2c | SavedPpi;

const DATA_FILE = 'ppi-data.bin';

/** Size and checksum of `ppi-data.bin`, and the shape of the data set it holds. */
interface DataMeta {
  readonly episodes: number;
  readonly rounds: number;
  readonly ids: boolean;
  readonly bytes: number;
  readonly sha256: string;
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function encodeData(data: PpiData): { bytes: Uint8Array; meta: DataMeta } {
  const moves = packMoves(data);
  const ids = data.coPlayerIds ? new Uint8Array(data.coPlayerIds.buffer, data.coPlayerIds.byteOffset, data.coPlayerIds.byteLength) : new Uint8Array(0);
  const bytes = new Uint8Array(moves.length + ids.length);
  bytes.set(moves);
  bytes.set(ids, moves.length);
  return { bytes, meta: { episodes: data.episodes, rounds: data.rounds, ids: data.coPlayerIds !== undefined, bytes: bytes.length, sha256: sha256(bytes) } };
}

function decodeData(path: string, meta: DataMeta): PpiData {
  if (!existsSync(path)) throw new Error(`${path} is missing (the PPI learner's data set)`);
  const buf = readFileSync(path);
  if (buf.length !== meta.bytes || sha256(buf) !== meta.sha256) {
    throw new Error(`${path} does not match its checkpoint (size or checksum): truncated, corrupted or from another run`);
  }
  const movesBytes = Math.ceil((2 * meta.episodes * meta.rounds) / 8);
  const moves = new Uint8Array(buf.buffer, buf.byteOffset, movesBytes).slice();
  let ids: Float32Array | undefined;
  if (meta.ids) {
    ids = new Float32Array(meta.episodes * ID_SIZE);
    new Uint8Array(ids.buffer).set(buf.subarray(movesBytes, movesBytes + ids.byteLength));
  }
  return unpackMoves(moves, meta.episodes, meta.rounds, ids);
}

/** Writes `agent` to `dir`, replacing what is there in one atomic step (weights, optimiser state, data set alike). */
export function saveAgent(dir: string, agent: SavedAgent): void {
  if (agent.algo === 'a2c') {
    saveCheckpoint(dir, { net: agent.net, optimizer: agent.optimizer, extra: { algo: 'a2c', opponentId: agent.opponentId } });
    return;
  }
  if (!agent.data) throw new Error(`saveAgent: a PPI agent is saved with its data set (${dir})`);
  const { bytes, meta } = encodeData(agent.data);
  const extra = { algo: 'ppi', opponentId: agent.opponentId, fittedEpisodes: agent.fittedEpisodes, policy: agent.policy, data: meta };
  saveCheckpoint(dir, { net: agent.net, extra, files: { [DATA_FILE]: bytes } });
}

/**
 * Reads the agent saved in `dir` (its algorithm from the tag, or A2C for a checkpoint from before the tag). A PPI
 * agent's data set is read, and checked against its checksum, only with `data: true`: a frozen player needs none.
 */
export function loadAgent(dir: string, options: { readonly data?: boolean } = {}): SavedAgent {
  const ck = loadCheckpoint(dir);
  const e = (ck.extra ?? {}) as { algo?: unknown; opponentId?: unknown; fittedEpisodes?: unknown; policy?: PpiPolicySettings; data?: DataMeta };
  if (typeof e.opponentId !== 'boolean') throw new Error(`${dir} is not a saved agent (its manifest's extra has no opponentId flag)`);
  if (e.algo === 'a2c' || e.algo === undefined) return { algo: 'a2c', net: ck.net, opponentId: e.opponentId, optimizer: ck.optimizer };
  if (e.algo !== 'ppi' || typeof e.fittedEpisodes !== 'number' || !e.policy || !e.data) throw new Error(`${dir} is not an A2C or PPI agent checkpoint (algo ${JSON.stringify(e.algo)})`);
  return {
    algo: 'ppi', net: ck.net, opponentId: e.opponentId, fittedEpisodes: e.fittedEpisodes, policy: e.policy,
    ...(options.data ? { data: decodeData(join(ck.dir, DATA_FILE), e.data) } : {}),
  };
}

/** A saved agent as a frozen player: A2C samples its policy, PPI acts with its improved policy and saved settings. */
export function savedActor(agent: SavedAgent, game: IpdEnvOptions = {}): Actor {
  return agent.algo === 'a2c' ? a2cActor(agent) : ppiActor(agent.net, agent.opponentId, agent.policy, game);
}
