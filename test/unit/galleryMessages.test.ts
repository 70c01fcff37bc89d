// What the host accepts from the gallery webview: every well-formed message, and nothing else.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readGalleryMessage } from '../../src/webview/galleryMessages';

const HUGE = 'x'.repeat(1_000_000);

function rejected(raw: unknown): string {
  const read = readGalleryMessage(raw);
  assert.equal(read.ok, false, `accepted ${JSON.stringify(raw)?.slice(0, 120)}`);
  return read.ok ? '' : read.problem;
}

describe('gallery messages from the webview', () => {
  it('accepts every message the gallery sends, unchanged', () => {
    const valid = [
      { type: 'ready' },
      { type: 'ready', sort: 'prompt' },
      { type: 'insert', uri: 'file:///w/assets/generated/boat.png', requestId: 1 },
      { type: 'open', uri: 'file:///w/assets/generated/boat.png', requestId: 2 },
      { type: 'reveal', uri: 'file:///w/assets/generated/boat.png', requestId: 3 },
      { type: 'copyPrompt', uri: 'file:///w/assets/generated/boat.png', requestId: 4 },
      { type: 'delete', uri: 'file:///w/assets/generated/boat.png', requestId: 5 },
      { type: 'upscale', uri: 'file:///w/assets/generated/boat.png', requestId: 6 },
      { type: 'openSidecar', uri: 'file:///w/assets/generated/boat.png', requestId: 8 },
      { type: 'saveContactSheet', batchId: 'b1', rows: 0, columns: 1, page: [0, 0, 2], requestId: 6 },
      { type: 'saveContactSheet', batchId: 'b1', rows: 0, page: [0], requestId: 7 },
      { type: 'uiState', state: {} },
      { type: 'uiState', state: { sort: 'oldest', grid: { batchId: 'b1', rows: 2, columns: 0, page: [0, 1, 0] } } },
      { type: 'uiState', state: { grid: { batchId: 'b1' } } },
    ];
    for (const message of valid) assert.deepEqual(readGalleryMessage(message), { ok: true, message });
  });

  it('rejects a contact sheet request with a bad batch, axis or page', () => {
    const base = { type: 'saveContactSheet', batchId: 'b1', rows: 0, page: [0], requestId: 1 };
    for (const bad of [
      { batchId: '' },
      { batchId: HUGE },
      { rows: -1 },
      { rows: 1.5 },
      { columns: 'x' },
      { page: [-1] },
      { page: new Array(65).fill(0) },
      { uri: 'file:///x' },
    ]) {
      rejected({ ...base, ...bad });
    }
  });

  it('rejects a kept sort or grid of another shape: the host stores only what a later panel can read', () => {
    for (const state of [
      undefined,
      { filter: 'boat' },
      { sort: 'size' },
      { grid: { batchId: '' } },
      { grid: { batchId: HUGE } },
      { grid: { batchId: 'b1', rows: -1 } },
      { grid: { batchId: 'b1', page: new Array(65).fill(0) } },
      { grid: { batchId: 'b1', extra: 1 } },
    ]) {
      rejected({ type: 'uiState', state });
    }
    rejected({ type: 'uiState', state: {}, requestId: 1 });
  });

  it('rejects what is not a message at all', () => {
    for (const raw of [undefined, null, 0, 'ready', [], [{ type: 'ready' }], {}, () => 'ready']) rejected(raw);
  });

  it('rejects an unknown or missing type, including names of Object.prototype members', () => {
    for (const type of [
      'trash',
      'deleteAll',
      'runCommand',
      'READY',
      '',
      '__proto__',
      'constructor',
      'hasOwnProperty',
      'toString',
      1,
      null,
    ]) {
      rejected({ type, uri: 'file:///a.png', requestId: 1 });
    }
    rejected({ uri: 'file:///a.png', requestId: 1 });
  });

  it('rejects fields of the wrong type or range', () => {
    const good = { type: 'open', uri: 'file:///a.png', requestId: 1 };
    for (const change of [
      { uri: 7 },
      { uri: '' },
      { uri: ['file:///a.png'] },
      { uri: { toString: 'file:///a.png' } },
      { uri: undefined },
      { uri: null },
      { requestId: '1' },
      { requestId: 1.5 },
      { requestId: 0 },
      { requestId: -1 },
      { requestId: Number.NaN },
      { requestId: Number.POSITIVE_INFINITY },
      { requestId: 2 ** 60 },
      { requestId: undefined },
    ]) {
      rejected({ ...good, ...change });
    }
    rejected({ type: 'copyPrompt', requestId: 1 });
    rejected({ type: 'delete', requestId: 1 });
  });

  it('rejects huge strings, without echoing them into the log', () => {
    for (const raw of [
      { type: 'open', uri: HUGE, requestId: 1 },
      { type: 'delete', uri: HUGE, requestId: 1 },
      { type: HUGE, uri: 'file:///a.png', requestId: 1 },
      { type: 'open', uri: 'file:///a.png', requestId: 1, [HUGE]: 1 },
      { type: 'ready', note: HUGE },
    ]) {
      assert.ok(rejected(raw).length <= 301);
    }
  });

  it('rejects extra keys, so a message carries nothing the host did not ask for', () => {
    rejected({ type: 'ready', extra: true });
    rejected({ type: 'ready', sort: 'size' });
    rejected({ type: 'ready', sort: 1 });
    rejected({ type: 'copyPrompt', uri: 'file:///a.png', requestId: 1, jobId: 'job-1' });
    rejected({ type: 'insert', uri: 'file:///a.png', requestId: 1, index: 0 });
    rejected({ type: 'delete', uri: 'file:///a.png', requestId: 1, confirmed: true });
  });

  it('rejects prototype-pollution keys and leaves Object.prototype alone', () => {
    // JSON.parse makes `__proto__` an own key, as a message that crossed the webview bridge would have
    const hostile = [
      JSON.parse('{"type":"open","uri":"file:///a.png","requestId":1,"__proto__":{"polluted":true}}'),
      JSON.parse('{"type":"ready","__proto__":{"polluted":true}}'),
      { type: 'delete', uri: 'file:///a.png', requestId: 1, constructor: { prototype: { polluted: true } } },
      { type: 'ready', prototype: { polluted: true } },
    ];
    for (const raw of hostile) assert.match(rejected(raw), /unrecognized_keys "(__proto__|constructor|prototype)"/);
    assert.equal(({} as { polluted?: unknown }).polluted, undefined);
  });

  it('accepts `__proto__` as a URI as plain text (the index is a Map, so it names no image)', () => {
    const read = readGalleryMessage({ type: 'copyPrompt', uri: '__proto__', requestId: 1 });
    assert.ok(read.ok);
    assert.equal(Object.getPrototypeOf(read.message), Object.prototype);
  });

  it('describes a problem in one short line from key names and issue codes', () => {
    const problem = rejected({ type: 'open', uri: 'file:///a.png', requestId: 'one', ['evil\nkey' + HUGE]: 1 });
    assert.ok(!problem.includes('\n'), problem);
    assert.match(problem, /"requestId": invalid_type/);
    assert.match(problem, /unrecognized_keys "evil\\nkeyx+…"/);
  });
});
