/**
 * One writer per run: a lock file beside the run directory (`seed-<n>.lock`, so that discarding or creating the
 * directory never touches it) holding the process id, host and start time of the process that runs it.
 *
 * - Taking it is atomic: the content is written to a private file first, which is then hard-linked to the lock's
 *   name; `link` fails if the name exists, so two processes can never both hold it and the lock is never half written.
 * - A second start or resume is refused with a message naming the holder.
 * - A lock left by a process that is gone, on this host, is taken over with a line saying so. A process is gone when
 *   its pid is not running, or (Linux) runs with another start time, i.e. the pid was reused. The takeover itself is
 *   serialised by a second lock file (`…lock.takeover`), so of two processes finding the same stale lock only one
 *   takes it. A lock from another host cannot be checked from here: it is refused, and the message says how to
 *   remove it by hand.
 */
import { linkSync, mkdirSync, readdirSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { writeSynced } from '../model/checkpoint';

export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
  /** Start time of the process in clock ticks since boot (Linux /proc), to tell a reused pid from its holder. */
  readonly procStart?: string;
}

export interface RunLock {
  readonly path: string;
  release(): void;
}

/** The lock file of a run directory. */
export function lockPath(runDirectory: string): string {
  return join(dirname(runDirectory), `${basename(runDirectory)}.lock`);
}

/** Fields 3 (state) and 22 (start time) of /proc/<pid>/stat, or undefined where there is no /proc. */
function procStat(pid: number): { state: string; start: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0], start: fields[19] };
  } catch {
    return undefined;
  }
}

function alive(holder: LockHolder): boolean {
  try {
    process.kill(holder.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const now = procStat(holder.pid);
  if (!now) return true;
  // A killed process not yet reaped by its parent (a zombie) still answers kill(pid, 0); a reused pid starts later.
  return now.state !== 'Z' && now.state !== 'X' && !(holder.procStart && now.start !== holder.procStart);
}

function me(): LockHolder {
  return { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), procStart: procStat(process.pid)?.start };
}

function describe(h: LockHolder): string {
  return `process ${h.pid} on host ${h.host} (started ${h.startedAt})`;
}

/** Creates `path` holding `holder`, atomically; false when it exists. */
function tryCreate(path: string, holder: LockHolder): boolean {
  // (A process killed right here leaves this small file behind; `clearDeadTemporaries` removes it later.)
  const tmp = `${path}.${process.pid}.tmp`;
  writeSynced(tmp, JSON.stringify(holder) + '\n');
  try {
    linkSync(tmp, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** The holder recorded in a lock file; undefined when it vanished meanwhile. */
function readHolder(path: string): LockHolder | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const h = JSON.parse(text) as LockHolder;
    if (Number.isInteger(h.pid) && typeof h.host === 'string') return h;
  } catch {
    /* reported below */
  }
  throw new Error(`${path} is not a lock this program wrote (${JSON.stringify(text.slice(0, 80))}); remove it by hand if no run is under way`);
}

/**
 * Takes the lock of a run directory for this process, or throws naming the holder. `what` names the run in
 * messages; `log` gets the line about a stale lock taken over.
 */
export function acquireRunLock(runDirectory: string, what: string, log: (message: string) => void = () => {}): RunLock {
  const path = lockPath(runDirectory);
  mkdirSync(dirname(path), { recursive: true });
  const self = me();
  for (let attempt = 0; attempt < 5; attempt++) {
    if (tryCreate(path, self)) return held(path, self);
    const holder = readHolder(path);
    if (!holder) continue; // released between our attempt and the read: try again
    if (holder.host !== self.host) {
      throw new Error(`${what} is locked by ${describe(holder)}: another start or resume of this run may be under way there. ` +
        `If that process is gone, remove ${path} by hand`);
    }
    if (alive(holder)) {
      throw new Error(`${what} is locked by ${describe(holder)}: another start or resume of this run is under way; ` +
        `wait for it or stop it (lock: ${path})`);
    }
    if (takeOver(path, holder, self, what, log)) return held(path, self);
  }
  throw new Error(`${what}: could not take the lock ${path} (it keeps changing hands)`);
}

/**
 * Replaces a stale lock by ours, under the takeover lock. True when taken; false to look again (a takeover cut
 * short by a kill was cleared); throws when another process got there first.
 */
function takeOver(path: string, stale: LockHolder, self: LockHolder, what: string, log: (message: string) => void): boolean {
  const guard = `${path}.takeover`;
  if (!tryCreate(guard, self)) {
    const other = readHolder(guard);
    if (other && alive(other)) throw new Error(`${what}: ${describe(other)} is taking over its stale lock; wait for it`);
    rmSync(guard, { force: true });
    return false;
  }
  try {
    const now = readHolder(path);
    if (now && JSON.stringify(now) !== JSON.stringify(stale)) throw new Error(`${what} is locked by ${describe(now)}: another start took it first`);
    if (now) unlinkSync(path);
    if (!tryCreate(path, self)) throw new Error(`${what}: another start took its lock first`);
    log(`${what}: taking over the lock of ${describe(stale)}, which is no longer running`);
    return true;
  } finally {
    rmSync(guard, { force: true });
  }
}

/**
 * What processes killed while taking this lock left behind, now that we hold it: their temporary files and a
 * takeover guard of a holder that is gone.
 */
function clearDeadTemporaries(path: string): void {
  const prefix = `${basename(path)}.`;
  for (const name of readdirSync(dirname(path))) {
    const m = /\.(\d+)\.tmp$/.exec(name);
    if (!name.startsWith(prefix) || !m) continue;
    if (!alive({ pid: Number(m[1]), host: '', startedAt: '' })) rmSync(join(dirname(path), name), { force: true });
  }
  const guard = `${path}.takeover`;
  const holder = readHolder(guard);
  if (holder && !alive(holder)) rmSync(guard, { force: true });
}

function held(path: string, self: LockHolder): RunLock {
  clearDeadTemporaries(path);
  let released = false;
  return {
    path,
    release() {
      if (released) return;
      released = true;
      // Only our own lock: never remove one a takeover gave to another process.
      const now = readHolder(path);
      if (now && now.pid === self.pid && now.startedAt === self.startedAt) rmSync(path, { force: true });
    },
  };
}
