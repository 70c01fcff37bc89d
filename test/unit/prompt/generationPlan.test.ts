// The one request builder and the one pre-send check, shared by diagnostics and submission.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildRequest, planFromPromptFile } from '../../../src/core/prompt/generationPlan';
import { validateRequest } from '../../../src/core/providers/requestRules';
import { JobManager, type ProviderAccess } from '../../../src/core/jobs/jobManager';
import type { GenerationRequest } from '../../../src/core/jobModel';
import { JobStore } from '../../../src/core/jobs/jobStore';
import { parsePromptFile } from '../../../src/core/prompt/promptFile';
import { PROVIDER_IMPLEMENTATIONS } from '../../../src/core/providers/registry';
import type { ImageProvider } from '../../../src/core/providers/types';
import { collectingLogger, fileSink, memoryPersistence, rootUri, tempDir, waitFor } from '../helpers';

const noLimits: Pick<ImageProvider, 'validate'> = {};

test('a request carries only what the user set, and a video kind as its operation', () => {
  assert.deepEqual(buildRequest({ providerId: 'photogpt', model: 'm-1' }, 'a fox', { width: 512, kind: 'video', sampler: undefined }), {
    providerId: 'photogpt',
    model: 'm-1',
    prompt: 'a fox',
    params: { width: 512 },
    operation: { kind: 'video' },
  });
  assert.deepEqual(buildRequest({ providerId: 'sandbox', model: 'landscape' }, 'a fox', { kind: 'image' }), {
    providerId: 'sandbox',
    model: 'landscape',
    prompt: 'a fox',
    params: {},
  });
});

test('a prompt file plan is built by the same builder: a seed of -1 is no seed', () => {
  const { prompt } = parsePromptFile('---\nmodel: photogpt/m-1\nconfig:\n  seed: -1\n  kind: video\n---\nA fox');
  const plan = planFromPromptFile(prompt!, {}, 'fox.prompt', {
    providerId: 'sandbox',
    modelFor: () => undefined,
    outputFolder: 'out',
    nameTemplate: '{{name}}',
    outputRoot: 'file:///ws',
  });
  assert.deepEqual(plan.request, buildRequest({ providerId: 'photogpt', model: 'm-1' }, 'A fox', { kind: 'video' }));
});

test("validateRequest: the provider's own limits, then rules across providers", () => {
  const tams: GenerationRequest = { providerId: 'tams', model: '6004', prompt: 'p', params: { count: 9 } };
  assert.deepEqual(
    validateRequest(tams, PROVIDER_IMPLEMENTATIONS.tams).map((problem) => problem.field),
    ['count'],
  );
  const video: GenerationRequest = { providerId: 'tams', model: '6004', prompt: 'p', params: {}, operation: { kind: 'video' } };
  assert.deepEqual(validateRequest(video, noLimits), [{ field: 'operation', message: 'tams does not make videos (PhotoGPT does)' }]);
  const upscale: GenerationRequest = {
    providerId: 'serika',
    model: 'x',
    prompt: '',
    params: {},
    operation: { kind: 'upscale', imageId: 'img-1' },
  };
  assert.equal(validateRequest(upscale, noLimits)[0]?.field, 'operation');
  assert.deepEqual(validateRequest({ ...video, providerId: 'photogpt' }, PROVIDER_IMPLEMENTATIONS.photogpt), []);
  assert.deepEqual(validateRequest({ ...upscale, providerId: 'photogpt', model: '' }, PROVIDER_IMPLEMENTATIONS.photogpt), []);
  const sandbox: GenerationRequest = { providerId: 'sandbox', model: 'sdxl', prompt: 'p', params: {} };
  assert.match(validateRequest(sandbox, PROVIDER_IMPLEMENTATIONS.sandbox)[0]!.message, /Sandbox has no model "sdxl"/);
  assert.deepEqual(validateRequest({ ...sandbox, model: 'landscape' }, PROVIDER_IMPLEMENTATIONS.sandbox), []);
});

test('submission refuses what validateRequest refuses, before anything is sent', async () => {
  let submits = 0;
  const provider: ImageProvider = {
    id: 'sandbox',
    idempotentSubmit: false,
    submit: async () => {
      submits++;
      return { remoteId: 'r-1', state: { status: 'queued' } };
    },
    poll: async () => ({ status: 'queued' }),
  };
  const access: ProviderAccess = async () => ({ provider, context: { http: undefined as never, baseUrl: 'http://127.0.0.1:9' } });
  const store = new JobStore(memoryPersistence());
  const manager = new JobManager(store, access, fileSink, collectingLogger());
  try {
    const output = { root: rootUri(tempDir()), folder: 'out', nameTemplate: '{{name}}', baseName: 'fox' };
    const id = await manager.submit(
      { providerId: 'sandbox', model: 'landscape', prompt: 'a fox', params: {}, operation: { kind: 'video' } },
      { kind: 'script' },
      output,
    );
    const job = await waitFor(() => store.get(id)?.status === 'failed' && store.get(id), 5000, 'the refusal');
    assert.match(job.error!.message, /sandbox does not make videos \(PhotoGPT does\)/);
    assert.equal(submits, 0, 'nothing was sent');
  } finally {
    manager.dispose();
  }
});
