/**
 * `npm run -s summary -- <experiment> --algo <algo> --preset <preset> [--root DIR]`: one JSON object on stdout
 * with the end-of-training values across seeds (shape: `Summary` in src/experiments/read-runs.ts).
 * `--windows N` prints instead learner 0's training curve per seed, finished or not, as means over windows of N
 * iterations (A2C) or phases (PPI) (shape: `SeedCurve[]`): what the curve was doing at the end.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ALGOS, experimentSpec, type Algo, type ExperimentName } from '../experiments/experiments';
import { PRESETS, type PresetName } from '../experiments/presets';
import { curveWindows, summarise } from '../experiments/read-runs';

try {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { algo: { type: 'string', default: 'a2c' }, preset: { type: 'string', default: 'reduced' }, root: { type: 'string' }, windows: { type: 'string' } },
  });
  if (positionals.length !== 1) throw new RangeError(`usage: summary <experiment> --algo ${ALGOS.join('|')} --preset ${PRESETS.join('|')} [--root DIR] [--windows N]`);
  const experiment = experimentSpec(positionals[0]).name as ExperimentName;
  if (!(ALGOS as readonly string[]).includes(values.algo!)) throw new RangeError(`--algo must be one of ${ALGOS.join(', ')}`);
  if (!(PRESETS as readonly string[]).includes(values.preset!)) throw new RangeError(`--preset must be one of ${PRESETS.join(', ')}`);
  const root = values.root ? resolve(values.root) : undefined;
  if (values.windows !== undefined) {
    if (!/^\d+$/.test(values.windows)) throw new RangeError(`--windows takes a whole number of iterations or phases, got '${values.windows}'`);
    const curves = curveWindows(experiment, values.algo as Algo, values.preset as PresetName, Number(values.windows), root);
    if (curves.length === 0) throw new Error(`no runs of ${experiment} --algo ${values.algo} --preset ${values.preset}`);
    process.stdout.write(JSON.stringify(curves, null, 2) + '\n');
  } else {
    const s = summarise(experiment, values.algo as Algo, values.preset as PresetName, root);
    if (s.seeds === 0) throw new Error(`no finished runs of ${experiment} --algo ${values.algo} --preset ${values.preset}`);
    process.stdout.write(JSON.stringify(s, null, 2) + '\n');
  }
} catch (e) {
  process.stderr.write(`summary: ${(e as Error).message}\n`);
  process.exitCode = 2;
}
