// A sweep submitted as one batch: recorded in one write, each job carrying its cell, every sidecar
// carrying it too; cancel and retry act on the batch or on one cell, which stays in its place.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JobManager, type ProviderAccess } from '../../../src/core/jobs/jobManager';
import { JobStore } from '../../../src/core/jobs/jobStore';
import { batchJobs, batchStartedAt, cellIndex, JobBatches } from '../../../src/core/jobs/jobBatches';
import { planClearFinished } from '../../../src/views/clearFinished';
import { HttpClient } from '../../../src/core/http';
import { SandboxServer } from '../../../src/core/sandbox/server';
import { sandboxProvider } from '../../../src/core/providers/sandbox';
import { sweepCellSchema } from '../../../src/core/generationParams';
import { checkPromptFile } from '../../../src/core/prompt/promptCheck';
import { planSweep } from '../../../src/core/prompt/generationPlan';
import { isTerminal, type JobRecord } from '../../../src/core/jobModel';
import { collectingLogger, fastPolls, fileSink, memoryPersistence, rootUri, tempDir, waitFor } from '../helpers';

const http = new HttpClient();
const server = new SandboxServer({ jobDurationMs: () => 60 });
const persistence = memoryPersistence();
const store = new JobStore(persistence);
const access: ProviderAccess = async () => ({ provider: sandboxProvider, context: { http, baseUrl: await server.start() } });
const manager = new JobManager(store, access, fileSink, collectingLogger(), { pollPolicy: fastPolls });
after(async () => {
  manager.dispose();
  store.dispose();
  await server.stop();
});

const SOURCE = `---
model: sandbox/landscape
config:
  width: 64
  height: 64
sweep:
  seed: [3, 4]
  place: [a valley, a harbour]
---
{{place}} at dawn`;

function plans(dir: string, nameTemplate = '{{name}}-{{seed}}') {
  const prompt = checkPromptFile(SOURCE).prompt!;
  const defaults = { providerId: 'sandbox' as const, modelFor: () => undefined, outputFolder: 'out', nameTemplate };
  return planSweep(prompt, {}, 'dawn.prompt', { ...defaults, outputRoot: rootUri(dir) });
}

const allEnded = (ids: readonly string[]) => () => ids.every((id) => isTerminal(store.get(id)?.status ?? 'failed'));

test('a batch is recorded in one write, each job with its cell, and every sidecar says where it sits', async () => {
  const dir = tempDir();
  const savesBefore = persistence.saves;
  const { batchId, ids, sent } = await manager.submitBatch(plans(dir, '{{name}}-{{sweep}}'), {
    kind: 'promptFile',
    uri: 'file:///w/dawn.prompt',
  });
  assert.equal(persistence.saves - savesBefore, 1, 'the four jobs reach the disk in one write');
  assert.deepEqual(
    persistence.saved.filter((job) => job.sweep?.batchId === batchId).map((job) => job.id),
    [...ids],
  );
  const jobs = ids.map((id) => store.get(id)!);
  assert.deepEqual(
    jobs.map((job) => [job.sweep!.values, job.request.prompt, job.request.params.seed]),
    [
      [[3, 'a valley'], 'a valley at dawn', 3],
      [[3, 'a harbour'], 'a harbour at dawn', 3],
      [[4, 'a valley'], 'a valley at dawn', 4],
      [[4, 'a harbour'], 'a harbour at dawn', 4],
    ],
  );
  assert.deepEqual(
    batchJobs(store.values(), batchId).map((job) => job.id),
    [...ids],
    'cell order',
  );
  await sent;
  await waitFor(allEnded(ids), 10_000, 'the batch to finish');
  for (const [index, id] of ids.entries()) {
    const job = store.get(id)!;
    assert.equal(job.status, 'succeeded');
    const sidecar = JSON.parse(readFileSync(join(dir, job.assets[0]!.sidecarPath), 'utf8'));
    assert.deepEqual(sidecar.sweep, {
      batchId,
      keys: ['seed', 'place'],
      values: job.sweep!.values,
      position: job.sweep!.position,
      shape: [2, 2],
    });
    assert.ok(sweepCellSchema.safeParse(sidecar.sweep).success);
    assert.equal(cellIndex(sidecar.sweep), index);
    const [seed, place] = job.sweep!.values;
    assert.equal(
      job.assets[0]!.path.split('/').pop(),
      `dawn-seed-${seed}_place-${String(place).replace(' ', '-')}.png`,
      '{{sweep}} names the cell',
    );
  }
  // the same seed with another prompt, and the same prompt with another seed, are other pictures
  const bytes = ids.map((id) => readFileSync(join(dir, store.get(id)!.assets[0]!.path)).toString('base64'));
  assert.equal(new Set(bytes).size, 4);
});

test('cancelling a batch cancels its unfinished cells; retrying it resubmits them, each in its place', async () => {
  const slow = new SandboxServer({ jobDurationMs: () => 30_000 });
  const store = new JobStore(memoryPersistence());
  const slowManager = new JobManager(
    store,
    async () => ({ provider: sandboxProvider, context: { http, baseUrl: await slow.start() } }),
    fileSink,
    collectingLogger(),
    { pollPolicy: fastPolls },
  );
  const slowBatches = new JobBatches(() => store.values(), slowManager);
  try {
    const { batchId, ids, sent } = await slowManager.submitBatch(plans(tempDir()), { kind: 'input' });
    await sent;
    assert.equal(await slowBatches.cancel(batchId), 4);
    assert.deepEqual(
      ids.map((id) => store.get(id)!.status),
      ['cancelled', 'cancelled', 'cancelled', 'cancelled'],
    );
    assert.equal(await slowBatches.cancel(batchId), 0, 'nothing left to cancel');

    const retried = await slowBatches.retry(batchId);
    assert.equal(retried.length, 4);
    const cells = slowBatches.of(batchId);
    assert.deepEqual(
      cells.map((job) => job.id),
      retried,
      'the new jobs are the batch, in cell order',
    );
    assert.ok(
      ids.every((id) => store.get(id) === undefined),
      'the cancelled jobs were replaced',
    );
    assert.ok(cells.every((job: JobRecord) => !isTerminal(job.status)));
    assert.equal(await slowBatches.remove(batchId), false, 'not removed while cells run');

    // one cell: cancelled and retried alone, it keeps its place and the others go on
    await slowManager.cancel(retried[1]!);
    const again = await slowManager.retry(retried[1]!);
    assert.deepEqual(store.get(again)!.sweep, { ...store.get(retried[0]!)!.sweep!, values: [3, 'a harbour'], position: [0, 1] });
    assert.deepEqual(
      slowBatches.of(batchId).map((job) => job.id),
      [retried[0], again, retried[2], retried[3]],
    );
    await slowBatches.cancel(batchId);
    assert.equal(await slowBatches.remove(batchId), true);
    assert.deepEqual(slowBatches.of(batchId), []);
  } finally {
    slowManager.dispose();
    store.dispose();
    await slow.stop();
  }
});

test('a batch keeps its own time once Clear Finished takes its first cells and a retried cell is left', async () => {
  const cells = plans(tempDir()).slice(0, 2);
  // the second cell fails (the Sandbox's "broken" model always does), to be retried
  const broken = [cells[0]!, { ...cells[1]!, request: { ...cells[1]!.request, model: 'broken' } }];
  const { batchId, ids, sent } = await manager.submitBatch(broken, { kind: 'input' });
  await sent;
  await waitFor(allEnded(ids), 10_000, 'the batch to end');
  const madeAt = batchStartedAt(batchJobs(store.values(), batchId));
  assert.equal(madeAt, store.get(ids[0]!)!.createdAt);
  await new Promise((resolve) => setTimeout(resolve, 5)); // the retry is made later, to the millisecond
  const again = await manager.retry(ids[1]!);
  assert.ok(store.get(again)!.createdAt > madeAt);
  await waitFor(() => isTerminal(store.get(again)?.status ?? 'failed'), 10_000, 'the retry to end');
  const { remove } = planClearFinished(batchJobs(store.values(), batchId));
  assert.deepEqual(
    remove.map((job) => job.id),
    [ids[0]],
  );
  await Promise.all(remove.map((job) => manager.remove(job.id)));
  const left = batchJobs(store.values(), batchId);
  assert.deepEqual(
    left.map((job) => job.id),
    [again],
  );
  assert.equal(batchStartedAt(left), madeAt, "the retried cell carries the batch's time, not its own");
  await manager.remove(again);
});

/** A batch of three failed or cancelled cells, whose retry is `retry`. */
function threeCells(status: JobRecord['status'], retry: (id: string) => Promise<string>): JobBatches {
  const cells = [1, 2, 3].map(
    (n) => ({ id: `j${n}`, status, sweep: { batchId: 'b', keys: ['seed'], values: [n], position: [n - 1], shape: [3] } }) as JobRecord,
  );
  return new JobBatches(() => cells, { cancel: async () => undefined, remove: async () => undefined, retry });
}

test('a batch action that fails for some jobs still acts on the rest, then says how many failed', async () => {
  const acted: string[] = [];
  const failing = threeCells('failed', async (id) => {
    acted.push(id);
    if (id === 'j2') throw new Error('the provider is down');
    return `${id}-again`;
  });
  await assert.rejects(failing.retry('b'), /^Error: Could not retry 1 of 3 jobs of the batch: the provider is down$/);
  assert.deepEqual(acted, ['j1', 'j2', 'j3']);
});

test('a batch retry leaves out the cells it is told to (those the user chose not to send again)', async () => {
  const retried: string[] = [];
  const batches = threeCells('cancelled', async (id) => {
    retried.push(id);
    return `${id}-again`;
  });
  assert.deepEqual(await batches.retry('b', new Set(['j2'])), ['j1-again', 'j3-again']);
  assert.deepEqual(retried, ['j1', 'j3']);
});
