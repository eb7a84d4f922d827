/**
 * A Redis server for the queue's tests: Debian's redis-server (scripts/setup.sh installs it), started by the test on
 * a free port of 127.0.0.1 only, with no persistence, under `timeout` so that it cannot outlive a test run that was
 * itself killed, and stopped by the test at its end.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished, PROJECT } from '../experiments/cli-helpers';

/** The longest a test's Redis may live, whatever happens to the test. */
const REDIS_LIFETIME_S = 600;

/** A port of 127.0.0.1 free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface TestRedis {
  readonly port: number;
  /** The queue URL, with the password when there is one. */
  readonly url: string;
  stop(): Promise<void>;
}

/** A self-signed certificate for 127.0.0.1 (openssl), for a TLS Redis. */
export function selfSignedCert(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'cert.pem'), key = join(dir, 'key.pem');
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl could not make a test certificate: ${r.error?.message ?? r.stderr}`);
  return { cert, key };
}

/** Starts redis-server on a free loopback port (TLS-only when `tls` is given); resolves once it accepts connections. */
export async function startRedis(o: { password?: string; tls?: { cert: string; key: string } } = {}): Promise<TestRedis> {
  if (spawnSync('redis-server', ['--version']).error) throw new Error('redis-server is not installed: run bash scripts/setup.sh (npm test does)');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'icl-redis-'));
  const listen = o.tls
    ? ['--port', '0', '--tls-port', String(port), '--tls-cert-file', o.tls.cert, '--tls-key-file', o.tls.key, '--tls-auth-clients', 'no']
    : ['--port', String(port)];
  const p: ChildProcess = spawn('timeout', [String(REDIS_LIFETIME_S), 'redis-server', ...listen, '--bind', '127.0.0.1',
    '--protected-mode', 'yes', '--save', '', '--appendonly', 'no', '--dir', dir, ...(o.password ? ['--requirepass', o.password] : [])],
  { cwd: PROJECT, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = finished(p);
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start within 10 s:\n${out}`)), 10_000);
    p.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ready to accept connections')) { clearTimeout(timer); resolve(); }
    });
    void exited.then((f) => { clearTimeout(timer); reject(new Error(`redis-server exited (${f.code ?? f.signal}):\n${out}${f.out}`)); });
  });
  const scheme = o.tls ? 'rediss' : 'redis';
  return {
    port,
    url: `${scheme}://${o.password ? `:${encodeURIComponent(o.password)}@` : ''}127.0.0.1:${port}/0`,
    async stop() {
      p.kill('SIGTERM'); // timeout passes it on to redis-server
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
