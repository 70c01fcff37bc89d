// Upscaling a gallery image: the request each provider is sent (against the Sandbox's own server and
// PhotoGPT's loopback fixture), the result saved beside its source, and the sidecar that links them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HttpClient } from '../../../src/core/http';
import { JobManager, type ProviderAccess } from '../../../src/core/jobs/jobManager';
import { JobStore } from '../../../src/core/jobs/jobStore';
import type { JobRecord } from '../../../src/core/jobModel';
import { photoGptProvider } from '../../../src/core/providers/photogpt';
import { sandboxProvider } from '../../../src/core/providers/sandbox';
import { readSidecar, type GalleryEntry } from '../../../src/core/results/galleryIndex';
import { pngSize } from '../../../src/core/results/png';
import { decodePngRgb } from '../../../src/core/results/pngPixels';
import { sha256Hex, upscaledBaseName, upscaleJob, upscaleProvider } from '../../../src/core/results/sourceImage';
import { SandboxServer } from '../../../src/core/sandbox/server';
import { SANDBOX_UPSCALE_FACTOR } from '../../../src/core/sandbox/upscaler';
import { lineage } from '../../../src/webview/galleryAssets';
import { PhotoGptServer } from '../../fixtures/providers/photoGptServer';
import {
  cleanupsFailingOnUnhandledRejections,
  collectingLogger,
  fastPolls,
  fileSink,
  memoryPersistence,
  rootUri,
  tempDir,
  waitFor,
} from '../helpers';

const cleanups = cleanupsFailingOnUnhandledRejections();
const http = new HttpClient();
const readSourceImage = async (uri: string) => readFileSync(fileURLToPath(uri));

async function sandboxManager(durationMs = 50) {
  const server = new SandboxServer({ jobDurationMs: () => durationMs });
  const baseUrl = await server.start();
  const store = new JobStore(memoryPersistence());
  const access: ProviderAccess = async () => ({ provider: sandboxProvider, context: { http, baseUrl, readSourceImage } });
  const manager = new JobManager(store, access, fileSink, collectingLogger(), { pollPolicy: fastPolls });
  cleanups.push(
    () => manager.dispose(),
    () => server.stop(),
  );
  return { store, manager };
}

const finished = (store: JobStore, id: string) => () => {
  const job = store.get(id);
  return job && ['succeeded', 'failed', 'cancelled', 'expired'].includes(job.status) && job;
};

/** The gallery's entry for a job's first image, read from the sidecar on disk as the gallery reads it. */
function entryOf(job: JobRecord): GalleryEntry {
  const sidecarUri = `${job.output.root}/${job.assets[0]!.sidecarPath}`;
  const read = readSidecar(sidecarUri, readFileSync(fileURLToPath(sidecarUri)));
  assert.ok(read.ok, read.ok ? '' : read.problem);
  return read.entry;
}

test('which images can be upscaled, and by whom: Sandbox PNGs, PhotoGPT images with their id, nothing else', () => {
  const image = { imageUri: 'file:///w/a.png', prompt: 'p', model: 'sandbox/landscape' };
  assert.equal(upscaleProvider({ ...image, provider: 'sandbox' }), 'sandbox');
  assert.equal(upscaleProvider({ ...image, provider: 'sandbox', imageUri: 'file:///w/a.jpg' }), undefined);
  assert.equal(upscaleProvider({ ...image, provider: 'photogpt', remoteAssetId: 'img-1' }), 'photogpt');
  assert.equal(upscaleProvider({ ...image, provider: 'photogpt' }), undefined, 'PhotoGPT upscales by id only');
  assert.equal(upscaleProvider({ ...image, provider: 'tams', remoteAssetId: 'r-1' }), undefined, 'TAMS documents no upload');
  assert.equal(upscaleProvider({ ...image, provider: 'bifrost' }), undefined, 'Bifrost documents only the GET of edits');
  assert.throws(() => upscaleJob({ ...image, provider: 'serika' }, 'ab'), /cannot be upscaled/);
});

test('an upscale is named by how far it is from the first image, one suffix whatever the passes', () => {
  // a known factor: the product over the first image
  assert.equal(upscaledBaseName('boat-42', 2), 'boat-42-upscaled-2x');
  assert.equal(upscaledBaseName('boat-42-upscaled-2x', 2), 'boat-42-upscaled-4x');
  assert.equal(upscaledBaseName('boat-42-upscaled-4x', 2), 'boat-42-upscaled-8x');
  // a name the saver numbered because it was taken (the same image upscaled twice)
  assert.equal(upscaledBaseName('boat-42-upscaled-2x-2', 2), 'boat-42-upscaled-4x');
  // a factor the provider does not say (PhotoGPT): passes, in words
  assert.equal(upscaledBaseName('portrait', undefined), 'portrait-upscaled');
  assert.equal(upscaledBaseName('portrait-upscaled', undefined), 'portrait-upscaled-twice');
  assert.equal(upscaledBaseName('portrait-upscaled-twice', undefined), 'portrait-upscaled-3-times');
  assert.equal(upscaledBaseName('portrait-upscaled-3-times-2', undefined), 'portrait-upscaled-4-times');
  // an image named before factors were: how much it was enlarged is unknown, so passes
  assert.equal(upscaledBaseName('harbour-5-upscaled', 2), 'harbour-5-upscaled-twice');
  // "upscaled" inside a name is not a suffix
  assert.equal(upscaledBaseName('upscaled-sky', 2), 'upscaled-sky-upscaled-2x');
  assert.equal(upscaledBaseName('a-upscaled-b', 2), 'a-upscaled-b-upscaled-2x');
});

test('Sandbox: a gallery image upscaled ×2 by a real job, saved beside it, its sidecar linking the source', async () => {
  const { store, manager } = await sandboxManager();
  const dir = tempDir();
  const output = { root: rootUri(dir), folder: 'art', nameTemplate: '{{name}}-{{seed}}', baseName: 'harbour' };
  const request = {
    providerId: 'sandbox' as const,
    model: 'landscape',
    prompt: 'a harbour at dawn',
    params: { width: 96, height: 64, seed: 5 },
  };
  const first = await waitFor(finished(store, await manager.submit(request, { kind: 'script' }, output)));
  assert.equal(first.status, 'succeeded', first.error?.message);
  const source = entryOf(first);
  const sourceBytes = readFileSync(join(dir, 'art', 'harbour-5.png'));

  const { request: upscale, output: beside } = upscaleJob(source, sha256Hex(sourceBytes), rootUri(dir));
  assert.deepEqual(upscale.operation, {
    kind: 'upscale',
    source: { uri: source.imageUri, file: 'harbour-5.png', sha256: sha256Hex(sourceBytes) },
  });
  assert.equal(upscale.prompt, 'a harbour at dawn');
  assert.deepEqual(beside, {
    root: rootUri(dir),
    folder: 'art',
    nameTemplate: '{{name}}',
    baseName: `harbour-5-upscaled-${SANDBOX_UPSCALE_FACTOR}x`,
  });
  // a source outside the folder results are saved under: its own folder is the root
  assert.deepEqual(upscaleJob(source, 'ab', 'file:///elsewhere').output.root, `${rootUri(dir)}/art`);
  const job = await waitFor(finished(store, await manager.submit(upscale, { kind: 'script' }, beside)));
  assert.equal(job.status, 'succeeded', job.error?.message);
  assert.equal(job.assets[0]!.path, 'art/harbour-5-upscaled-2x.png');
  const upscaled = readFileSync(join(dir, 'art', 'harbour-5-upscaled-2x.png'));
  assert.deepEqual(pngSize(upscaled), { width: 192, height: 128 });
  // really the source enlarged: every 2×2 block's top-left pixel is near the source pixel it came from
  const small = decodePngRgb(sourceBytes);
  const big = decodePngRgb(upscaled);
  for (const [x, y] of [
    [0, 0],
    [30, 20],
    [95, 63],
  ] as const) {
    const near = small.rgb[(y * 96 + x) * 3]! - big.rgb[(y * 2 * 192 + x * 2) * 3]!;
    assert.ok(Math.abs(near) <= 40, `pixel ${x},${y} differs by ${near}`);
  }
  const sidecar = JSON.parse(readFileSync(join(dir, 'art', 'harbour-5-upscaled-2x.json'), 'utf8'));
  assert.deepEqual(sidecar.derivedFrom, { operation: 'upscale', file: 'harbour-5.png', sha256: sha256Hex(sourceBytes) });
  assert.equal(sidecar.provider, 'sandbox');
  assert.equal(sidecar.seed, undefined, 'an upscale has no seed');
  const derived = entryOf(job);
  assert.deepEqual(derived.derivedFrom, { operation: 'upscale', uri: source.imageUri, file: 'harbour-5.png' });
  assert.deepEqual([...lineage([source, derived])], [[source.imageUri, [derived.imageUri]]]);

  // the upscale upscaled: ×4 over the first image, not "-upscaled-2x-upscaled"; its sidecar names its own source
  const again = upscaleJob(derived, sha256Hex(upscaled), rootUri(dir));
  const second = await waitFor(finished(store, await manager.submit(again.request, { kind: 'script' }, again.output)));
  assert.equal(second.status, 'succeeded', second.error?.message);
  assert.equal(second.assets[0]!.path, 'art/harbour-5-upscaled-4x.png');
  assert.deepEqual(pngSize(readFileSync(join(dir, 'art', 'harbour-5-upscaled-4x.png'))), { width: 384, height: 256 });
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'art', 'harbour-5-upscaled-4x.json'), 'utf8')).derivedFrom, {
    operation: 'upscale',
    file: 'harbour-5-upscaled-2x.png',
    sha256: sha256Hex(upscaled),
  });
  // the first image upscaled again: a name of its own, the earlier upscale kept
  const twice = upscaleJob(source, sha256Hex(sourceBytes), rootUri(dir));
  const third = await waitFor(finished(store, await manager.submit(twice.request, { kind: 'script' }, twice.output)));
  assert.equal(third.assets[0]!.path, 'art/harbour-5-upscaled-2x-2.png');
  assert.ok(readFileSync(join(dir, 'art', 'harbour-5-upscaled-2x.png')).equals(upscaled), 'the earlier upscale is not overwritten');
});

test('Sandbox: a source that changed since the upscale was asked for is refused, not sent', async () => {
  const { store, manager } = await sandboxManager();
  const dir = tempDir();
  const output = { root: rootUri(dir), folder: '', nameTemplate: '{{name}}', baseName: 'pier' };
  const first = await waitFor(
    finished(
      store,
      await manager.submit(
        { providerId: 'sandbox', model: 'landscape', prompt: 'a pier', params: { width: 64, height: 64 } },
        { kind: 'script' },
        output,
      ),
    ),
  );
  const source = entryOf(first);
  const { request, output: beside } = upscaleJob(source, sha256Hex(readFileSync(join(dir, 'pier.png'))));
  writeFileSync(join(dir, 'pier.png'), Buffer.from('not the picked image'));
  const job = store.get(await manager.submit(request, { kind: 'script' }, beside))!;
  assert.equal(job.status, 'failed');
  assert.match(job.error!.message, /pier\.png changed since the upscale was asked for/);
  assert.equal(job.remoteId, undefined, 'nothing reached the Sandbox');
});

test('PhotoGPT (loopback fixture): a gallery image is upscaled by its image id alone, saved beside it', async () => {
  const server = new PhotoGptServer();
  await server.start();
  const store = new JobStore(memoryPersistence());
  const context = { http, baseUrl: server.baseUrl, apiKey: server.apiKey };
  const manager = new JobManager(store, async () => ({ provider: photoGptProvider, context }), fileSink, collectingLogger(), {
    pollPolicy: fastPolls,
  });
  cleanups.push(
    () => manager.dispose(),
    () => server.stop(),
  );
  const dir = tempDir();
  const generated = await waitFor(
    finished(
      store,
      await manager.submit(
        { providerId: 'photogpt', model: 'model-abc', prompt: 'a portrait', params: {} },
        { kind: 'script' },
        { root: rootUri(dir), folder: '', nameTemplate: '{{name}}', baseName: 'portrait' },
      ),
    ),
  );
  assert.equal(generated.status, 'succeeded', generated.error?.message);
  const source = entryOf(generated);
  assert.ok(source.remoteAssetId, 'the sidecar keeps PhotoGPT’s image id');
  const { request, output } = upscaleJob(source, sha256Hex(readFileSync(fileURLToPath(source.imageUri))));
  const job = await waitFor(finished(store, await manager.submit(request, { kind: 'script' }, output)));
  assert.equal(job.status, 'succeeded', job.error?.message);
  const sent = server.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/images/upscaling'));
  assert.equal(sent.length, 1);
  assert.deepEqual(JSON.parse(sent[0]!.body), { imageID: source.remoteAssetId }, 'the documented body, nothing more');
  const derived = entryOf(job);
  assert.equal(job.assets[0]!.path.startsWith('portrait-upscaled'), true);
  assert.deepEqual(derived.derivedFrom, {
    operation: 'upscale',
    uri: source.imageUri,
    file: source.imageUri.slice(source.imageUri.lastIndexOf('/') + 1),
  });
});
