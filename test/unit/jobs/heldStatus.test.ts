// SubModel's held status requests (/status-sync) through the job engine, against the SubModel loopback
// server: a recorded job is watched by a held request instead of polls; anything a held request cannot
// answer (a dropped connection, a 404 or 405, an answer nobody documented) goes back to /status polling;
// cancel and dispose end it; the provider's held slots are capped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpClient } from '../../../src/core/http';
import { JobManager, type JobManagerOptions } from '../../../src/core/jobs/jobManager';
import { JobStore, type StoredChange } from '../../../src/core/jobs/jobStore';
import type { GenerationRequest } from '../../../src/core/jobModel';
import { subModelProvider } from '../../../src/core/providers/submodel';
import type { ProviderContext } from '../../../src/core/providers/types';
import type { Fault } from '../../fixtures/providers/fakeServer';
import { SubModelServer } from '../../fixtures/providers/subModelServer';
import { SCOUTS_PER_KIND } from '../../../src/core/jobs/scouts';
import {
  cleanupsFailingOnUnhandledRejections,
  collectingLogger,
  fastPolls,
  fileSink,
  memoryPersistence,
  rootUri,
  tempDir,
  waitFor,
} from '../helpers';

const cleanups = cleanupsFailingOnUnhandledRejections();
const http = new HttpClient();
const request: GenerationRequest = { providerId: 'submodel', model: '', prompt: 'a lighthouse, held', params: {} };
const HELD = /\/status-sync\//;
const POLL = /\/status\//;

async function setup(options: { durationMs?: number; heldStatus?: boolean; manager?: JobManagerOptions } = {}) {
  const server = new SubModelServer('/v1/sl', { durationMs: options.durationMs ?? 600 });
  await server.start();
  const context: ProviderContext = {
    http,
    baseUrl: server.url,
    apiKey: server.apiKey,
    options: { endpointId: server.endpointId, basePath: '/v1/sl', authHeader: 'x-apikey', heldStatus: options.heldStatus ?? true },
  };
  // when the provider's job id first reached storage
  const persistence = memoryPersistence();
  const write = persistence.write;
  let idStoredAt: number | undefined;
  persistence.write = async (changes: readonly StoredChange[]) => {
    await write(changes);
    if (idStoredAt === undefined && changes.some((change) => 'job' in change && change.job.remoteId)) idStoredAt = Date.now();
  };
  const store = new JobStore(persistence);
  const log = collectingLogger();
  const manager = new JobManager(store, async () => ({ provider: subModelProvider, context }), fileSink, log, {
    pollPolicy: fastPolls,
    ...options.manager,
  });
  cleanups.push(
    () => manager.dispose(),
    () => server.stop(),
  );
  const output = { root: rootUri(tempDir()), folder: 'out', nameTemplate: '{{job}}', baseName: 'held' };
  const submit = (of: GenerationRequest = request) => manager.submit(of, { kind: 'script' }, output);
  const ended = (id: string) =>
    waitFor(() => ['succeeded', 'failed', 'cancelled', 'expired'].includes(store.get(id)?.status ?? '') && store.get(id)!);
  const count = (pattern: RegExp, after = 0) => server.requests.filter((seen) => pattern.test(seen.path) && seen.at >= after).length;
  return { server, store, manager, log, context, submit, ended, count, idStoredAt: () => idStoredAt };
}

test('pollHeld: POST {base}/status-sync/{id}?wait=…, the key, no body; the answer read as /status reads it', async () => {
  const { server, count } = await setup({ durationMs: 300 });
  const context: ProviderContext = {
    http,
    baseUrl: server.url,
    apiKey: server.apiKey,
    options: { endpointId: server.endpointId, basePath: '/v1/sl', authHeader: 'x-apikey' },
  };
  const { remoteId } = await subModelProvider.submit(request, 'key', context);
  const state = await subModelProvider.pollHeld!(remoteId, 5000, context);
  assert.equal(state.status, 'succeeded', 'held until the job ended, well inside the wait');
  const seen = server.requests.find((candidate) => HELD.test(candidate.path))!;
  assert.equal(seen.method, 'POST');
  assert.equal(seen.path, `/v1/sl/${server.endpointId}/status-sync/${remoteId}?wait=5000`);
  assert.equal(seen.headers['x-apikey'], server.apiKey);
  assert.equal(seen.body, '');
  assert.equal(count(POLL), 0);
});

test('a recorded job is watched by one held request, sent only once its id is stored: no polls', async () => {
  const { server, store, submit, ended, count, idStoredAt } = await setup({ durationMs: 800 });
  const id = await submit();
  assert.equal((await ended(id)).status, 'succeeded');
  assert.equal(count(HELD), 1, 'one held request saw the job through');
  assert.equal(count(POLL), 0, 'no ordinary poll');
  const firstHeld = server.requests.find((seen) => HELD.test(seen.path))!;
  assert.ok(idStoredAt() !== undefined && idStoredAt()! <= firstHeld.at, 'the job id was stored before the held request was sent');
  assert.ok(firstHeld.path.includes(store.get(id)!.remoteId!));
});

test('the setting off: the job is polled, never held', async () => {
  const { submit, ended, count } = await setup({ heldStatus: false });
  assert.equal((await ended(await submit())).status, 'succeeded');
  assert.equal(count(HELD), 0);
  assert.ok(count(POLL) > 0);
});

test('a hold that ends before the job does is followed by another at once, not by polls', async () => {
  const { submit, ended, count } = await setup({ durationMs: 900, manager: { heldWaitMs: 200 } });
  assert.equal((await ended(await submit())).status, 'succeeded');
  assert.ok(count(HELD) >= 3, `held again after each wait (${count(HELD)} held requests)`);
  assert.equal(count(POLL), 0);
});

test('a held connection dropped mid-wait: the job is polled at once, held again, and completes', async () => {
  const { server, log, submit, ended, count } = await setup({ durationMs: 1500 });
  const id = await submit();
  await waitFor(() => server.heldOpen === 1, 5000, 'a held request');
  const droppedAt = Date.now();
  assert.equal(server.dropHeldConnections(), 1);
  assert.equal((await ended(id)).status, 'succeeded');
  assert.ok(count(POLL, droppedAt) >= 1, 'an ordinary poll followed the drop');
  assert.ok(count(HELD) >= 2, 'and the next look was held again');
  assert.ok(log.lines.some((line) => line.includes('ended without an answer')));
});

for (const [what, fault] of [
  ['404 (no such route)', { kind: 'status', status: 404, body: '{"error":"not found"}' }],
  ['405 (not this method)', { kind: 'status', status: 405, body: '{"error":"method not allowed"}', headers: { allow: 'GET' } }],
  ['an answer no document describes', { kind: 'malformed' }],
] as [string, Fault][]) {
  test(`the held endpoint answering ${what}: plain polling, for this job and the next`, async () => {
    const { server, log, submit, ended, count } = await setup();
    server.inject('POST', HELD, fault, Infinity);
    assert.equal((await ended(await submit())).status, 'succeeded');
    assert.equal(count(HELD), 1, 'asked once');
    assert.ok(count(POLL) >= 1, 'then polled');
    assert.equal((await ended(await submit())).status, 'succeeded');
    assert.equal(count(HELD), 1, 'not asked again for the next job');
    assert.ok(log.lines.some((line) => line.includes('polling /status instead')));
  });
}

test('cancel while held: the held request ends, the job is cancelled remotely', async () => {
  const { server, store, manager, submit, count } = await setup({ durationMs: 5000 });
  const id = await submit();
  await waitFor(() => server.heldOpen === 1, 5000, 'a held request');
  await manager.cancel(id);
  assert.equal(store.get(id)?.status, 'cancelled');
  await waitFor(() => server.heldOpen === 0, 2000, 'the held request to end');
  assert.equal(count(/\/cancel\//), 1);
});

test('dispose while held: nothing is left open', async () => {
  const { server, manager, submit } = await setup({ durationMs: 5000 });
  await submit();
  await waitFor(() => server.heldOpen === 1, 5000, 'a held request');
  manager.dispose();
  await waitFor(() => server.heldOpen === 0, 2000, 'the held request to end');
  const requestsAtDispose = server.requests.length;
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(server.requests.length, requestsAtDispose, 'no request after dispose');
});

/** No look before 400 ms (every job of a batch has its role before the first hold starts); a wait for the scouts lasts 5 s. */
const noLookBefore400ms = () => ({ ...fastPolls(), minIntervalMs: 400, scoutMinIntervalMs: 400, maxIntervalMs: 5000 });

/** Status polls per job (by path) that arrived in [from, to). */
function pollsPerJob(requests: readonly { path: string; at: number }[], from: number, to: number): Map<string, number> {
  const polls = new Map<string, number>();
  for (const seen of requests)
    if (POLL.test(seen.path) && seen.at >= from && seen.at < to) polls.set(seen.path, (polls.get(seen.path) ?? 0) + 1);
  return polls;
}

test('with held requests watching the provider, no job of a batch waits for the scouts: each is held before the first result', async () => {
  // a job beyond the scouts of a new kind would wait for its first result (or 5 s): with holds, a look costs one
  // request a wait, and waiting would only find the quick ones late. The jobs already waiting when the first hold
  // starts are let go.
  const { server, store, submit, ended } = await setup({
    durationMs: 2000,
    manager: { pollPolicy: noLookBefore400ms },
  });
  const ids = await Promise.all(Array.from({ length: SCOUTS_PER_KIND + 5 }, submit));
  for (const id of ids) assert.equal((await ended(id)).status, 'succeeded');
  const firstResultAt = Math.min(...ids.map((id) => store.get(id)!.resultAt!));
  const heldBefore = new Set(
    server.requests.filter((seen) => HELD.test(seen.path) && seen.at < firstResultAt).map((seen) => seen.path.split('?')[0]),
  );
  assert.equal(heldBefore.size, ids.length, `${heldBefore.size} of ${ids.length} jobs held before the first result`);
});

test('held requests turned off in the settings mid-session: the next batch of a new kind is scouted again', async () => {
  const { server, store, context, submit, ended } = await setup({
    durationMs: 1500,
    manager: { pollPolicy: noLookBefore400ms },
  });
  assert.equal((await ended(await submit())).status, 'succeeded', 'a first job, held');
  (context.options as { heldStatus?: boolean }).heldStatus = false;
  const larger: GenerationRequest = { ...request, params: { width: 1024 } };
  const ids = await Promise.all(Array.from({ length: SCOUTS_PER_KIND + 5 }, () => submit(larger)));
  for (const id of ids) assert.equal((await ended(id)).status, 'succeeded');
  const firstResultAt = Math.min(...ids.map((id) => store.get(id)!.resultAt!));
  const looks = pollsPerJob(server.requests, 0, firstResultAt);
  // each was looked at once on the usual schedule (that look found the setting off); then the scouts went on, the rest waited
  const lookedOnce = [...looks.values()].filter((count) => count === 1).length;
  assert.equal(lookedOnce, 5, `${lookedOnce} jobs looked at once before the first result: the five beyond the scouts`);
});

test('held requests given up mid-batch: the jobs they watched are polled on, none made to wait for the scouts', async () => {
  const { server, store, submit, ended } = await setup({
    durationMs: 3000,
    manager: { heldWaitMs: 600, pollPolicy: noLookBefore400ms },
  });
  const ids = await Promise.all(Array.from({ length: SCOUTS_PER_KIND + 5 }, submit));
  await waitFor(() => server.heldOpen === ids.length, 5000, 'every job held');
  // the next hold of each is refused: the provider's held requests are given up, its jobs polled
  const refusedFrom = Date.now();
  server.inject('POST', HELD, { kind: 'status', status: 404, body: '{"error":"not found"}' }, Infinity);
  for (const id of ids) assert.equal((await ended(id)).status, 'succeeded');
  const firstResultAt = Math.min(...ids.map((id) => store.get(id)!.resultAt!));
  // a refused hold is followed by a poll at once; the looks after it show whether the job was made to wait
  const polls = pollsPerJob(server.requests, refusedFrom, firstResultAt);
  const polledOnce = ids.length - [...polls.values()].filter((count) => count >= 2).length;
  assert.equal(polledOnce, 0, `${polledOnce} of ${ids.length} jobs polled once or not at all between the refusal and the first result`);
});

test("held requests stay within the provider's held slots; past them, jobs are polled as usual", async () => {
  const { server, submit, ended, count } = await setup({
    durationMs: 700,
    manager: { providerLimits: { submodel: { maxInFlight: 8, maxHeld: 1 } } },
  });
  const ids = await Promise.all([submit(), submit(), submit()]);
  for (const id of ids) assert.equal((await ended(id)).status, 'succeeded');
  assert.equal(server.heldPeak, 1);
  assert.ok(count(POLL) > 0, 'the jobs without a held slot were polled');
});
