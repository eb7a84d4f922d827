/**
 * `npm run -s probe -- <dir> [--learner N] [--against allc,alld,tft,zd2,pool] [--episodes 128] [--seed 0] [--json]`:
 * a saved agent (a run directory, its final/, or a learner-<i>/ directory; A2C or PPI) within the episode against
 * named co-players, beside the exact best response (src/experiments/probing.ts).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadSavedAgent, probeAgent, probeCoPlayer, probeTable, PROBE_CO_PLAYERS } from '../experiments/probing';

const USAGE = `usage: probe <run or final dir> [--learner N] [--against LIST] [--episodes N] [--seed N] [--json]
  --against   comma-separated co-players (default allc,alld,tft,zd2,zd3,pool); allowed: ${PROBE_CO_PLAYERS.join(', ')}
  --episodes  episodes per co-player (default 128)`;

try {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      learner: { type: 'string', default: '0' }, against: { type: 'string', default: 'allc,alld,tft,zd2,zd3,pool' },
      episodes: { type: 'string', default: '128' }, seed: { type: 'string', default: '0' }, json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
  } else {
    if (positionals.length !== 1) throw new RangeError('give one directory');
    const coPlayers = values.against!.split(',').filter((s) => s.trim() !== '').map(probeCoPlayer);
    const count = (name: string, text: string) => {
      const n = Number(text);
      if (!Number.isInteger(n) || n < 0) throw new RangeError(`--${name} must be a whole number, got '${text}'`);
      return n;
    };
    const agent = loadSavedAgent(resolve(positionals[0]), count('learner', values.learner!));
    const t0 = Date.now();
    const rows = probeAgent(agent, coPlayers, count('episodes', values.episodes!), count('seed', values.seed!));
    if (values.json) process.stdout.write(JSON.stringify({ agent: agent.dir, algo: agent.algo, rows }, null, 2) + '\n');
    else process.stdout.write(`${agent.algo} agent ${agent.dir}, ${values.episodes} episodes per co-player (${((Date.now() - t0) / 1000).toFixed(0)} s)\n\n${probeTable(rows)}\n`);
  }
} catch (e) {
  process.stderr.write(`probe: ${(e as Error).message.replace(/^probe: /, "")}\n${USAGE}\n`);
  process.exitCode = 2;
}
