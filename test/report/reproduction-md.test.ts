import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { smokeResultsTree } from './smoke-tree';
import { readCsv, writeJsonAtomic } from '../../src/experiments/files';
import { presetName } from '../../src/experiments/presets';
import { readComputeTime, readStatus, runDir } from '../../src/experiments/run';
import { ourValue } from '../../src/report/comparison';
import {
  campaignText, claimText, computeText, fillSections, CAMPAIGN_SEEDS, PAPER_SEEDS, generateSections, reproductionSkeleton, settingsText, updateReproduction, REPRODUCTION_SECTIONS,
} from '../../src/report/reproduction-md';

const ROOT = resolve(__dirname, '..', '..');
let root = '';
before(async () => {
  root = await smokeResultsTree('report-reproduction-');
});
after(() => rmSync(root, { recursive: true, force: true }));

const o = () => ({ root, preset: 'smoke' as const });
/** The cells of the table row of one run and key, or undefined. */
function row(text: string, run: string, first: string): string[] | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`| ${run} | ${first} |`));
  return line?.slice(2, -2).split(' | ');
}
/** The file with the generated text of every marker pair taken out: what regeneration must leave byte for byte. */
const outsideMarkers = (text: string) => text.replace(/(<!-- generated:(\w+) -->)[\s\S]*?(<!-- \/generated:\2 -->)/g, '$1$3');

test('claim tables: the paper beside our mean ± std and seeds; "no run yet" without runs', () => {
  const step1 = claimText('step1', o());
  const reward = row(step1, 'step1/a2c', '`train.tabular.reward`');
  const ours = ourValue({ experiment: 'step1', algo: 'a2c', preset: 'smoke', root }, 'train.tabular.reward');
  assert.ok(reward && ours);
  assert.deepEqual(reward, ['step1/a2c', '`train.tabular.reward`', 'Fig. 4A', '1.02', 'F', `${ours.mean.toFixed(3)} ± ${ours.std.toFixed(3)}`,
    reward[6], '2']);
  assert.equal(Number(reward[6]), Number((ours.mean - 1.02).toFixed(3)), 'ours − paper');
  assert.equal(row(step1, 'step1/a2c', '`train.tabular.cooperation`')?.[3], '0.04 (0.03–0.05)', 'the paper\'s range beside its value');
  const ppi = row(step1, 'step1/ppi', '`episode.tft.late.cooperation`');
  assert.deepEqual(ppi?.slice(5), ['no run yet', '', '0']);
  assert.match(step1, /step1\/ppi\/smoke: no finished run .*Produce it with: npm run experiment -- step1 --algo ppi --preset smoke/);
  assert.match(step1, /step1\/a2c\/smoke: seeds 0, 1 finished .*still running: seed 2/);
  // Under a finished run set, its curve: learner 0's cooperation per window (here one iteration), mean over the finished seeds.
  const coop = (seed: number) => readCsv(join(root, 'step1', 'a2c', 'smoke', `seed-${seed}`, 'train.csv'))
    .filter((r) => r.learner === 0 && r.coplayer === 'tabular').map((r) => Number(r.cooperation));
  const [c0, c1] = [coop(0), coop(1)];
  assert.equal(c0.length, 4);
  const expected = c0.map((c, i) => ((c + c1[i]) / 2).toFixed(2)).join(' → ');
  assert.ok(step1.includes(`  training curve, learner 0's cooperation per iteration (mean over seeds 0, 1): against tabular ${expected}\n`), step1);
  assert.equal(step1.match(/training curve/g)?.length, 1, 'none for the learner without a finished run');
  // Fig. 1 spans the ablations; Fig. 3 quotes only the snapshot (which the smoke runs record at half-way).
  const fig1 = claimText('fig1', o());
  assert.deepEqual(row(fig1, 'mixed-opponent-id/a2c', '`train.learner.reward`')?.slice(5), ['no run yet', '', '0']);
  assert.match(fig1, /The paper gives no values for mixed-no-tabular\/a2c\./);
  assert.ok(!fig1.includes('snapshot.'));
  const fig3 = claimText('fig3', o());
  assert.equal(row(fig3, 'mixed/a2c', '`snapshot.tabular.late.reward`')?.[7], '2');
  assert.ok(fig3.split('\n').filter((l) => l.startsWith('| mixed/')).every((l) => l.includes('`snapshot.')));
  assert.ok(!fig3.includes('training curve'), 'Fig. 1 already shows the mixed pool\'s curve');
});

test('several presets side by side: a column of ours and of seeds per preset; ours − paper at the largest scale with a value', () => {
  const two = { root, presets: ['smoke', 'reduced'] as const };
  const step1 = claimText('step1', two);
  assert.match(step1, /\| ours \(smoke\) \| seeds \(smoke\) \| ours \(reduced\) \| seeds \(reduced\) \| ours − paper \(largest scale\) \|/);
  const reward = row(step1, 'step1/a2c', '`train.tabular.reward`');
  const ours = ourValue({ experiment: 'step1', algo: 'a2c', preset: 'smoke', root }, 'train.tabular.reward');
  assert.ok(reward && ours);
  assert.deepEqual(reward.slice(5), [`${ours.mean.toFixed(3)} ± ${ours.std.toFixed(3)}`, '2', 'no run yet', '0', reward[9]]);
  assert.equal(Number(reward[9]), Number((ours.mean - 1.02).toFixed(3)), 'from smoke: reduced has no run here');
  assert.match(step1, /step1\/a2c\/reduced: no finished run/);
  // The other sections once per preset, each headed by its name.
  const sections = generateSections(two);
  for (const id of ['campaign', 'settings', 'compute'] as const) {
    assert.match(sections[id], /^\*\*At `smoke`\*\*\n[\s\S]*\n\*\*At `reduced`\*\*\n/, id);
  }
  assert.equal(generateSections({ root, preset: 'smoke' }).compute, computeText(o()), 'one preset: the section as before');
});

test('settings: ours beside the paper preset, only what differs plus the scale; compute per run set', () => {
  const settings = settingsText(o());
  const block = settings.split('**step1/a2c**')[1].split('**')[0];
  assert.match(block, /^, seeds 0, 1; overrides: hiddenSize=16 embedSize=8\n/);
  assert.match(block, /\| batchEpisodes \| 2048 \| 8 \|/);
  assert.match(block, /\| iterations \| 50000 \| 4 \|/);
  assert.match(block, /\| hiddenSize \| 128 \| 16 \|/);
  assert.ok(!/\| gamma \|/.test(block), 'settings equal to the paper\'s are left out');
  assert.match(settings, /No finished `smoke` run yet: .*step1\/ppi/);
  const compute = computeText(o());
  const step1 = row(compute, 'step1/a2c', '0, 1');
  assert.ok(step1, compute);
  const [mean, lo, hi] = step1[2].match(/[\d.]+/g)!.map(Number);
  assert.ok(lo <= mean && mean <= hi && !step1[2].includes('≈'), step1[2]);
  assert.match(compute, /Unfinished: step1\/a2c seed 2 \(1\/4, [\d.]+ min so far\)/);
});

test('campaign: finished and unfinished seeds per run set, the seeds missing to 5 and to 10, and the core-hours they would take', () => {
  const text = campaignText(o());
  assert.equal(CAMPAIGN_SEEDS, 5);
  assert.equal(PAPER_SEEDS, 10);
  const minutes = [0, 1].map((seed) => readComputeTime(runDir({ experiment: 'step1', algo: 'a2c', preset: 'smoke', seed, root }))!.seconds / 60);
  const perSeed = (minutes[0] + minutes[1]) / 2 / 60;
  assert.deepEqual(row(text, 'step1/a2c', '0, 1'),
    ['step1/a2c', '0, 1', '2 (1/4)', '3', `≈ ${(3 * perSeed).toFixed(1)}`, '8', `≈ ${(8 * perSeed).toFixed(1)}`]);
  assert.deepEqual(row(text, 'step1/ppi', '—'), ['step1/ppi', '—', '—', '5', '? (no finished seed)', '10', '? (no finished seed)']);
  assert.match(text, /0 of 12 run sets have 5 seeds \(about [\d.]+ core-hours left\), 0 have 10 \(about [\d.]+ core-hours left\), plus \d+ run set\(s\) with no finished seed to estimate from\./);
});

test('the file: a skeleton when missing; regeneration keeps the text outside the markers byte for byte, and is idempotent', () => {
  const path = join(root, 'REPRODUCTION.md');
  assert.deepEqual(updateReproduction(path, o()), { created: true });
  const created = readFileSync(path, 'utf8');
  assert.equal(outsideMarkers(created), outsideMarkers(reproductionSkeleton()));
  assert.equal(created.match(/\*\*Verdict\*\*: \(to be written\)/g)?.length, 5);
  for (const id of REPRODUCTION_SECTIONS) assert.ok(created.includes(`<!-- /generated:${id} -->`), id);
  // Hand-written prose around and between the markers, and stale generated text inside them.
  const edited = created
    .replace('**Verdict**: (to be written)', '**Verdict**: reproduced in part.\n\nA2C defects against TFT; see the table.  ')
    .replace(/(<!-- generated:step2 -->)[\s\S]*?(<!-- \/generated:step2 -->)/, '$1\nstale\n$2 trailing words')
    .concat('\n## Notes\n\nWritten by hand.\n');
  writeFileSync(path, edited);
  assert.deepEqual(updateReproduction(path, o()), { created: false });
  const once = readFileSync(path, 'utf8');
  assert.equal(outsideMarkers(once), outsideMarkers(edited), 'outside the markers nothing changed');
  assert.ok(!once.includes('stale') && once.includes(generateSections(o()).step2));
  updateReproduction(path, o());
  assert.equal(readFileSync(path, 'utf8'), once, 'regenerating again changes nothing');
});

test('bad input: a missing or doubled marker pair names the section; an unknown preset lists the allowed ones', () => {
  const path = join(root, 'BROKEN.md');
  writeFileSync(path, reproductionSkeleton().replace('<!-- /generated:fig3 -->', ''));
  assert.throws(() => updateReproduction(path, o()), /BROKEN\.md: the section 'fig3' needs exactly one marker pair.*found 1 and 0/);
  assert.throws(() => fillSections('<!-- generated:step1 --><!-- /generated:step1 --><!-- generated:step1 -->', { step1: 'x' }), /'step1'.*found 2 and 1/);
  assert.throws(() => presetName('huge'), /unknown preset 'huge'; allowed: paper, long, reduced, smoke/);
});

test('compute: minutes per seed and core-hours from status.json, runs from before computeSeconds marked (wall, ≈); npm run reproduction writes the same file', () => {
  // A run written before the runner recorded its compute time: status.json without computeSeconds.
  const dir = runDir({ experiment: 'step2', algo: 'a2c', preset: 'smoke', seed: 1, root });
  const { computeSeconds: _, ...legacy } = readStatus(dir)!;
  writeJsonAtomic(join(dir, 'status.json'), legacy);
  // Known compute times: 10 and 20 minutes.
  for (const [seed, computeSeconds] of [[0, 600], [1, 1200]]) {
    const d = runDir({ experiment: 'step1', algo: 'a2c', preset: 'smoke', seed, root });
    writeJsonAtomic(join(d, 'status.json'), { ...readStatus(d), computeSeconds });
  }
  const compute = computeText(o());
  assert.match(row(compute, 'step2/a2c', '0, 1')?.[2] ?? '', /\(wall, ≈\)$/);
  assert.deepEqual(row(compute, 'step1/a2c', '0, 1')?.slice(2, 4), ['15.00 (10.00–20.00)', '0.50'], 'other run sets stay exact');
  const out = join(root, 'CLI.md');
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/bin/reproduction.ts'), '--root', root, '--out', out, '--preset', 'smoke'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const inProcess = join(root, 'IN-PROCESS.md');
  updateReproduction(inProcess, o());
  assert.equal(readFileSync(out, 'utf8'), readFileSync(inProcess, 'utf8'));
  const bad = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/bin/reproduction.ts'), '--preset', 'huge'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown preset 'huge'; allowed: paper, long, reduced, smoke/);
});
