// What reaches workspace state: every unfinished job, the newest finished ones, and nothing else.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JOBS_KEY, keptJobs, keyValuePersistence, MAX_KEPT_FINISHED_JOBS } from '../../../src/core/jobs/jobPersistence';
import type { JobRecord, JobStatus } from '../../../src/core/jobModel';
import { JobStore } from '../../../src/core/jobs/jobStore';
import { ExtHostMementoModel } from '../../fixtures/extHostMemento';

function job(index: number, status: JobStatus): JobRecord {
  const at = 1_700_000_000_000 + index * 1000;
  return {
    id: `job-${index}`,
    idempotencyKey: `key-${index}`,
    request: { providerId: 'sandbox', model: 'gradient', prompt: `prompt ${index}`, params: { width: 64, height: 64, count: 1 } },
    source: { kind: 'input' },
    output: { root: 'file:///work', folder: 'images', nameTemplate: '{{name}}', baseName: 'image' },
    createdAt: at,
    updatedAt: at,
    status,
    assets: [],
  };
}

test('every unfinished job is kept, and only the newest finished ones beyond the cap', () => {
  const finished = Array.from({ length: MAX_KEPT_FINISHED_JOBS + 20 }, (_, index) => job(index, index % 2 ? 'succeeded' : 'failed'));
  const unfinished = [job(-5, 'running'), job(-4, 'submitting'), job(-3, 'queued'), job(-2, 'downloading')];
  const jobs = [unfinished[0]!, ...finished.slice(0, 10), unfinished[1]!, ...finished.slice(10), unfinished[2]!, unfinished[3]!];
  const kept = keptJobs(jobs);
  assert.equal(kept.length, MAX_KEPT_FINISHED_JOBS + unfinished.length);
  for (const open of unfinished) assert.ok(kept.includes(open), `${open.status} job kept though older than every finished one`);
  for (const old of finished.slice(0, 20)) assert.ok(!kept.includes(old), `${old.id} is among the 20 oldest finished jobs and is dropped`);
  assert.deepEqual(
    kept,
    jobs.filter((candidate) => kept.includes(candidate)),
    'the order is kept',
  );
});

test('under the cap the jobs are saved as they are', () => {
  const jobs = [job(1, 'succeeded'), job(2, 'running')];
  assert.equal(keptJobs(jobs), jobs);
});

test('jobs saved through workspace state come back in a new store, as after a window reload', async () => {
  const state = new ExtHostMementoModel();
  const first = new JobStore(keyValuePersistence(state));
  await first.put(job(1, 'running'));
  await first.update('job-1', () => ({ remoteId: 'remote-1' }));
  assert.equal(state.sends, 2, 'each durable change was sent once the group commit ran');
  const reloaded = new JobStore(keyValuePersistence(new ExtHostMementoModel({ [JOBS_KEY]: state.get(JOBS_KEY, []) })));
  assert.equal(reloaded.get('job-1')?.remoteId, 'remote-1');
  assert.equal(reloaded.all().length, 1);
});

test('change() hands back the new record at once, and a promise that settles when it is stored', async () => {
  const state = new ExtHostMementoModel();
  const store = new JobStore(keyValuePersistence(state));
  await store.put(job(1, 'queued'));
  const sendsBefore = state.sends;
  const { job: changed, saved } = store.change('job-1', () => ({ status: 'running', remoteId: 'remote-1' }));
  assert.equal(changed?.status, 'running');
  assert.equal(store.get('job-1'), changed, 'the store holds it before the save');
  assert.equal(state.sends, sendsBefore, 'not written yet: the group commit is still open');
  await saved;
  assert.equal(state.sends, sendsBefore + 1);
  assert.equal(state.get<JobRecord[]>(JOBS_KEY, [])[0]?.remoteId, 'remote-1');
  assert.equal(store.change('gone', () => ({ status: 'failed' })).job, undefined);
});
