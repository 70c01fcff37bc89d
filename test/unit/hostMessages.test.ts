// What the gallery page accepts from the host: the shapes it renders, and a file to offer only as a string.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readHostMessage } from '../../src/shared/hostMessages';

describe('host messages in the gallery page', () => {
  it('reads a reply, with the file a request wrote (a contact sheet) for the page to offer to open', () => {
    const saved = { type: 'reply', requestId: 3, ok: true, message: 'Saved a.png', file: 'file:///w/a.png' };
    assert.deepEqual(readHostMessage(saved), saved);
    assert.deepEqual(readHostMessage({ type: 'reply', requestId: 4, ok: false, message: 'no' }), {
      type: 'reply',
      requestId: 4,
      ok: false,
      message: 'no',
    });
  });

  it('drops a reply of another shape rather than render half of it', () => {
    for (const bad of [
      { type: 'reply', requestId: '3', ok: true, message: 'x' },
      { type: 'reply', requestId: 3, ok: 'yes', message: 'x' },
      { type: 'reply', requestId: 3, ok: true },
      { type: 'reply', requestId: 3, ok: true, message: 'x', file: 42 },
      { type: 'reply', requestId: 3, ok: true, message: 'x', file: '' },
      { type: 'reply', requestId: 3, ok: true, message: 'x', file: 'x'.repeat(9000) },
    ])
      assert.equal(readHostMessage(bad), undefined, JSON.stringify(bad).slice(0, 80));
  });

  it('reads the sort and grid the host kept, dropping each part of another shape on its own', () => {
    const kept = { type: 'restore', state: { sort: 'prompt', grid: { batchId: 'b1', rows: 2, columns: 0, page: [0, 1, 0] } } };
    assert.deepEqual(readHostMessage(kept), kept);
    assert.deepEqual(readHostMessage({ type: 'restore', state: {} }), { type: 'restore', state: {} });
    assert.deepEqual(readHostMessage({ type: 'restore', state: { sort: 'size', grid: { batchId: 'b1', rows: -1, page: ['x'] } } }), {
      type: 'restore',
      state: { grid: { batchId: 'b1' } },
    });
    assert.deepEqual(readHostMessage({ type: 'restore', state: { sort: 'oldest', grid: { batchId: '' } } }), {
      type: 'restore',
      state: { sort: 'oldest' },
    });
    for (const bad of [{ type: 'restore' }, { type: 'restore', state: 'b1' }, { type: 'restore', state: [] }])
      assert.equal(readHostMessage(bad), undefined, JSON.stringify(bad));
  });

  it('reads the assets message by its lists, and nothing else', () => {
    const image = { uri: 'file:///a.png', src: 'w:a', path: 'a.png' };
    const assets = { type: 'assets', update: 1, assets: [image], total: 3, live: [], sweepJobs: [] };
    assert.equal(readHostMessage(assets), assets);
    assert.equal(readHostMessage({ ...assets, live: undefined }), undefined);
    assert.equal(readHostMessage({ ...assets, assets: [{ uri: 1 }] }), undefined);
    for (const other of [undefined, null, 'reply', [], { type: 'run' }, { type: 'ready' }]) assert.equal(readHostMessage(other), undefined);
  });

  it('reads a listing in pages: the first with the number of images in all, the rest by the listing they belong to', () => {
    const image = { uri: 'file:///a.png', src: 'w:a', path: 'a.png' };
    const first = { type: 'assets', update: 2, assets: [image], total: 2, live: [], sweepJobs: [] };
    for (const bad of [
      { ...first, total: undefined },
      { ...first, total: -1 },
      { ...first, total: 0 }, // fewer in all than in the first page
      { ...first, update: '2' },
      { ...first, update: 1.5 },
    ])
      assert.equal(readHostMessage(bad), undefined, JSON.stringify(bad));
    const more = { type: 'moreAssets', update: 2, assets: [{ ...image, uri: 'file:///b.png' }] };
    assert.equal(readHostMessage(more), more);
    for (const bad of [
      { ...more, update: undefined },
      { ...more, assets: undefined },
      { ...more, assets: [{ uri: 'file:///b.png' }] },
      { ...more, assets: [null] },
    ])
      assert.equal(readHostMessage(bad), undefined, JSON.stringify(bad));
  });
});
