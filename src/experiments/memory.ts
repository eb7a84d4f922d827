/**
 * How much memory a run will need, estimated from its settings before anything is written, so that settings the
 * machine cannot hold (`--set batchEpisodes=1e9`) are refused with the setting and the estimate named, instead of
 * failing inside the run ("Invalid typed array length") or swapping the machine to a halt.
 *
 * Each trainer lists the parts of its need (`TrainerFactory.memory`) from the per-step costs below. They were
 * calibrated against the peak resident memory of real runs here (wasm-simd engine, H = 128): 2.9 KB per step of a
 * training batch measured for both A2C (batch 256–4096) and PPI (refit batch 512); the formula gives ~3.5 KB, a
 * deliberate margin. The estimate is a bound for refusing the impossible, not a prediction to the megabyte.
 */
import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';

/** One part of a run's memory need, and the settings it grows with (first: the one to lower). */
export interface MemoryPart {
  readonly what: string;
  readonly bytes: number;
  /** How the part is computed, for the message (e.g. '1 learner × 256 episodes × 100 rounds'). */
  readonly how: string;
  readonly settings: readonly string[];
}

/** The process itself: Node, the modules, the engine's code (measured ~100 MB; kept generous). */
const BASE_BYTES = 200 * 2 ** 20;

/**
 * Bytes per step (token) of a training batch for a GRU with D inputs, E embedding, H hidden and K outputs: the
 * engine's caches for backpropagation through time (inputs, states, five gate values per unit, outputs and their
 * gradients; ~12% headroom as the engine reserves it) plus the caller's copies of inputs and outputs.
 */
export function trainingBytesPerStep(d: number, e: number, h: number, k: number): number {
  const hp = Math.ceil(h / 8) * 8;
  return 4 * (d + 6 * hp + 2 * k) * 1.125 + 4 * (d + 3 * k + e);
}

/** Bytes per episode played without training (evaluation, acting): the recurrent state and the episode's record. */
export function actingBytesPerEpisode(h: number, d: number, k: number, rounds: number): number {
  return 4 * (4 * h + d + k) + 16 * rounds;
}

/** The memory this machine lets a process use: physical memory, or a smaller control-group limit. */
export function machineMemoryBytes(): number {
  let limit = totalmem();
  for (const file of ['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes']) {
    try {
      const n = Number(readFileSync(file, 'utf8').trim());
      if (Number.isFinite(n) && n > 0) limit = Math.min(limit, n);
    } catch {
      /* no such control group */
    }
  }
  return limit;
}

/** Bytes in binary units: '23.5 GiB', '812 MiB'. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${n >= 100 || i === 0 ? n.toFixed(0) : n.toFixed(1)} ${units[i]}`;
}

/** The total of a run's parts, including the process itself. */
export function totalMemory(parts: readonly MemoryPart[]): number {
  return BASE_BYTES + parts.reduce((a, p) => a + p.bytes, 0);
}

/**
 * Refuses a run (`what`, e.g. 'step1/a2c/smoke') whose estimated need, times the seeds run at the same time,
 * exceeds the machine: the message names the largest part, its settings and the estimate.
 */
export function checkMemory(what: string, parts: readonly MemoryPart[], concurrent = 1, available = machineMemoryBytes()): void {
  const one = totalMemory(parts);
  const need = one * concurrent;
  if (need <= available) return;
  const largest = [...parts].sort((a, b) => b.bytes - a.bytes)[0];
  const times = concurrent > 1 ? `, ${concurrent} seeds at a time: ${formatBytes(need)}` : '';
  const lower = concurrent > 1 && one <= available ? 'run fewer seeds at a time (--jobs)' : `lower ${largest.settings[0]}`;
  throw new RangeError(`${what} would need about ${formatBytes(one)} of memory per seed${times}, more than this machine has (${formatBytes(available)}): ` +
    `${largest.what} alone takes about ${formatBytes(largest.bytes)} (${largest.how}); ${lower}`);
}
