// A result file gone from its link (404/410): what the message says, and what Retry does with the job,
// for a provider whose new look at the job gives the same link and for one that gives a new link.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { goneResultMessage } from '../../../src/core/results/goneResult';
import { failureActions } from '../../../src/core/jobs/failureActions';
import { bifrostProvider } from '../../../src/core/providers/bifrost';
import { serikaProvider } from '../../../src/core/providers/serika';
import { http, managerFor, outputIn, PROVIDER_CASES } from '../providers/providerCases';
import { cleanupsFailingOnUnhandledRejections, waitFor } from '../helpers';

const cleanups = cleanupsFailingOnUnhandledRejections();

describe('the message for a result file that is gone', () => {
  test("says when the link expired, where the provider's answer gave a time", () => {
    const now = Date.parse('2025-01-01T12:00:00Z');
    const base = { providerName: 'TensorArt TAMS', billed: true, answer: 'HTTP 404: not found', now };
    assert.equal(
      goneResultMessage({ ...base, expiresAt: now - 5 * 60_000 }),
      "The result file is no longer there (HTTP 404: not found); it expired 5 minutes ago, as TensorArt TAMS's answer said it would. Run Again sends a new job with the same request, which TensorArt TAMS bills.",
    );
    assert.match(goneResultMessage({ ...base, expiresAt: now - 1 }), /it expired just now/);
  });

  test('says that Run Again is billed where the provider bills, and not for the offline Sandbox', () => {
    const now = Date.parse('2025-01-01T12:00:00Z');
    const sandbox = { providerName: 'Sandbox (offline)', billed: false, answer: 'HTTP 404: not found', now, lifetimeMs: 60_000 };
    assert.match(goneResultMessage(sandbox), /\. Run Again makes a new job from the same request\.$/);
    assert.doesNotMatch(goneResultMessage(sandbox), /bills/);
  });

  test('Bifrost keeps a result for the TTL the job is sent with (3600 s when none is set)', () => {
    assert.equal(bifrostProvider.resultLifetimeMs!({ http, baseUrl: '', options: { resultTtlSeconds: 600 } }), 600_000);
    assert.equal(bifrostProvider.resultLifetimeMs!({ http, baseUrl: '', options: {} }), 3600_000);
  });
});

describe('Retry of a job whose result file was gone', () => {
  const serika = PROVIDER_CASES.find((providerCase) => providerCase.name === 'Serika')!;

  async function goneOnce(renewsResultUrls: boolean) {
    const server = serika.createServer();
    await server.start();
    cleanups.push(() => server.stop());
    const { store, manager } = managerFor({ ...serika, provider: { ...serikaProvider, renewsResultUrls } }, server);
    cleanups.push(() => manager.dispose());
    server.inject('GET', /^\/files\//, { kind: 'status', status: 404, body: 'expired or unknown file', contentType: 'text/plain' });
    const id = await manager.submit(serika.request, { kind: 'script' }, outputIn());
    const failed = await waitFor(() => store.get(id)?.status === 'failed' && store.get(id), 10_000, 'the download to fail');
    return { server, store, manager, id, failed };
  }

  test('where a new look gives the same link, Retry submits a new job (it replaces the failed one)', async () => {
    const { server, store, manager, id, failed } = await goneOnce(false);
    assert.equal(failed.error?.retryable, false);
    const submits = server.countRequests(...serika.submitRoute);
    const next = await manager.retry(id);
    assert.notEqual(next, id, 'not the same job polled again for the same dead link');
    assert.equal(store.get(id), undefined);
    assert.equal(server.countRequests(...serika.submitRoute), submits + 1, 'the request went again');
    assert.equal((await waitFor(() => store.get(next)?.status === 'succeeded' && store.get(next), 10_000)).status, 'succeeded');
  });

  test('where a new look names the file afresh, the toast keeps Retry, which resumes the same job', async () => {
    const { store, manager, id, failed } = await goneOnce(true);
    assert.match(failed.error!.message, /^Could not download the result: HTTP 404: expired or unknown file\. Retry looks at the job again/);
    assert.deepEqual(
      failureActions(failed).map((action) => action.label),
      ['Retry', 'Show Log'],
    );
    assert.equal(await manager.retry(id), id, 'the same job, looked at again');
    assert.equal((await waitFor(() => store.get(id)?.status === 'succeeded' && store.get(id), 10_000)).status, 'succeeded');
  });
});
