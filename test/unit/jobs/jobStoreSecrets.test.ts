// A provider may quote the key it was sent in an error ("Key sk-… has no access to this model"). The
// store keeps no secret in a job's text: not in memory (the Jobs view, toasts, chat tools read it),
// not in what it writes (the journal, other windows' outcomes).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JobStore } from '../../../src/core/jobs/jobStore';
import { redactSecrets } from '../../../src/core/redact';
import { sampleJob } from '../../fixtures/sampleJobs';
import { memoryPersistence } from '../helpers';

const KEY = 'echo-me-3f9a2b7c1d'; // no key's shape: only the known value gives it away
const redact = (text: string) => redactSecrets(text, [KEY]);

test('an error or warning quoting a known key is kept and written without it', async (t) => {
  const persistence = memoryPersistence();
  const store = new JobStore(persistence, { redact });
  t.after(() => store.dispose());
  await store.put(sampleJob('a', 'running'));
  await store.update('a', () => ({ warning: `HTTP 503 for key ${KEY}` }));
  assert.equal(store.get('a')!.warning, 'HTTP 503 for key [REDACTED]');
  await store.update('a', () => ({
    status: 'failed',
    error: { message: `Key ${KEY} has no access to this model`, phase: 'submit', retryable: false, kind: 'auth' },
  }));
  const failed = store.get('a')!;
  assert.deepEqual(failed.error, {
    message: 'Key [REDACTED] has no access to this model',
    phase: 'submit',
    retryable: false,
    kind: 'auth',
  });
  await store.flush();
  assert.ok(!JSON.stringify(persistence.saved).includes(KEY), JSON.stringify(persistence.saved));
  assert.ok(JSON.stringify(persistence.saved).includes('Key [REDACTED] has no access'));
});

test('a job recorded with an error (put) is scrubbed too, and one loaded from an older journal as it loads', async (t) => {
  const leaked = {
    ...sampleJob('old', 'failed'),
    error: { message: `Key ${KEY} was refused`, phase: 'submit' as const, retryable: false },
  };
  const store = new JobStore(memoryPersistence([leaked]), { redact });
  t.after(() => store.dispose());
  assert.equal(store.get('old')!.error!.message, 'Key [REDACTED] was refused');
  await store.put({ ...sampleJob('new', 'failed'), error: { message: `Key ${KEY} was refused`, phase: 'submit', retryable: false } });
  assert.equal(store.get('new')!.error!.message, 'Key [REDACTED] was refused');
});

test('without a redaction of its own, the store still scrubs what is shaped like a key', async (t) => {
  const store = new JobStore(memoryPersistence());
  t.after(() => store.dispose());
  await store.put(sampleJob('a', 'running'));
  await store.update('a', () => ({ warning: 'rejected: Authorization: Bearer abc.def.ghi, key sk-live-0123456789' }));
  assert.equal(store.get('a')!.warning, 'rejected: Authorization: Bearer [REDACTED], key [REDACTED]');
});

test('text without a secret is kept as it was: the same record, no extra write', async (t) => {
  const persistence = memoryPersistence();
  const store = new JobStore(persistence, { redact });
  t.after(() => store.dispose());
  await store.put(sampleJob('a', 'running'));
  await store.update('a', () => ({ warning: 'HTTP 503, retrying' }));
  const before = store.get('a');
  await store.update('a', () => ({ warning: 'HTTP 503, retrying' }));
  assert.equal(store.get('a'), before, 'an unchanged warning changes nothing');
});

test('why a submission waits (what its last attempt ran into) is scrubbed too', async (t) => {
  const store = new JobStore(memoryPersistence(), { redact });
  t.after(() => store.dispose());
  await store.put(sampleJob('a', 'submitting'));
  await store.update('a', () => ({ waitingToSend: { until: 1, reason: `HTTP 503 for key ${KEY}`, rateLimited: false } }));
  assert.equal(store.get('a')!.waitingToSend!.reason, 'HTTP 503 for key [REDACTED]');
});
