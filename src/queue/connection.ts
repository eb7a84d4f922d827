/**
 * Where the queue lives: a Redis URL, `redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]`, or `rediss://…` for TLS.
 *
 * - The password may also come from the environment (`ICL_REDIS_PASSWORD`) to keep it off command lines, which other
 *   users of a machine can read; a password in the URL wins.
 * - `rediss://` verifies the server's certificate against Node's CA store; a private CA is added with Node's own
 *   `NODE_EXTRA_CA_CERTS=/path/ca.pem`.
 * - A URL is shown with its password replaced by `***`.
 * - Different campaigns on one Redis keep apart by database number (`/1`, `/2`, …).
 * Pure: nothing here connects (src/queue/client.ts does).
 */
import { isIP } from 'node:net';

export interface RedisTarget {
  /** The URL with its password hidden, for messages. */
  readonly display: string;
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly username?: string;
  readonly password?: string;
  /** TLS (`rediss://`), verifying the certificate for `servername` (against `ca` when given, in code). */
  readonly tls?: { readonly servername?: string; readonly ca?: string };
  /** Loopback only (127.0.0.0/8, ::1, localhost): the one place a Redis without password or TLS is acceptable. */
  readonly loopback: boolean;
}

/** Parses a queue URL; throws a RangeError naming what is wrong. */
export function parseRedisUrl(text: string, env: NodeJS.ProcessEnv = process.env): RedisTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new RangeError(`--queue: '${text}' is not a URL; expected redis://[:PASSWORD@]HOST:PORT[/DB] or rediss://… (TLS)`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new RangeError(`--queue: '${url.protocol}' URLs are not supported; expected redis:// or rediss:// (TLS)`);
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw new RangeError('--queue: the URL names no host');
  const port = url.port === '' ? 6379 : Number(url.port);
  const path = url.pathname.replace(/^\//, '');
  if (!/^\d{0,4}$/.test(path)) throw new RangeError(`--queue: '/${path}' is not a database number (e.g. /0)`);
  if (url.search || url.hash) throw new RangeError('--queue: the URL may not carry ?query or #fragment parts');
  const decode = (s: string) => (s === '' ? undefined : decodeURIComponent(s));
  const password = decode(url.password) ?? (env.ICL_REDIS_PASSWORD || undefined);
  const username = decode(url.username);
  const tls = url.protocol === 'rediss:';
  const loopback = host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
  const shown = new URL(url.href);
  if (shown.password) shown.password = '***';
  return {
    display: shown.href.replace(/\/$/, ''),
    host, port, db: path === '' ? 0 : Number(path),
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    ...(tls ? { tls: isIP(host) ? {} : { servername: host } } : {}),
    loopback,
  };
}

/**
 * What to tell the user about a target that anyone reaching its port could use: every job a worker runs is data,
 * never code (src/queue/jobs.ts), but an open Redis still lets others read, alter or delete the queue (and Redis
 * itself offers more). Undefined when the target is on loopback or has both a password and TLS.
 */
export function exposureWarning(t: RedisTarget): string | undefined {
  if (t.loopback || (t.password && t.tls)) return undefined;
  const missing = [t.password ? undefined : 'no password', t.tls ? undefined : 'no TLS (redis://, not rediss://)'].filter(Boolean).join(' and ');
  return `warning: ${t.display} is not on loopback and has ${missing}: never expose Redis without both (README "Running on several machines")`;
}

/** ioredis options for `t`: a command line fails fast when Redis is unreachable; a worker keeps reconnecting. */
export function redisOptions(t: RedisTarget, role: 'command' | 'worker'): Record<string, unknown> {
  return {
    host: t.host, port: t.port, db: t.db,
    ...(t.username ? { username: t.username } : {}),
    ...(t.password ? { password: t.password } : {}),
    ...(t.tls ? { tls: { ...t.tls } } : {}),
    connectTimeout: 10_000,
    ...(role === 'worker'
      ? { maxRetriesPerRequest: null, retryStrategy: (times: number) => Math.min(500 * times, 5000) }
      : { maxRetriesPerRequest: 1, retryStrategy: (times: number) => (times > 2 ? null : 300) }),
  };
}
