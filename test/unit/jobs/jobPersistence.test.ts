// What the store keeps and writes: every unfinished job and the newest finished ones; each change once,
// durable before its caller goes on, with changes made together sharing a write.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keptJobs, MAX_KEPT_FINISHED_JOBS } from '../../../src/core/jobs/jobPersistence';
import type { JobRecord, JobStatus } from '../../../src/core/jobModel';
import { JobStore } from '../../../src/core/jobs/jobStore';
import { sampleJob } from '../../fixtures/sampleJobs';
import { memoryPersistence } from '../helpers';

function job(index: number, status: JobStatus): JobRecord {
  return sampleJob(`job-${index}`, status, 1_700_000_000_000 + index * 1000);
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

test('jobs put together share a few writes, and each put resolves only once its job is stored', async () => {
  const persistence = memoryPersistence();
  const store = new JobStore(persistence);
  const stored: string[] = [];
  await Promise.all(
    Array.from({ length: 100 }, async (_, index) => {
      await store.put(job(index, 'submitting'));
      stored.push(persistence.saved.some((saved) => saved.id === `job-${index}`) ? 'stored' : `job-${index} missing`);
    }),
  );
  assert.deepEqual(new Set(stored), new Set(['stored']));
  assert.ok(persistence.saves <= 2, `${persistence.saves} writes for 100 jobs`);
});

test('change() hands back the new record at once, and a promise that settles when it is stored', async () => {
  const persistence = memoryPersistence();
  const store = new JobStore(persistence);
  await store.put(job(1, 'queued'));
  const writesBefore = persistence.saves;
  const { job: changed, saved } = store.change('job-1', () => ({ status: 'running', remoteId: 'remote-1' }));
  assert.equal(changed?.status, 'running');
  assert.equal(store.get('job-1'), changed, 'the store holds it before the save');
  assert.equal(persistence.saves, writesBefore, 'not written yet: the commit starts on the next turn');
  await saved;
  assert.equal(persistence.saves, writesBefore + 1);
  assert.equal(persistence.saved[0]?.remoteId, 'remote-1');
  assert.equal(store.change('gone', () => ({ status: 'failed' })).job, undefined);
});

test('a change that changes nothing is neither announced nor written', async () => {
  const persistence = memoryPersistence();
  const store = new JobStore(persistence);
  await store.put({ ...job(1, 'queued'), queuePosition: 3 });
  const writesBefore = persistence.saves;
  let events = 0;
  store.onDidChange(() => events++);
  const before = store.get('job-1');
  const { job: same } = store.change('job-1', () => ({ status: 'queued', queuePosition: 3, warning: undefined }));
  assert.equal(same, before, 'the same record, updatedAt and all');
  await store.flush();
  assert.equal(events, 0);
  assert.equal(persistence.saves, writesBefore);
});

test('a write that fails rejects its callers, and the next write stores those jobs too', async () => {
  const persistence = memoryPersistence();
  const write = persistence.write;
  let failNext = true;
  persistence.write = async (changes) => {
    if (failNext) {
      failNext = false;
      throw new Error('disk full');
    }
    return write(changes);
  };
  const store = new JobStore(persistence);
  await assert.rejects(store.put(job(1, 'submitting')), /disk full/);
  await store.put(job(2, 'submitting'));
  assert.deepEqual(persistence.saved.map((saved) => saved.id).sort(), ['job-1', 'job-2']);
});

test('progress alone is written with the next durable change, or synchronously when the window closes', async () => {
  const persistence = memoryPersistence();
  const store = new JobStore(persistence);
  await store.put(job(1, 'running'));
  await store.put(job(2, 'running'));
  await store.update('job-1', () => ({ progress: 0.5 }));
  await store.update('job-2', () => ({ progress: 0.25 }));
  assert.equal(persistence.saved.find((saved) => saved.id === 'job-1')!.progress, undefined, 'not written on its own');
  await store.update('job-1', () => ({ remoteId: 'remote-1' }));
  assert.equal(persistence.saved.find((saved) => saved.id === 'job-1')!.progress, 0.5, 'along with its next durable change');
  assert.equal(persistence.saved.find((saved) => saved.id === 'job-2')!.progress, undefined, "another job's progress waits");
  store.dispose();
  assert.equal(persistence.saved.find((saved) => saved.id === 'job-2')!.progress, 0.25, 'written before the window goes');
});
