// The poller's batches, where a provider answers for the ids it is sent (the Sandbox): one request
// takes along the jobs due soon, and leaves a job due much later to its own time.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DurationHistory } from '../../../src/core/jobs/durationHistory';
import { JobPoller } from '../../../src/core/jobs/jobPoller';
import { DEFAULT_POLL_POLICY } from '../../../src/core/jobs/pollPolicy';
import { ProviderCalls } from '../../../src/core/jobs/providerCalls';
import { JobStore } from '../../../src/core/jobs/jobStore';
import type { BatchPollResult, ImageProvider } from '../../../src/core/providers/types';
import { sampleJob } from '../../fixtures/sampleJobs';
import { collectingLogger, memoryPersistence, waitFor } from '../helpers';

test('a batch poll takes along the jobs due within a third of the longest interval, not those due later', async (t) => {
  const jobs = ['now', 'soon', 'later'].map((id) => ({ ...sampleJob(id, 'queued'), remoteId: `remote-${id}` }));
  const store = new JobStore(memoryPersistence(jobs));
  const batches: string[][] = [];
  const provider: ImageProvider = {
    id: 'sandbox',
    idempotentSubmit: true,
    submit: () => Promise.reject(new Error('not used')),
    poll: () => Promise.reject(new Error('not used')),
    pollMany: async (remoteIds) => {
      batches.push([...remoteIds]);
      return new Map(remoteIds.map((id): [string, BatchPollResult] => [id, { state: { status: 'running', progress: 0.1 } }]));
    },
    pollManyAsks: true,
  };
  const calls = new ProviderCalls(async () => ({ provider, context: { http: undefined as never, baseUrl: 'http://unused' } }));
  const applied: string[] = [];
  const poller = new JobPoller(
    store,
    calls,
    new DurationHistory(),
    collectingLogger(),
    {
      holdsLease: async () => true,
      // as the manager does: the job is looked at again later (here, well after the test)
      applyState: async (id) => {
        applied.push(id);
        poller.schedule(id, 60_000);
      },
      fail: async () => undefined,
    },
    // a 3 s longest interval: jobs due within 1 s share the batch
    {
      pollPolicy: () => ({ ...DEFAULT_POLL_POLICY, maxIntervalMs: 3000 }),
      maxConcurrentPolls: 4,
      maxJobAgeMs: Infinity,
      maxUnexpectedAnswers: 3,
      heldWaitMs: 30_000,
      random: () => 0.5,
    },
  );
  t.after(() => {
    poller.dispose();
    calls.close();
    store.dispose();
  });
  poller.schedule('later', 2500);
  poller.schedule('soon', 600);
  poller.schedule('now', 0);
  await waitFor(() => batches.length > 0, 2000, 'the first batch');
  assert.deepEqual(batches[0], ['remote-now', 'remote-soon']);
  await waitFor(() => applied.includes('later'), 5000, 'the later job, at its own time');
  assert.deepEqual(batches.at(-1), ['remote-later']);
});
