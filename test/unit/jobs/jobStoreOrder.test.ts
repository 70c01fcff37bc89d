// The order every list of jobs shows: newest first, and jobs recorded in the same millisecond (files
// generated together, a sweep's cells) latest recorded first, as if their clocks had told them apart.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JobStore } from '../../../src/core/jobs/jobStore';
import { sampleJob } from '../../fixtures/sampleJobs';
import { memoryPersistence } from '../helpers';

test('newest first; within one millisecond, the latest recorded first', async (t) => {
  const store = new JobStore(memoryPersistence());
  t.after(() => store.dispose());
  const at = (id: string, createdAt: number) => ({ ...sampleJob(id, 'queued'), createdAt });
  // alpha and bravo at 399 ms, the rest at 400 ms, recorded in name order (the tour's Explorer selection)
  for (const [id, ms] of [
    ['alpha', 399],
    ['bravo', 399],
    ['charlie', 400],
    ['delta', 400],
    ['echo', 400],
  ] as const)
    await store.put(at(id, ms));
  assert.deepEqual(
    store.all().map((job) => job.id),
    ['echo', 'delta', 'charlie', 'bravo', 'alpha'],
  );
});
