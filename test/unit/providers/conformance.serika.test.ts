// Serika against its own document (seed `serika-jobs-api.txt`): the document's verbatim example
// requests and responses (test/fixtures/seedExamples/serika.ts) go through the client over real
// HTTP. Then the review findings of issue 10, each with a test that failed on the code as it was,
// and the loopback fixture held to the same document.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isProviderError, type ProviderError } from '../../../src/core/errors';
import { HttpClient } from '../../../src/core/http';
import { planFromPromptFile, planFromText, type GenerationDefaults } from '../../../src/core/prompt/generationPlan';
import type { GenerationRequest } from '../../../src/core/jobModel';
import { parsePromptFile } from '../../../src/core/prompt/promptFile';
import { serikaProvider } from '../../../src/core/providers/serika';
import type { ProviderContext } from '../../../src/core/providers/types';
import { SerikaServer } from '../../fixtures/providers/serikaServer';
import {
  SERIKA_GET_JOB_CURL,
  SERIKA_JOB_RESPONSE,
  SERIKA_LIST_ENDPOINT,
  SERIKA_LIST_RESPONSE,
  SERIKA_REQUEST_PARAMETERS,
  SERIKA_STATUS_VALUES,
  SERIKA_SUBMIT_BODY_CURL,
  SERIKA_SUBMIT_BODY_PYTHON,
  SERIKA_SUBMIT_CURL,
  SERIKA_SUBMIT_RESPONSE,
} from '../../fixtures/seedExamples/serika';
import { cleanupsFailingOnUnhandledRejections } from '../helpers';
import { replayServer, type Answer } from './seedReplay';

const cleanups = cleanupsFailingOnUnhandledRejections();
const http = new HttpClient({ timeoutMs: 2000 });
/** The document's base URL path, so request paths compare with its cURL lines as they are. */
const BASE_PATH = '/api/openai/v1';

async function answering(answer: (method: string, path: string) => Answer) {
  const replay = await replayServer(answer);
  cleanups.push(() => replay.close());
  const context: ProviderContext = { http, baseUrl: `${replay.url}${BASE_PATH}`, apiKey: 'sk-your-api-key' };
  return { context, seen: replay.seen };
}

const always = (status: number, body: string) => answering(() => ({ status, body }));

/** The document's job example with only the named fields changed. */
function jobWith(changes: Record<string, unknown>): string {
  return JSON.stringify({ ...JSON.parse(SERIKA_JOB_RESPONSE), ...changes });
}

/** "curl -X POST https://api.serika.dev/api/openai/v1/jobs/images" → ['POST', '/api/openai/v1/jobs/images']. */
function curlLine(line: string): [string, string] {
  const [, method, url] = /^curl -X (\w+) (\S+)$/.exec(line)!;
  return [method!, new URL(url!).pathname];
}

const documentModel = 'tensorart-illustrious-xl-v2-aesthetic';
const documentPrompt = 'A futuristic city with neon lights, cyberpunk style';

// --- the document's examples -------------------------------------------------------------------

test('document example request (Python/JavaScript tabs): width and height set, sent as given', async () => {
  const { context, seen } = await always(200, SERIKA_SUBMIT_RESPONSE);
  await serikaProvider.submit(
    { providerId: 'serika', model: documentModel, prompt: documentPrompt, params: { width: 1024, height: 1024 } },
    'key',
    context,
  );
  assert.deepEqual([seen[0]!.method, seen[0]!.path], curlLine(SERIKA_SUBMIT_CURL));
  assert.deepEqual(JSON.parse(seen[0]!.body), JSON.parse(SERIKA_SUBMIT_BODY_PYTHON));
});

test('finding: document example request (cURL tab): nothing set, nothing sent but model and prompt', async () => {
  // width/height used to be sent as 512 whatever the user set; the document's default is 1024
  assert.match(SERIKA_REQUEST_PARAMETERS, /`width` \| integer \| No \| Image width \(default: 1024\)/);
  // the request as a .prompt file with no config, and as typed text, plans it
  const { prompt } = parsePromptFile(`---\nmodel: serika/${documentModel}\n---\n${documentPrompt}`);
  const defaults: GenerationDefaults = {
    providerId: 'serika',
    modelFor: () => documentModel,
    outputFolder: 'out',
    nameTemplate: '{{name}}',
    outputRoot: 'file:///tmp',
  };
  const requests = [planFromPromptFile(prompt!, {}, 'city.prompt', defaults).request, planFromText(documentPrompt, defaults).request];
  for (const request of requests) {
    const { context, seen } = await always(200, SERIKA_SUBMIT_RESPONSE);
    await serikaProvider.submit(request, 'key', context);
    assert.deepEqual(JSON.parse(seen[0]!.body), JSON.parse(SERIKA_SUBMIT_BODY_CURL));
  }
});

test('document example submit response: the job id, queued', async () => {
  const { context } = await always(200, SERIKA_SUBMIT_RESPONSE);
  assert.deepEqual(
    await serikaProvider.submit({ providerId: 'serika', model: documentModel, prompt: documentPrompt, params: {} }, 'key', context),
    {
      remoteId: 'job-12345...',
      state: { status: 'queued' },
    },
  );
});

test('document example status request and response: GET /jobs/{jobId}, COMPLETED with its one image', async () => {
  const { context, seen } = await always(200, SERIKA_JOB_RESPONSE);
  const [method, path] = curlLine(SERIKA_GET_JOB_CURL);
  assert.deepEqual(await serikaProvider.poll(path.split('/').pop()!, context), {
    status: 'succeeded',
    outputs: [
      { kind: 'url', url: 'https://api.serika.dev/api/cdn/images/generated-image.png', width: 1024, height: 1024, seed: 123456789 },
    ],
  });
  assert.deepEqual([seen[0]!.method, seen[0]!.path], [method, path]);
});

test('document status values: each parses to the state it describes', async () => {
  for (const status of ['QUEUED', 'PROCESSING', 'COMPLETED', 'FAILED']) assert.ok(SERIKA_STATUS_VALUES.includes(`\`${status}\``), status);
  const expected: Record<string, unknown> = {
    QUEUED: { status: 'queued' },
    PROCESSING: { status: 'running' },
    COMPLETED: {
      status: 'succeeded',
      outputs: [
        { kind: 'url', url: 'https://api.serika.dev/api/cdn/images/generated-image.png', width: 1024, height: 1024, seed: 123456789 },
      ],
    },
    // "Check the `error` field for details"
    FAILED: { status: 'failed', reason: 'out of memory' },
  };
  for (const [status, state] of Object.entries(expected)) {
    const { context } = await always(
      200,
      jobWith(status === 'FAILED' ? { status, result: undefined, error: 'out of memory' } : { status }),
    );
    assert.deepEqual(await serikaProvider.poll('job-12345abcde', context), state, status);
  }
});

test('document list example: one GET /jobs; the PROCESSING job is read from it, the COMPLETED one is to be asked alone', async () => {
  assert.match(SERIKA_LIST_ENDPOINT, /`GET \/jobs`/);
  const { context, seen } = await answering(() => ({ status: 200, body: SERIKA_LIST_RESPONSE }));
  const states = await serikaProvider.pollMany!(['job-12345abcde', 'job-67890fghij'], context);
  assert.deepEqual(Object.fromEntries(states), {
    // the list has no result: only the job's own GET /jobs/{jobId} has it
    'job-12345abcde': { askAlone: true },
    'job-67890fghij': { state: { status: 'running' } },
  });
  assert.deepEqual(
    seen.map((r) => `${r.method} ${r.path}`),
    [`GET ${BASE_PATH}/jobs`],
  );
});

// --- findings ------------------------------------------------------------------------------

const isProblem = (kind: ProviderError['kind'], message: RegExp) => (error: unknown) =>
  isProviderError(error) && error.kind === kind && message.test(error.message);

test('finding: an unknown status ends as an unexpected answer naming it, with the raw body', async () => {
  const { context } = await always(200, jobWith({ status: 'CANCELLED', result: null }));
  await assert.rejects(serikaProvider.poll('job-12345abcde', context), (error: unknown) => {
    assert.ok(
      isProblem('malformed', /Checking the Serika job: unexpected answer from the provider \(unknown status "CANCELLED"\)/)(error),
      String(error),
    );
    assert.match((error as ProviderError).details.raw ?? '', /"status":"CANCELLED"/);
    return true;
  });
});

test('finding: a FAILED job whose error has no message ends as failed with a generic reason', async () => {
  for (const error of [undefined, null, {}, { code: 'E_WORKER' }, '', { message: '' }]) {
    const { context } = await always(200, jobWith({ status: 'FAILED', result: null, error }));
    assert.deepEqual(
      await serikaProvider.poll('job-12345abcde', context),
      { status: 'failed', reason: 'Serika reported the job as FAILED without a reason' },
      JSON.stringify(error),
    );
  }
  const { context } = await always(200, jobWith({ status: 'FAILED', result: null, error: { message: 'NSFW content detected' } }));
  assert.deepEqual(await serikaProvider.poll('job-12345abcde', context), { status: 'failed', reason: 'NSFW content detected' });
});

test('finding: count > 1 is a problem, not silently dropped (Serika makes one image per job)', () => {
  const request = (count?: number): GenerationRequest => ({ providerId: 'serika', model: documentModel, prompt: 'p', params: { count } });
  assert.deepEqual(serikaProvider.validate!(request()), []);
  assert.deepEqual(serikaProvider.validate!(request(1)), []);
  assert.deepEqual(serikaProvider.validate!(request(3)), [{ field: 'count', message: 'Serika makes one image per job (got count 3)' }]);
});

test("pollMany: another job's unreadable or undocumented entry in the list does not break the refresh", async () => {
  const list = JSON.parse(SERIKA_LIST_RESPONSE);
  list.jobs.push({ id: 'job-someone-else', status: 'ARCHIVED', created_at: 1677858400, model: documentModel }, { id: 42 }, 'junk');
  const { context } = await answering(() => ({ status: 200, body: JSON.stringify(list) }));
  const states = await serikaProvider.pollMany!(['job-67890fghij'], context);
  assert.deepEqual(Object.fromEntries(states), { 'job-67890fghij': { state: { status: 'running' } } });
});

test("pollMany: our job's status the document does not name is to be asked alone, where it counts", async () => {
  const list = JSON.parse(SERIKA_LIST_RESPONSE);
  list.jobs[1].status = 'ARCHIVED';
  const { context } = await answering(() => ({ status: 200, body: JSON.stringify(list) }));
  assert.deepEqual(Object.fromEntries(await serikaProvider.pollMany!(['job-67890fghij'], context)), {
    'job-67890fghij': { askAlone: true },
  });
});

test('pollMany: a job the list does not hold is left out, for the poller to ask alone on its own schedule', async () => {
  const { context, seen } = await answering(() => ({ status: 200, body: SERIKA_LIST_RESPONSE }));
  const states = await serikaProvider.pollMany!(['job-older', 'job-67890fghij'], context);
  assert.deepEqual(Object.fromEntries(states), { 'job-67890fghij': { state: { status: 'running' } } });
  assert.deepEqual(
    seen.map((r) => `${r.method} ${r.path}`),
    [`GET ${BASE_PATH}/jobs`],
  );
});

test("pollMany: the list's own failure is thrown (it concerns every job)", async () => {
  const { context } = await always(503, '{"error":{"message":"overloaded"}}');
  await assert.rejects(serikaProvider.pollMany!(['job-67890fghij'], context), isProblem('server', /overloaded/));
});

// --- the fixture, held to the same document ----------------------------------------------------

test("the fixture applies the document's default size (1024×1024) when none is sent", async () => {
  const server = new SerikaServer({ durationMs: 100 });
  await server.start();
  cleanups.push(() => server.stop());
  const context: ProviderContext = { http, baseUrl: server.baseUrl, apiKey: server.apiKey };
  const { remoteId } = await serikaProvider.submit(
    { providerId: 'serika', model: documentModel, prompt: documentPrompt, params: {} },
    'key',
    context,
  );
  assert.deepEqual(JSON.parse(server.requests[0]!.body), JSON.parse(SERIKA_SUBMIT_BODY_CURL));
  await new Promise((resolve) => setTimeout(resolve, 200));
  const state = await serikaProvider.poll(remoteId, context);
  assert.equal(state.status, 'succeeded');
  assert.deepEqual(state.status === 'succeeded' && [state.outputs[0]!.width, state.outputs[0]!.height], [1024, 1024]);
});
