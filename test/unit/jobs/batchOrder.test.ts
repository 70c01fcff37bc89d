// A sweep's jobs reach the provider in cell order (README: "Jobs go in the order the keys are
// written"): the Sandbox queues them as they arrive, so its queue positions follow the cells.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpClient } from '../../../src/core/http';
import type { GenerationRequest, OutputTarget } from '../../../src/core/jobModel';
import { JobManager } from '../../../src/core/jobs/jobManager';
import { JobStore } from '../../../src/core/jobs/jobStore';
import { sandboxProvider } from '../../../src/core/providers/sandbox';
import { SandboxServer } from '../../../src/core/sandbox/server';
import { collectingLogger, fileSink, memoryPersistence } from '../helpers';

test("a sweep's 64 jobs are queued by the provider in cell order", async (t) => {
  // long jobs on its 4 render slots: the first 4 run, the rest queue in the order they arrived
  const server = new SandboxServer({ jobDurationMs: () => 60_000 });
  const url = await server.start();
  const store = new JobStore(memoryPersistence());
  const http = new HttpClient({ timeoutMs: 10_000 });
  const manager = new JobManager(
    store,
    async () => ({ provider: sandboxProvider, context: { http, baseUrl: url } }),
    fileSink,
    collectingLogger(),
  );
  t.after(async () => {
    manager.dispose();
    store.dispose();
    await server.stop();
  });
  const output: OutputTarget = { root: 'file:///unused', folder: 'out', nameTemplate: '{{job}}', baseName: 'cell' };
  const request = (i: number): GenerationRequest => ({
    providerId: 'sandbox',
    model: 'landscape',
    prompt: `cell ${i}`,
    params: { seed: i },
  });
  const cells = Array.from({ length: 64 }, (_, i) => ({
    request: request(i),
    output,
    cell: { keys: ['seed'], values: [i], position: [i], shape: [64] },
  }));
  const batch = await manager.submitBatch(cells, { kind: 'script' });
  await batch.sent;
  const positions = batch.ids.map((id) => store.get(id)?.queuePosition ?? 0);
  // submitted together, they arrived in any order: positions 0,0,0,1,3,5,8,11,… with cell 17 at #2
  assert.deepEqual(positions, [0, 0, 0, 0, ...Array.from({ length: 60 }, (_, i) => i + 1)]);
});
