/**
 * `npm run -s summary -- <experiment> --algo <algo> --preset <preset> [--root DIR]`: one JSON object on stdout
 * with the end-of-training values across seeds (shape: `Summary` in src/experiments/read-runs.ts).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ALGOS, experimentSpec, type Algo, type ExperimentName } from '../experiments/experiments';
import { PRESETS, type PresetName } from '../experiments/presets';
import { summarise } from '../experiments/read-runs';

try {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { algo: { type: 'string', default: 'a2c' }, preset: { type: 'string', default: 'reduced' }, root: { type: 'string' } },
  });
  if (positionals.length !== 1) throw new RangeError('usage: summary <experiment> --algo a2c|ppi --preset paper|reduced|smoke [--root DIR]');
  const experiment = experimentSpec(positionals[0]).name as ExperimentName;
  if (!(ALGOS as readonly string[]).includes(values.algo!)) throw new RangeError(`--algo must be one of ${ALGOS.join(', ')}`);
  if (!(PRESETS as readonly string[]).includes(values.preset!)) throw new RangeError(`--preset must be one of ${PRESETS.join(', ')}`);
  const s = summarise(experiment, values.algo as Algo, values.preset as PresetName, values.root ? resolve(values.root) : undefined);
  if (s.seeds === 0) throw new Error(`no finished runs of ${experiment} --algo ${values.algo} --preset ${values.preset}`);
  process.stdout.write(JSON.stringify(s, null, 2) + '\n');
} catch (e) {
  process.stderr.write(`summary: ${(e as Error).message}\n`);
  process.exitCode = 2;
}
