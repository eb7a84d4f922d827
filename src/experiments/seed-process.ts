/**
 * One seed's process: the experiment CLI in child mode (`src/bin/cli.ts … --child`), which runs one seed with
 * `runExperiment` and reports over IPC. The CLI forks one per seed; a queue worker (src/queue/worker.ts) forks the
 * same one per job, with the same command line, so that a queued run is exactly a local run.
 */
import { fork, type ChildProcess, type StdioOptions } from 'node:child_process';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { resolveThreads } from '../model/engines';
import type { Progress, RunOptions, RunResult } from './run';

/** The entry point whose `--child` mode runs one seed. */
export const SEED_ENTRY = resolve(__dirname, '..', 'bin', 'cli.ts');

/** What a seed process sends its parent. */
export type SeedMessage =
  | { readonly type: 'progress'; readonly progress: Progress }
  | { readonly type: 'log'; readonly seed: number; readonly message: string }
  | { readonly type: 'result'; readonly seed: number; readonly result: RunResult }
  /** The run was refused (`RunRefused`): retrying changes nothing. The process then exits with an error. */
  | { readonly type: 'refused'; readonly seed: number; readonly message: string };

/** The command line of the seed process that runs `o` (its seed, root, options and `--set` overrides). */
export function seedArgs(o: RunOptions): string[] {
  return [o.experiment, '--algo', o.algo, '--preset', o.preset, '--seeds', String(o.seed), '--child',
    ...(o.resume ? ['--resume'] : []), ...(o.force ? ['--force'] : []), ...(o.extend ? ['--extend'] : []), ...(o.root ? ['--root', o.root] : []),
    ...(o.initFrom ? ['--init-from', o.initFrom] : []),
    ...(o.frozenFrom ? ['--frozen-from', o.frozenFrom] : []),
    ...(o.overrides ?? []).flatMap((s) => ['--set', s])];
}

/**
 * Threads per seed when `jobs` seeds run at once on this machine: the cores are shared among them, so a lone seed
 * splits its batches over two threads. ICL_THREADS (1 or 2) overrides.
 */
export function threadsPerSeed(jobs: number): number {
  return resolveThreads(process.env.ICL_THREADS ? undefined : Math.min(2, Math.max(1, Math.floor(cpus().length / jobs))));
}

/** Starts the seed process of `o` on `threads` threads; its stderr is piped, stdout as `stdout` says. */
export function forkSeed(o: RunOptions, threads: number, stdout: 'inherit' | 'pipe' = 'inherit'): ChildProcess {
  const stdio: StdioOptions = ['ignore', stdout, 'pipe', 'ipc'];
  return fork(SEED_ENTRY, seedArgs(o), { execArgv: ['--import', 'tsx'], stdio, env: { ...process.env, ICL_THREADS: String(threads) } });
}
