/**
 * `npm run worker -- --queue URL --root DIR [--jobs N] [--lock-seconds S]`: takes run jobs from the queue at URL and
 * runs them into DIR, a filesystem every worker shares (src/queue/worker.ts). Until SIGINT/SIGTERM.
 */
import { existsSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { exposureWarning, parseRedisUrl } from '../queue/connection';
import { runWorker } from '../queue/worker';

const HELP = `Usage: npm run worker -- --queue URL --root DIR [--jobs N] [--lock-seconds S]

Takes run jobs (added with npm run experiment -- … --queue URL) and runs each exactly as the local runner would,
resuming from the run's checkpoint when a job comes back after a worker died; the run lock refuses a second writer.

  --queue URL          the queue: redis://[:PASSWORD@]HOST:PORT[/DB], or rediss://… (TLS); the password may come
                         from ICL_REDIS_PASSWORD instead; a private CA from NODE_EXTRA_CA_CERTS=/path/ca.pem
  --root DIR           results root, on a filesystem all workers share (e.g. NFS), mounted at the same path on each
  --jobs N             runs at once, one process each (default: number of cores)
  --lock-seconds S     a job whose worker stops answering for S seconds goes back to the queue (default 30)
  --help               this text

Ctrl-C or SIGTERM: no new jobs; running seeds stop after a checkpoint and their jobs go back to the queue.
README "Running on several machines".
`;

function wholeNumber(text: string, flag: string, what: string): number {
  if (!/^[1-9]\d*$/.test(text.trim())) throw new RangeError(`${flag}: '${text}' is not ${what} (a whole number >= 1)`);
  return Number(text);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      queue: { type: 'string' }, root: { type: 'string' }, jobs: { type: 'string' }, 'lock-seconds': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (!values.queue) throw new RangeError('--queue URL is required (npm run worker -- --help)');
  if (!values.root?.trim()) throw new RangeError('--root DIR is required: the results root all workers share (npm run worker -- --help)');
  const root = resolve(values.root);
  if (existsSync(root) && !statSync(root).isDirectory()) throw new RangeError(`--root: ${root} is a file, not a directory`);
  const target = parseRedisUrl(values.queue);
  const warning = exposureWarning(target);
  if (warning) console.error(warning);
  return runWorker({
    target, root,
    jobs: values.jobs === undefined ? cpus().length : wholeNumber(values.jobs, '--jobs', 'a number of processes'),
    lockSeconds: values['lock-seconds'] === undefined ? 30 : wholeNumber(values['lock-seconds'], '--lock-seconds', 'a number of seconds'),
  });
}

main().then(
  (code) => { process.exitCode = code; },
  (e: Error) => {
    console.error(`worker: ${e.message}`);
    process.exitCode = 2;
  },
);
