// What imageJobs_listImages finds in the gallery and how it describes each image.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GalleryAsset } from '../../../src/shared/webviewProtocol';
import { imagesText, selectImages } from '../../../src/tools/listImagesText';

function asset(name: string, createdAt: number, change: Partial<GalleryAsset> = {}): GalleryAsset {
  return {
    uri: `file:///work/assets/generated/${name}.png`,
    src: '',
    path: `assets/generated/${name}.png`,
    prompt: `prompt of ${name}`,
    model: 'sandbox/landscape',
    provider: 'sandbox',
    createdAt,
    ...change,
  };
}

const gallery = [
  asset('old-lighthouse', 1, { prompt: 'A lighthouse at dawn' }),
  asset('new-lighthouse', 3, { prompt: 'A lighthouse at dusk', seed: 7 }),
  asset('fox', 2, { prompt: 'A fox in the snow', model: 'serika/flux-schnell', provider: 'serika' }),
];

describe('selecting images', () => {
  it('newest first; every word of the query must match', () => {
    assert.deepEqual(
      selectImages(gallery, {}).shown.map((image) => image.path),
      ['assets/generated/new-lighthouse.png', 'assets/generated/fox.png', 'assets/generated/old-lighthouse.png'],
    );
    assert.deepEqual(
      selectImages(gallery, { query: 'LIGHTHOUSE dusk' }).shown.map((image) => image.path),
      ['assets/generated/new-lighthouse.png'],
    );
  });

  it('by model or by provider, and at most limit of them, counting every match', () => {
    assert.deepEqual(
      selectImages(gallery, { model: 'serika' }).shown.map((image) => image.path),
      ['assets/generated/fox.png'],
    );
    assert.deepEqual(
      selectImages(gallery, { model: 'sandbox/landscape' }).shown.map((image) => image.path),
      ['assets/generated/new-lighthouse.png', 'assets/generated/old-lighthouse.png'],
    );
    assert.equal(selectImages(gallery, { model: 'sand' }).matched, 0, 'a provider is matched whole, not by prefix');
    const limited = selectImages(gallery, { query: 'lighthouse', limit: 1 });
    assert.deepEqual([limited.shown.length, limited.matched], [1, 2]);
  });
});

describe('describing them', () => {
  it('path, date, prompt, parameters and the reference to insert', () => {
    const image = asset('boat', Date.UTC(2025, 0, 2, 3, 4, 5), {
      prompt: 'A boat',
      negativePrompt: 'text',
      seed: 42,
      width: 256,
      height: 192,
      steps: 20,
      cfgScale: 7,
      sampler: 'Euler a',
    });
    assert.equal(
      imagesText([{ asset: image, reference: '![A boat](../assets/generated/boat.png)' }], { matched: 3, total: 10 }, 'docs/page.md'),
      [
        'The newest 1 of 3 matching images (10 in the gallery):',
        '1. assets/generated/boat.png (2025-01-02T03:04:05.000Z)',
        '   Prompt: A boat',
        '   Negative prompt: text',
        '   Model: sandbox/landscape; Seed: 42; Size: 256×192; Steps: 20; CFG: 7; Sampler: Euler a',
        '   Reference (relative to docs/page.md): ![A boat](../assets/generated/boat.png)',
      ].join('\n'),
    );
  });

  it('all that match, when they fit in the limit', () => {
    assert.match(
      imagesText([{ asset: gallery[0]!, reference: 'r' }], { matched: 1, total: 3 }, 'x'),
      /^1 image, newest first \(3 in the gallery\):/,
    );
  });

  it('nothing found says so, and what to do', () => {
    assert.match(
      imagesText([], { matched: 0, total: 0 }, 'the workspace folder'),
      /^The gallery has no images yet\. Call imageJobs_generate/,
    );
    assert.match(imagesText([], { matched: 0, total: 4 }, 'the workspace folder'), /^None of the gallery's 4 images match\./);
  });
});
