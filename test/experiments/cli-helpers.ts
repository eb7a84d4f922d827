/**
 * Running the real command line from tests: the CLI (or npm, or one seed's process) as a child process in its own
 * process group, its output collected, its exit awaited. Shared by the runner's test files.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const PROJECT = resolve(__dirname, '..', '..');
/** Tiny networks: a smoke run in well under a second. */
export const FAST = ['hiddenSize=16', 'embedSize=8'];

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `--set` arguments for a list of `name=value` settings. */
export const sets = (settings: readonly string[]) => settings.flatMap((s) => ['--set', s]);

/**
 * The experiment CLI (`src/bin/cli.ts`), in its own process group so that a kill can take down the CLI and its
 * per-seed children together. `env` is added to this process's environment.
 */
export function cli(args: readonly string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', join(PROJECT, 'src/bin/cli.ts'), ...args], {
    cwd: PROJECT, stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, ...env },
  });
}

/** `npm run -s experiment -- …`, as a user starts it. */
export function npmExperiment(args: readonly string[]): ChildProcess {
  return spawn('npm', ['run', '-s', 'experiment', '--', ...args], { cwd: PROJECT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
}

export interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** stdout and stderr, interleaved as they came. */
  readonly out: string;
}

/** Drains a child's pipes (a full pipe would block it) and resolves with its exit code and output. */
export function finished(p: ChildProcess): Promise<Finished> {
  let out = '';
  p.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  p.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((done) => p.on('close', (code, signal) => done({ code, signal, out })));
}

/** Spawns the CLI and waits for it. */
export const runCli = (args: readonly string[], env: Record<string, string> = {}) => finished(cli(args, env));

/** The parent pid of every process (Linux /proc). */
function parents(): Map<number, number> {
  const m = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      m.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* exited meanwhile */
    }
  }
  return m;
}

/** The processes below `pid` (children, grandchildren, …) with their command lines. */
export function descendants(pid: number): { pid: number; cmd: string }[] {
  const ppid = parents();
  const out: { pid: number; cmd: string }[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of ppid) {
      if (parent !== p) continue;
      let cmd = '';
      try { cmd = readFileSync(`/proc/${child}/cmdline`, 'utf8').replace(/\0/g, ' '); } catch { /* gone */ }
      out.push({ pid: child, cmd });
      walk(child);
    }
  };
  walk(pid);
  return out;
}

/** Whether a process is running (a zombie, killed but not yet reaped, is not). */
export function running(pid: number): boolean {
  try {
    return !/^\S+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** A copy of a results root (a run's state at one instant, to continue from several times). */
export function copyRoot(from: string, to: string): string {
  cpSync(from, to, { recursive: true });
  return to;
}

/** The steps an `ICL_FAULT_TRACE` file lists, in order. */
export function readTrace(path: string): { n: number; label: string }[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').trim().split('\n').filter(Boolean).map((l) => {
    const [n, label] = l.split('\t');
    return { n: Number(n), label };
  });
}
