/**
 * `npm run -s summary -- <experiment> --algo <algo> --preset <preset> [--root DIR]`: one JSON object on stdout
 * with the end-of-training values across seeds (shape: `Summary` in src/experiments/read-runs.ts).
 * `--windows N` prints instead learner 0's training curve per seed, finished or not, as means over windows of N
 * iterations (A2C) or phases (PPI) (shape: `SeedCurve[]`): what the curve was doing at the end.
 * `--rounds 0,1-4,5-19,20-59,60-89,90-99` prints instead every seed's per-round evaluation (finished or not; `--at N`:
 * the one at unit N, default each run's last) averaged over those spans of rounds, per learner and co-player, as a
 * table (`--json`: `RoundSpanRow[]`): how the agent plays through the episode.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ALGOS, experimentSpec, type Algo, type ExperimentName } from '../experiments/experiments';
import { PRESETS, type PresetName } from '../experiments/presets';
import { curveWindows, parseRoundSpans, roundSpanTable, summarise, type RoundSpanRow } from '../experiments/read-runs';

try {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      algo: { type: 'string', default: 'a2c' }, preset: { type: 'string', default: 'reduced' }, root: { type: 'string' }, windows: { type: 'string' },
      rounds: { type: 'string' }, at: { type: 'string' }, json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) throw new RangeError(`usage: summary <experiment> --algo ${ALGOS.join('|')} --preset ${PRESETS.join('|')} [--root DIR] [--windows N | --rounds SPANS [--at N] [--json]]`);
  const experiment = experimentSpec(positionals[0]).name as ExperimentName;
  if (!(ALGOS as readonly string[]).includes(values.algo!)) throw new RangeError(`--algo must be one of ${ALGOS.join(', ')}`);
  if (!(PRESETS as readonly string[]).includes(values.preset!)) throw new RangeError(`--preset must be one of ${PRESETS.join(', ')}`);
  const root = values.root ? resolve(values.root) : undefined;
  if (values.windows !== undefined && values.rounds !== undefined) throw new RangeError('--windows and --rounds print different tables: give one');
  if ((values.at !== undefined || values.json) && values.rounds === undefined) throw new RangeError('--at and --json go with --rounds');
  if (values.rounds !== undefined) {
    const spans = parseRoundSpans(values.rounds);
    if (values.at !== undefined && !/^\d+$/.test(values.at)) throw new RangeError(`--at takes the unit (iteration or phase) of an evaluation, got '${values.at}'`);
    const rows = roundSpanTable(experiment, values.algo as Algo, values.preset as PresetName, spans, { root, at: values.at === undefined ? undefined : Number(values.at) });
    if (rows.length === 0) throw new Error(`no evaluation of ${experiment} --algo ${values.algo} --preset ${values.preset}${values.at === undefined ? '' : ` at ${values.at}`}`);
    process.stdout.write(values.json ? JSON.stringify(rows, null, 2) + '\n' : formatRoundSpans(rows));
  } else if (values.windows !== undefined) {
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

/** The round-span table as text: one line per seed, learner and co-player; per span the learner's reward/cooperation and, in brackets, the co-player's. */
function formatRoundSpans(rows: readonly RoundSpanRow[]): string {
  const reward = (x: number) => (x < 0 ? '' : ' ') + x.toFixed(2), coop = (x: number) => x.toFixed(2);
  const head = ['seed', 'at', 'learner', 'coplayer', ...rows[0].spans.map((s) => (s.from === s.to ? `rounds ${s.from}` : `rounds ${s.from}-${s.to}`))];
  const lines = rows.map((row) => [
    String(row.seed), `${row.unitName} ${row.unit}${row.done ? '' : ' (unfinished)'}`, String(row.learner), row.coplayer,
    ...row.spans.map((s) => `${reward(s.reward)}/${coop(s.cooperation)} (${reward(s.coplayerReward)}/${coop(s.coplayerCooperation)})`),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [
    'reward/cooperation per round of the learner, averaged over each span of rounds; in brackets the co-player\'s',
    line(head), ...lines.map(line),
  ].join('\n') + '\n';
}
