// The request an agent's call makes: the model resolved as the settings say, the provider's own
// limits checked before any job is recorded, and the images saved where the agent or the settings say.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProviderId } from '../../../src/core/jobModel';
import type { GenerationDefaults } from '../../../src/core/prompt/generationPlan';
import { planImageTool, resolveToolModel } from '../../../src/core/tools/imageToolPlan';

function defaults(providerId: ProviderId = 'sandbox', models: Partial<Record<ProviderId, string>> = {}): GenerationDefaults {
  return {
    providerId,
    modelFor: (id) => models[id],
    outputFolder: 'assets/generated',
    nameTemplate: '{{name}}-{{seed}}',
    outputRoot: 'file:///work',
  };
}

describe('the model an agent names', () => {
  it('provider/model, a provider alone (its default model), a bare model of the default provider, or nothing', () => {
    const settings = defaults('serika', { serika: 'flux-schnell' });
    assert.deepEqual(resolveToolModel('bifrost/openai/dall-e-3', settings), {
      ok: true,
      value: { providerId: 'bifrost', model: 'openai/dall-e-3' },
    });
    assert.deepEqual(resolveToolModel('serika', settings), { ok: true, value: { providerId: 'serika', model: 'flux-schnell' } });
    assert.deepEqual(resolveToolModel('sandbox', settings), { ok: true, value: { providerId: 'sandbox', model: 'landscape' } });
    assert.deepEqual(resolveToolModel('flux-dev', settings), { ok: true, value: { providerId: 'serika', model: 'flux-dev' } });
    assert.deepEqual(resolveToolModel(undefined, settings), { ok: true, value: { providerId: 'serika', model: 'flux-schnell' } });
  });

  it('an unknown provider gets the likely one; a provider with no default model says how to name one', () => {
    assert.deepEqual(resolveToolModel('sandbx/landscape', defaults()), {
      ok: false,
      problems: ['model: unknown provider "sandbx": did you mean "sandbox/landscape"?'],
    });
    assert.deepEqual(resolveToolModel('tams', defaults()), {
      ok: false,
      problems: ['model: TensorArt TAMS has no default model: pass "tams/<model>", or ask the user to set imageJobs.tams.defaultModel'],
    });
  });
});

describe('the plan of a call', () => {
  it('builds the request with only what the agent set, and saves under the settings folder by default', () => {
    const plan = planImageTool({ prompt: 'A lighthouse at dusk', width: 256, height: 192, seed: 7 }, defaults());
    assert.deepEqual(plan, {
      ok: true,
      value: {
        request: {
          providerId: 'sandbox',
          model: 'landscape',
          prompt: 'A lighthouse at dusk',
          params: { width: 256, height: 192, seed: 7 },
        },
        output: { root: 'file:///work', folder: 'assets/generated', nameTemplate: '{{name}}-{{seed}}', baseName: 'a-lighthouse-at-dusk' },
        notes: [],
      },
    });
  });

  it("the agent's output folder wins, with forward slashes", () => {
    const plan = planImageTool({ prompt: 'x', outputFolder: 'docs\\images' }, defaults());
    assert.equal(plan.ok && plan.value.output.folder, 'docs/images');
  });

  it("a value beyond the provider's documented limits is refused before any job, in that provider's words", () => {
    assert.deepEqual(planImageTool({ prompt: 'x', model: 'tams/123', width: 1000, height: 512 }, defaults()), {
      ok: false,
      problems: ['TAMS: width must be a multiple of 64 from 512 to 1536 (got 1000)'],
    });
    assert.deepEqual(planImageTool({ prompt: 'x', model: 'serika/flux-schnell', count: 2 }, defaults()), {
      ok: false,
      problems: ['Serika makes one image per job (got count 2)'],
    });
    assert.deepEqual(planImageTool({ prompt: 'x', model: 'sandbox/portrait' }, defaults()), {
      ok: false,
      problems: ['The Sandbox has no model "portrait"; use one of: sandbox/landscape, sandbox/broken.'],
    });
  });

  it('a value the provider has no field for goes as a note, and the job still runs', () => {
    const plan = planImageTool({ prompt: 'x', model: 'photogpt/model-1', negativePrompt: 'text' }, defaults());
    assert.equal(plan.ok, true);
    assert.deepEqual(plan.ok && plan.value.notes, ["PhotoGPT's image generation has no field for negativePrompt; it is not sent"]);
  });
});
