// Waiting on one job's end, as a chat agent's tool call does: settled by the store's changes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { whenJobEnds } from '../../../src/core/jobs/jobEnd';
import { JobStore } from '../../../src/core/jobs/jobStore';
import type { JobRecord } from '../../../src/core/jobModel';
import { jobRecord, memoryPersistence } from '../helpers';

const job = (id: string, status: JobRecord['status'] = 'running') => jobRecord({ id, status });

async function storeWith(...jobs: JobRecord[]): Promise<JobStore> {
  const store = new JobStore(memoryPersistence());
  for (const record of jobs) await store.put(record);
  return store;
}

describe('whenJobEnds', () => {
  it('resolves with the record once the job reaches a final state, not before', async () => {
    const store = await storeWith(job('a'), job('b'));
    let settled = false;
    const end = whenJobEnds(store, 'a', 10_000).finally(() => (settled = true));
    await store.update('a', () => ({ status: 'downloading' }));
    await store.update('b', () => ({ status: 'succeeded' }));
    assert.equal(settled, false, 'another job ending, or a step before the end, does not settle it');
    await store.update('a', () => ({ status: 'succeeded' }));
    const result = await end;
    assert.equal(result.kind, 'ended');
    assert.equal(result.kind === 'ended' && result.job.status, 'succeeded');
    store.dispose();
  });

  it('a job already ended resolves at once; a job removed (or replaced by a retry) says so', async () => {
    const store = await storeWith(job('done', 'failed'), job('gone'));
    assert.equal((await whenJobEnds(store, 'done', 10_000)).kind, 'ended');
    const end = whenJobEnds(store, 'gone', 10_000);
    await store.remove('gone');
    assert.deepEqual(await end, { kind: 'removed' });
    store.dispose();
  });

  it('gives up waiting after the timeout, or when stopped, with the job still going', async () => {
    const store = await storeWith(job('slow', 'queued'));
    const timedOut = await whenJobEnds(store, 'slow', 30);
    assert.equal(timedOut.kind === 'unfinished' && timedOut.reason, 'timeout');
    assert.equal(timedOut.kind === 'unfinished' && timedOut.job.status, 'queued');
    const stop = new AbortController();
    const stopped = whenJobEnds(store, 'slow', 10_000, stop.signal);
    stop.abort();
    const result = await stopped;
    assert.equal(result.kind === 'unfinished' && result.reason, 'stopped');
    const alreadyStopped = await whenJobEnds(store, 'slow', 10_000, stop.signal);
    assert.equal(alreadyStopped.kind === 'unfinished' && alreadyStopped.reason, 'stopped');
    store.dispose();
  });
});
