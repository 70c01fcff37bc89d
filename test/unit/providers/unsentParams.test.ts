// Settings a provider's request cannot carry are said, not dropped: each provider's validate warns
// about every one the user set that its client does not send, a warning never blocks, and in a
// `.prompt` file it shows on the value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpClient } from '../../../src/core/http';
import type { GenerationParams, GenerationRequest, ProviderId } from '../../../src/core/jobModel';
import { checkPromptFile } from '../../../src/core/prompt/promptCheck';
import { validateBifrostRequest } from '../../../src/core/providers/bifrost';
import { validatePhotoGptRequest } from '../../../src/core/providers/photogpt';
import { sandboxProvider } from '../../../src/core/providers/sandbox';
import { validateSerikaRequest } from '../../../src/core/providers/serika';
import { validateSubModelRequest } from '../../../src/core/providers/submodel';
import { validateTamsRequest } from '../../../src/core/providers/tams';
import { blockingProblems, type RequestProblem } from '../../../src/core/providers/types';
import { cleanupsFailingOnUnhandledRejections } from '../helpers';
import { replayServer } from './seedReplay';

const cleanups = cleanupsFailingOnUnhandledRejections();

/** Every parameter, set to a value each provider's limits accept. */
const EVERYTHING: Required<GenerationParams> = {
  width: 512,
  height: 768,
  steps: 25,
  cfgScale: 7,
  sampler: 'Euler a',
  seed: 5,
  negativePrompt: 'blurry',
  count: 1,
};

const request = (providerId: ProviderId, model: string, params: GenerationParams, more: Partial<GenerationRequest> = {}) =>
  ({ providerId, model, prompt: 'a lighthouse at dusk', params, ...more }) as GenerationRequest;

const warnings = (problems: RequestProblem[]) => problems.filter((problem) => problem.severity === 'warning');
const warnedFields = (problems: RequestProblem[]) => warnings(problems).map((problem) => problem.field);

test('SubModel warns about every parameter the user set: only the prompt reaches the worker', () => {
  const problems = validateSubModelRequest(request('submodel', 'x', EVERYTHING));
  assert.deepEqual(warnedFields(problems).sort(), Object.keys(EVERYTHING).sort());
  assert.deepEqual(blockingProblems(problems), [], 'none of them blocks the job');
  assert.equal(
    problems.find((problem) => problem.field === 'width')!.message,
    "SubModel sends only the prompt to the endpoint's worker; width is not sent",
  );
  assert.deepEqual(validateSubModelRequest(request('submodel', 'x', {})), [], 'nothing set, nothing to say');
});

test('PhotoGPT warns about what each job kind leaves out; its errors stay errors', () => {
  const image = validatePhotoGptRequest(request('photogpt', 'model-1', EVERYTHING));
  assert.deepEqual(warnedFields(image), ['negativePrompt', 'cfgScale', 'sampler']);
  assert.equal(
    image.find((problem) => problem.field === 'cfgScale')!.message,
    "PhotoGPT's image generation has no field for cfgScale; it is not sent",
  );
  assert.deepEqual(blockingProblems(image), []);
  // videos/generation and images/upscaling carry none of the settings
  const video = validatePhotoGptRequest(request('photogpt', 'model-1', { width: 512, seed: 5 }, { operation: { kind: 'video' } }));
  assert.deepEqual(warnedFields(video), ['width', 'seed']);
  const upscale = validatePhotoGptRequest(request('photogpt', '', { count: 2 }, { operation: { kind: 'upscale', imageId: 'img-1' } }));
  assert.deepEqual(warnedFields(upscale), ['count']);
  const noModel = validatePhotoGptRequest(request('photogpt', '', { sampler: 'euler' }));
  assert.deepEqual(
    blockingProblems(noModel).map((problem) => problem.field),
    ['model'],
  );
  assert.deepEqual(warnedFields(noModel), ['sampler']);
});

test('Bifrost: cfgScale and sampler are warnings (the request goes without them); half a size is still an error', () => {
  const problems = validateBifrostRequest(request('bifrost', 'stability/sd3', { cfgScale: 7, sampler: 'Euler', steps: 30, seed: 1 }));
  assert.deepEqual(warnedFields(problems), ['cfgScale', 'sampler']);
  assert.deepEqual(blockingProblems(problems), []);
  assert.equal(problems[0]!.message, "Bifrost's image request has no field for cfgScale; it is not sent");
  const halfSize = validateBifrostRequest(request('bifrost', 'stability/sd3', { width: 512 }));
  assert.deepEqual(
    blockingProblems(halfSize).map((problem) => problem.field),
    ['width'],
  );
});

test('Serika and TAMS send every parameter: nothing to warn about', () => {
  assert.deepEqual(validateSerikaRequest(request('serika', 'flux-schnell', EVERYTHING)), []);
  assert.deepEqual(validateTamsRequest(request('tams', '600423083519508503', EVERYTHING)), []);
});

test('the Sandbox sends every parameter too, so it has nothing to warn about', async () => {
  const server = await replayServer(() => ({ status: 202, body: '{"id":"job-1","status":"queued"}' }));
  cleanups.push(server.close);
  await sandboxProvider.submit(request('sandbox', 'landscape', EVERYTHING), 'key-1', { http: new HttpClient(), baseUrl: server.url });
  assert.deepEqual(JSON.parse(server.seen[0]!.body), {
    request_id: 'key-1',
    model: 'landscape',
    prompt: 'a lighthouse at dusk',
    negative_prompt: 'blurry',
    width: 512,
    height: 768,
    steps: 25,
    cfg_scale: 7,
    sampler: 'Euler a',
    seed: 5,
    count: 1,
  });
});

test('a .prompt for SubModel with a width: a warning on the value, and the file still yields a prompt', () => {
  const { prompt, diagnostics } = checkPromptFile('---\nmodel: submodel/x\nconfig:\n  width: 768\n---\nA castle');
  assert.ok(prompt, 'a warning does not block the file');
  assert.deepEqual(diagnostics, [
    {
      severity: 'warning',
      message: "SubModel sends only the prompt to the endpoint's worker; width is not sent",
      range: { start: { line: 3, character: 9 }, end: { line: 3, character: 12 } },
    },
  ]);
});

test('an invalid value gets its error, not a warning that it is not sent', () => {
  const { prompt, diagnostics } = checkPromptFile('---\nmodel: submodel/x\nconfig:\n  width: 99999\n---\nA castle');
  assert.equal(prompt, undefined);
  assert.deepEqual(
    diagnostics.map((diagnostic) => [diagnostic.severity, diagnostic.range.start.line]),
    [['error', 3]],
  );
  assert.match(diagnostics[0]!.message, /width.*4096/);
});
