// Providers with a list endpoint (Serika's GET /jobs): when the next round is due, and what the poller
// does with each job's part of a round. The job-level tests run Serika's loopback fixture with faults
// injected on one job's own GET /jobs/{id} while another job shares its rounds: that job alone must
// end or back off as its single poll would have made it (before, it was left out and retried uncounted).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isTerminal, type JobRecord } from '../../../src/core/jobModel';
import { changesNothing, nextRoundDelay } from '../../../src/core/jobs/listRounds';
import { SerikaServer } from '../../fixtures/providers/serikaServer';
import type { Fault } from '../../fixtures/providers/fakeServer';
import { managerFor, outputIn, PROVIDER_CASES } from '../providers/providerCases';
import { cleanupsFailingOnUnhandledRejections, waitFor } from '../helpers';

const cleanups = cleanupsFailingOnUnhandledRejections();
const serika = PROVIDER_CASES.find((providerCase) => providerCase.name === 'Serika')!;

// --- when the next round is due ----------------------------------------------------------------

test('nextRoundDelay: the jobs in play at their summed rate, never sooner than the floor', () => {
  assert.equal(nextRoundDelay([{ delayMs: 3000, waiting: false }], 500), 3000, 'one job: as it would alone');
  assert.equal(
    nextRoundDelay(
      [
        { delayMs: 3000, waiting: false },
        { delayMs: 6000, waiting: false },
      ],
      500,
    ),
    2000,
  );
  const many = Array.from({ length: 1000 }, () => ({ delayMs: 2400, waiting: false }));
  assert.equal(nextRoundDelay(many, 500), 500, 'a thousand jobs: the floor');
});

test('nextRoundDelay: a job waiting out its quiet period adds no rate, but is not looked at late', () => {
  const waiting = Array.from({ length: 1000 }, () => ({ delayMs: 12_000, waiting: true }));
  assert.equal(nextRoundDelay(waiting, 500), 12_000, 'nothing is due before the quiet period ends');
  assert.equal(nextRoundDelay([...waiting, { delayMs: 3000, waiting: false }], 500), 3000);
  assert.equal(
    nextRoundDelay(
      [
        { delayMs: 20_000, waiting: false },
        { delayMs: 4000, waiting: true },
      ],
      500,
    ),
    4000,
  );
  assert.equal(nextRoundDelay([], 500), undefined, 'no job left: no round');
});

const record = (fields: Partial<JobRecord>): JobRecord =>
  ({ id: 'j', status: 'running', startedAt: 1, request: serika.request, assets: [], ...fields }) as JobRecord;

test('changesNothing: only an answer that repeats the status, with nothing to record or clear', () => {
  assert.equal(changesNothing(record({}), { status: 'running' }), true);
  assert.equal(changesNothing(record({ status: 'queued', startedAt: undefined }), { status: 'queued' }), true);
  assert.equal(changesNothing(record({ status: 'queued' }), { status: 'running' }), false, 'a new status');
  assert.equal(changesNothing(record({ startedAt: undefined }), { status: 'running' }), false, 'its start is not recorded yet');
  assert.equal(changesNothing(record({}), { status: 'running', progress: 0.5 }), false, 'progress to record');
  assert.equal(changesNothing(record({ warning: 'a 503 earlier' }), { status: 'running' }), false, 'a warning to clear');
  assert.equal(changesNothing(record({ progress: 0.5 }), { status: 'running' }), false, 'a progress to clear');
});

// --- each job's part of a round, on the loopback fixture ---------------------------------------

/**
 * Two Serika jobs sharing their rounds: the first, finishing soon, meets `fault` on its first `times`
 * requests of its own (GET /jobs/{id}); the second runs on through many rounds.
 */
async function twoJobs(fault?: Fault, times = 1) {
  const server = new SerikaServer();
  await server.start();
  cleanups.push(() => server.stop());
  const managed = managerFor(serika, server);
  cleanups.push(() => managed.manager.dispose());
  const durations = [1000, 10_000];
  server.nextDuration = () => durations.shift() ?? 1000;
  const output = outputIn();
  const warned = new Set<string>();
  const listening = managed.store.onDidChange((change) => change.kind === 'upsert' && change.job.warning && warned.add(change.job.id));
  cleanups.push(() => listening.dispose());
  const short = await managed.manager.submit({ ...serika.request, prompt: 'short' }, { kind: 'script' }, output);
  const ownPath = new RegExp(`/jobs/${managed.store.get(short)!.remoteId}$`);
  if (fault) server.inject('GET', ownPath, fault, times);
  const long = await managed.manager.submit({ ...serika.request, prompt: 'long' }, { kind: 'script' }, output);
  const shortEnded = () => {
    const job = managed.store.get(short)!;
    return isTerminal(job.status) && job;
  };
  return { server, ...managed, long, ownPath, warned, shortEnded };
}

test("a 404 on one job's own request expires that job, while the job sharing its rounds carries on", async () => {
  const gone: Fault = { kind: 'status', status: 404, body: '{"error":{"message":"Job not found"}}' };
  const { server, store, long, warned, shortEnded } = await twoJobs(gone, 1000);
  const job = await waitFor(shortEnded, 8000, 'the job whose own request answers 404 to end');
  assert.equal(job.status, 'expired');
  assert.match(job.error?.message ?? '', /no longer has this job/);
  assert.ok(server.countRequests('GET', /\/jobs$/) >= 1, 'its status came from the list');
  assert.equal(isTerminal(store.get(long)!.status), false, 'the other job is still being followed');
  assert.equal(warned.has(long), false, 'and was never warned about');
});

test("an unreadable answer to one job's own request counts towards that job's limit alone", async () => {
  const { server, store, long, ownPath, warned, shortEnded } = await twoJobs({ kind: 'malformed' }, 1000);
  const job = await waitFor(shortEnded, 8000, 'the job whose own answers cannot be read to end');
  assert.equal(job.status, 'failed');
  assert.match(job.error?.message ?? '', /Stopped after 3 unexpected answers in a row/);
  assert.equal(server.countRequests('GET', ownPath), 3, 'asked three times, each answer counted');
  assert.equal(isTerminal(store.get(long)!.status), false);
  assert.equal(warned.has(long), false);
});

test("a 503 on one job's own request backs that job off; the job sharing its rounds is not touched", async () => {
  const overloaded: Fault = { kind: 'status', status: 503, body: '{"error":{"message":"overloaded"}}' };
  const { server, store, long, ownPath, warned, shortEnded } = await twoJobs(overloaded, 2);
  const job = await waitFor(shortEnded, 8000, 'the job whose own request met two 503s to end');
  assert.equal(job.status, 'succeeded');
  assert.equal(warned.has(job.id), true, 'it was warned while it backed off');
  assert.equal(server.countRequests('GET', ownPath), 3, 'two 503s, then its result');
  assert.equal(warned.has(long), false, 'the other job was not backed off with it');
  assert.equal(isTerminal(store.get(long)!.status), false);
});

test('an unreadable list ends no job: each is asked by itself, where its own answers count', async () => {
  const { server, store, long, warned, shortEnded, log } = await twoJobs();
  server.inject('GET', /\/jobs$/, { kind: 'malformed' }, 1000);
  assert.equal((await waitFor(shortEnded, 8000, 'the short job to end')).status, 'succeeded');
  assert.equal(isTerminal(store.get(long)!.status), false);
  assert.equal(warned.has(long), false);
  assert.ok(
    log.lines.some((line) => /Listing Serika jobs: .*asked one by one/.test(line)),
    log.lines.join('\n'),
  );
});

test('jobs older than the recent ones the list holds are asked alone, and still end', async () => {
  const server = new SerikaServer({ recentJobs: 2 });
  await server.start();
  cleanups.push(() => server.stop());
  const { store, manager } = managerFor(serika, server);
  cleanups.push(() => manager.dispose());
  server.durationMs = 600;
  const output = outputIn();
  const ids: string[] = [];
  for (let n = 0; n < 4; n++) ids.push(await manager.submit({ ...serika.request, prompt: `job ${n}` }, { kind: 'script' }, output));
  for (const id of ids)
    assert.equal((await waitFor(() => isTerminal(store.get(id)!.status) && store.get(id)!, 10_000)).status, 'succeeded');
  const ownRequests = ids.map((id) => server.requestsPerJob.get(store.get(id)!.remoteId!) ?? 0);
  assert.ok(server.countRequests('GET', /\/jobs$/) >= 2, 'the list was read');
  // the two newest stay listed: one request of their own, for the result
  assert.deepEqual(ownRequests.slice(2), [1, 1]);
  // the two oldest fell out of the list: asked alone while they still ran, then for their result
  for (const count of ownRequests.slice(0, 2)) assert.ok(count >= 2, `requests of an older job: ${ownRequests.join(', ')}`);
});
