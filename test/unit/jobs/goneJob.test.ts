// A job its provider no longer has: a 404 on its status request, as Bifrost answers once the result
// TTL the job was sent with has passed ("job not found or expired": the fixture follows Bifrost's
// logstore, whose error is the document's third body). The job ends expired, saying so and for how
// long the provider keeps results; its toast offers Run Again, and Retry submits it anew instead of
// asking about the gone id again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { failureActions } from '../../../src/core/jobs/failureActions';
import { goneJobMessage, httpAnswer, resultLifetimeOf } from '../../../src/core/results/goneResult';
import { HttpClient } from '../../../src/core/http';
import { SubModelServer } from '../../fixtures/providers/subModelServer';
import type { FakeProviderServer } from '../../fixtures/providers/fakeServer';
import type { ProviderContext } from '../../../src/core/providers/types';
import type { JobRecord, JobStatus } from '../../../src/core/jobModel';
import { managerFor, outputIn, PROVIDER_CASES, type ProviderCase } from '../providers/providerCases';
import { cleanupsFailingOnUnhandledRejections, memoryPersistence, waitFor } from '../helpers';

const cleanups = cleanupsFailingOnUnhandledRejections();
const caseOf = (name: string) => PROVIDER_CASES.find((entry) => entry.name === name)!;
const ended = (status: JobStatus) => (job: JobRecord | undefined) => job?.status === status && job;

/**
 * A job submitted in one window, which closes before the result is collected; the next window comes
 * back after the provider has let the job go, with the same settings.
 */
async function goneWhileClosed(
  providerCase: ProviderCase,
  server: FakeProviderServer,
  overrides: Partial<ProviderContext>,
  awayMs: number,
  /** The second window's settings, where they changed meanwhile. */
  later: Partial<ProviderContext> = overrides,
  /** How much longer ago the job was sent than the wait says: a window closed for half an hour. */
  sentEarlierMs = 0,
) {
  server.durationMs = 50;
  await server.start();
  cleanups.push(() => server.stop());
  const persistence = memoryPersistence();
  const first = managerFor(providerCase, server, overrides, persistence);
  const id = await first.manager.submit(providerCase.request, { kind: 'script' }, outputIn());
  first.manager.dispose();
  await new Promise((resolve) => setTimeout(resolve, awayMs));
  const sent = persistence.saved.find((job) => job.id === id)!;
  persistence.writeNow([{ job: { ...sent, createdAt: sent.createdAt - sentEarlierMs } }]);
  const second = managerFor(providerCase, server, later, persistence);
  cleanups.push(() => second.manager.dispose());
  second.manager.resume();
  const job = await waitFor(() => ended('expired')(second.store.get(id)), 5000, 'the job to end expired');
  return { id, job, ...second };
}

test('Bifrost: a job whose result TTL passed says so and for how long Bifrost keeps results; its toast offers Run Again', async () => {
  const bifrost = caseOf('Bifrost');
  const { job } = await goneWhileClosed(bifrost, bifrost.createServer(), { options: { resultTtlSeconds: 1 } }, 1400);
  assert.equal(
    job.error!.message,
    'Bifrost no longer has this job (HTTP 404: job not found or expired): Bifrost keeps results for 1 second, and this ' +
      "job's were not fetched in time. Run Again sends a new job with the same request, which Bifrost bills.",
  );
  assert.deepEqual(failureActions(job), [
    { label: 'Run Again', command: 'imageJobs.job.runAgain', arg: job.id },
    { label: 'Show Log', command: 'imageJobs.showLog' },
  ]);
});

test("Bifrost: the message says the TTL the job was sent with, not the setting as changed since (a record from before says the setting's)", async () => {
  const bifrost = caseOf('Bifrost');
  const { job } = await goneWhileClosed(bifrost, bifrost.createServer(), { options: { resultTtlSeconds: 1 } }, 1400, {
    options: { resultTtlSeconds: 7200 },
  });
  assert.equal(job.resultLifetimeMs, 1000);
  assert.match(job.error!.message, /: Bifrost keeps results for 1 second, and this job's were not fetched in time\./);
  // a job recorded before the lifetime was kept with it: the provider's settings as they are now
  const provider = bifrost.provider;
  const now = { http: new HttpClient(), baseUrl: 'http://127.0.0.1:1', options: { resultTtlSeconds: 7200 } };
  assert.equal(resultLifetimeOf({}, provider, now), 7_200_000);
  assert.equal(resultLifetimeOf(job, provider, now), 1000);
});

test('Bifrost: Retry of a job gone at the provider submits it anew, and never asks about the gone id again', async () => {
  const bifrost = caseOf('Bifrost');
  const server = bifrost.createServer();
  const { id, job, store, manager } = await goneWhileClosed(bifrost, server, { options: { resultTtlSeconds: 1 } }, 1400);
  const goneId = job.remoteId!;
  const submits = server.countRequests(...bifrost.submitRoute);
  const looks = server.requestsPerJob.get(goneId);
  const next = await manager.retry(id);
  assert.notEqual(next, id, 'a new job');
  assert.equal(store.get(id), undefined, 'which replaces the expired one');
  assert.equal(server.countRequests(...bifrost.submitRoute), submits + 1, 'sent once more');
  const made = await waitFor(() => ended('succeeded')(store.get(next)), 10_000, 'the new job to finish');
  assert.notEqual(made.remoteId, goneId);
  assert.equal(server.requestsPerJob.get(goneId), looks, 'no look at the gone job since');
});

test('SubModel: a job gone after its results expired says SubModel keeps them for 30 minutes', async () => {
  const sub = caseOf('SubModel');
  // The document: "Retrieve results from /status within 30 minutes". What /status answers after that
  // it does not say; the fixture's 404 is its own choice, and any 404 on a job's status ends it here.
  const server = new SubModelServer('/v1/sl', { resultTtlMs: 200 });
  // sent over 30 minutes before the next window looks: its results may have expired
  const { job } = await goneWhileClosed(sub, server, {}, 400, {}, 31 * 60_000);
  assert.match(job.error!.message, /^SubModel no longer has this job \(HTTP 404: request does not exist\): /);
  assert.match(
    job.error!.message,
    /: SubModel keeps results for 30 minutes, and this job's were not fetched in time\. Run Again sends a new job with the same request, which SubModel bills\.$/,
  );
  assert.deepEqual(
    failureActions(job).map((action) => action.label),
    ['Run Again', 'Show Log'],
  );
});

/** The document's third body, as Bifrost's logstore answers for a job it does not have. */
const BIFROST_NOT_FOUND = {
  kind: 'status',
  status: 404,
  body: JSON.stringify({ is_bifrost_error: true, status_code: 404, error: { message: 'job not found or expired' } }),
} as const;

async function youngBifrostJob(notFoundAnswers: number) {
  const bifrost = caseOf('Bifrost');
  const server = bifrost.createServer();
  server.durationMs = 600;
  await server.start();
  cleanups.push(() => server.stop());
  server.inject(...bifrost.pollRoute, BIFROST_NOT_FOUND, notFoundAnswers);
  const { manager, store } = managerFor(bifrost, server, { options: { resultTtlSeconds: 60 } }, memoryPersistence());
  cleanups.push(() => manager.dispose());
  const id = await manager.submit(bifrost.request, { kind: 'script' }, outputIn());
  return { bifrost, server, manager, store, id };
}

test('Bifrost: a 404 on a job sent seconds ago, well within its TTL, is no expiry: the job is looked at again and finishes', async () => {
  const { store, id } = await youngBifrostJob(1);
  const job = await waitFor(
    () => ['succeeded', 'failed', 'expired'].includes(store.get(id)?.status ?? '') && store.get(id),
    10_000,
    'the job to end',
  );
  assert.equal(job.status, 'succeeded', job.error?.message);
});

test('Bifrost: 404s in a row on a job within its TTL end it as a failed look, not expired; Retry asks about the same job, sending nothing', async () => {
  const { bifrost, server, manager, store, id } = await youngBifrostJob(3);
  const job = await waitFor(() => ended('failed')(store.get(id)), 15_000, 'the job to fail');
  assert.match(
    job.error!.message,
    /^Bifrost answered 3 times that it has no such job \(HTTP 404: job not found or expired\), \d+ (second|seconds) after it took it, though it keeps results for 1 minute\. It may still have it \(its id there: [^)]+\): Retry asks about the same job again; Run Again sends a new one, which Bifrost bills\.$/,
  );
  assert.equal(job.error!.phase, 'poll');
  assert.deepEqual(
    failureActions(job).map((action) => action.label),
    ['Retry', 'Show Log'],
  );
  const submits = server.countRequests(...bifrost.submitRoute);
  assert.equal(await manager.retry(id), id, 'the same job');
  const made = await waitFor(() => ended('succeeded')(store.get(id)), 10_000, 'the job to finish');
  assert.equal(made.remoteId, job.remoteId);
  assert.equal(server.countRequests(...bifrost.submitRoute), submits, 'nothing sent again');
});

test('a provider that does not say how long it keeps results is named as such; the step before the answer is left out', () => {
  const answer = httpAnswer('Checking the Serika job: HTTP 404: Job not found');
  assert.equal(
    goneJobMessage({ providerName: 'Serika', billed: true, answer }),
    'Serika no longer has this job (HTTP 404: Job not found): Serika does not say how long it keeps jobs, so it has most likely ' +
      'expired. Run Again sends a new job with the same request, which Serika bills.',
  );
  assert.equal(httpAnswer('connection reset'), 'connection reset');
});
