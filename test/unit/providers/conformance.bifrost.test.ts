// Bifrost against its own document (seed `bifrost-async-images.txt`): the document's verbatim
// example request and responses (test/fixtures/seedExamples/bifrost.ts) go through the client over
// real HTTP. Then the review findings of issue 10, each with a test that failed on the code as it
// was, and the loopback fixture held to the same document.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isProviderError, type ProviderError } from '../../../src/core/errors';
import { HttpClient } from '../../../src/core/http';
import type { GenerationRequest } from '../../../src/core/jobModel';
import { bifrostProvider, validateBifrostRequest } from '../../../src/core/providers/bifrost';
import type { ProviderContext } from '../../../src/core/providers/types';
import { BifrostServer } from '../../fixtures/providers/bifrostServer';
import {
  BIFROST_ERROR_RESPONSE_404,
  BIFROST_GET_JOB_CURL,
  BIFROST_JOB_RESPONSE_200,
  BIFROST_JOB_RESPONSE_202,
  BIFROST_STATUS_SENTENCE,
} from '../../fixtures/seedExamples/bifrost';
import { cleanupsFailingOnUnhandledRejections, settingDefault } from '../helpers';
import { replayServer } from './seedReplay';

const cleanups = cleanupsFailingOnUnhandledRejections();
const http = new HttpClient({ timeoutMs: 2000 });

async function answering(status: number, body: string) {
  const replay = await replayServer(() => ({ status, body }));
  cleanups.push(() => replay.close());
  const context: ProviderContext = { http, baseUrl: replay.url, apiKey: 'key' };
  return { context, seen: replay.seen };
}

/** The document's example body with only `status` changed (the document shows "pending" only). */
function exampleWith(status: string, changes: Record<string, unknown> = {}): string {
  return JSON.stringify({ ...JSON.parse(BIFROST_JOB_RESPONSE_200), status, ...changes });
}

const isProblem = (kind: ProviderError['kind'], message: RegExp) => (error: unknown) =>
  isProviderError(error) && error.kind === kind && message.test(error.message);

// --- the document's examples -------------------------------------------------------------------

test('document example request: the client polls GET /v1/async/images/generations/{job_id}', async () => {
  const [, method, url] = /^curl -X (\w+) "([^"]+)"$/.exec(BIFROST_GET_JOB_CURL)!;
  const documented = new URL(url!);
  const { context, seen } = await answering(202, BIFROST_JOB_RESPONSE_202);
  await bifrostProvider.poll(documented.pathname.split('/').pop()!, context);
  assert.deepEqual(
    seen.map((r) => [r.method, r.path]),
    [[method, documented.pathname]],
  );
});

test('document example responses: the 200 and 202 bodies both say "pending", so the job is queued', async () => {
  for (const [status, body] of [
    [200, BIFROST_JOB_RESPONSE_200],
    [202, BIFROST_JOB_RESPONSE_202],
  ] as const) {
    const { context } = await answering(status, body);
    assert.deepEqual(await bifrostProvider.poll('string', context), { status: 'queued' }, `HTTP ${status}`);
  }
});

test('document example error (the 404 body): the job is gone, with the reason from error.error.message', async () => {
  const { context } = await answering(404, BIFROST_ERROR_RESPONSE_404);
  await assert.rejects(bifrostProvider.poll('string', context), isProblem('notFound', /HTTP 404: string$/));
});

test('every status the document names parses to the state it describes', async () => {
  assert.match(BIFROST_STATUS_SENTENCE, /202 if the job is still pending or processing, HTTP 200 if completed or failed/);
  const cases: [string, number, unknown][] = [
    ['pending', 202, { status: 'queued' }],
    ['processing', 202, { status: 'running' }],
    // the example's error body, now on a failed job: its reason is error.error.message
    ['failed', 200, { status: 'failed', reason: 'Bifrost: string' }],
    // completed with the example's `result: null` has nothing to save
    ['completed', 200, { status: 'failed', reason: 'Bifrost reported completed but sent no images' }],
  ];
  for (const [status, code, expected] of cases) {
    const { context } = await answering(code, exampleWith(status));
    assert.deepEqual(await bifrostProvider.poll('string', context), expected, status);
  }
});

test("a completed job: result.data[] (Bifrost's image response) with expires_at read as ISO 8601", async () => {
  // result shape from Bifrost's source (core/schemas/images.go); the document only shows `result: null`
  const result = {
    created: 1566656122,
    data: [
      { url: 'https://cdn.example/a.png', index: 0 },
      { b64_json: 'iVBORw0KGgo=', index: 1 },
    ],
  };
  const { context } = await answering(200, exampleWith('completed', { result, error: null }));
  assert.deepEqual(await bifrostProvider.poll('string', context), {
    status: 'succeeded',
    outputs: [
      { kind: 'url', url: 'https://cdn.example/a.png', expiresAt: Date.parse('2019-08-24T14:15:22Z') },
      { kind: 'base64', data: 'iVBORw0KGgo=' },
    ],
  });
});

// --- findings ------------------------------------------------------------------------------

test('finding: the failure reason is read from error.error.message (it was replaced by a generic one)', async () => {
  const error = {
    ...JSON.parse(BIFROST_ERROR_RESPONSE_404),
    status_code: 400,
    error: { type: 'invalid_request_error', message: 'size 512x512 is not supported by dall-e-3' },
  };
  const { context } = await answering(200, exampleWith('failed', { status_code: 400, error }));
  assert.deepEqual(await bifrostProvider.poll('string', context), {
    status: 'failed',
    reason: 'Bifrost: size 512x512 is not supported by dall-e-3 (HTTP 400)',
  });
});

test('finding: a status the document does not name is an unexpected answer, not a loop', async () => {
  const { context } = await answering(200, exampleWith('cancelled'));
  await assert.rejects(bifrostProvider.poll('string', context), (error: unknown) => {
    assert.ok(isProblem('malformed', /unexpected answer from the provider \(unknown status "cancelled"\)/)(error));
    assert.match((error as ProviderError).details.raw ?? '', /"status":"cancelled"/);
    return true;
  });
});

test("finding: nothing the user did not set is sent, so the model's own default size applies", async () => {
  const { context, seen } = await answering(202, exampleWith('pending'));
  const model = String(settingDefault('bifrost.defaultModel'));
  const request: GenerationRequest = { providerId: 'bifrost', model, prompt: 'a lighthouse', params: {} };
  assert.deepEqual(validateBifrostRequest(request), [], `the default model ${model} with no size is a valid request`);
  await bifrostProvider.submit(request, 'key', context);
  assert.deepEqual(JSON.parse(seen[0]!.body), { model, prompt: 'a lighthouse', response_format: 'b64_json' });
});

test('finding: a size or count the known OpenAI models reject is a problem before sending', () => {
  const request = (model: string, params: GenerationRequest['params']): GenerationRequest => ({
    providerId: 'bifrost',
    model,
    prompt: 'p',
    params,
  });
  // the old default: dall-e-3 at 512x512
  assert.deepEqual(validateBifrostRequest(request('openai/dall-e-3', { width: 512, height: 512 })), [
    { field: 'width', message: 'openai/dall-e-3 makes only 1024x1024, 1792x1024, 1024x1792 (got 512x512)' },
  ]);
  for (const size of [
    [1024, 1024],
    [1792, 1024],
    [1024, 1792],
  ])
    assert.deepEqual(validateBifrostRequest(request('openai/dall-e-3', { width: size[0], height: size[1] })), []);
  for (const side of [256, 512, 1024])
    assert.deepEqual(validateBifrostRequest(request('openai/dall-e-2', { width: side, height: side })), []);
  assert.deepEqual(
    validateBifrostRequest(request('openai/dall-e-2', { width: 1792, height: 1024 })).map((p) => p.field),
    ['width'],
  );
  assert.deepEqual(
    validateBifrostRequest(request('openai/dall-e-3', { count: 2 })).map((p) => p.message),
    ['openai/dall-e-3 makes only 1 image per request (got 2)'],
  );
  // models not known here are left to the gateway
  assert.deepEqual(validateBifrostRequest(request('stability/sd3', { width: 640, height: 448, count: 4 })), []);
  // one size field carries both sides; there is no field for cfgScale or sampler: the request can
  // go without them, so they are warnings
  assert.deepEqual(
    validateBifrostRequest(request('openai/dall-e-2', { width: 512 })).map((p) => [p.field, p.severity ?? 'error']),
    [['width', 'error']],
  );
  assert.deepEqual(
    validateBifrostRequest(request('stability/sd3', { cfgScale: 7, sampler: 'Euler' })).map((p) => [p.field, p.severity]),
    [
      ['cfgScale', 'warning'],
      ['sampler', 'warning'],
    ],
  );
});

// --- the fixture, held to the same document ----------------------------------------------------

async function fixture(): Promise<BifrostServer> {
  const server = new BifrostServer({ durationMs: 150 });
  await server.start();
  cleanups.push(() => server.stop());
  return server;
}

async function call(server: BifrostServer, method: string, path: string, body?: unknown) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

const ISO_8601 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

test("finding: the fixture's times are ISO 8601, as the document shows (they were epoch seconds)", async () => {
  const server = await fixture();
  const submitted = await call(server, 'POST', '/v1/async/images/generations', { model: 'openai/dall-e-3', prompt: 'p' });
  assert.equal(submitted.status, 202);
  assert.match(submitted.body.created_at, ISO_8601);
  await new Promise((resolve) => setTimeout(resolve, 250));
  const done = await call(server, 'GET', `/v1/async/images/generations/${submitted.body.id}`);
  assert.equal(done.status, 200);
  assert.equal(done.body.status, 'completed');
  for (const field of ['created_at', 'completed_at', 'expires_at']) assert.match(done.body[field], ISO_8601, field);
});

test('the fixture answers 202 then 200 as the document says, and a failure carries a BifrostError', async () => {
  const server = await fixture();
  const submitted = await call(server, 'POST', '/v1/async/images/generations', { model: 'openai/dall-e-3', prompt: 'please [fail]' });
  const pending = await call(server, 'GET', `/v1/async/images/generations/${submitted.body.id}`);
  assert.equal(pending.status, 202);
  assert.ok(['pending', 'processing'].includes(pending.body.status), pending.body.status);
  await new Promise((resolve) => setTimeout(resolve, 250));
  const failed = await call(server, 'GET', `/v1/async/images/generations/${submitted.body.id}`);
  assert.deepEqual([failed.status, failed.body.status], [200, 'failed']);
  // the keys of the document's BifrostError, the reason nested at error.error.message
  const documented = JSON.parse(BIFROST_ERROR_RESPONSE_404);
  for (const key of Object.keys(failed.body.error)) assert.ok(key in documented, `error.${key} is in the document`);
  assert.equal(typeof failed.body.error.error.message, 'string');
  assert.equal(failed.body.error.message, undefined, 'no flat message');
  assert.deepEqual(await bifrostProvider.poll(submitted.body.id, { http, baseUrl: server.url, apiKey: server.apiKey }), {
    status: 'failed',
    reason: 'Bifrost: Your request was rejected as a result of our safety system: content policy violation (HTTP 400)',
  });
});

test("the fixture's 404 is the document's BifrostError", async () => {
  const server = await fixture();
  const missing = await call(server, 'GET', '/v1/async/images/generations/no-such-job');
  assert.equal(missing.status, 404);
  const documented = JSON.parse(BIFROST_ERROR_RESPONSE_404);
  for (const key of Object.keys(missing.body)) assert.ok(key in documented, `${key} is in the document`);
  assert.equal(missing.body.error.message, 'job not found or expired');
});
