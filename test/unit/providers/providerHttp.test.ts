// The provider HTTP helper over real loopback HTTP: what reaches the server (URL, auth, body, the
// headers one request adds), what a signing auth scheme sees, and the per-request options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { HttpClient } from '../../../src/core/http';
import { providerHttp, type OutgoingRequest } from '../../../src/core/providers/providerHttp';
import type { ProviderContext } from '../../../src/core/providers/types';
import { cleanupsFailingOnUnhandledRejections, rejection } from '../helpers';

const cleanups = cleanupsFailingOnUnhandledRejections();
const ok = z.object({ ok: z.boolean() });

interface Seen {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** Answers every request with `status` and {"ok": true}, or never, when `hang`. */
async function server(status = 200, hang = false): Promise<{ baseUrl: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const http = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    seen.push({ method: req.method!, path: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
    if (hang) return;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => {
    http.closeAllConnections();
    return new Promise<void>((resolve) => http.close(() => resolve()));
  });
  return { baseUrl: `http://127.0.0.1:${(http.address() as AddressInfo).port}/`, seen };
}

const contextFor = (baseUrl: string, extra: Partial<ProviderContext> = {}): ProviderContext => ({
  http: new HttpClient({ timeoutMs: 5000 }),
  baseUrl,
  ...extra,
});

test('a GET goes to the base URL joined with the path, with the auth headers and no body', async () => {
  const { baseUrl, seen } = await server();
  const response = await providerHttp(contextFor(baseUrl), { authorization: 'Bearer k' }).get('/jobs/a%2Fb', ok, 'Checking');
  assert.deepEqual(response.data, { ok: true });
  assert.equal(seen[0]!.method, 'GET');
  assert.equal(seen[0]!.path, '/jobs/a%2Fb', 'the trailing slash of the base URL is not doubled');
  assert.equal(seen[0]!.headers.authorization, 'Bearer k');
  assert.equal(seen[0]!.headers['content-type'], undefined);
  assert.equal(seen[0]!.body, '');
});

test('a signing auth scheme sees the method, the URL and exactly the body the server receives', async () => {
  const { baseUrl, seen } = await server();
  const signed: OutgoingRequest[] = [];
  const api = providerHttp(contextFor(baseUrl), (request) => {
    signed.push(request);
    return { authorization: `sig ${request.method} ${request.body.length}` };
  });
  await api.post('/v1/jobs', { requestId: 'r-1', stages: [{ n: 1, text: 'é' }] }, ok, 'Submitting');
  await api.delete('/v1/jobs/7', ok, 'Cancelling');
  assert.deepEqual(
    signed.map(({ method, url }) => `${method} ${url}`),
    [`POST ${baseUrl}v1/jobs`, `DELETE ${baseUrl}v1/jobs/7`],
  );
  assert.equal(signed[0]!.body, seen[0]!.body, 'what was signed is what was sent');
  assert.equal(seen[0]!.headers['content-type'], 'application/json');
  assert.equal(seen[0]!.headers.authorization, `sig POST ${seen[0]!.body.length}`);
  assert.equal(signed[1]!.body, '');
  assert.equal(seen[1]!.body, '');
});

test("one request's headers go with the auth headers; a POST without a body sends none", async () => {
  const { baseUrl, seen } = await server();
  const api = providerHttp(contextFor(baseUrl), { 'x-apikey': 'k' });
  await api.post('/cancel/1', undefined, ok, 'Cancelling', { headers: { 'content-type': 'application/json' } });
  await api.post('/status/1', undefined, ok, 'Checking');
  assert.equal(seen[0]!.headers['x-apikey'], 'k');
  assert.equal(seen[0]!.headers['content-type'], 'application/json');
  assert.equal(seen[0]!.body, '');
  assert.equal(seen[1]!.headers['content-type'], undefined);
  assert.equal(seen[1]!.body, '');
});

test("the URL builder replaces the base URL join, and its error comes before the auth's", async () => {
  const { baseUrl, seen } = await server();
  const api = providerHttp(contextFor(baseUrl), () => ({ 'x-apikey': 'k' }), { url: (path) => `${baseUrl}v1/sl/ep${path}` });
  await api.get('/health', ok, 'Health');
  assert.equal(seen[0]!.path, '/v1/sl/ep/health');
  const failing = providerHttp(contextFor(baseUrl), () => assert.fail('auth is not computed once the URL failed'), {
    url: () => {
      throw new Error('no endpoint id');
    },
  });
  await assert.rejects(failing.get('/health', ok, 'Health'), /no endpoint id/);
});

test('statuses: the provider-wide okStatuses apply to every request, and one request may widen them', async () => {
  const { baseUrl } = await server(201);
  const api = providerHttp(contextFor(baseUrl), {}, { okStatuses: (status) => status === 200 || status === 202 });
  assert.equal((await rejection(api.get('/x', ok, 'Reading'))).details.status, 201);
  const response = await api.get('/x', ok, 'Reading', { okStatuses: (status) => status === 201 });
  assert.equal(response.status, 201);
});

test("a request's timeout overrides the client's, and the context's signal aborts it", async () => {
  const { baseUrl } = await server(200, true);
  const started = Date.now();
  await rejection(providerHttp(contextFor(baseUrl)).get('/slow', ok, 'Waiting', { timeoutMs: 200 }));
  assert.ok(Date.now() - started < 4000, 'the 200 ms timeout, not the 5 s one');
  const controller = new AbortController();
  const pending = providerHttp(contextFor(baseUrl, { signal: controller.signal })).get('/slow', ok, 'Waiting');
  setTimeout(() => controller.abort(), 50);
  await assert.rejects(pending);
  assert.ok(Date.now() - started < 4000, 'aborted, not timed out');
});
