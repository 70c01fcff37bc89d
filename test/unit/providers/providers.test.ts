// Every provider against its loopback server: a job end to end, and each kind of bad answer ending
// in a clear state with the job id kept.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isPng } from '../../../src/core/results/png';
import type { FakeProviderServer } from '../../fixtures/providers/fakeServer';
import { managerFor, outputIn, PROVIDER_CASES } from './providerCases';
import { upscalableImages } from '../../../src/core/providers/photogptImages';
import { failureActions } from '../../../src/core/jobs/failureActions';
import { cleanupsFailingOnUnhandledRejections, waitFor } from '../helpers';

const cleanups = cleanupsFailingOnUnhandledRejections();

async function started(create: () => FakeProviderServer): Promise<FakeProviderServer> {
  const server = create();
  await server.start();
  cleanups.push(() => server.stop());
  return server;
}

for (const providerCase of PROVIDER_CASES) {
  describe(`${providerCase.name} against its loopback server`, () => {
    async function run(server: FakeProviderServer, request = providerCase.request, overrides = {}) {
      const { store, manager, log } = managerFor(providerCase, server, overrides);
      cleanups.push(() => manager.dispose());
      const output = outputIn();
      const id = await manager.submit(request, { kind: 'script' }, output);
      return { id, store, manager, log, output };
    }

    test('a job runs end to end and its images are saved', async () => {
      const server = await started(providerCase.createServer);
      const { id, store, output } = await run(server);
      const job = await waitFor(() => ['succeeded', 'failed'].includes(store.get(id)!.status) && store.get(id), 10_000);
      assert.equal(job.status, 'succeeded', job.error?.message);
      assert.ok(job.remoteId);
      assert.equal(job.assets.length, providerCase.request.params.count);
      for (const asset of job.assets) assert.ok(isPng(readFileSync(join(output.dir, asset.path))), `${asset.path} is a PNG`);
    });

    test('a wrong key fails the submit with a message that says so', async () => {
      const server = await started(providerCase.createServer);
      const { id, store } = await run(server, providerCase.request, { apiKey: 'wrong-key' });
      const job = store.get(id)!;
      assert.equal(job.status, 'failed');
      assert.equal(job.error?.phase, 'submit');
      assert.match(job.error!.message, /HTTP 401, the API key was rejected.*Set API Key/);
    });

    test('5xx bursts, 429 with Retry-After, HTML pages, malformed JSON, resets and hangs while polling end in success', async () => {
      const server = await started(providerCase.createServer);
      const [method, poll] = providerCase.pollRoute;
      server.inject(method, poll, { kind: 'status', status: 503 }, 2);
      server.inject(method, poll, { kind: 'status', status: 429, headers: { 'retry-after': '1' } });
      server.inject(method, poll, { kind: 'html', status: 502 });
      server.inject(method, poll, { kind: 'malformed' });
      server.inject(method, poll, { kind: 'reset' });
      server.inject(method, poll, { kind: 'hang' });
      const { id, store, log } = await run(server);
      const job = await waitFor(() => ['succeeded', 'failed'].includes(store.get(id)!.status) && store.get(id), 20_000);
      assert.equal(job.status, 'succeeded', job.error?.message);
      const warnings = log.lines.filter((line) => line.startsWith('warn [poll]')).join('\n');
      for (const expected of [
        /HTTP 503/,
        /rate limited \(retry after 1 s\)/,
        /HTML page/,
        /not valid JSON/,
        /closed|reset/,
        /did not answer in time|timed out/,
      ]) {
        assert.match(warnings, expected);
      }
    });

    test(
      'a download cut half-way is fetched again',
      { skip: providerCase.inlineResults && 'results arrive inline as b64_json' },
      async () => {
        const server = await started(providerCase.createServer);
        server.inject('GET', /^\/files\//, { kind: 'truncatedFile' });
        const { id, store, log } = await run(server);
        const job = await waitFor(() => ['succeeded', 'failed'].includes(store.get(id)!.status) && store.get(id), 10_000);
        assert.equal(job.status, 'succeeded', job.error?.message);
        assert.match(log.lines.join('\n'), /warn \[download\].*Could not download the result/);
        assert.ok(server.countRequests('GET', /^\/files\//) >= 2, 'the cut file was downloaded again');
      },
    );

    test(
      'a result file the provider no longer serves (410) fails the job at once: most likely expired, for how long, Run Again',
      { skip: providerCase.inlineResults && 'results arrive inline as b64_json' },
      async () => {
        const server = await started(providerCase.createServer);
        server.inject('GET', /^\/files\//, { kind: 'status', status: 410, body: 'gone', contentType: 'text/plain' }, 10);
        const { id, store } = await run(server);
        const job = await waitFor(() => ['succeeded', 'failed'].includes(store.get(id)!.status) && store.get(id), 10_000);
        assert.equal(job.status, 'failed');
        const { message } = job.error!;
        // what each provider's document says about how long it keeps results (TAMS: its answer's expiredIn,
        // an hour from when the job finished there: by the time the download fails, an hour or a little less)
        const why: Record<string, RegExp> = {
          Serika: /most likely expired \(Serika does not say how long it keeps results\)/,
          TAMS: /TensorArt TAMS removed it, though its answer gave it (about )?1 hour more/,
          PhotoGPT: /most likely expired \(PhotoGPT does not say how long it keeps results\)/,
          SubModel: /most likely expired: SubModel keeps results for 30 minutes/,
        };
        assert.match(message, /^The result file is no longer there \(HTTP 410: gone\); /);
        assert.match(message, why[providerCase.name]!);
        assert.doesNotMatch(message, /download/i, 'no "Could not download the result: Downloading result"');
        assert.deepEqual(
          failureActions(job).map((action) => [action.label, action.arg]),
          [
            ['Run Again', id],
            ['Show Log', undefined],
          ],
          'a Retry would fetch the same dead link',
        );
        assert.equal(server.countRequests('GET', /^\/files\//), 1, 'not downloaded again');
      },
    );

    test('a provider-side failure ends the job with the provider reason', async () => {
      const server = await started(providerCase.createServer);
      const { id, store } = await run(server, { ...providerCase.request, prompt: 'please [fail]' });
      const job = await waitFor(() => ['succeeded', 'failed'].includes(store.get(id)!.status) && store.get(id), 10_000);
      assert.equal(job.status, 'failed');
      assert.equal(job.error?.phase, 'provider');
      assert.match(job.error!.message, /NSFW|model load failed|content policy|not trained|CUDA out of memory/);
    });

    test('a key revoked mid-job stops polling with a retryable error, keeping the job id', async () => {
      const server = await started(providerCase.createServer);
      const [method, poll] = providerCase.pollRoute;
      server.inject(method, poll, { kind: 'status', status: 403, body: '{"message":"key revoked"}' });
      const { id, store } = await run(server);
      const job = await waitFor(() => store.get(id)!.status === 'failed' && store.get(id), 10_000);
      assert.equal(job.error?.phase, 'poll');
      assert.equal(job.error?.retryable, true);
      assert.match(job.error!.message, /HTTP 403/);
      assert.ok(job.remoteId);
    });

    test('a 5xx on submit fails clearly and is never repeated without an idempotency key', async () => {
      const server = await started(providerCase.createServer);
      const [method, submit] = providerCase.submitRoute;
      server.inject(method, submit, { kind: 'status', status: 500, body: '{"message":"boom"}' }, 5);
      const { id, store } = await run(server);
      const job = store.get(id)!;
      assert.equal(job.status, 'failed');
      assert.match(job.error!.message, /HTTP 500: boom/);
      const expectedAttempts = providerCase.provider.idempotentSubmit ? 3 : 1;
      assert.equal(server.countRequests(method, submit), expectedAttempts);
    });
  });
}

test('a collect attempt cut half-way leaves no orphan files beside the retry', async () => {
  const { readdirSync } = await import('node:fs');
  const subModel = PROVIDER_CASES.find((candidate) => candidate.name === 'SubModel')!;
  const server = await started(subModel.createServer);
  server.inject('GET', /^\/files\//, { kind: 'truncatedFile' });
  const { store, manager } = managerFor(subModel, server);
  cleanups.push(() => manager.dispose());
  const output = outputIn();
  const id = await manager.submit(subModel.request, { kind: 'script' }, output);
  const job = await waitFor(() => store.get(id)!.status === 'succeeded' && store.get(id), 10_000);
  const files = readdirSync(join(output.dir, 'out')).sort();
  assert.deepEqual(
    files,
    job.assets
      .flatMap((asset) => [asset.path, asset.sidecarPath])
      .map((path) => path.replace('out/', ''))
      .sort(),
  );
});

test('PhotoGPT image ids are kept on each saved asset and in its sidecar, so Upscale can offer them', async () => {
  const photoGpt = PROVIDER_CASES.find((providerCase) => providerCase.name === 'PhotoGPT')!;
  const server = photoGpt.createServer();
  cleanups.push(() => server.stop());
  await server.start();
  server.durationMs = 100;
  const { manager, store } = managerFor(photoGpt, server);
  cleanups.push(() => manager.dispose());
  const output = outputIn();
  const id = await manager.submit(photoGpt.request, { kind: 'script' }, output);
  const job = await waitFor(() => store.get(id)?.status === 'succeeded' && store.get(id), 10_000, 'the PhotoGPT job');
  const [asset] = job.assets;
  assert.ok(asset?.remoteId, 'the image id is on the asset');
  assert.equal(JSON.parse(readFileSync(join(output.dir, asset.sidecarPath), 'utf8')).remoteAssetId, asset.remoteId, 'and in the sidecar');
  assert.deepEqual(
    upscalableImages([job]).map((image) => image.imageId),
    [asset.remoteId],
  );
});
