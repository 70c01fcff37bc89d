// Sorting, filtering and comparing in the gallery: pure functions the webview runs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GalleryAsset } from '../../src/shared/webviewProtocol';
import { batchTitles, compareAssets, matchesFilter, sortAssets, stepIndex } from '../../src/shared/galleryView';

function asset(name: string, fields: Partial<GalleryAsset>): GalleryAsset {
  return {
    uri: `file:///w/${name}.png`,
    src: `webview:${name}`,
    path: `assets/${name}.png`,
    prompt: name,
    model: 'sandbox/a',
    createdAt: 0,
    ...fields,
  };
}

const boat = asset('boat', { prompt: 'a paper boat', model: 'sandbox/landscape', seed: 42, createdAt: 2, steps: 20 });
const owl = asset('owl', { prompt: 'An owl reading', model: 'serika/flux', seed: 7, createdAt: 3, steps: 20 });
const cat = asset('cat', { prompt: 'a cat', model: 'bifrost/sdxl', createdAt: 1, sampler: 'Euler a' });

describe('gallery view', () => {
  it('sorts newest, oldest, by prompt and by model, without changing the input', () => {
    const input = [boat, owl, cat];
    const names = (sort: Parameters<typeof sortAssets>[1]) => sortAssets(input, sort).map((a) => a.prompt);
    assert.deepEqual(names('newest'), ['An owl reading', 'a paper boat', 'a cat']);
    assert.deepEqual(names('oldest'), ['a cat', 'a paper boat', 'An owl reading']);
    assert.deepEqual(names('prompt'), ['a cat', 'a paper boat', 'An owl reading']);
    assert.deepEqual(names('model'), ['a cat', 'a paper boat', 'An owl reading']);
    assert.deepEqual(input, [boat, owl, cat]);
  });

  it('filters by prompt, model, seed, sampler and file, every word, any case', () => {
    const hits = (filter: string) => [boat, owl, cat].filter((a) => matchesFilter(a, filter)).map((a) => a.prompt);
    assert.deepEqual(hits(''), ['a paper boat', 'An owl reading', 'a cat']);
    assert.deepEqual(hits('OWL'), ['An owl reading']);
    assert.deepEqual(hits('serika'), ['An owl reading']);
    assert.deepEqual(hits('42'), ['a paper boat']);
    assert.deepEqual(hits('euler'), ['a cat']);
    assert.deepEqual(hits('assets/cat'), ['a cat']);
    assert.deepEqual(hits('paper landscape'), ['a paper boat']);
    assert.deepEqual(hits('paper flux'), []);
  });

  it('compares parameters side by side, marking the rows that differ and leaving out rows no image has', () => {
    const rows = compareAssets([boat, owl]);
    const byKey = Object.fromEntries(rows.map((row) => [row.key, row]));
    assert.deepEqual(byKey.seed?.values, ['42', '7']);
    assert.equal(byKey.seed?.differs, true);
    assert.equal(byKey.model?.differs, true);
    assert.equal(byKey.steps?.differs, false);
    assert.equal(byKey.path?.differs, false, 'each image has its own file: never counted as a difference');
    assert.equal(byKey.sampler, undefined, 'neither has a sampler');
    assert.equal(byKey.negativePrompt, undefined);
    const same = compareAssets([boat, { ...boat, uri: 'file:///w/copy.png', path: 'assets/boat.png' }]);
    assert.ok(same.every((row) => !row.differs));
  });

  it('steps through the images, wrapping at both ends', () => {
    assert.equal(stepIndex(0, -1, 3), 2);
    assert.equal(stepIndex(2, 1, 3), 0);
    assert.equal(stepIndex(1, 1, 3), 2);
    assert.equal(stepIndex(0, 1, 0), -1);
  });
});

describe('the grid list', () => {
  const batch = (batchId: string, createdAt: number, prompt = 'A wide landscape of a quiet valley at sunset') => ({
    batchId,
    keys: ['cfgScale', 'place'],
    shape: [2, 2],
    values: [],
    images: [
      { prompt, createdAt, sweep: { batchId, keys: ['cfgScale', 'place'], values: [5, 'forest'], position: [0, 0], shape: [2, 2] } },
    ],
    jobs: [],
    createdAt,
  });
  // local time, in the evening: a 12-hour clock would read "09:52 PM"
  const day = new Date(2026, 11, 1, 21, 52, 0).getTime();

  it('names a batch by when (24-hour, as the Jobs view), its prompt, its keys and shape', () => {
    const titles = batchTitles([batch('a', day + 5_000)], day);
    assert.equal(titles.get('a')!, '21:52 · A wide landscape of a quiet va… · cfgScale × place (2 × 2)');
  });

  it('tells apart a sweep run again: by the second, then by its order; a different prompt needs neither', () => {
    const titles = batchTitles(
      [
        batch('first', day + 1_000),
        batch('again', day + 9_000),
        batch('twice-a', day + 20_000),
        batch('twice-b', day + 20_000),
        batch('other', day + 1_000, 'a harbour'),
      ],
      day,
    );
    const all = [...titles.values()];
    assert.equal(new Set(all).size, all.length, `every title differs: ${JSON.stringify(all)}`);
    assert.match(titles.get('first')!, /^21:52:01 · /, 'with its seconds');
    assert.match(titles.get('again')!, /:09/);
    assert.match(titles.get('twice-a')!, / · run 1 of 2$/);
    assert.match(titles.get('twice-b')!, / · run 2 of 2$/);
    assert.doesNotMatch(titles.get('other')!, /:01|run/, 'no seconds where the title is unique');
  });
});
