/**
 * The queue's pure parts: queue URLs (passwords, TLS, what is shown), job data checked as the command line checks its
 * flags (a job is data, never code), job ids from the run's identity, and the flows of dependent steps.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exposureWarning, parseRedisUrl, redisOptions } from '../../src/queue/connection';
import { dependencyChain, enqueueDecision, jobId, jobIdentity, jobRunOptions, lengthening, parseRunJob, runFlow, runJob, startsFromByPath, type RunJob } from '../../src/queue/jobs';

const job = (over: Record<string, unknown> = {}): unknown =>
  ({ v: 1, experiment: 'step2', algo: 'a2c', preset: 'smoke', seed: 3, overrides: ['iterations=20'], ...over });

test('queue URLs: host, port, database, password (URL-encoded or from ICL_REDIS_PASSWORD), TLS; the password is never shown', () => {
  const t = parseRedisUrl('redis://:p%40ss%3Aword@10.0.0.5:6380/2', {});
  assert.deepEqual([t.host, t.port, t.db, t.password, t.tls, t.loopback], ['10.0.0.5', 6380, 2, 'p@ss:word', undefined, false]);
  assert.equal(t.display, 'redis://:***@10.0.0.5:6380/2');
  const tls = parseRedisUrl('rediss://worker:pw@queue.example.org', {});
  assert.deepEqual([tls.port, tls.db, tls.username, tls.password, tls.tls], [6379, 0, 'worker', 'pw', { servername: 'queue.example.org' }]);
  assert.equal(tls.display, 'rediss://worker:***@queue.example.org');
  assert.deepEqual(parseRedisUrl('rediss://127.0.0.1:7000', {}).tls, {}, 'an IP address is verified without SNI');
  assert.equal(parseRedisUrl('redis://127.0.0.1:7000', { ICL_REDIS_PASSWORD: 'from-env' }).password, 'from-env');
  assert.equal(parseRedisUrl('redis://:url@127.0.0.1', { ICL_REDIS_PASSWORD: 'env' }).password, 'url', 'the URL wins');
  assert.equal(parseRedisUrl('redis://[::1]:7000', {}).host, '::1');
  assert.ok(parseRedisUrl('redis://[::1]:7000', {}).loopback && parseRedisUrl('redis://localhost', {}).loopback);
  const opts = redisOptions(t, 'worker');
  assert.equal(opts.password, 'p@ss:word');
  assert.equal(opts.maxRetriesPerRequest, null, 'a worker reconnects for ever');
  for (const [bad, msg] of [
    ['localhost:6379', /'localhost:' URLs are not supported/], ['http://h:1', /'http:' URLs are not supported/], ['redis://h:1/x', /not a database number/],
    ['redis://h:1/0?tls=1', /query/], ['nonsense', /not a URL/],
  ] as const) assert.throws(() => parseRedisUrl(bad, {}), msg, bad);
});

test('queue URLs: a warning for Redis off loopback without both a password and TLS', () => {
  assert.equal(exposureWarning(parseRedisUrl('redis://127.0.0.1:6379', {})), undefined);
  assert.equal(exposureWarning(parseRedisUrl('rediss://:pw@10.1.2.3:6379', {})), undefined);
  assert.match(exposureWarning(parseRedisUrl('redis://:pw@10.1.2.3', {}))!, /no TLS .*never expose Redis without both/);
  assert.match(exposureWarning(parseRedisUrl('rediss://10.1.2.3', {}))!, /no password/);
});

test('job data: what the command line accepts passes; anything else is refused with the reason', () => {
  assert.deepEqual(parseRunJob(job()), job());
  assert.deepEqual(parseRunJob(job({ experiment: 'step2', frozenFrom: '/shared/runs/mixed/a2c/reduced/seed-0' })).frozenFrom, '/shared/runs/mixed/a2c/reduced/seed-0');
  for (const [data, msg] of [
    [job({ experiment: 'step9' }), /experiment: Invalid enum value/],
    [job({ algo: 'sh' }), /algo: Invalid enum value/],
    [job({ preset: 'huge' }), /preset: Invalid enum value/],
    [job({ seed: -1 }), /seed/],
    [job({ seed: '1; rm -rf /' }), /seed/],
    [job({ v: 2 }), /v: Invalid literal value/],
    [job({ code: 'process.exit(1)' }), /Unrecognized key\(s\) in object: 'code'/],
    [job({ overrides: ['__proto__=1'] }), /does not name a setting of a2c/],
    [job({ overrides: ['iterations'] }), /does not name a setting of a2c/],
    [job({ overrides: ['iterations=$(reboot)'] }), /invalid a2c settings: iterations/],
    [job({ overrides: ['batchEpisodes=-4'] }), /batchEpisodes/],
    [job({ overrides: ['pretrainEpisodes=64'] }), /does not name a setting of a2c/],
    [job({ initFrom: 'relative/dir' }), /initFrom must be an absolute path/],
    [job({ extend: false }), /extend: Invalid literal value/],
    [job({ extend: 'yes' }), /extend: Invalid literal value/],
    [job({ initFrom: '/a\n/b' }), /initFrom must be an absolute path/],
    [job({ experiment: 'step1', frozenFrom: '/x' }), /only Step 2 plays against a frozen agent/],
    [job({ experiment: 'step3', initFrom: '/x' }), /step3 already starts its learners from the step2 agent/],
    ['a string', /not a run job/],
    [null, /not a run job/],
  ] as const) assert.throws(() => parseRunJob(data), msg, JSON.stringify(data));
});

test('job ids are the run names; settings that resolve alike are one identity; a worker always resumes', () => {
  const j = parseRunJob(job());
  assert.equal(jobId(j), 'step2/a2c/smoke/seed-3');
  assert.equal(jobIdentity(j), jobIdentity({ ...j, overrides: ['iterations=2e1'] }));
  assert.notEqual(jobIdentity(j), jobIdentity({ ...j, overrides: ['iterations=21'] }));
  assert.notEqual(jobIdentity(j), jobIdentity({ ...j, frozenFrom: '/x' }));
  assert.deepEqual(jobRunOptions(j, '/shared/runs'), { ...j, root: '/shared/runs', resume: true, extend: false });
});

test('--extend in the queue: the job carries it to the worker, its dependencies do not; a lengthening is the same run with a larger phases alone', () => {
  const short = runJob({ experiment: 'step2', algo: 'ppi', preset: 'smoke', seed: 1, overrides: ['phases=2'] });
  const long = runJob({ experiment: 'step2', algo: 'ppi', preset: 'smoke', seed: 1, overrides: ['phases=4'], extend: true });
  assert.equal(parseRunJob(long).extend, true);
  assert.equal(short.extend, undefined, 'a job without --extend has no such field');
  assert.equal(jobRunOptions(long, '/r').extend, true);
  assert.deepEqual(dependencyChain(long).map((d) => d.extend), [undefined], 'Step 1 is never lengthened by Step 2\'s job');
  assert.equal(runFlow(long).children![0].data.extend, undefined);
  assert.equal(jobIdentity(short), jobIdentity({ ...short, extend: true }), '--extend is not a setting');
  assert.deepEqual(lengthening(short, long), { setting: 'phases', from: 2, to: 4 });
  assert.deepEqual(lengthening(long, long, 2), { setting: 'phases', from: 2, to: 4 }, 'a finished run shorter than its job says (a preset that grew)');
  assert.match(lengthening({ ...short, overrides: ['phases=3', 'logEvery=2'] }, { ...long, overrides: ['phases=6', 'logEvery=2'] })?.problem ?? '', /run to 3, not a multiple of logEvery=2/);
  assert.equal(lengthening(long, short), undefined, 'never shortened');
  assert.equal(lengthening(short, short), undefined, 'the same length is the same run');
  assert.equal(lengthening(short, { ...long, overrides: ['phases=4', 'beta=2'] }), undefined, 'another setting changed');
  assert.equal(lengthening(short, { ...long, seed: 2 }), undefined, 'another run');
  assert.equal(lengthening(short, { ...long, frozenFrom: '/x' }), undefined, 'another start');
  const a2c = runJob({ experiment: 'step1', algo: 'a2c', preset: 'smoke', seed: 1, overrides: ['iterations=20'] });
  assert.equal(lengthening(a2c, { ...a2c, overrides: ['iterations=40'], extend: true }), undefined, 'A2C runs are not lengthened');
});

test('enqueueDecision: present, refused or replaced, by settings, --extend, the old job\'s state and the jobs that start from its run', () => {
  const at = (phases: number, extend = false) => runJob({ experiment: 'step1', algo: 'ppi', preset: 'smoke', seed: 2, overrides: [`phases=${phases}`], extend });
  const none: { id: string; state: string }[] = [];
  const decide = (now: RunJob, extend: boolean, data: RunJob, state: string, unitsDone?: number, deps = none) => enqueueDecision(now, extend, { data, state, unitsDone }, deps);
  assert.deepEqual(decide(at(2), false, at(2), 'waiting'), { kind: 'present' });
  assert.deepEqual(decide(at(2, true), true, at(2), 'completed', 2), { kind: 'present' }, 'done at that length: nothing to lengthen');
  const other = decide(at(4), false, at(2), 'completed', 2);
  assert.equal(other.kind, 'refuse');
  assert.match((other as { why: string }).why, /already queued \(completed\) with other settings: --set phases=2, now --set phases=4; .*or lengthen its run with --extend once it has ended/);
  assert.deepEqual(decide(at(4, true), true, at(2), 'completed', 2), { kind: 'replace', what: 'to lengthen its run, phases=2 → 4' });
  assert.deepEqual(decide(at(4, true), true, at(4), 'completed', 2), { kind: 'replace', what: 'to lengthen its run, phases=2 → 4' }, 'a preset that grew: the outcome says 2 done');
  assert.deepEqual(decide(at(4, true), true, at(4), 'failed'), { kind: 'replace', what: 'to run it again with --extend' }, 'the worker refused it and said --extend');
  assert.deepEqual(decide(at(4, true), true, at(4, true), 'failed'), { kind: 'present' }, 'it failed with --extend already: retry it');
  assert.match((decide(at(4, true), true, at(2), 'waiting') as { why: string }).why, /is queued \(waiting\) at phases=2: --extend replaces a job that has ended/);
  assert.match((decide(at(4, true), true, at(2), 'active') as { why: string }).why, /is queued \(active\)/);
  assert.match((decide(at(4, true), true, at(2), 'completed', 2, [{ id: 'step2/ppi/smoke/seed-2', state: 'waiting' }]) as { why: string }).why,
    /step1\/ppi\/smoke\/seed-2: step2\/ppi\/smoke\/seed-2 \(waiting\) starts from its agents, which a longer run would replace; cancel it first/);
  assert.equal(decide(at(4, true), true, at(2), 'completed', 2, [{ id: 'step2/ppi/smoke/seed-2', state: 'completed' }]).kind, 'replace',
    'an ended dependent: the run directory decides (the runner refuses while its run is there)');
  assert.match((decide(at(4, true), true, { ...at(2), overrides: ['phases=2', 'beta=2'] }, 'completed', 2) as { why: string }).why, /with other settings/);
  assert.match((decide({ ...at(6, true), overrides: ['phases=6', 'logEvery=2'] }, true, { ...at(3), overrides: ['phases=3', 'logEvery=2'] }, 'completed', 3) as { why: string }).why, /--extend: its run was run to 3, not a multiple of logEvery=2/);
  const a2c = runJob({ experiment: 'step1', algo: 'a2c', preset: 'smoke', seed: 2, overrides: ['iterations=20'] });
  assert.equal(decide({ ...a2c, overrides: ['iterations=40'], extend: true }, true, a2c, 'completed', 20).kind, 'refuse', 'A2C runs are not lengthened');
  assert.equal(decide(at(4, true), true, { v: 1, junk: true } as unknown as RunJob, 'completed').kind, 'refuse', 'an unreadable job is other settings');
});

test('startsFromByPath: --init-from/--frozen-from the run directory, its final/ or a learner in it, under any root', () => {
  const id = 'step1/ppi/long/seed-1';
  const mixed = (initFrom: string) => runJob({ experiment: 'mixed', algo: 'ppi', preset: 'long', seed: 0, initFrom });
  for (const p of ['/shared/runs/step1/ppi/long/seed-1', '/x/step1/ppi/long/seed-1/', '/x/step1/ppi/long/seed-1/final', '/x/step1/ppi/long/seed-1/final/learner-0']) assert.ok(startsFromByPath(mixed(p), id), p);
  for (const p of ['/x/step1/ppi/long/seed-10', '/x/step1/ppi/long/seed-1x/final', '/x/step2/ppi/long/seed-1']) assert.ok(!startsFromByPath(mixed(p), id), p);
  assert.ok(startsFromByPath(runJob({ experiment: 'step2', algo: 'ppi', preset: 'long', seed: 0, frozenFrom: '/r/step1/ppi/long/seed-1/final' }), id));
});

test('flows: Step 3 waits for Step 2, which waits for Step 1, each dependency with the preset settings as the local runner runs it', () => {
  const j = runJob({ experiment: 'step3', algo: 'ppi', preset: 'reduced', seed: 4, overrides: ['phases=3'] });
  assert.deepEqual(dependencyChain(j).map(jobId), ['step2/ppi/reduced/seed-4', 'step1/ppi/reduced/seed-4']);
  const flow = runFlow(j);
  assert.equal(flow.opts.jobId, 'step3/ppi/reduced/seed-4');
  assert.deepEqual(flow.data.overrides, ['phases=3']);
  assert.equal(flow.children![0].opts.jobId, 'step2/ppi/reduced/seed-4');
  assert.deepEqual(flow.children![0].data.overrides, []);
  assert.equal(flow.children![0].children![0].opts.jobId, 'step1/ppi/reduced/seed-4');
  assert.equal(flow.children![0].children![0].children, undefined);
  assert.ok(flow.opts.attempts > 1, 'a job is retried (it resumes from its checkpoint)');
  assert.deepEqual(dependencyChain(runJob({ experiment: 'step2', algo: 'a2c', preset: 'smoke', seed: 0, frozenFrom: '/x' })), [], '--frozen-from needs no Step 1');
  assert.deepEqual(dependencyChain(runJob({ experiment: 'mixed', algo: 'a2c', preset: 'smoke', seed: 0, initFrom: '/x' })), []);
  for (const x of [j, ...dependencyChain(j)]) parseRunJob(x);
});
