import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { HttpClient } from '../../src/core/http';
import { describeForLog, ProviderError } from '../../src/core/errors';
import { rejection } from './helpers';

// A loopback server whose routes each misbehave in one way a real provider can.
let server: Server;
let base = '';
const http = new HttpClient();
const schema = z.object({ id: z.string(), status: z.enum(['queued', 'done']) });

before(async () => {
  server = createServer((req, res) => {
    const route = req.url ?? '';
    if (route === '/ok') return res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"j1","status":"queued"}');
    if (route === '/malformed') return res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"j1",');
    if (route === '/schema') return res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"j1","status":"weird"}');
    if (route === '/html502')
      return res
        .writeHead(502, { 'content-type': 'text/html' })
        .end('<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>');
    if (route === '/html200') return res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Login</title>');
    if (route === '/401') return res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"invalid token"}');
    if (route === '/429')
      return res.writeHead(429, { 'retry-after': '7', 'content-type': 'application/json' }).end('{"error":{"message":"slow down"}}');
    if (route === '/500')
      return res.writeHead(500, { 'content-type': 'application/json' }).end('{"code":13,"message":"internal","details":[]}');
    if (route === '/500-with-id')
      return res.writeHead(500, { 'content-type': 'application/json', 'x-request-id': 'req-42' }).end('{"message":"internal"}');
    if (route === '/schema-with-id')
      return res.writeHead(200, { 'content-type': 'application/json', 'request-id': 'req-43' }).end('{"id":"j1","status":"weird"}');
    if (route === '/404') return res.writeHead(404).end('job not found or expired');
    if (route === '/reset') return req.socket.destroy();
    if (route === '/hang') return; // never answers
    if (route === '/file') return res.writeHead(200, { 'content-type': 'image/png', 'content-length': '10' }).end(Buffer.alloc(10, 1));
    if (route === '/cut') {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': '1000' });
      res.write(Buffer.alloc(400, 1));
      setTimeout(() => res.socket?.destroy(), 20);
      return;
    }
    if (route === '/big') return res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.alloc(5000, 1));
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

async function failure(path: string, timeoutMs?: number): Promise<ProviderError> {
  try {
    await http.requestJson({ method: 'GET', url: base + path, timeoutMs }, schema, 'Checking job');
  } catch (error) {
    assert.ok(error instanceof ProviderError, `expected ProviderError, got ${error}`);
    return error;
  }
  assert.fail(`${path} should have failed`);
}

test('valid JSON is parsed and validated', async () => {
  const response = await http.requestJson({ method: 'GET', url: `${base}/ok` }, schema, 'Checking job');
  assert.deepEqual(response.data, { id: 'j1', status: 'queued' });
});

test('malformed JSON is a retryable "malformed" error naming the step', async () => {
  const error = await failure('/malformed');
  assert.equal(error.kind, 'malformed');
  assert.equal(error.retryable, true);
  assert.match(error.message, /^Checking job: the response is not valid JSON/);
});

test('a schema mismatch names the field', async () => {
  const error = await failure('/schema');
  assert.equal(error.kind, 'malformed');
  assert.match(error.message, /unexpected answer from the provider \(status: /);
});

test('HTML error pages are reported as such, with their title', async () => {
  const error = await failure('/html502');
  assert.equal(error.kind, 'server');
  assert.match(error.message, /HTTP 502: the server sent an HTML page \("502 Bad Gateway"\) instead of JSON/);
  const login = await failure('/html200');
  assert.equal(login.kind, 'malformed');
  assert.match(login.message, /HTML page \("Login"\)/);
});

test('401 asks for a new key and is not retryable', async () => {
  const error = await failure('/401');
  assert.equal(error.kind, 'auth');
  assert.equal(error.retryable, false);
  assert.match(error.message, /invalid token.*Set API Key/);
});

test('429 carries Retry-After', async () => {
  const error = await failure('/429');
  assert.equal(error.kind, 'rateLimited');
  assert.equal(error.details.retryAfterMs, 7000);
  assert.match(error.message, /rate limited \(retry after 7 s\): slow down/);
});

test('5xx is retryable and keeps the provider message', async () => {
  const error = await failure('/500');
  assert.equal(error.kind, 'server');
  assert.equal(error.retryable, true);
  assert.match(error.message, /HTTP 500: internal/);
});

test("the provider's request id (x-request-id, request-id) is kept with the failure and named in the log form", async () => {
  const server = await failure('/500-with-id');
  assert.equal(server.details.requestId, 'req-42');
  assert.equal(describeForLog(server), `${server.message} (request id req-42)`);
  assert.equal((await failure('/schema-with-id')).details.requestId, 'req-43');
  const without = await failure('/500');
  assert.equal(without.details.requestId, undefined);
  assert.equal(describeForLog(without), without.message);
});

test('404 is notFound with the body text', async () => {
  const error = await failure('/404');
  assert.equal(error.kind, 'notFound');
  assert.match(error.message, /job not found or expired/);
});

test('a reset connection is a network error with a plain message', async () => {
  const error = await failure('/reset');
  assert.equal(error.kind, 'network');
  assert.equal(error.retryable, true);
  assert.match(error.message, /closed|reset/);
});

test('a hung server times out', async () => {
  const error = await failure('/hang', 300);
  assert.equal(error.kind, 'timeout');
  assert.equal(error.retryable, true);
});

test('a refused connection says so', async () => {
  const error = await rejection(http.requestJson({ method: 'GET', url: 'http://127.0.0.1:9/x' }, schema, 'Submitting'));
  assert.equal(error.kind, 'network');
  assert.match(error.message, /^Submitting \(GET http:\/\/127\.0\.0\.1:9\/x\): connection refused/, 'it names what was tried');
});

test('the URL named in a network error carries no credentials and no query', async () => {
  const error = await rejection(
    http.requestJson({ method: 'POST', url: 'http://user:hunter2@127.0.0.1:9/run?api_key=s3cret' }, z.object({}), 'Submitting'),
  );
  assert.match(error.message, /^Submitting \(POST http:\/\/127\.0\.0\.1:9\/run\): /);
  assert.doesNotMatch(error.message, /hunter2|s3cret|user/);
});

test('downloads return bytes and content type; cut or oversized ones fail clearly', async () => {
  const file = await http.download(`${base}/file`, { maxBytes: 100 });
  assert.equal(file.bytes.length, 10);
  assert.equal(file.contentType, 'image/png');
  const cut = await rejection(http.download(`${base}/cut`, { maxBytes: 10_000 }));
  assert.equal(cut.retryable, true);
  const big = await rejection(http.download(`${base}/big`, { maxBytes: 1000 }));
  assert.equal(big.kind, 'tooLarge');
});
