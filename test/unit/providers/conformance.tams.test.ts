// TAMS against its own document (seed `tensorart-tams-jobs.txt`): the document's verbatim examples
// (test/fixtures/seedExamples/tams.ts) go through the client over real HTTP, and the request the
// client builds must have the shape of the document's example request. Then the review findings
// of issue 10, each with the test that failed on the client as it was, and the fixture's refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProviderError } from '../../../src/core/errors';
import { HttpClient } from '../../../src/core/http';
import type { GenerationRequest } from '../../../src/core/jobModel';
import { estimateTamsCredits, normalizeTamsJob, tamsProvider, type TamsJobBody } from '../../../src/core/providers/tams';
import type { ProviderContext } from '../../../src/core/providers/types';
import { TamsServer } from '../../fixtures/providers/tamsServer';
import { shapeProblems } from '../../fixtures/seedExamples/shape';
import { TAMS_CREATE_JOB_REQUEST, TAMS_ERROR_RESPONSE_DEFAULT, TAMS_JOB_RESPONSE_200 } from '../../fixtures/seedExamples/tams';
import { cleanupsFailingOnUnhandledRejections, rejection } from '../helpers';

const cleanups = cleanupsFailingOnUnhandledRejections();
const http = new HttpClient({ timeoutMs: 2000 });

const request: GenerationRequest = {
  providerId: 'tams',
  model: '600423083519508503',
  prompt: 'a lighthouse at dusk',
  params: { width: 512, height: 768, count: 2, seed: 5, steps: 25, cfgScale: 7, sampler: 'DPM++ 2M Karras', negativePrompt: 'blurry' },
};

interface Seen {
  readonly method: string;
  readonly path: string;
  readonly body: string;
}

/** A server that answers every request with one canned body, and keeps what it was sent. */
async function answering(status: number, body: string): Promise<{ context: ProviderContext; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    seen.push({ method: req.method!, path: req.url!, body: Buffer.concat(chunks).toString('utf8') });
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return { context: { http, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, apiKey: 'key' }, seen };
}

/** The document's 200 example with only `status` changed (and, where said, its placeholder URLs made real). */
function exampleWith(status: string, realUrls = false): TamsJobBody {
  const body = JSON.parse(TAMS_JOB_RESPONSE_200) as { job: Record<string, any> };
  body.job.status = status;
  if (realUrls) {
    body.job.successInfo.images[0].url = 'https://cdn.example/image.png';
    body.job.successInfo.videos[0].url = 'https://cdn.example/video.mp4';
  }
  return body as TamsJobBody;
}

// --- the document's examples --------------------------------------------------------------------

test("TAMS conformance: the create-job request has the shape of the document's example", async () => {
  const { context, seen } = await answering(200, TAMS_JOB_RESPONSE_200);
  const example = JSON.parse(TAMS_CREATE_JOB_REQUEST);
  for (const params of [request.params, {}]) {
    seen.length = 0;
    await tamsProvider.submit({ ...request, params }, 'request-key-1', context);
    assert.equal(seen.length, 1);
    assert.equal(`${seen[0]!.method} ${seen[0]!.path}`, 'POST /v1/jobs');
    const body = JSON.parse(seen[0]!.body);
    assert.deepEqual(shapeProblems(body, example), [], `params ${JSON.stringify(params)}`);
    assert.equal(body.requestId, 'request-key-1', 'requestId (required) is the idempotency key');
    assert.ok(Array.isArray(body.stages) && body.stages.length > 0, 'stages (required)');
  }
});

test("TAMS conformance: the document's 200 example (status DEFAULT) is a job not yet started", async () => {
  const { context } = await answering(200, TAMS_JOB_RESPONSE_200);
  const submitted = await tamsProvider.submit(request, 'request-key-2', context);
  // "string" placeholders for queueRank/queueLen are no numbers: the queue position is unknown
  assert.deepEqual(submitted, {
    remoteId: 'string',
    state: { status: 'queued', queuePosition: undefined, queueLength: undefined, credits: 0 },
  });
  assert.deepEqual(await tamsProvider.poll('string', context), submitted.state);
});

test("TAMS conformance: the document's error example (default response) reaches the user with its message", async () => {
  const { context } = await answering(400, TAMS_ERROR_RESPONSE_DEFAULT);
  const error = await rejection(tamsProvider.submit(request, 'request-key-3', context));
  assert.equal(error.kind, 'badRequest');
  assert.match(error.message, /HTTP 400: string$/);
});

test("TAMS conformance: the example's infos read per status (status changed, all else verbatim)", () => {
  assert.deepEqual(normalizeTamsJob(exampleWith('RUNNING')), { status: 'running', progress: 0, credits: 0 });
  assert.deepEqual(normalizeTamsJob(exampleWith('FAILED')), { status: 'failed', reason: 'TAMS: string (code DEFAULT)' });
  assert.deepEqual(normalizeTamsJob(exampleWith('CANCELED')), { status: 'cancelled' });
  // the example's result URLs are the placeholder "string": nothing could be downloaded
  assert.throws(
    () => normalizeTamsJob(exampleWith('SUCCESS')),
    (error: ProviderError) => error.kind === 'malformed' && /not an http\(s\) URL/.test(error.message),
  );
  // width/height 0 in the example are unknown; expiredIn "string" gives no expiry
  const now = Date.now();
  assert.deepEqual(normalizeTamsJob(exampleWith('SUCCESS', true), undefined, now), {
    status: 'succeeded',
    credits: 0,
    outputs: [
      { kind: 'url', url: 'https://cdn.example/image.png', width: undefined, height: undefined, mimeType: undefined, expiresAt: undefined },
      { kind: 'url', url: 'https://cdn.example/video.mp4', width: undefined, height: undefined, mimeType: undefined, expiresAt: undefined },
    ],
  });
});

// --- review findings (issue 10) -----------------------------------------------------------------

test('TAMS finding: expiredIn is a string ("3600s"), and a finished job is read, not malformed', () => {
  const body = exampleWith('SUCCESS', true);
  body.job.successInfo!.images![0]!.expiredIn = '3600s';
  body.job.successInfo!.images![0]!.meta!.image!.format = 'png';
  body.job.successInfo!.videos = [];
  const state = normalizeTamsJob(body, undefined, 1_000_000);
  assert.equal(state.status, 'succeeded');
  assert.deepEqual(state.status === 'succeeded' && state.outputs.map((output) => output.kind === 'url' && output.expiresAt), [
    1_000_000 + 3_600_000,
  ]);
});

test('TAMS finding: a finished job from the fixture is read; sizes come from meta.image', async () => {
  const server = new TamsServer({ durationMs: 60 });
  await server.start();
  cleanups.push(() => server.stop());
  const context: ProviderContext = { http, baseUrl: server.url, apiKey: server.apiKey };
  const { remoteId } = await tamsProvider.submit(request, 'finding-key', context);
  let state = await tamsProvider.poll(remoteId, context);
  for (let tries = 0; state.status !== 'succeeded' && tries < 100; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 30));
    state = await tamsProvider.poll(remoteId, context);
  }
  assert.equal(state.status, 'succeeded');
  if (state.status !== 'succeeded') return;
  const job = server.jobs.get(remoteId)!;
  assert.equal(state.outputs.length, 2);
  for (const output of state.outputs) {
    assert.equal(output.width, job.width, 'width from meta.image');
    assert.equal(output.height, job.height, 'height from meta.image');
    assert.equal(output.mimeType, 'image/png', 'from meta.image.format');
    assert.ok(output.kind === 'url' && output.expiresAt! > Date.now() + 3_000_000, 'expiredIn read as seconds from now');
  }
});

test('TAMS finding: successInfo.videos are results too', () => {
  const body = exampleWith('SUCCESS', true);
  body.job.successInfo!.images = [];
  body.job.successInfo!.videos![0]!.meta!.image!.format = 'mp4';
  const state = normalizeTamsJob(body);
  assert.equal(state.status, 'succeeded');
  assert.deepEqual(state.status === 'succeeded' && state.outputs.map((output) => output.kind === 'url' && [output.url, output.mimeType]), [
    ['https://cdn.example/video.mp4', 'video/mp4'],
  ]);
});

test('TAMS finding: an unknown status or a SUCCESS without results is an unexpected answer, with the body kept', async () => {
  const { context } = await answering(200, JSON.stringify({ job: { id: 'j1', status: 'PAUSED' } }));
  const error = await rejection(tamsProvider.poll('j1', context));
  assert.equal(error.kind, 'malformed');
  assert.match(error.message, /unknown job status "PAUSED"/);
  assert.match(error.details.raw!, /"PAUSED"/);
  const empty = await answering(200, JSON.stringify({ job: { id: 'j2', status: 'SUCCESS', successInfo: { images: [], videos: [] } } }));
  const noResults = await rejection(tamsProvider.poll('j2', empty.context));
  assert.equal(noResults.kind, 'malformed', 'not a silent failure: the job manager decides after a few such answers');
  assert.match(noResults.message, /SUCCESS without images or videos/);
});

test('TAMS finding: the credit estimate is POST /v1/jobs/credits with the stages', async () => {
  const server = new TamsServer();
  await server.start();
  cleanups.push(() => server.stop());
  const context: ProviderContext = { http, baseUrl: server.url, apiKey: server.apiKey };
  assert.equal(await estimateTamsCredits(request, context), 1);
  const sent = server.requests[0]!;
  assert.equal(`${sent.method} ${sent.path}`, 'POST /v1/jobs/credits');
  assert.deepEqual(Object.keys(JSON.parse(sent.body)), ['stages']);
  assert.equal(server.jobs.size, 0, 'an estimate makes no job');
  // the public docs' response sample {"credits": 0}
  const sample = await answering(200, '{"credits": 0}');
  assert.equal(await estimateTamsCredits(request, sample.context), 0);
  await assert.rejects(estimateTamsCredits({ ...request, params: { width: 500 } }, context), /width must be a multiple of 64/);
});

test('TAMS finding: cancel reads no field of the answer (no document describes it)', async () => {
  const server = new TamsServer({ durationMs: 5000 });
  await server.start();
  cleanups.push(() => server.stop());
  const context: ProviderContext = { http, baseUrl: server.url, apiKey: server.apiKey };
  const { remoteId } = await tamsProvider.submit(request, 'cancel-key', context);
  await tamsProvider.cancel!(remoteId, context);
  assert.deepEqual(await tamsProvider.poll(remoteId, context), { status: 'cancelled' });
});

// --- the fixture holds the client to the document -----------------------------------------------

test('TAMS fixture: refuses what the document contradicts and answers its 400 errors', async () => {
  const server = new TamsServer({ maxRequestsPerSecond: undefined });
  await server.start();
  cleanups.push(() => server.stop());
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, message: ((await response.json()) as { message?: string }).message ?? '' };
  };
  const stages = (diffusion: Record<string, unknown>, init: Record<string, unknown> = { count: '1' }) => [
    { type: 'INPUT_INITIALIZE', inputInitialize: init },
    { type: 'DIFFUSION', diffusion: { prompts: [{ text: 'x' }], sdModel: 'm', ...diffusion } },
  ];
  const cases: [string, unknown, RegExp][] = [
    ['no requestId', { stages: stages({}) }, /requestId is required/],
    ['no stages', { requestId: 'a' }, /stages is required/],
    ['an int64 as a number', { requestId: 'b', stages: stages({ width: 512 }) }, /stages\[1\]\.diffusion\.width: expected a string/],
    [
      'a field the document does not name',
      { requestId: 'c', stages: stages({ negativePrompt: 'x' }) },
      /diffusion\.negativePrompt: not a field the document names/,
    ],
    ['a snake_case field', { request_id: 'd', stages: stages({}) }, /unknown field request_id/],
    ['an unknown stage type', { requestId: 'e', stages: [{ type: 'TXT2IMG', diffusion: {} }] }, /unknown stage type "TXT2IMG"/],
    [
      'a size off the 64 grid',
      { requestId: 'f', stages: stages({ width: '520' }) },
      /^invalid_height_or_width: Height and width must be specified in increments of 64$/,
    ],
    ['no image', { requestId: 'g', stages: stages({}, { count: '0' }) }, /^invalid_samples: Sample count may only be greater then 1$/],
  ];
  for (const [name, body, message] of cases) {
    const answer = await post('/v1/jobs', body);
    assert.equal(answer.status, 400, name);
    assert.match(answer.message, message, name);
  }
  assert.equal(server.jobs.size, 0);
  assert.equal(
    (await post('/v1/jobs', { requestId: 'h', stages: stages({}), notifyUrl: 'https://example.invalid/hook' })).status,
    200,
    "unset sizes are the example's 512",
  );
  assert.equal((await post('/v1/jobs/credits', { requestId: 'i', stages: stages({}) })).status, 400, 'the estimate takes only stages');
});
