import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copiedJobId } from '../../../src/views/copiedJobId';
import { jobRecord } from '../helpers';

const serika = { providerId: 'serika', model: 'flux', prompt: 'a red fox', params: {} } as const;

test("a submitted job's copied id is the provider's, and the message says so", () => {
  const job = jobRecord({ id: 'local-1', remoteId: 'job-abc', request: serika });
  assert.deepEqual(copiedJobId(job), { id: 'job-abc', message: 'Copied the Serika job id job-abc' });
});

test('a job the provider never gave an id to: the local id, named as such', () => {
  assert.deepEqual(copiedJobId(jobRecord({ id: 'local-1', status: 'submitting', request: serika })), {
    id: 'local-1',
    message: 'Copied the local job id local-1 (Serika has not answered with its id yet)',
  });
  assert.deepEqual(copiedJobId(jobRecord({ id: 'local-2', status: 'failed', request: serika })), {
    id: 'local-2',
    message: 'Copied the local job id local-2 (Serika never gave this job an id)',
  });
});
