// Keys stay with their provider's origin; results are only saved when they are the images they claim.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpClient } from '../../src/core/http';
import { JobManager } from '../../src/core/jobs/jobManager';
import { JobStore } from '../../src/core/jobs/jobStore';
import { photoGptProvider } from '../../src/core/providers/photogpt';
import type { ImageProvider } from '../../src/core/providers/types';
import { PhotoGptServer } from '../fixtures/providers/photoGptServer';
import { collectingLogger, fastPolls, fileSink, memoryPersistence, rootUri, tempDir, waitFor } from './helpers';

const closers: (() => unknown)[] = [];
after(async () => {
  for (const close of closers) await close();
});

/** A server on another origin that records what it is sent and answers with `body`. */
async function otherOrigin(
  contentType: string,
  body: Buffer | string,
  status = 200,
): Promise<{ url: string; seen: IncomingHttpHeaders[] }> {
  const seen: IncomingHttpHeaders[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(status, { 'content-type': contentType, ...(status === 302 ? { location: body.toString() } : {}) });
    res.end(status === 302 ? '' : body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(resolve)));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

/** A provider whose job succeeds at once with the given result URL. */
function providerReturning(url: string): ImageProvider {
  return {
    id: 'photogpt',
    idempotentSubmit: false,
    submit: async () => ({ remoteId: 'r1', state: { status: 'succeeded', outputs: [{ kind: 'url', url }] } }),
    poll: async () => ({ status: 'succeeded', outputs: [{ kind: 'url', url }] }),
    downloadHeaders: (context) => ({ authorization: `Bearer ${context.apiKey}` }),
  };
}

async function runWith(provider: ImageProvider, baseUrl: string) {
  const store = new JobStore(memoryPersistence());
  const manager = new JobManager(
    store,
    async () => ({ provider, context: { http: new HttpClient({ timeoutMs: 2000 }), baseUrl, apiKey: 'secret-key-123456' } }),
    fileSink,
    collectingLogger(),
    { pollPolicy: fastPolls },
  );
  closers.push(() => manager.dispose());
  const dir = tempDir();
  const id = await manager.submit(
    { providerId: 'photogpt', model: 'm', prompt: 'p', params: { width: 64, height: 64, count: 1 } },
    { kind: 'script' },
    { root: rootUri(dir), folder: 'out', nameTemplate: '{{name}}', baseName: 'x' },
  );
  return waitFor(() => ['succeeded', 'failed'].includes(store.get(id)!.status) && store.get(id), 5000);
}

test('result URLs on another origin are fetched without the API key; the provider origin gets it', async () => {
  const photo = new PhotoGptServer();
  await photo.start();
  closers.push(() => photo.stop());
  const cdn = await otherOrigin('image/png', Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108020000009077053e', 'hex'));
  const job = await runWith(providerReturning(`${cdn.url}/image.png`), photo.baseUrl);
  assert.equal(cdn.seen.length, 1);
  assert.equal(cdn.seen[0]!.authorization, undefined, 'no key to another origin');
  assert.ok(job);
});

test('redirects are not followed, so a key never rides a redirect to another host', async () => {
  const elsewhere = await otherOrigin('application/json', '{"jobId":"x"}');
  const redirector = await otherOrigin('text/plain', `${elsewhere.url}/steal`, 302);
  const http = new HttpClient({ timeoutMs: 2000 });
  await assert.rejects(photoGptProvider.poll('job-1', { http, baseUrl: redirector.url, apiKey: 'secret-key-123456' }), /HTTP 302/);
  assert.equal(redirector.seen[0]!.authorization, 'Bearer secret-key-123456');
  assert.equal(elsewhere.seen.length, 0, 'the redirect target was never contacted');
});

test('an SVG result is refused, never saved or rendered', async () => {
  const cdn = await otherOrigin('image/svg+xml', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
  const job = await runWith(providerReturning(`${cdn.url}/x.svg`), 'http://127.0.0.1:9');
  assert.equal(job.status, 'failed');
  assert.match(job.error!.message, /unsupported result type "image\/svg\+xml"/);
  assert.equal(job.assets.length, 0);
});

test('an HTML page where an image should be is refused', async () => {
  const cdn = await otherOrigin('text/html', '<html><title>Login</title></html>');
  const job = await runWith(providerReturning(`${cdn.url}/x.png`), 'http://127.0.0.1:9');
  assert.equal(job.status, 'failed');
  assert.match(job.error!.message, /unsupported result type "text\/html"/);
});

test('a result over the size limit is refused', async () => {
  const cdn = await otherOrigin('image/png', Buffer.alloc(2 * 1024 * 1024, 1));
  const store = new JobStore(memoryPersistence());
  const provider = providerReturning(`${cdn.url}/big.png`);
  const manager = new JobManager(
    store,
    async () => ({ provider, context: { http: new HttpClient(), baseUrl: 'http://127.0.0.1:9' } }),
    fileSink,
    collectingLogger(),
    { pollPolicy: fastPolls, maxDownloadBytes: 1024 * 1024 },
  );
  closers.push(() => manager.dispose());
  const id = await manager.submit(
    { providerId: 'photogpt', model: 'm', prompt: 'p', params: { width: 64, height: 64, count: 1 } },
    { kind: 'script' },
    { root: rootUri(tempDir()), folder: 'o', nameTemplate: 'x', baseName: 'x' },
  );
  const job = await waitFor(() => store.get(id)!.status === 'failed' && store.get(id), 5000);
  // no Content-Length here, so the limit trips while reading
  assert.match(job.error!.message, /Could not download the result: .*response larger than 1 MB/);
});
