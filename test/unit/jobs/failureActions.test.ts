import { test } from 'node:test';
import assert from 'node:assert/strict';
import { failureActions } from '../../../src/core/jobs/failureActions';
import { submitFailure, submitOutcome } from '../../../src/core/jobs/submissionFailures';
import { ProviderError } from '../../../src/core/errors';
import type { JobError, JobRecord } from '../../../src/core/jobModel';
import { jobRecord } from '../helpers';

function failedWith(error: JobError, status: JobRecord['status'] = 'failed'): JobRecord {
  return jobRecord({ request: { providerId: 'serika', model: 'flux', prompt: 'p', params: {} }, source: { kind: 'input' }, status, error });
}

function labels(error: unknown, idempotent = false): string[] {
  return failureActions(failedWith(submitFailure(error, submitOutcome(error), idempotent))).map((action) => action.label);
}

test('a refused connection (nothing sent) is offered as safe to retry', () => {
  const refused = new ProviderError('network', 'connection refused', { code: 'ECONNREFUSED' });
  assert.deepEqual(labels(refused), ['Open Settings', 'Retry', 'Show Log']);
});

test('a rejected key offers "Set API Key" for its provider first, which retries the job once a key is saved', () => {
  const actions = failureActions(failedWith(submitFailure(new ProviderError('auth', 'HTTP 401'), 'refused', false)));
  assert.deepEqual(actions[0], {
    label: 'Set API Key',
    command: 'imageJobs.setApiKey',
    arg: { provider: 'serika', reason: 'Serika refused its API key: enter the right one, and the job is retried with it.' },
    thenRetry: true,
  });
});

test("a host not found (or a refused connection) offers the provider's base URL setting, before Retry", () => {
  const notFound = new ProviderError('network', 'Submitting the Serika job: host not found: check the base URL', { code: 'ENOTFOUND' });
  const actions = failureActions(failedWith(submitFailure(notFound, submitOutcome(notFound), false)));
  assert.deepEqual(actions[0], { label: 'Open Settings', command: 'workbench.action.openSettings', arg: 'imageJobs.serika.baseUrl' });
  assert.deepEqual(
    actions.map((action) => action.label),
    ['Open Settings', 'Retry', 'Show Log'],
  );
  const refused = new ProviderError('network', 'connection refused', { code: 'ECONNREFUSED' });
  const sandbox = jobRecord({ status: 'failed', error: submitFailure(refused, submitOutcome(refused), false) });
  assert.deepEqual(
    failureActions(sandbox).map((action) => action.label),
    ['Retry', 'Show Log'],
    'the Sandbox runs inside the extension: it has no base URL to set',
  );
});

test('an answer that may hide a created job offers no Retry (it could make a second one)', () => {
  assert.deepEqual(labels(new ProviderError('malformed', 'unreadable')), ['Show Log']);
});

test('a job the provider failed can be generated again; one it no longer has (expired) is made again by Run Again', () => {
  assert.deepEqual(
    failureActions(failedWith({ message: 'always fails', phase: 'provider', retryable: false })).map((a) => a.label),
    ['Retry', 'Show Log'],
  );
  const expired = failedWith({ message: 'Serika no longer has this job (HTTP 404)', phase: 'provider', retryable: false }, 'expired');
  assert.deepEqual(failureActions(expired), [
    { label: 'Run Again', command: 'imageJobs.job.runAgain', arg: expired.id },
    { label: 'Show Log', command: 'imageJobs.showLog' },
  ]);
});

test('a submission still rate limited after its last attempt says nothing was recorded, and offers Retry', () => {
  const limited = new ProviderError('rateLimited', 'Submitting to Serika: rate limited (retry after 5 s): Rate limit reached', {
    status: 429,
    retryAfterMs: 5000,
  });
  const failure = submitFailure(limited, submitOutcome(limited), false);
  assert.equal(
    failure.message,
    'Submitting to Serika: rate limited (retry after 5 s): Rate limit reached. The provider refused it (rate limited), so nothing was recorded there: Retry is safe.',
  );
  assert.deepEqual(labels(limited), ['Retry', 'Show Log']);
});
