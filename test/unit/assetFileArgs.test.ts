// What scripts may pass to insertAsset and gallery.delete: a job's asset, or a file by URI or path.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAssetFile, parseBatchCancel, parseInsertTarget } from '../../src/commands/commandArgs';
import { ArgumentError } from '../../src/commands/commandRunner';

test('insertAsset takes a job asset as before, or a file by URI or path', () => {
  assert.deepEqual(parseInsertTarget([{ jobId: 'j', index: 1 }]), { kind: 'job', args: { jobId: 'j', index: 1 } });
  assert.deepEqual(parseInsertTarget([{ path: 'assets/generated/a.png' }]), {
    kind: 'file',
    file: { uri: undefined, path: 'assets/generated/a.png', confirmed: undefined },
  });
  assert.deepEqual(parseInsertTarget([{ uri: 'file:///w/a.png' }]).kind, 'file');
  for (const bad of [undefined, 'j', {}, { jobId: '' }, { path: 7 }, { uri: '' }, { jobId: 'j', index: -1 }]) {
    assert.throws(() => parseInsertTarget([bad]), ArgumentError, JSON.stringify(bad));
  }
});

test('gallery.delete takes a file and optional confirmed / permanentIfNoTrash flags, nothing else', () => {
  assert.deepEqual(parseAssetFile([{ path: 'a.png', confirmed: true }]), { uri: undefined, path: 'a.png', confirmed: true });
  assert.deepEqual(parseAssetFile([{ path: 'a.png', confirmed: true, permanentIfNoTrash: true }]), {
    uri: undefined,
    path: 'a.png',
    confirmed: true,
    permanentIfNoTrash: true,
  });
  for (const bad of [
    undefined,
    'a.png',
    {},
    { path: '' },
    { path: 'a.png', confirmed: 'yes' },
    { uri: 1 },
    { path: 'a.png', permanentIfNoTrash: 1 },
  ]) {
    assert.throws(() => parseAssetFile([bad]), ArgumentError, JSON.stringify(bad));
  }
});

test('Cancel Batch: a batch row asks first; a script may confirm with { batchId, confirmed: true }', () => {
  assert.deepEqual(parseBatchCancel(['batch:b1']), { batchId: 'b1' });
  assert.deepEqual(parseBatchCancel([{ batchId: 'b1' }]), { batchId: 'b1' });
  assert.deepEqual(parseBatchCancel([{ batchId: 'b1', confirmed: true }]), { batchId: 'b1', confirmed: true });
  assert.deepEqual(parseBatchCancel([{ batchId: 'b1', confirmed: false }]), { batchId: 'b1', confirmed: false });
  for (const bad of [undefined, 'b1', 'batch:', {}, { confirmed: true }, { batchId: 'b1', confirmed: 'yes' }]) {
    assert.throws(() => parseBatchCancel([bad]), ArgumentError, JSON.stringify(bad));
  }
});
