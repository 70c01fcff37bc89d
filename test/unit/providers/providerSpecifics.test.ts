// What each provider's docs single out: Serika's list refresh, TAMS idempotency/limits/credits/RSA,
// Bifrost's 202s, TTL and expiry, PhotoGPT's envelope and job kinds, SubModel's extra endpoints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pingPhotoGpt } from '../../../src/core/providers/photogpt';
import { subModelHealth, subModelPurgeQueue, subModelStream, extractSubModelOutputs } from '../../../src/core/providers/submodel';
import { TAMS_LIMITS, validateTamsRequest, buildTamsStages } from '../../../src/core/providers/tams';
import type { FakeProviderServer } from '../../fixtures/providers/fakeServer';
import { SubModelServer } from '../../fixtures/providers/subModelServer';
import { contextFor, managerFor, outputIn, PROVIDER_CASES, type ProviderCase } from './providerCases';
import { cleanupsFailingOnUnhandledRejections, memoryPersistence, waitFor } from '../helpers';

const byName = (name: string) => PROVIDER_CASES.find((c) => c.name === name)!;
const cleanups = cleanupsFailingOnUnhandledRejections();

async function setup(providerCase: ProviderCase, server: FakeProviderServer = providerCase.createServer(), overrides = {}) {
  await server.start();
  cleanups.push(() => server.stop());
  const managed = managerFor(providerCase, server, overrides);
  cleanups.push(() => managed.manager.dispose());
  return { server, ...managed };
}

const settled = (store: { get(id: string): { status: string } | undefined }, id: string) => () =>
  ['succeeded', 'failed', 'cancelled', 'expired'].includes(store.get(id)!.status) && store.get(id);

test('Serika: one GET /jobs refreshes many jobs; details only for finished ones', async () => {
  const serika = byName('Serika');
  const { server, store, manager } = await setup(serika);
  server.durationMs = 600;
  const ids = await Promise.all(
    [1, 2, 3].map((n) => manager.submit({ ...serika.request, prompt: `job ${n}` }, { kind: 'script' }, outputIn())),
  );
  for (const id of ids) assert.equal(((await waitFor(settled(store, id), 10_000)) as { status: string }).status, 'succeeded');
  const lists = server.countRequests('GET', /\/jobs$/);
  const details = server.countRequests('GET', /\/jobs\/job-/);
  assert.ok(lists >= 2, `list requests: ${lists}`);
  assert.equal(details, 3, 'one detail request per job, for its result');
});

test('Serika has no cancel endpoint: cancel stops tracking locally', async () => {
  const serika = byName('Serika');
  const { server, store, manager } = await setup(serika);
  server.durationMs = 5000;
  const id = await manager.submit(serika.request, { kind: 'script' }, outputIn());
  await manager.cancel(id);
  assert.equal(store.get(id)!.status, 'cancelled');
  assert.equal(server.countRequests('DELETE', /./), 0);
});

test('TAMS: a submit whose answer was lost is retried with the same requestId and never makes a second job', async () => {
  const tams = byName('TAMS');
  const { server, store, manager } = await setup(tams);
  server.inject('POST', /^\/v1\/jobs$/, { kind: 'dropAfterHandling' });
  const id = await manager.submit(tams.request, { kind: 'script' }, outputIn());
  assert.equal(server.countRequests('POST', /^\/v1\/jobs$/), 2, 'submitted twice');
  assert.equal(server.jobs.size, 1, 'but only one job exists');
  const requestIds = server.requests.filter((r) => r.method === 'POST').map((r) => JSON.parse(r.body).requestId);
  assert.equal(requestIds[0], requestIds[1]);
  assert.equal(requestIds[0], store.get(id)!.idempotencyKey);
  assert.equal(((await waitFor(settled(store, id), 10_000)) as { status: string }).status, 'succeeded');
});

test('TAMS: stages are built from the .prompt config and limits are checked before sending', () => {
  const tams = byName('TAMS');
  assert.deepEqual(
    buildTamsStages({
      ...tams.request,
      params: { width: 512, height: 768, count: 2, seed: 5, steps: 25, cfgScale: 7, sampler: 'DPM++ 2M Karras', negativePrompt: 'blurry' },
    }),
    [
      // int64 fields are decimal strings, as in the document's example (they were numbers before)
      { type: 'INPUT_INITIALIZE', inputInitialize: { seed: '5', count: '2' } },
      {
        type: 'DIFFUSION',
        diffusion: {
          width: '512',
          height: '768',
          prompts: [{ text: 'a lighthouse at dusk' }],
          negativePrompts: [{ text: 'blurry' }],
          sdModel: '600423083519508503',
          sampler: 'DPM++ 2M Karras',
          steps: '25',
          cfgScale: 7,
        },
      },
    ],
  );
  // what the user did not set is not sent: the document requires nothing inside a stage
  assert.deepEqual(buildTamsStages({ ...tams.request, params: {} }), [
    { type: 'INPUT_INITIALIZE', inputInitialize: { count: '1' } },
    { type: 'DIFFUSION', diffusion: { prompts: [{ text: 'a lighthouse at dusk' }], sdModel: '600423083519508503' } },
  ]);
  const problems = validateTamsRequest({
    ...tams.request,
    model: '',
    params: { width: 500, height: 1600, count: 5, steps: 60, cfgScale: 40 },
  });
  assert.deepEqual(
    problems.map((p) => p.field),
    ['model', 'count', 'width', 'height', 'steps', 'cfgScale'],
  );
  assert.match(problems[2]!.message, /multiple of 64 from 512 to 1536/);
  assert.equal(TAMS_LIMITS.countMax, 4);
});

test('TAMS: an out-of-limit request fails before anything is sent', async () => {
  const tams = byName('TAMS');
  const { server, store, manager } = await setup(tams);
  const id = await manager.submit({ ...tams.request, params: { ...tams.request.params, width: 500 } }, { kind: 'script' }, outputIn());
  assert.equal(store.get(id)!.status, 'failed');
  assert.match(store.get(id)!.error!.message, /width must be a multiple of 64/);
  assert.equal(server.requests.length, 0);
});

test('TAMS: credits and queue rank reach the job; cancel is a DELETE', async () => {
  const tams = byName('TAMS');
  const { server, store, manager } = await setup(tams);
  server.durationMs = 4000;
  const first = await manager.submit(tams.request, { kind: 'script' }, outputIn());
  const second = await manager.submit(tams.request, { kind: 'script' }, outputIn());
  const queued = store.get(second)!;
  assert.equal(queued.status, 'queued');
  assert.equal(queued.queuePosition, 2);
  assert.equal(queued.queueLength, 4);
  assert.equal(queued.credits, 1);
  await manager.cancel(first);
  assert.equal(server.countRequests('DELETE', /^\/v1\/jobs\//), 1);
  assert.equal(server.timeline([...server.jobs.values()][0]!).phase, 'cancelled');
  await manager.cancel(second);
});

test('TAMS: requests can be signed with TAMS-SHA256-RSA', async () => {
  const tams = byName('TAMS');
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const server = tams.createServer() as FakeProviderServer & { rsa?: { appId: string; publicKeyPem: string } };
  server.rsa = { appId: 'app-42', publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
  const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const { store, manager } = await setup(tams, server, { apiKey: privatePem, options: { authScheme: 'rsa', appId: 'app-42' } });
  const id = await manager.submit(tams.request, { kind: 'script' }, outputIn());
  assert.equal(((await waitFor(settled(store, id), 10_000)) as { status: string }).status, 'succeeded');
  assert.match(String(server.requests[0]!.headers.authorization), /^TAMS-SHA256-RSA app_id=app-42,nonce_str=\w+,timestamp=\d+,signature=/);
  const { manager: unsigned, store: unsignedStore } = managerFor(tams, server);
  cleanups.push(() => unsigned.dispose());
  const rejected = await unsigned.submit(tams.request, { kind: 'script' }, outputIn());
  assert.match(unsignedStore.get(rejected)!.error!.message, /HTTP 401.*UNAUTHENTICATED/);
});

test('Bifrost: 202 while pending, TTL header sent, virtual-key auth, b64_json results', async () => {
  const bifrost = byName('Bifrost');
  const { server, store, manager } = await setup(bifrost, undefined, { options: { authScheme: 'x-bf-vk', resultTtlSeconds: 120 } });
  const id = await manager.submit(bifrost.request, { kind: 'script' }, outputIn());
  assert.equal(((await waitFor(settled(store, id), 10_000)) as { status: string }).status, 'succeeded');
  const submit = server.requests[0]!;
  assert.equal(submit.headers['x-bf-async-job-result-ttl'], '120');
  assert.equal(submit.headers['x-bf-vk'], server.apiKey);
  assert.equal(submit.headers.authorization, undefined);
  assert.equal(JSON.parse(submit.body).model, 'openai/dall-e-3');
  // 1024x1024, one of dall-e-3's sizes (this test sent 64x64, which that model rejects)
  assert.equal(JSON.parse(submit.body).size, '1024x1024');
});

test('Bifrost: a job whose TTL passed is reported as expired, not as a crash', async () => {
  const bifrost = byName('Bifrost');
  const server = bifrost.createServer();
  await server.start();
  cleanups.push(() => server.stop());
  server.durationMs = 100;
  const persistence = memoryPersistence();
  const first = managerFor(bifrost, server, { options: { resultTtlSeconds: 1 } }, persistence);
  const id = await first.manager.submit(bifrost.request, { kind: 'script' }, outputIn());
  first.manager.dispose(); // the window closes before the result is collected
  await new Promise((resolve) => setTimeout(resolve, 1400));
  const second = managerFor(bifrost, server, {}, persistence);
  cleanups.push(() => second.manager.dispose());
  second.manager.resume();
  const job = await waitFor(() => second.store.get(id)!.status === 'expired' && second.store.get(id), 5000);
  assert.match(job.error!.message, /no longer has this job.*job not found or expired/);
  assert.ok(job.remoteId);
});

test('Bifrost: a missing logs store (404 on submit) is explained', async () => {
  const bifrost = byName('Bifrost');
  const { server, store, manager } = await setup(bifrost);
  server.inject('POST', /generations$/, { kind: 'status', status: 404, body: '{"error":{"message":"not found"}}' });
  const id = await manager.submit(bifrost.request, { kind: 'script' }, outputIn());
  assert.match(store.get(id)!.error!.message, /logs store/);
});

test('PhotoGPT: API-Version 1 on every call, NOK envelopes become clear errors', async () => {
  const photo = byName('PhotoGPT');
  const { server, store, manager } = await setup(photo);
  assert.equal(await pingPhotoGpt(contextFor(photo, server)), 'pong');
  server.inject('POST', /generation$/, {
    kind: 'status',
    status: 200,
    body: '{"err":"QUOTA","message":"Not enough credits","result":null,"status":"NOK"}',
  });
  const id = await manager.submit(photo.request, { kind: 'script' }, outputIn());
  assert.equal(store.get(id)!.error!.message, 'Submitting to PhotoGPT: PhotoGPT said NOK [QUOTA]: Not enough credits');
  assert.ok(server.requests.every((request) => request.headers['api-version'] === '1'));
});

test('PhotoGPT: upscaling and video jobs', async () => {
  const photo = byName('PhotoGPT');
  const { server, store, manager } = await setup(photo);
  const output = outputIn();
  const upscale = await manager.submit(
    { ...photo.request, model: '', operation: { kind: 'upscale', imageId: 'img-123' } },
    { kind: 'script' },
    output,
  );
  const video = await manager.submit({ ...photo.request, operation: { kind: 'video' } }, { kind: 'script' }, output);
  const upscaled = (await waitFor(settled(store, upscale), 10_000)) as { status: string };
  assert.equal(upscaled.status, 'succeeded');
  const videoJob = store.get(video)!;
  await waitFor(settled(store, video), 10_000);
  const done = store.get(video)!;
  assert.equal(done.status, 'succeeded', done.error?.message);
  assert.equal(done.assets[0]!.mimeType, 'video/mp4');
  assert.ok(done.assets[0]!.path.endsWith('.mp4'));
  assert.ok(existsSync(join(output.dir, done.assets[0]!.path)));
  assert.equal(JSON.parse(server.requests.find((r) => r.path.endsWith('/upscaling'))!.body).imageID, 'img-123');
  assert.ok(videoJob);
});

test('SubModel: configurable base path and key header; runsync finishes short jobs without polling', async () => {
  const sub = byName('SubModel');
  // /v2: the path the document's rate-limit section names
  const server = new SubModelServer('/v2');
  server.durationMs = 100;
  const { store, manager } = await setup(sub, server, {
    options: { endpointId: server.endpointId, basePath: '/v2/', authHeader: 'x-apikey', runsync: true },
  });
  const id = await manager.submit(sub.request, { kind: 'script' }, outputIn());
  assert.equal(store.get(id)!.status === 'downloading' || store.get(id)!.status === 'succeeded', true);
  assert.equal(((await waitFor(settled(store, id), 5000)) as { status: string }).status, 'succeeded');
  assert.ok(server.requests[0]!.path.startsWith('/v2/ep-test123/runsync'));
  assert.match(store.get(id)!.remoteId!, /^sync-/);
  assert.equal(server.countRequests('POST', /\/status\//), 0);
  assert.equal(server.requests[0]!.headers['x-apikey'], server.apiKey);
});

test('SubModel: TIMED_OUT, cancel, health, purge-queue and stream', async () => {
  const sub = byName('SubModel');
  const { server, store, manager } = await setup(sub);
  const context = contextFor(sub, server);
  const timedOut = await manager.submit({ ...sub.request, prompt: 'slow [timeout]' }, { kind: 'script' }, outputIn());
  const job = (await waitFor(settled(store, timedOut), 5000)) as { status: string; error?: { message: string } };
  assert.equal(job.status, 'failed');
  assert.match(job.error!.message, /timed out on the worker \(TIMED_OUT after 600 s\)/);

  server.durationMs = 10_000;
  const cancelled = await manager.submit(sub.request, { kind: 'script' }, outputIn());
  await manager.cancel(cancelled);
  assert.equal(server.countRequests('POST', /\/cancel\//), 1);
  await manager.submit(sub.request, { kind: 'script' }, outputIn());
  await manager.submit(sub.request, { kind: 'script' }, outputIn());
  const health = await subModelHealth(context);
  assert.equal(health.jobs.inQueue, 2);
  assert.equal(health.jobs.failed, 1);
  const purged = await subModelPurgeQueue(context);
  assert.deepEqual(purged, { removed: 2, status: 'completed' });

  server.durationMs = 50;
  const streamed = await manager.submit(sub.request, { kind: 'script' }, outputIn());
  await waitFor(settled(store, streamed), 5000);
  const stream = await subModelStream(store.get(streamed)!.remoteId!, context);
  assert.equal(stream.chunks.length, 1);
  assert.deepEqual(stream.outputs, [{ kind: 'url', url: server.fileUrl(server.jobs.get(store.get(streamed)!.remoteId!)!, 0), seed: 4242 }]);
});

test('SubModel: free-form worker outputs are found wherever they are', () => {
  const png = Buffer.alloc(200, 7).toString('base64');
  assert.deepEqual(extractSubModelOutputs({ image_url: 'https://x/a.png' }), [{ kind: 'url', url: 'https://x/a.png' }]);
  assert.deepEqual(extractSubModelOutputs(['data:image/webp;base64,AAAA']), [{ kind: 'base64', data: 'AAAA', mimeType: 'image/webp' }]);
  assert.deepEqual(extractSubModelOutputs({ output: { images: [png], seed: 3 } }), [{ kind: 'base64', data: png, seed: 3 }]);
  assert.deepEqual(extractSubModelOutputs({ message: 'done' }), []);
});

test('SubModel: results older than 30 minutes are expired', async () => {
  const sub = byName('SubModel');
  const server = new SubModelServer('/v1/sl', { resultTtlMs: 200 });
  server.durationMs = 50;
  await server.start();
  cleanups.push(() => server.stop());
  const persistence = memoryPersistence();
  const first = managerFor(sub, server, {}, persistence);
  const id = await first.manager.submit(sub.request, { kind: 'script' }, outputIn());
  first.manager.dispose();
  await new Promise((resolve) => setTimeout(resolve, 400));
  server.timeline(server.jobs.get(persistence.saved[0]!.remoteId!)!, Date.now() - 300); // settle finishedAt
  // and the window was closed for over 30 minutes: a 404 sooner is no expiry (goneJob.test.ts)
  const sent = persistence.saved[0]!;
  persistence.writeNow([{ job: { ...sent, createdAt: sent.createdAt - 31 * 60_000 } }]);
  const second = managerFor(sub, server, {}, persistence);
  cleanups.push(() => second.manager.dispose());
  second.manager.resume();
  const job = await waitFor(() => second.store.get(id)!.status === 'expired' && second.store.get(id), 5000);
  assert.match(job.error!.message, /request does not exist/);
});

test('TAMS: a burst of jobs stays under the documented 5 requests per second', async () => {
  const tams = byName('TAMS');
  const { server, store, manager } = await setup(tams);
  server.durationMs = 800;
  const ids = await Promise.all(Array.from({ length: 8 }, () => manager.submit(tams.request, { kind: 'script' }, outputIn())));
  for (const id of ids) assert.equal(((await waitFor(settled(store, id), 20_000)) as { status: string }).status, 'succeeded');
  assert.equal(server.rateLimitedCount, 0, 'the server never had to refuse a request');
  assert.ok(server.requests.filter((r) => !r.path.startsWith('/files/')).length >= 16, 'each job was submitted and polled at least once');
});

test('a 429 storm pauses the provider for its Retry-After instead of hammering it', async () => {
  const serika = byName('Serika');
  const { server, store, manager } = await setup(serika);
  server.durationMs = 200;
  server.inject(
    'GET',
    /\/jobs/,
    { kind: 'status', status: 429, headers: { 'retry-after': '1' }, body: '{"error":{"message":"Rate limit reached"}}' },
    3,
  );
  const ids = await Promise.all(Array.from({ length: 4 }, () => manager.submit(serika.request, { kind: 'script' }, outputIn())));
  for (const id of ids) assert.equal(((await waitFor(settled(store, id), 20_000)) as { status: string }).status, 'succeeded');
  // after each 429 is answered nothing new reaches Serika for its Retry-After second (a request
  // already on its way may land a few milliseconds later)
  const refused = server.requests.filter((request) => request.fault === 'status');
  assert.equal(refused.length, 3);
  for (const { at } of refused) {
    const during = server.requests.filter(
      (request) => request.at > at + 50 && request.at < at + 950 && !request.path.startsWith('/files/'),
    );
    assert.deepEqual(
      during.map((request) => `${request.method} ${request.path}`),
      [],
      `requests sent during the pause after the 429 at ${at}`,
    );
  }
  assert.ok(server.countRequests('GET', /\/jobs$/) <= 8, `list requests: ${server.countRequests('GET', /\/jobs$/)}`);
});
