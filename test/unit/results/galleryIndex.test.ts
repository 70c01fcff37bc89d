// The gallery's index of images on disk: sidecars read as the saver writes them, hostile ones refused.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildProvenance } from '../../../src/core/results/provenance';
import { GalleryIndex, MAX_SIDECAR_BYTES, readSidecar, sidecarUriFor, type GalleryEntry } from '../../../src/core/results/galleryIndex';
import { jobRecord } from '../../fixtures/sampleJobs';

const FOLDER = 'file:///work/assets/generated/';
const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const good = {
  generator: 'image-jobs',
  version: 1,
  file: 'boat-7.png',
  prompt: 'a paper boat',
  model: 'sandbox/landscape',
  provider: 'sandbox',
  jobId: 'job-1',
  seed: 7,
  width: 512,
  height: 384,
  steps: 20,
  cfgScale: 7,
  sampler: 'Euler a',
  createdAt: '2025-01-02T03:04:00.000Z',
  completedAt: '2025-01-02T03:04:05.000Z',
};

function problem(value: unknown, sidecar = `${FOLDER}boat-7.json`): string {
  const read = readSidecar(sidecar, Buffer.isBuffer(value) ? value : json(value));
  assert.equal(read.ok, false, `accepted ${String(value).slice(0, 80)}`);
  return read.ok ? '' : read.problem;
}

function entry(name: string, createdAt: number): GalleryEntry {
  return { imageUri: `${FOLDER}${name}.png`, sidecarUri: `${FOLDER}${name}.json`, prompt: name, model: 'm', createdAt };
}

describe('reading a sidecar', () => {
  it('reads the lineage of a derived image: its source beside it, and no path anywhere else', () => {
    const derived = {
      ...good,
      file: 'boat-7-upscaled.png',
      remoteAssetId: 'img-9',
      derivedFrom: { operation: 'upscale', file: 'boat 7.png', sha256: 'ab' },
    };
    const read = readSidecar(`${FOLDER}boat-7-upscaled.json`, json(derived));
    assert.ok(read.ok);
    assert.equal(read.entry.remoteAssetId, 'img-9');
    assert.deepEqual(read.entry.derivedFrom, { operation: 'upscale', uri: `${FOLDER}boat%207.png`, file: 'boat 7.png' });
    for (const file of ['../secret.png', 'sub/boat.png', '..']) {
      const climbing = readSidecar(`${FOLDER}boat-7-upscaled.json`, json({ ...derived, derivedFrom: { operation: 'upscale', file } }));
      assert.ok(climbing.ok, 'the image itself is still shown');
      assert.equal(climbing.entry.derivedFrom, undefined, `${file} is not linked`);
    }
    assert.match(
      problem({ ...derived, derivedFrom: { operation: 'variation', file: 'boat.png' } }, `${FOLDER}boat-7-upscaled.json`),
      /derivedFrom/,
    );
  });

  it('reads what the result saver writes, the image beside it named by its file', () => {
    const job = jobRecord({
      idempotencyKey: 'k',
      request: { providerId: 'sandbox', model: 'landscape', prompt: 'a paper boat', params: { steps: 20, negativePrompt: 'fog' } },
      source: { kind: 'script' },
      output: { root: 'file:///work', folder: 'assets/generated', nameTemplate: '{{name}}', baseName: 'boat' },
      status: 'succeeded',
    });
    const provenance = { ...buildProvenance(job, { seed: 7, width: 512, height: 384, index: 0 }, 5000), file: 'boat-7.png' };
    const read = readSidecar(`${FOLDER}boat-7.json`, Buffer.from(`${JSON.stringify(provenance, null, 2)}\n`));
    assert.ok(read.ok, read.ok ? '' : read.problem);
    assert.deepEqual(read.entry, {
      imageUri: `${FOLDER}boat-7.png`,
      sidecarUri: `${FOLDER}boat-7.json`,
      prompt: 'a paper boat',
      negativePrompt: 'fog',
      model: 'sandbox/landscape',
      provider: 'sandbox',
      jobId: 'job-1',
      seed: 7,
      width: 512,
      height: 384,
      steps: 20,
      cfgScale: undefined,
      sampler: undefined,
      createdAt: 5000,
      index: 0,
      sweep: undefined,
    });
  });

  it('reads a sidecar with no job id and extra fields of a later version; encodes the file name as a URI', () => {
    const { jobId: _unused, ...rest } = good;
    const read = readSidecar(`${FOLDER}a%20b.json`, json({ ...rest, file: 'a b.webp', future: { nested: true } }));
    assert.ok(read.ok);
    assert.equal(read.entry.imageUri, `${FOLDER}a%20b.webp`);
    assert.equal(read.entry.jobId, undefined);
    assert.equal('future' in read.entry, false);
  });

  it('refuses files that are not our sidecars', () => {
    assert.equal(problem(Buffer.from('not json')), 'not JSON');
    assert.equal(problem(Buffer.from([0xff, 0xfe, 0x7b])), 'not JSON');
    for (const value of [null, [], 'image-jobs', 7, {}, { name: 'image-jobs', version: '1.0.0' }, { ...good, generator: 'other' }])
      problem(value);
  });

  it('refuses a sidecar that points anywhere but the image beside it', () => {
    for (const file of [
      '../../etc/passwd.png',
      '/etc/boat-7.png',
      'sub/boat-7.png',
      'sub\\boat-7.png',
      'other.png',
      '..',
      'boat-7.png\0.png',
      'boat-7%2fx.png',
      '',
    ]) {
      problem({ ...good, file });
    }
    assert.match(problem({ ...good, file: 'boat-7.svg' }), /not an image/);
    assert.match(problem({ ...good, file: 'boat-7.json' }), /not an image/);
    problem(good, `${FOLDER}boat-7.txt`);
  });

  it('refuses wrong types, huge strings, impossible numbers and oversized files, without echoing values', () => {
    const huge = 'x'.repeat(100_000);
    for (const change of [
      { prompt: 7 },
      { prompt: huge },
      { model: ['m'] },
      { seed: '7' },
      { width: -1 },
      { width: 1.5 },
      { steps: 1e12 },
      { completedAt: 'yesterday' },
      { sampler: { toString: 'x' } },
    ]) {
      const text = problem({ ...good, ...change });
      assert.ok(text.length < 200 && !text.includes('xxxx'), text);
    }
    assert.match(problem(Buffer.from(JSON.stringify({ ...good, pad: 'x'.repeat(MAX_SIDECAR_BYTES) }))), /over/);
  });

  it('leaves Object.prototype alone and keeps no prototype keys', () => {
    const read = readSidecar(`${FOLDER}boat-7.json`, Buffer.from(JSON.stringify(good).replace('{', '{"__proto__":{"polluted":true},')));
    assert.ok(read.ok);
    assert.equal(({} as { polluted?: unknown }).polluted, undefined);
    assert.equal(Object.getPrototypeOf(read.entry), Object.prototype);
  });

  it('names the sidecar of an image, and none for a file that is not an image', () => {
    assert.equal(sidecarUriFor(`${FOLDER}boat-7.PNG`), `${FOLDER}boat-7.json`);
    assert.equal(sidecarUriFor(`${FOLDER}notes.md`), undefined);
  });
});

describe('the index', () => {
  it('lists newest first, forgets an image by its file or its sidecar, and knows the folders', () => {
    const index = new GalleryIndex();
    index.put(entry('old', 1));
    index.put(entry('new', 3));
    index.put({ ...entry('elsewhere', 2), imageUri: 'file:///other/elsewhere.png', sidecarUri: 'file:///other/elsewhere.json' });
    assert.deepEqual(
      index.entries().map((e) => e.prompt),
      ['new', 'elsewhere', 'old'],
    );
    assert.deepEqual(index.folders(), ['file:///other/', FOLDER]);
    assert.equal(index.remove(`${FOLDER}old.json`), true);
    assert.equal(index.remove(`${FOLDER}new.png`), true);
    assert.equal(index.remove(`${FOLDER}new.png`), false);
    assert.deepEqual(
      index.entries().map((e) => e.prompt),
      ['elsewhere'],
    );
  });

  it('forgets everything under a deleted folder, and nothing beside it', () => {
    const index = new GalleryIndex();
    index.put(entry('a', 1));
    index.put({
      ...entry('b', 1),
      imageUri: 'file:///work/assets/generated-2/b.png',
      sidecarUri: 'file:///work/assets/generated-2/b.json',
    });
    assert.equal(index.removeUnder('file:///work/assets/generated'), true);
    assert.deepEqual(
      index.entries().map((e) => e.prompt),
      ['b'],
    );
  });

  it('is bounded, and a sidecar rewritten to another image moves its entry', () => {
    const index = new GalleryIndex(2);
    assert.equal(index.put(entry('a', 1)), true);
    assert.equal(index.put(entry('b', 2)), true);
    assert.equal(index.put(entry('c', 3)), false);
    assert.equal(index.put({ ...entry('a', 4), prompt: 'a again' }), true, 'replacing an entry is not growing');
    index.put({ ...entry('b', 5), imageUri: `${FOLDER}b.webp` });
    assert.deepEqual(
      index.entries().map((e) => e.imageUri),
      [`${FOLDER}b.webp`, `${FOLDER}a.png`],
    );
    assert.equal(index.size, 2);
  });

  it('knows which files are as they were when last read, so a rescan reads only what changed', () => {
    const index = new GalleryIndex(2);
    const a = entry('a', 1);
    index.put(a, '100:700');
    assert.equal(index.isCurrent(a.sidecarUri, '100:700'), true);
    assert.equal(index.isCurrent(a.sidecarUri, '101:700'), false, 'touched since');
    assert.equal(index.isCurrent(a.sidecarUri, '100:701'), false, 'rewritten to another size');
    assert.equal(index.entryOf(a.sidecarUri), a);
    // a .json file that is no sidecar (package.json): refused once, not read again until it changes
    assert.equal(index.refuse(`${FOLDER}package.json`, '5:90'), false);
    assert.equal(index.isCurrent(`${FOLDER}package.json`, '5:90'), true);
    // a sidecar rewritten into something that is not one: its entry goes
    assert.equal(index.refuse(a.sidecarUri, '102:3'), true);
    assert.equal(index.get(a.imageUri), undefined);
    assert.equal(index.isCurrent(a.sidecarUri, '102:3'), true);
    // forgotten (its image deleted, its folder deleted): read again next time
    index.put(a, '103:700');
    index.remove(a.imageUri);
    assert.equal(index.isCurrent(a.sidecarUri, '103:700'), false);
    index.put(a, '104:700');
    index.removeUnder(FOLDER.slice(0, -1));
    assert.equal(index.isCurrent(a.sidecarUri, '104:700'), false);
    assert.equal(index.isCurrent(`${FOLDER}package.json`, '5:90'), false);
    // no room for it: read again when there is
    index.put(entry('b', 2), '1:1');
    index.put(entry('c', 3), '1:1');
    assert.equal(index.put(entry('d', 4), '1:1'), false);
    assert.equal(index.isCurrent(entry('d', 4).sidecarUri, '1:1'), false);
  });
});
