/**
 * `npm run reproduction [-- --root DIR] [--out FILE] [--preset NAME[,NAME…]]`: writes REPRODUCTION.md, or updates its
 * generated tables and leaves the hand-written verdicts as they are (see src/report/reproduction-md.ts).
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PRESETS, presetName } from '../experiments/presets';
import { updateReproduction } from '../report/reproduction-md';
import { displayPath } from '../report/results';

const USAGE = `usage: reproduction [--root DIR] [--out FILE] [--preset NAME[,NAME…]]
  --root DIR     results root (default data/runs)
  --out FILE     the file to write or update (default REPRODUCTION.md of the project)
  --preset LIST  whose runs are compared with the paper, side by side (${PRESETS.join(', ')}; default reduced,long)`;

try {
  const { values } = parseArgs({
    options: { root: { type: 'string' }, out: { type: 'string' }, preset: { type: 'string', default: 'reduced,long' }, help: { type: 'boolean', default: false } },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
  } else {
    const out = resolve(values.out ?? join(__dirname, '..', '..', 'REPRODUCTION.md'));
    const presets = values.preset!.split(',').map((p) => presetName(p.trim()));
    const { created } = updateReproduction(out, { root: values.root ? resolve(values.root) : undefined, presets });
    process.stdout.write(`reproduction: ${created ? 'created' : 'updated'} ${displayPath(out)} from the ${presets.join(' and ')} runs\n`);
  }
} catch (e) {
  process.stderr.write(`reproduction: ${(e as Error).message}\n${USAGE}\n`);
  process.exitCode = 2;
}
