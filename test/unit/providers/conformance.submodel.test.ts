// SubModel against its own document (seed `submodel-serverless-jobs.txt`): each of the document's
// verbatim curl requests and Outputs (test/fixtures/seedExamples/submodel.ts) goes through the client
// over real HTTP; the request the client sends is compared with the curl, the Output with the state
// the document describes. Then the review findings of issue 10, and the loopback fixture held to the
// same document.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isProviderError, type ProviderError } from '../../../src/core/errors';
import { HttpClient, type HttpRequest } from '../../../src/core/http';
import type { GenerationRequest } from '../../../src/core/jobModel';
import {
  normalizeSubModelJob,
  subModelHealth,
  subModelProvider,
  subModelPurgeQueue,
  subModelStream,
} from '../../../src/core/providers/submodel';
import type { ProviderContext, ProviderOptions } from '../../../src/core/providers/types';
import { SubModelServer } from '../../fixtures/providers/subModelServer';
import { SUBMODEL_EXCERPTS as DOC } from '../../fixtures/seedExamples/submodel';
import { cleanupsFailingOnUnhandledRejections, declaredSettings, settingDefault } from '../helpers';

const cleanups = cleanupsFailingOnUnhandledRejections();
const http = new HttpClient({ timeoutMs: 2000 });
const API_KEY = 'sm-key-0123456789';
const ENDPOINT_ID = 'ep-doc';

// --- reading the document's curl lines ----------------------------------------------------------

interface CurlRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** The curl options the document uses: -X/--request, --url, -H/--header, -d, with '…' quoting. */
function parseCurl(text: string): CurlRequest {
  const tokens = [...text.replace(/\\\n/g, ' ').matchAll(/'([^']*)'|(\S+)/g)].map((match) => match[1] ?? match[2]!);
  assert.equal(tokens.shift(), 'curl');
  let method = 'GET';
  let url = '';
  let body: string | undefined;
  const headers: Record<string, string> = {};
  while (tokens.length) {
    const token = tokens.shift()!;
    if (token === '-X' || token === '--request') method = tokens.shift()!;
    else if (token === '--url') url = tokens.shift()!;
    else if (token === '-H' || token === '--header') {
      const [name, ...value] = tokens.shift()!.split(':');
      headers[name!.trim().toLowerCase()] = value.join(':').trim();
    } else if (token === '-d') body = tokens.shift()!;
    else if (!token.startsWith('-') && !url) url = token;
    else assert.fail(`curl option ${token} not understood`);
  }
  return { method, url, headers, body };
}

/** The document's stream Output has a `// omitted for brevity` line: without it, it is JSON. */
function withoutComments(text: string): string {
  return text
    .split('\n')
    .filter((line) => !line.trim().startsWith('//'))
    .join('\n');
}

// --- a loopback server answering with the document's Outputs --------------------------------------

interface Seen {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

async function answering(body: string, options: ProviderOptions = {}): Promise<{ context: ProviderContext; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    seen.push({ method: req.method!, path: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const context: ProviderContext = {
    http,
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    apiKey: API_KEY,
    options: { endpointId: ENDPOINT_ID, ...documentedOptions(), ...options },
  };
  return { context, seen };
}

/** The request the client sent has the curl's method, path, headers and body (and no body the curl lacks). */
function assertMatchesCurl(seen: Seen, curlText: string, jobId?: string): void {
  const curl = parseCurl(curlText);
  const documented = new URL(curl.url.replace('{endpoint_id}', ENDPOINT_ID).replace('{job_id}', jobId ?? '{job_id}'));
  assert.equal(seen.method, curl.method, 'method');
  assert.equal(seen.path, documented.pathname, 'path');
  for (const [name, value] of Object.entries(curl.headers)) {
    assert.equal(seen.headers[name], value.replace('${API_KEY}', API_KEY), `header ${name}`);
  }
  assert.equal(seen.headers['content-type'], curl.headers['content-type'], 'Content-Type only where the document sends it');
  if (curl.body === undefined) assert.equal(seen.body, '', 'no body');
  else assert.deepEqual(JSON.parse(seen.body), JSON.parse(curl.body), 'body');
}

const request = (params: GenerationRequest['params'] = {}, model = ''): GenerationRequest => ({
  providerId: 'submodel',
  model,
  prompt: 'Your prompt',
  params,
});

const isProblem = (kind: ProviderError['kind'], message: RegExp) => (error: unknown) =>
  isProviderError(error) && error.kind === kind && message.test(error.message);

// --- the document's examples ----------------------------------------------------------------------

/** The base path and key header as the settings' defaults give them (package.json). */
function documentedOptions() {
  return { basePath: String(settingDefault('submodel.basePath')), authHeader: String(settingDefault('submodel.authHeader')) };
}

test('Asynchronous Endpoints: the client sends the documented /run request; the Output is a queued job', async () => {
  const { context, seen } = await answering(DOC.runResponse);
  const result = await subModelProvider.submit(request(), 'key', context);
  assertMatchesCurl(seen[0]!, DOC.runCurl);
  assert.deepEqual(result, { remoteId: 'eaebd6e7-6a92-4bb8-a911-f996ac5ea99d', state: { status: 'queued' } });
});

test('Synchronous Endpoints: the documented /runsync request; the Output is a finished job with its image, seed and times', async () => {
  const { context, seen } = await answering(DOC.runsyncResponse, { runsync: true });
  const result = await subModelProvider.submit(request(), 'key', context);
  assertMatchesCurl(seen[0]!, DOC.runsyncCurl);
  assert.deepEqual(result, {
    remoteId: 'sync-79164ff4-d212-44bc-9fe3-389e199a5c15',
    // delayTime and executionTime: how long the job queued, then ran (the poller learns durations from them)
    state: { status: 'succeeded', outputs: [{ kind: 'url', url: 'https://image.url', seed: 46578 }], queuedMs: 824, runMs: 3391 },
  });
});

test('Check Job Status: POST /status/{job_id}; the Output, a COMPLETED text job, holds no image and says so', async () => {
  const jobId = '60902e6c-08a1-426e-9cb9-9eaec90f5e2b-u1';
  const { context, seen } = await answering(DOC.statusResponse);
  const state = await subModelProvider.poll(jobId, context);
  assertMatchesCurl(seen[0]!, DOC.statusCurl, jobId);
  // the document's worker answers text: the remote job COMPLETED, and an image job has nothing to save
  assert.equal(state.status, 'failed');
  assert.match(
    (state as { reason: string }).reason,
    /the job COMPLETED but its output holds no image .*Hello! How can I assist you today\?/,
  );
});

test('Cancel Job: the documented request; the Output reads as a cancelled job', async () => {
  const jobId = '724907fe-7bcc-4e42-998d-52cb93e1421f-u1';
  const { context, seen } = await answering(DOC.cancelResponse);
  await subModelProvider.cancel!(jobId, context);
  assertMatchesCurl(seen[0]!, DOC.cancelCurl, jobId);
  assert.deepEqual(normalizeSubModelJob(JSON.parse(DOC.cancelResponse)), { status: 'cancelled' });
});

test('Health Endpoint: the documented GET; the Output is returned as the document shows it', async () => {
  const { context, seen } = await answering(DOC.healthResponse);
  const health = await subModelHealth(context);
  assertMatchesCurl(seen[0]!, DOC.healthCurl);
  assert.deepEqual(health, JSON.parse(DOC.healthResponse));
});

test('Purge Queue Endpoint: the documented request; the Output says how many were removed', async () => {
  const { context, seen } = await answering(DOC.purgeQueueResponse);
  assert.deepEqual(await subModelPurgeQueue(context), { removed: 2, status: 'completed' });
  assertMatchesCurl(seen[0]!, DOC.purgeQueueCurl);
});

test('Stream Results: POST /stream/{job_id}; the Output, a top-level array of {metrics, output}, is read chunk by chunk', async () => {
  const jobId = 'eaebd6e7-6a92-4bb8-a911-f996ac5ea99d';
  const { context, seen } = await answering(withoutComments(DOC.streamResponse));
  const stream = await subModelStream(jobId, context);
  assertMatchesCurl(seen[0]!, DOC.streamCurl, jobId);
  assert.deepEqual(stream.chunks, JSON.parse(withoutComments(DOC.streamResponse)));
  // its output is text (" How"): no image among it yet
  assert.deepEqual(stream.outputs, []);
});

test("every status: the document's three, and the RunPod family's three PROVIDERS.md adds [G]", () => {
  const documented = (body: string) => normalizeSubModelJob(JSON.parse(body)).status;
  assert.equal(documented(DOC.runResponse), 'queued');
  assert.equal(documented(DOC.runsyncResponse), 'succeeded');
  assert.equal(documented(DOC.cancelResponse), 'cancelled');
  assert.deepEqual(normalizeSubModelJob({ id: 'j', status: 'IN_PROGRESS' }), { status: 'running' });
  assert.deepEqual(normalizeSubModelJob({ id: 'j', status: 'FAILED', error: 'CUDA out of memory' }), {
    status: 'failed',
    reason: 'SubModel: CUDA out of memory',
  });
  assert.equal(normalizeSubModelJob({ id: 'j', status: 'TIMED_OUT' }).status, 'failed');
});

// --- the review findings (issue 10) ---------------------------------------------------------------

test('finding: a status neither the document nor the RunPod family has is an unexpected answer, with the body kept', async () => {
  const body = JSON.stringify({ ...JSON.parse(DOC.runResponse), status: 'PAUSED' });
  const { context } = await answering(body);
  const rejected = subModelProvider.poll('eaebd6e7-6a92-4bb8-a911-f996ac5ea99d', context);
  await assert.rejects(
    rejected,
    isProblem('malformed', /unexpected answer from the provider \(status "PAUSED" is not one the document shows\)/),
  );
  await rejected.catch((error: ProviderError) => assert.match(error.details.raw!, /"PAUSED"/));
});

test('finding: a submit answered with an id and an unknown status keeps the id; the poll decides', async () => {
  const { context } = await answering(JSON.stringify({ ...JSON.parse(DOC.runResponse), status: 'PAUSED' }));
  assert.deepEqual(await subModelProvider.submit(request(), 'key', context), {
    remoteId: 'eaebd6e7-6a92-4bb8-a911-f996ac5ea99d',
    state: { status: 'queued' },
  });
});

test('finding: only the input keys the document shows are sent, whatever else the user set', async () => {
  const { context, seen } = await answering(DOC.runResponse);
  const everything = { width: 512, height: 768, steps: 30, cfgScale: 7, sampler: 'euler', seed: 5, negativePrompt: 'blurry', count: 2 };
  await subModelProvider.submit(request(everything, 'sdxl-turbo'), 'key', context);
  assertMatchesCurl(seen[0]!, DOC.runCurl);
  assert.deepEqual(JSON.parse(seen[0]!.body), { input: { prompt: 'Your prompt' } });
});

test("finding: by default every operation goes to the document's https://api.submodel.ai/v1/sl/{endpoint_id}", async () => {
  const urls: string[] = [];
  const recording = {
    requestJson: async (req: HttpRequest) => (urls.push(req.url), Promise.reject(new Error('not sent'))),
  } as unknown as HttpClient;
  const context: ProviderContext = {
    http: recording,
    baseUrl: String(settingDefault('submodel.baseUrl')),
    apiKey: API_KEY,
    options: { endpointId: ENDPOINT_ID, ...documentedOptions() },
  };
  const jobId = 'job-1';
  const calls: [() => Promise<unknown>, string][] = [
    [() => subModelProvider.submit(request(), 'key', context), DOC.runCurl],
    [() => subModelProvider.submit(request(), 'key', { ...context, options: { ...context.options, runsync: true } }), DOC.runsyncCurl],
    [() => subModelProvider.poll(jobId, context), DOC.statusCurl],
    [() => subModelProvider.cancel!(jobId, context), DOC.cancelCurl],
    [() => subModelStream(jobId, context), DOC.streamCurl],
    [() => subModelHealth(context), DOC.healthCurl],
    [() => subModelPurgeQueue(context), DOC.purgeQueueCurl],
  ];
  for (const [call, curl] of calls) {
    await call().catch(() => undefined);
    assert.equal(urls.pop(), parseCurl(curl).url.replace('{endpoint_id}', ENDPOINT_ID).replace('{job_id}', jobId));
  }
});

test("finding: the settings default to the document's base URL and describe only its paths", () => {
  const settings = declaredSettings();
  assert.equal(settings['imageJobs.submodel.baseUrl'].default, 'https://api.submodel.ai');
  assert.equal(settings['imageJobs.submodel.basePath'].default, '/v1/sl');
  const described = [...String(settings['imageJobs.submodel.basePath'].markdownDescription).matchAll(/`(\/[^`]*)`/g)].map(
    (match) => match[1]!,
  );
  assert.ok(described.length > 0);
  const documentText = Object.values(DOC).join('\n');
  for (const path of described)
    assert.ok(documentText.includes(`https://api.submodel.ai${path}/{endpoint_id}`), `${path} is a path the document shows`);
});

// --- the loopback fixture answers as the document shows -------------------------------------------

/** Keys all the way down (arrays by their first item): what a body looks like, not its values. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length ? [shape(value[0])] : [];
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, shape((value as Record<string, unknown>)[key])]),
    );
  return typeof value;
}

async function fixture(): Promise<{
  server: SubModelServer;
  call: (method: string, path: string, body?: unknown, key?: string) => Promise<{ status: number; body: unknown; allow: string | null }>;
}> {
  const server = new SubModelServer();
  server.durationMs = 100;
  await server.start();
  cleanups.push(() => server.stop());
  const call = async (method: string, path: string, body?: unknown, key = server.apiKey) => {
    const headers: Record<string, string> = { 'x-apikey': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
    const response = await fetch(`${server.url}/v1/sl/${server.endpointId}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json(), allow: response.headers.get('allow') };
  };
  return { server, call };
}

const documentBody = (curl: string) => JSON.parse(parseCurl(curl).body!);

test("fixture: run, status, runsync, stream, health and purge-queue answer in the document's shapes", async () => {
  const { call } = await fixture();
  const run = await call('POST', '/run', documentBody(DOC.runCurl));
  assert.equal(run.status, 200);
  assert.deepEqual(shape(run.body), shape(JSON.parse(DOC.runResponse)));
  assert.equal((run.body as { status: string }).status, 'IN_QUEUE');
  const id = (run.body as { id: string }).id;

  let status: Record<string, unknown> = {};
  for (
    const end = Date.now() + 3000;
    status.status !== 'COMPLETED' && Date.now() < end;
    await new Promise((resolve) => setTimeout(resolve, 20))
  ) {
    status = (await call('POST', `/status/${id}`)).body as Record<string, unknown>;
  }
  // the document's status keys, with the image output its /runsync example shows
  assert.deepEqual(Object.keys(status).sort(), Object.keys(JSON.parse(DOC.statusResponse)).sort());
  assert.deepEqual(shape(status.output), shape(JSON.parse(DOC.runsyncResponse).output));

  const runsync = await call('POST', '/runsync', documentBody(DOC.runsyncCurl));
  assert.deepEqual(shape(runsync.body), shape(JSON.parse(DOC.runsyncResponse)));
  assert.match((runsync.body as { id: string }).id, /^sync-/);

  const stream = (await call('POST', `/stream/${id}`)).body as Record<string, unknown>[];
  const documentedChunk = JSON.parse(withoutComments(DOC.streamResponse))[0];
  assert.ok(Array.isArray(stream) && stream.length === 1, 'a top-level array');
  assert.deepEqual(Object.keys(stream[0]!).sort(), Object.keys(documentedChunk).sort());
  for (const key of Object.keys(stream[0]!.metrics as object))
    assert.ok(key in documentedChunk.metrics, `metrics.${key} is a documented key`);

  assert.deepEqual(shape((await call('GET', '/health')).body), shape(JSON.parse(DOC.healthResponse)));
  assert.deepEqual(shape((await call('POST', '/purge-queue')).body), shape(JSON.parse(DOC.purgeQueueResponse)));
});

test("fixture: cancelling a queued job answers as the document's Cancel Job Output", async () => {
  const { server, call } = await fixture();
  server.durationMs = 10_000;
  const { id } = (await call('POST', '/run', documentBody(DOC.runCurl))).body as { id: string };
  const cancelled = await call('POST', `/cancel/${id}`);
  assert.deepEqual(shape(cancelled.body), shape(JSON.parse(DOC.cancelResponse)));
  assert.equal((cancelled.body as { status: string }).status, 'CANCELLED');
});

test('finding: the fixture refuses a method the document does not show for a path (GET /status, GET /stream, …) with 405', async () => {
  const { call } = await fixture();
  const { id } = (await call('POST', '/run', documentBody(DOC.runCurl))).body as { id: string };
  for (const [method, path, allowed] of [
    ['GET', `/status/${id}`, 'POST'],
    ['GET', `/stream/${id}`, 'POST'],
    ['GET', `/cancel/${id}`, 'POST'],
    ['GET', '/run', 'POST'],
    ['POST', '/health', 'GET'],
  ] as const) {
    const answer = await call(method, path);
    assert.deepEqual([answer.status, answer.allow], [405, allowed], `${method} ${path}`);
  }
  assert.equal((await call('POST', `/status/${id}`, undefined, 'wrong-key')).status, 401);
});
