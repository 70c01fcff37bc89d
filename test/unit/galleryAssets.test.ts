// The gallery's cards come from files (their sidecars), and job history adds only the jobs still running.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JobRecord, JobStatus } from '../../src/core/jobModel';
import { readSidecar } from '../../src/core/results/galleryIndex';
import { assetRequest } from '../../src/shared/galleryRequests';
import type { GalleryEntry } from '../../src/core/results/galleryIndex';
import { assetPages, galleryAsset, lineage, liveJobs, resourceRoots } from '../../src/webview/galleryAssets';
import type { GalleryAsset } from '../../src/shared/webviewProtocol';

function job(id: string, status: JobStatus, createdAt: number): JobRecord {
  return {
    id,
    idempotencyKey: `key-${id}`,
    request: { providerId: 'sandbox', model: 'landscape', prompt: `prompt ${id}`, params: { count: 2 } },
    source: { kind: 'script' },
    output: { root: 'file:///work', folder: 'assets/generated', nameTemplate: '{{name}}', baseName: 'lighthouse' },
    createdAt,
    updatedAt: createdAt,
    status,
    assets: [],
  };
}

describe('gallery cards', () => {
  it('a card is the sidecar of a file, named by the file, with or without a job id', () => {
    const sidecar = {
      generator: 'image-jobs',
      file: 'boat.png',
      prompt: 'a boat',
      model: 'sandbox/landscape',
      seed: 7,
      completedAt: '2025-01-02T03:04:05.000Z',
    };
    const read = readSidecar('file:///work/assets/generated/boat.json', Buffer.from(JSON.stringify(sidecar)));
    assert.ok(read.ok);
    const card = galleryAsset(read.entry, 'webview:boat', 'assets/generated/boat.png');
    assert.equal(card.uri, 'file:///work/assets/generated/boat.png');
    assert.equal(card.jobId, undefined);
    assert.equal(card.createdAt, Date.parse('2025-01-02T03:04:05.000Z'));
    assert.deepEqual(assetRequest('delete', card), { type: 'delete', uri: 'file:///work/assets/generated/boat.png' });
  });

  it('links a derived image to its listed source, and the source to what was made from it, newest first', () => {
    const at = (name: string) => `file:///w/a/${name}.png`;
    const entry = (name: string, createdAt: number, more: Partial<GalleryEntry> = {}): GalleryEntry => ({
      imageUri: at(name),
      sidecarUri: `file:///w/a/${name}.json`,
      prompt: name,
      model: 'sandbox/landscape',
      provider: 'sandbox',
      createdAt,
      ...more,
    });
    const from = (name: string) => ({ derivedFrom: { operation: 'upscale' as const, uri: at(name), file: `${name}.png` } });
    const entries = [
      entry('boat', 1),
      entry('boat-up', 2, from('boat')),
      entry('boat-up-2', 3, from('boat')),
      entry('orphan', 4, from('gone')),
    ];
    const links = lineage(entries);
    assert.deepEqual([...links], [[at('boat'), [at('boat-up-2'), at('boat-up')]]]);
    const listed = (uri: string) => entries.some((e) => e.imageUri === uri);
    const context = { lineage: links, listed, trusted: true };
    const source = galleryAsset(entries[0]!, 's', 'a/boat.png', context);
    assert.deepEqual([source.derived, source.derivedFrom, source.canUpscale], [[at('boat-up-2'), at('boat-up')], undefined, true]);
    const derived = galleryAsset(entries[1]!, 's', 'a/boat-up.png', context);
    assert.deepEqual(derived.derivedFrom, { operation: 'upscale', file: 'boat.png', uri: at('boat') });
    // a source no longer listed is named, not linked
    assert.deepEqual(galleryAsset(entries[3]!, 's', 'a/orphan.png', context).derivedFrom, { operation: 'upscale', file: 'gone.png' });
  });

  it('offers Upscale where a provider documents it; in restricted mode only on the Sandbox', () => {
    const base: GalleryEntry = { imageUri: 'file:///w/x.png', sidecarUri: 'file:///w/x.json', prompt: 'x', model: 'm', createdAt: 1 };
    const can = (more: Partial<GalleryEntry>, trusted = true) => galleryAsset({ ...base, ...more }, 's', 'x.png', { trusted }).canUpscale;
    assert.equal(can({ provider: 'sandbox' }), true);
    assert.equal(can({ provider: 'sandbox' }, false), true);
    assert.equal(can({ provider: 'photogpt', remoteAssetId: 'img-1' }), true);
    assert.equal(can({ provider: 'photogpt', remoteAssetId: 'img-1' }, false), undefined);
    assert.equal(can({ provider: 'photogpt' }), undefined);
    assert.equal(can({ provider: 'tams', remoteAssetId: 'r' }), undefined);
    assert.equal(can({ provider: 'bifrost' }), undefined);
  });

  it('lists the jobs still on their way, newest first, and none that finished', () => {
    const jobs = [
      job('a', 'succeeded', 1),
      job('b', 'running', 2),
      job('c', 'queued', 3),
      job('d', 'failed', 4),
      job('e', 'cancelled', 5),
      job('f', 'downloading', 6),
    ];
    assert.deepEqual(
      liveJobs(jobs).map((live) => [live.jobId, live.status, live.count, live.model]),
      [
        ['f', 'downloading', 2, 'sandbox/landscape'],
        ['c', 'queued', 2, 'sandbox/landscape'],
        ['b', 'running', 2, 'sandbox/landscape'],
      ],
    );
  });

  it('sends the images in pages: first the page’s first screen, in the order it sorts by, then the rest in order', () => {
    const assets: GalleryAsset[] = Array.from({ length: 11 }, (_, i) => ({
      uri: `file:///w/${i}.png`,
      src: `s${i}`,
      path: `${i}.png`,
      prompt: `prompt ${String.fromCharCode(97 + ((i * 7) % 11))}`,
      model: 'm',
      createdAt: i,
    }));
    const newest = assetPages(assets, 'newest', 3, 5);
    assert.deepEqual(
      newest.map((page) => page.map((asset) => asset.createdAt)),
      [
        [10, 9, 8],
        [7, 6, 5, 4, 3],
        [2, 1, 0],
      ],
    );
    const byPrompt = assetPages(assets, 'prompt', 3, 5);
    assert.deepEqual(
      byPrompt[0]!.map((asset) => asset.prompt),
      ['prompt a', 'prompt b', 'prompt c'],
    );
    assert.equal(byPrompt.flat().length, 11, 'every image once');
    assert.deepEqual(assetPages([], 'newest'), [[]], 'no image: one empty first page');
  });

  it('keeps the webview’s folders while they cover the images, so its page is not reloaded; grows them to the fewest that do', () => {
    const output = 'file:///w/assets/generated';
    const current = resourceRoots([], [output]);
    assert.deepEqual(current, [output]);
    // images in folders under the output folder: the very same roots (a new list would reload the page)
    assert.equal(resourceRoots(current, [output, `${output}/library/`, `${output}/sweeps/`]), current);
    // a folder elsewhere: added; one under it adds nothing more; a sibling whose name starts the same is not under it
    const grown = resourceRoots(current, [output, 'file:///w/docs/img/']);
    assert.deepEqual(grown, [output, 'file:///w/docs/img/']);
    assert.equal(resourceRoots(grown, ['file:///w/docs/img/a/']), grown);
    assert.deepEqual(resourceRoots(grown, [`${output}-old/`]), [output, `${output}-old/`, 'file:///w/docs/img/']);
    // a folder over the ones there: it alone
    assert.deepEqual(resourceRoots(grown, ['file:///w/']), ['file:///w/']);
    // never narrowed while the panel is open: an image folder gone leaves the roots as they are
    assert.equal(resourceRoots(grown, []), grown);
  });
});
