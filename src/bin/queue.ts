/**
 * `npm run queue -- status|retry|cancel --queue URL …`: what the job queue holds, and remedies for what is stuck
 * (src/queue/status.ts).
 */
import { parseArgs } from 'node:util';
import { openQueue } from '../queue/client';
import { exposureWarning, parseRedisUrl } from '../queue/connection';
import { cancelJobs, formatView, queueView, retryJobs } from '../queue/status';

const HELP = `Usage: npm run queue -- <command> --queue URL [options]

  status [--json]              every job by state: units done, rate and ETA, its worker, how often it was started
                                 and how often its worker was lost; the log of jobs started more than once or failed
  retry ID… | --failed         failed (or done) jobs run again, resuming from their checkpoints; delayed ones now
  cancel ID… | --all           jobs not yet running are removed with the jobs waiting for them; running ones stop
                                 after a checkpoint and show as failed (cancelled); done jobs stay

IDs are run names as status shows them, e.g. step2/a2c/reduced/seed-3.
  --queue URL                  redis://[:PASSWORD@]HOST:PORT[/DB] or rediss://… (TLS); password also from
                                 ICL_REDIS_PASSWORD; a private CA from NODE_EXTRA_CA_CERTS=/path/ca.pem
README "Running on several machines".
`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2), allowPositionals: true,
    options: {
      queue: { type: 'string' }, json: { type: 'boolean', default: false }, failed: { type: 'boolean', default: false },
      all: { type: 'boolean', default: false }, help: { type: 'boolean', default: false },
    },
  });
  const [command, ...ids] = positionals;
  if (values.help || !command) {
    process.stdout.write(HELP);
    return values.help ? 0 : 2;
  }
  if (!['status', 'retry', 'cancel'].includes(command)) throw new RangeError(`unknown command '${command}'; allowed: status, retry, cancel`);
  if (!values.queue) throw new RangeError('--queue URL is required');
  if (command === 'status' && ids.length > 0) throw new RangeError('status takes no job ids');
  const every = command === 'retry' ? values.failed : values.all;
  if (command !== 'status' && ids.length === 0 && !every) throw new RangeError(`${command}: name the jobs, or give ${command === 'retry' ? '--failed' : '--all'}`);
  if (command !== 'status' && ids.length > 0 && every) throw new RangeError(`${command}: job ids or ${command === 'retry' ? '--failed' : '--all'}, not both`);
  const target = parseRedisUrl(values.queue);
  const warning = exposureWarning(target);
  if (warning) console.error(warning);
  const q = await openQueue(target);
  try {
    if (command === 'status') {
      const v = await queueView(q);
      console.log(values.json ? JSON.stringify(v, null, 2) : formatView(v));
    } else {
      const lines = command === 'retry' ? await retryJobs(q, ids, every) : await cancelJobs(q, ids, every);
      for (const l of lines) console.log(l);
    }
    return 0;
  } finally {
    await q.close();
  }
}

main().then(
  (code) => { process.exitCode = code; },
  (e: Error) => {
    console.error(`queue: ${e.message}`);
    process.exitCode = 2;
  },
);
