// The gallery's cards come from files (their sidecars), and job history adds only the jobs still running.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JobRecord, JobStatus } from '../../src/core/jobModel';
import { readSidecar } from '../../src/core/results/galleryIndex';
import { assetRequest } from '../../src/shared/galleryRequests';
import { galleryAsset, liveJobs } from '../../src/webview/galleryAssets';

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
});
