// Retry replaces the job it retries (issue 12): a job submitted anew takes the failed one's place in
// the store, in the same write, so the Jobs view shows one row, not two.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { JobManager, type ProviderAccess } from '../../../src/core/jobs/jobManager';
import { JobStore } from '../../../src/core/jobs/jobStore';
import { HttpClient } from '../../../src/core/http';
import { SandboxServer } from '../../../src/core/sandbox/server';
import { sandboxProvider } from '../../../src/core/providers/sandbox';
import type { GenerationRequest, OutputTarget } from '../../../src/core/jobModel';
import { collectingLogger, fastPolls, fileSink, memoryPersistence, rootUri, tempDir, waitFor } from '../helpers';

const http = new HttpClient();
const server = new SandboxServer({ jobDurationMs: () => 20 });
const persistence = memoryPersistence();
const store = new JobStore(persistence);
const access: ProviderAccess = async () => ({ provider: sandboxProvider, context: { http, baseUrl: await server.start() } });
const log = collectingLogger();
const manager = new JobManager(store, access, fileSink, log, { pollPolicy: fastPolls });
after(async () => {
  manager.dispose();
  store.dispose();
  await server.stop();
});

const broken: GenerationRequest = { providerId: 'sandbox', model: 'broken', prompt: 'a failing job', params: { width: 64, height: 64 } };
const output = (): OutputTarget => ({ root: rootUri(tempDir()), folder: 'out', nameTemplate: '{{name}}', baseName: 'failing' });

test('retrying a provider failure replaces the failed job with the new one, in memory and on disk', async () => {
  const id = await manager.submit(broken, { kind: 'promptFile', uri: 'file:///w/failing.prompt' }, output());
  await waitFor(() => store.get(id)?.status === 'failed', 5000, 'the job to fail');
  const savesBefore = persistence.saves;

  const next = await manager.retry(id);

  assert.notEqual(next, id);
  assert.equal(store.get(id), undefined, 'the failed job is gone');
  assert.deepEqual(
    store.all().map((job) => job.id),
    [next],
    'one job: the new one',
  );
  assert.deepEqual(store.get(next)!.source, { kind: 'promptFile', uri: 'file:///w/failing.prompt' }, 'same source, same group');
  assert.deepEqual(
    persistence.saved.map((job) => job.id),
    [next],
    'the disk never keeps both',
  );
  assert.ok(persistence.saves > savesBefore);
  assert.ok(log.lines.some((line) => line.includes(`${id} (failed) was submitted again as ${next}`)));
  await waitFor(() => store.get(next)?.status === 'failed', 5000, 'the retried job to fail as well');
});

test('a cancelled job retried is replaced too', async () => {
  const id = await manager.submit({ ...broken, model: 'landscape' }, { kind: 'input' }, output());
  await manager.cancel(id);
  assert.equal(store.get(id)?.status, 'cancelled');
  const next = await manager.retry(id);
  assert.equal(store.get(id), undefined);
  assert.ok(store.get(next));
  await waitFor(() => store.get(next)?.status === 'succeeded', 5000, 'the new job to finish');
});
