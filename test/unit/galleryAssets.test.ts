// The gallery's cards and the asset each card's buttons act on, for jobs that saved more than images.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JobRecord, SavedAsset } from '../../src/core/jobModel';
import { assetRequest, type AssetAction } from '../../src/shared/galleryRequests';
import { galleryAssets, requestedAsset } from '../../src/webview/galleryAssets';

function saved(path: string, mimeType: string): SavedAsset {
  return { path, sidecarPath: `${path}.json`, mimeType, bytes: 1000 };
}

function job(assets: SavedAsset[]): JobRecord {
  return {
    id: 'job-1',
    idempotencyKey: 'key-1',
    request: { providerId: 'sandbox', model: 'landscape', prompt: 'a lighthouse at dusk', params: {} },
    source: { kind: 'script' },
    output: { root: 'file:///work', folder: 'assets/generated', nameTemplate: '{{name}}', baseName: 'lighthouse' },
    createdAt: 1,
    updatedAt: 2,
    finishedAt: 2,
    status: 'succeeded',
    assets,
  };
}

const ACTIONS: readonly AssetAction[] = ['insert', 'open', 'reveal'];

describe('gallery assets', () => {
  it('shows only the images of a job, in order', () => {
    const cards = galleryAssets(
      job([saved('a/clip.mp4', 'video/mp4'), saved('a/one.png', 'image/png'), saved('a/two.webp', 'image/webp')]),
      (asset) => `webview:${asset.path}`,
    );
    assert.deepEqual(
      cards.map((card) => [card.path, card.src]),
      [
        ['a/one.png', 'webview:a/one.png'],
        ['a/two.webp', 'webview:a/two.webp'],
      ],
    );
  });

  it('Insert, Open and Reveal act on the image clicked when a video is listed before the images', () => {
    const record = job([saved('a/clip.mp4', 'video/mp4'), saved('a/one.png', 'image/png'), saved('a/two.png', 'image/png')]);
    for (const card of galleryAssets(record, () => 'webview:x')) {
      for (const action of ACTIONS) {
        const target = requestedAsset(record, assetRequest(action, card));
        assert.equal(target?.asset.path, card.path, `${action} on ${card.path}`);
        assert.equal(record.assets[target.index], target.asset, 'the index handed to insertAsset names the same asset');
      }
    }
  });

  it('acts on the image clicked when videos and images are interleaved', () => {
    const record = job([
      saved('a/one.png', 'image/png'),
      saved('a/clip.mp4', 'video/mp4'),
      saved('a/two.png', 'image/png'),
      saved('a/clip2.webm', 'video/webm'),
      saved('a/three.png', 'image/png'),
    ]);
    const clicked = galleryAssets(record, () => 'webview:x').map((card) => requestedAsset(record, assetRequest('open', card))?.asset.path);
    assert.deepEqual(clicked, ['a/one.png', 'a/two.png', 'a/three.png']);
  });

  it('never resolves a request to a video, nor to an asset the job does not have', () => {
    const record = job([saved('a/clip.mp4', 'video/mp4'), saved('a/one.png', 'image/png')]);
    const [card] = galleryAssets(record, () => 'webview:x');
    assert.ok(card);
    assert.equal(requestedAsset(record, assetRequest('open', { ...card, path: 'a/clip.mp4' })), undefined);
    assert.equal(requestedAsset(record, assetRequest('open', { ...card, path: 'a/gone.png' })), undefined);
    assert.equal(requestedAsset(job([]), assetRequest('open', card)), undefined);
  });
});
