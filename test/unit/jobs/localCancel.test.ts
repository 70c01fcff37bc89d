// Cancel on a provider with no cancel endpoint: the job ends here, marked as possibly still running
// (and billed) at the provider, and every message about it says so.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { localCancelNote, localCancelSummary, endedStateWord } from '../../../src/core/jobs/localCancel';
import type { JobRecord } from '../../../src/core/jobModel';
import { PROVIDER_IMPLEMENTATIONS } from '../../../src/core/providers/registry';
import { jobRecord, waitFor } from '../helpers';
import { managerFor, outputIn, PROVIDER_CASES } from '../providers/providerCases';

const servers: { stop(): Promise<void> }[] = [];
after(async () => {
  for (const server of servers) await server.stop();
});

const caseOf = (name: string) => PROVIDER_CASES.find((entry) => entry.name === name)!;

async function started(name: string) {
  const providerCase = caseOf(name);
  const server = providerCase.createServer();
  server.durationMs = 60_000;
  await server.start();
  servers.push(server);
  const { store, manager } = managerFor(providerCase, server);
  return { providerCase, server, store, manager };
}

test('the providers with no cancel endpoint are Serika, Bifrost and PhotoGPT (their documents describe none)', () => {
  const without = Object.values(PROVIDER_IMPLEMENTATIONS).filter((provider) => !provider.cancel);
  assert.deepEqual(without.map((provider) => provider.id).sort(), ['bifrost', 'photogpt', 'serika']);
});

test('cancelling a Serika job stops tracking it and marks it as possibly still running there', async () => {
  const { providerCase, server, store, manager } = await started('Serika');
  const id = await manager.submit(providerCase.request, { kind: 'input' }, outputIn());
  assert.ok(store.get(id)!.remoteId, 'submitted');
  await manager.cancel(id);
  const job = store.get(id)!;
  assert.equal(job.status, 'cancelled');
  assert.equal(job.cancelledLocally, true);
  assert.equal(localCancelNote(job), 'Stopped tracking: Serika has no cancel, so the job may still run there and be billed.');
  assert.equal(endedStateWord(job), 'stopped tracking');
  assert.equal(server.jobs.get(job.remoteId!)!.cancelledAt, undefined, 'nothing could tell Serika');
});

test('a Serika job cancelled while its submission is on its way is marked too: the submission still arrives', async () => {
  const { providerCase, server, store, manager } = await started('Serika');
  server.inject(providerCase.submitRoute[0], providerCase.submitRoute[1], { kind: 'hang' });
  const submitting = manager.submit(providerCase.request, { kind: 'input' }, outputIn());
  const job = await waitFor(() => store.all().find((candidate) => candidate.status === 'submitting'), 5000, 'a job being submitted');
  await waitFor(() => server.requests.length > 0, 5000, 'the submission on its way');
  await manager.cancel(job.id);
  assert.equal(store.get(job.id)!.cancelledLocally, true);
  await submitting;
  assert.equal(store.get(job.id)!.status, 'cancelled');
});

test('a TAMS job is cancelled at the provider: no mark, no note', async () => {
  const { providerCase, store, manager } = await started('TAMS');
  const id = await manager.submit(providerCase.request, { kind: 'input' }, outputIn());
  await manager.cancel(id);
  const job = store.get(id)!;
  assert.equal(job.status, 'cancelled');
  assert.equal(job.cancelledLocally, undefined);
  assert.equal(localCancelNote(job), undefined);
  assert.equal(endedStateWord(job), 'cancelled');
});

test('a summary of several cancels names the providers that could not be asked, and how many jobs', () => {
  const cancelled = (providerId: JobRecord['request']['providerId'], cancelledLocally?: true) =>
    jobRecord({
      status: 'cancelled',
      request: { providerId, model: 'm', prompt: 'p', params: {} },
      ...(cancelledLocally ? { cancelledLocally } : {}),
    });
  assert.equal(localCancelSummary([cancelled('tams'), cancelled('sandbox')]), undefined);
  assert.equal(
    localCancelSummary([cancelled('serika', true), cancelled('tams')]),
    '1 of the 2 jobs were only stopped being tracked: Serika has no cancel, so it may still run there and be billed.',
  );
  assert.equal(
    localCancelSummary([cancelled('serika', true), cancelled('bifrost', true), cancelled('photogpt', true)]),
    'The jobs were only stopped being tracked: Serika, Bifrost and PhotoGPT have no cancel, so they may still run there and be billed.',
  );
});

test('Retry of a job only stopped being tracked tracks the same Serika job again, and sends no second one', async () => {
  const { providerCase, server, store, manager } = await started('Serika');
  const id = await manager.submit(providerCase.request, { kind: 'input' }, outputIn());
  const remoteId = store.get(id)!.remoteId!;
  await manager.cancel(id);
  assert.equal(await manager.retry(id), id, 'the same job, not a new one');
  // Serika kept running it all along: it ends now
  server.finishNow(remoteId);
  const job = await waitFor(() => (store.get(id)?.status === 'succeeded' ? store.get(id) : undefined), 10_000, 'its result');
  assert.equal(job.remoteId, remoteId);
  assert.equal(job.cancelledLocally, undefined);
  const submits = server.requests.filter(
    (request) => request.method === providerCase.submitRoute[0] && providerCase.submitRoute[1].test(request.path),
  );
  assert.equal(submits.length, 1, 'Serika got one job');
});
