import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { JobManager, type AssetSink, type ProviderAccess } from '../../../src/core/jobs/jobManager';
import { JobStore } from '../../../src/core/jobs/jobStore';
import { HttpClient } from '../../../src/core/http';
import { SandboxServer } from '../../../src/core/sandbox/server';
import { sandboxProvider } from '../../../src/core/providers/sandbox';
import { readPngText, pngSize } from '../../../src/core/results/png';
import { isTerminal, type GenerationRequest, type OutputTarget } from '../../../src/core/jobModel';
import { collectingLogger, fastPolls, fileSink, memoryPersistence, rootUri, tempDir, waitFor } from '../helpers';
import { earlierJobs } from '../../fixtures/earlierJobs';
import { contextFor, outputIn, PROVIDER_CASES } from '../providers/providerCases';

const http = new HttpClient();
const toStop: { dispose?: () => void; stop?: () => Promise<void> }[] = [];
after(async () => {
  for (const item of toStop) {
    item.dispose?.();
    await item.stop?.();
  }
});

function setup(
  options: {
    durationMs?: number;
    persistence?: ReturnType<typeof memoryPersistence>;
    stateFile?: string;
    server?: SandboxServer;
    sink?: AssetSink;
  } = {},
) {
  const server = options.server ?? new SandboxServer({ jobDurationMs: () => options.durationMs ?? 200, stateFile: options.stateFile });
  const persistence = options.persistence ?? memoryPersistence();
  const store = new JobStore(persistence);
  const access: ProviderAccess = async () => ({ provider: sandboxProvider, context: { http, baseUrl: await server.start() } });
  const log = collectingLogger();
  const manager = new JobManager(store, access, options.sink ?? fileSink, log, { pollPolicy: fastPolls });
  toStop.push(manager, server);
  return { server, store, manager, persistence, log };
}

const request: GenerationRequest = {
  providerId: 'sandbox',
  model: 'landscape',
  prompt: 'a lighthouse at dusk',
  params: { width: 96, height: 64, seed: 11, count: 2, steps: 20, cfgScale: 7, sampler: 'Euler a', negativePrompt: 'blurry' },
};

function output(dir: string): OutputTarget {
  return { root: rootUri(dir), folder: 'assets/generated', nameTemplate: '{{name}}-{{seed}}', baseName: 'lighthouse' };
}

test('a job runs end to end: recorded, submitted, polled, downloaded, saved with provenance', async () => {
  const dir = tempDir();
  const { store, manager, persistence } = setup();
  const id = await manager.submit(request, { kind: 'input' }, output(dir));
  assert.ok(
    persistence.saved.some((job) => job.id === id && job.remoteId),
    'the remote id is persisted right after submit',
  );
  const job = await waitFor(() => store.get(id)?.status === 'succeeded' && store.get(id), 10_000, 'success');
  assert.deepEqual(
    job.assets.map((asset) => asset.path),
    ['assets/generated/lighthouse-11.png', 'assets/generated/lighthouse-12.png'],
  );
  const png = readFileSync(join(dir, 'assets/generated/lighthouse-11.png'));
  assert.deepEqual(pngSize(png), { width: 96, height: 64 });
  assert.equal(
    readPngText(png).parameters,
    'a lighthouse at dusk\nNegative prompt: blurry\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 11, Size: 96x64, Model: sandbox/landscape',
  );
  const sidecar = JSON.parse(readFileSync(join(dir, 'assets/generated/lighthouse-12.json'), 'utf8'));
  assert.equal(sidecar.prompt, request.prompt);
  assert.equal(sidecar.seed, 12);
  assert.equal(sidecar.model, 'sandbox/landscape');
  assert.equal(sidecar.jobId, id);
  assert.equal(sidecar.remoteJobId, job.remoteId);
  assert.equal(sidecar.file, 'lighthouse-12.png');
});

test('names never collide: a second run with the same seed gets -2', async () => {
  const dir = tempDir();
  const { store, manager } = setup({ durationMs: 20 });
  const single = { ...request, params: { ...request.params, count: 1 } };
  const a = await manager.submit(single, { kind: 'input' }, output(dir));
  await waitFor(() => store.get(a)?.status === 'succeeded', 5000);
  const b = await manager.submit(single, { kind: 'input' }, output(dir));
  const job = await waitFor(() => store.get(b)?.status === 'succeeded' && store.get(b), 5000);
  assert.equal(job.assets[0]!.path, 'assets/generated/lighthouse-11-2.png');
});

test('after a window reload, in-flight jobs resume polling and finish', async () => {
  const dir = tempDir();
  const stateFile = join(tempDir(), 'sandbox.json');
  const persistence = memoryPersistence();
  const first = setup({ durationMs: 600, persistence, stateFile });
  const id = await first.manager.submit(request, { kind: 'input' }, output(dir));
  // the window closes: the manager and the in-extension server go away mid-job
  first.manager.dispose();
  await first.server.stop();
  assert.ok(!isTerminal(persistence.saved.find((job) => job.id === id)!.status));
  const second = setup({ persistence, stateFile });
  second.manager.resume();
  const job = await waitFor(() => second.store.get(id)?.status === 'succeeded' && second.store.get(id), 10_000, 'resumed job');
  assert.equal(job.assets.length, 2);
  assert.ok(existsSync(join(dir, job.assets[0]!.path)));
});

test('a job left "submitting" by a reload is resubmitted with the same idempotency key', async () => {
  const dir = tempDir();
  const persistence = memoryPersistence([
    {
      id: 'local-1',
      idempotencyKey: 'idem-1',
      request: { ...request, params: { ...request.params, count: 1 } },
      source: { kind: 'input' },
      output: output(dir),
      createdAt: Date.now(),
      updatedAt: Date.now(),
      status: 'submitting',
      assets: [],
    },
  ]);
  const { store, manager } = setup({ persistence, durationMs: 20 });
  manager.resume();
  const job = await waitFor(() => store.get('local-1')?.status === 'succeeded' && store.get('local-1'), 5000);
  assert.ok(job.remoteId);
});

test('a provider failure ends the job with the provider reason', async () => {
  const { store, manager } = setup({ durationMs: 20 });
  const id = await manager.submit({ ...request, model: 'broken' }, { kind: 'input' }, output(tempDir()));
  const job = await waitFor(() => store.get(id)?.status === 'failed' && store.get(id), 5000);
  assert.equal(job.error?.phase, 'provider');
  assert.match(job.error!.message, /always fails/);
});

test('a rejected submission is recorded as failed with the reason, never lost', async () => {
  const { store, manager } = setup();
  const id = await manager.submit({ ...request, params: { ...request.params, width: 5 } }, { kind: 'input' }, output(tempDir()));
  const job = store.get(id)!;
  assert.equal(job.status, 'failed');
  assert.equal(job.error?.phase, 'submit');
  assert.match(job.error!.message, /width must be an integer/);
});

test('an unreachable provider fails the submit with an actionable message after retries', async () => {
  const persistence = memoryPersistence();
  const store = new JobStore(persistence);
  const access: ProviderAccess = async () => ({ provider: sandboxProvider, context: { http, baseUrl: 'http://127.0.0.1:9' } });
  const manager = new JobManager(store, access, fileSink, collectingLogger(), { pollPolicy: fastPolls, maxSubmitAttempts: 2 });
  toStop.push(manager);
  const id = await manager.submit(request, { kind: 'input' }, output(tempDir()));
  const job = store.get(id)!;
  assert.equal(job.status, 'failed');
  assert.match(job.error!.message, /connection refused/);
  assert.ok(persistence.saved.some((saved) => saved.id === id));
});

test('cancel stops polling and tells the provider', async () => {
  const { store, manager, server } = setup({ durationMs: 5000 });
  const id = await manager.submit(request, { kind: 'input' }, output(tempDir()));
  await manager.cancel(id);
  assert.equal(store.get(id)!.status, 'cancelled');
  const remote = await sandboxProvider.poll(store.get(id)!.remoteId!, { http, baseUrl: server.url });
  assert.equal(remote.status, 'cancelled');
});

for (const action of ['cancel', 'remove'] as const) {
  test(`a job the user chose to ${action} while its result was being saved stays ${action === 'cancel' ? 'cancelled' : 'gone'}, with no files left`, async () => {
    const dir = tempDir();
    let release!: () => void;
    const writing = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const writeStarted = new Promise<void>((resolve) => (started = resolve));
    // the first write waits until the user has acted
    const slowSink: AssetSink = {
      ...fileSink,
      write: async (root, path, bytes) => {
        started();
        await writing;
        await fileSink.write(root, path, bytes);
      },
    };
    const { store, manager, log } = setup({ durationMs: 20, sink: slowSink });
    const id = await manager.submit(request, { kind: 'input' }, output(dir));
    await writeStarted;
    assert.equal(store.get(id)!.status, 'downloading');
    await manager[action](id);
    release();
    await waitFor(
      () => log.lines.some((line) => line.includes(`${id} was`) && line.includes('its files were not kept')),
      5000,
      'the saver to notice',
    );
    if (action === 'cancel') assert.equal(store.get(id)!.status, 'cancelled');
    else assert.equal(store.get(id), undefined);
    assert.equal(
      existsSync(join(dir, 'assets', 'generated')) ? readdirSync(join(dir, 'assets', 'generated')).length : 0,
      0,
      'no image or sidecar left',
    );
  });
}

test('a job the provider no longer knows is reported as expired, not as a crash', async () => {
  const dir = tempDir();
  const persistence = memoryPersistence();
  const first = setup({ durationMs: 5000, persistence });
  const id = await first.manager.submit(request, { kind: 'input' }, output(dir));
  first.manager.dispose();
  await first.server.stop();
  // a server without the job (no state file): like a provider whose result TTL has passed
  const second = setup({ persistence });
  second.manager.resume();
  const job = await waitFor(() => second.store.get(id)?.status === 'expired' && second.store.get(id), 5000);
  assert.match(job.error!.message, /no longer has this job/);
  assert.ok(job.remoteId, 'the provider job id is kept');
});

test('a save failure fails the job with the reason, and Retry resumes once the disk is fixed', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'assets'), 'a file where the output folder should be');
  const { store, manager } = setup({ durationMs: 20 });
  const id = await manager.submit(request, { kind: 'input' }, output(dir));
  const failed = await waitFor(() => store.get(id)?.status === 'failed' && store.get(id), 5000);
  assert.equal(failed.error?.phase, 'save');
  assert.match(failed.error!.message, /^Could not save the result: .*(EEXIST|ENOTDIR)/);
  rmSync(join(dir, 'assets'));
  assert.equal(await manager.retry(id), id, 'the same job resumes');
  await waitFor(() => store.get(id)?.status === 'succeeded', 5000);
});

test('retry of a provider failure submits a new job', async () => {
  const { store, manager } = setup({ durationMs: 20 });
  const id = await manager.submit({ ...request, model: 'broken' }, { kind: 'input' }, output(tempDir()));
  await waitFor(() => store.get(id)?.status === 'failed', 5000);
  const next = await manager.retry(id);
  assert.notEqual(next, id);
  assert.equal(store.get(next)!.request.model, 'broken');
});

test("a submission is two writes (the record, then the provider's id with its first state), and no poll comes before the id is stored", async () => {
  const persistence = memoryPersistence();
  const write = persistence.write;
  // the second write (the provider's id) takes its time: polls must wait for it
  let idStoredAt = Infinity;
  persistence.write = async (changes) => {
    const second = persistence.saves === 1;
    if (second) await new Promise((resolve) => setTimeout(resolve, 300));
    await write(changes);
    if (second) idStoredAt = Date.now();
  };
  const server = new SandboxServer({ jobDurationMs: () => 100 });
  const store = new JobStore(persistence);
  const polledAt: number[] = [];
  const watched = {
    ...sandboxProvider,
    pollMany: undefined,
    poll: (id: string, context: Parameters<typeof sandboxProvider.poll>[1]) => {
      polledAt.push(Date.now());
      return sandboxProvider.poll(id, context);
    },
  };
  const access: ProviderAccess = async () => ({ provider: watched, context: { http, baseUrl: await server.start() } });
  const manager = new JobManager(store, access, fileSink, collectingLogger(), { pollPolicy: fastPolls });
  toStop.push(manager, server);
  const id = await manager.submit(request, { kind: 'input' }, output(tempDir()));
  assert.equal(persistence.saves, 2);
  assert.ok(persistence.saved.find((job) => job.id === id)?.remoteId, 'the id is stored when submit resolves');
  await waitFor(() => store.get(id)!.status === 'succeeded', 10_000, 'the job to finish');
  assert.ok(polledAt.length > 0 && polledAt[0]! >= idStoredAt, 'the first poll came after the id was stored');
});

test('the store persists ids and states at once and coalesces progress-only changes', async () => {
  const persistence = memoryPersistence();
  const store = new JobStore(persistence);
  const job = {
    id: 'j',
    idempotencyKey: 'k',
    request,
    source: { kind: 'input' as const },
    output: output(tempDir()),
    createdAt: 1,
    updatedAt: 1,
    status: 'queued' as const,
    assets: [],
  };
  await store.put(job);
  const afterPut = persistence.saves;
  await store.update('j', () => ({ remoteId: 'r-1' }));
  assert.equal(persistence.saves, afterPut + 1, 'a new remote id is written before update resolves');
  for (let i = 0; i < 50; i++) await store.update('j', () => ({ progress: i / 50 }));
  assert.equal(persistence.saves, afterPut + 1, 'progress alone is not written on every change');
  assert.equal(store.get('j')!.progress, 49 / 50, 'but the store has it at once');
  await store.flush();
  assert.equal(persistence.saved[0]!.progress, 49 / 50);
  store.dispose();
});

for (const [name, quiet] of [
  ['TAMS', false],
  ['SubModel', true],
] as const) {
  test(`with a history of its kind, a ${name} job is ${quiet ? 'left alone for the quiet period' : 'looked at from the start: it reports progress'}`, async () => {
    // ten earlier jobs of this kind took 4 s: no result is likely before 0.9 × 4 s
    const providerCase = PROVIDER_CASES.find((candidate) => candidate.name === name)!;
    const quietMs = 3600;
    const earlier = earlierJobs(
      providerCase.request,
      outputIn(),
      Array.from({ length: 10 }, () => 4000),
    );
    const server = providerCase.createServer();
    server.durationMs = 4500;
    await server.start();
    const store = new JobStore(memoryPersistence(earlier));
    const access: ProviderAccess = async () => ({ provider: providerCase.provider, context: contextFor(providerCase, server) });
    // random 1: the earliest the jitter allows
    const manager = new JobManager(store, access, fileSink, collectingLogger(), { pollPolicy: fastPolls, random: () => 1 });
    toStop.push(manager, server);
    const id = await manager.submit(providerCase.request, { kind: 'input' }, outputIn());
    await waitFor(() => store.get(id)?.status === 'succeeded', 15_000, 'the job to finish');
    const [method, path] = providerCase.pollRoute;
    const ages = server.requests
      .filter((request) => request.method === method && path.test(request.path))
      .map((request) => request.at - store.get(id)!.createdAt);
    if (quiet) {
      assert.ok(
        ages[0]! >= 0.9 * quietMs,
        `first look at ${ages[0]} ms: with nothing to read, no look before the quiet period ends (10% jitter)`,
      );
      assert.ok(ages[1]! >= 0.9 * quietMs, `second look at ${ages[1]} ms`);
    } else {
      // a reading of its progress is worth a look before the job can end: it turns the guess into an estimate
      assert.ok(ages[0]! < 0.5 * quietMs, `first look at ${ages[0]} ms, on the age schedule, not after the quiet period`);
    }
  });
}
