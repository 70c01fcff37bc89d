// A chat agent's tool input: parsed with the generation bounds, refused with messages that name the
// input, and described to the model by package.json's JSON schemas, which must say the same.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { z } from 'zod';
import {
  generateImageInputSchema,
  listImagesInputSchema,
  parseGenerateImageInput,
  parseListImagesInput,
} from '../../../src/core/tools/imageToolInput';

function problems(raw: unknown): readonly string[] {
  const result = parseGenerateImageInput(raw);
  assert.equal(result.ok, false, 'refused');
  return result.ok ? [] : result.problems;
}

describe('imageJobs_generate input', () => {
  it('takes a prompt alone, and every field with a size turned into width and height', () => {
    assert.deepEqual(parseGenerateImageInput({ prompt: '  A lighthouse at dusk ' }), {
      ok: true,
      value: { prompt: 'A lighthouse at dusk' },
    });
    assert.deepEqual(
      parseGenerateImageInput({
        prompt: 'A lighthouse',
        negativePrompt: 'text',
        model: 'serika/flux-schnell',
        size: '1024 × 768',
        count: 2,
        seed: 42,
        outputFolder: 'docs/images',
        targetDocument: 'README.md',
      }),
      {
        ok: true,
        value: {
          prompt: 'A lighthouse',
          negativePrompt: 'text',
          model: 'serika/flux-schnell',
          width: 1024,
          height: 768,
          count: 2,
          seed: 42,
          outputFolder: 'docs/images',
          targetDocument: 'README.md',
        },
      },
    );
  });

  it('names each input that is wrong and says what it must be', () => {
    assert.deepEqual(problems({}), ['prompt is required']);
    assert.deepEqual(problems({ prompt: '   ' }), ['prompt is empty: describe the image']);
    assert.deepEqual(problems({ prompt: 'x', count: 11 }), ['count: at most 10']);
    assert.deepEqual(problems({ prompt: 'x', count: 1.5 }), ['count: expected a whole number, got 1.5']);
    assert.deepEqual(problems({ prompt: 'x', seed: -1 }), ['seed: at least 0']);
    assert.deepEqual(problems({ prompt: 'x', size: 'large' }), ['size must be "WIDTHxHEIGHT", for example "1024x768"']);
    assert.deepEqual(problems({ prompt: 'x', size: '32x9000' }), ['size: width: at least 64', 'size: height: at most 4096']);
  });

  it('refuses an output folder outside the workspace or naming a Windows device', () => {
    assert.match(problems({ prompt: 'x', outputFolder: '../elsewhere' })[0]!, /outputFolder must be a path inside the workspace/);
    assert.match(problems({ prompt: 'x', outputFolder: '/etc' })[0]!, /outputFolder must be a path inside the workspace/);
    assert.match(problems({ prompt: 'x', outputFolder: 'C:\\images' })[0]!, /outputFolder must be a path inside the workspace/);
    assert.match(problems({ prompt: 'x', outputFolder: 'docs/nul' })[0]!, /Windows device/);
  });

  it('an unknown input is named with the inputs the tool takes, not dropped', () => {
    assert.deepEqual(problems({ prompt: 'x', steps: 30 }), [
      'unknown input "steps": the tool takes prompt, negativePrompt, model, size, count, seed, outputFolder, targetDocument',
    ]);
  });

  it('a value that is not an object is refused, not thrown', () => {
    assert.deepEqual(problems('a lighthouse'), ['expected a map of keys, got "a lighthouse"']);
  });
});

describe('imageJobs_listImages input', () => {
  it('takes nothing, or a query, model, limit and target document', () => {
    assert.deepEqual(parseListImagesInput(undefined), { ok: true, value: {} });
    assert.deepEqual(parseListImagesInput({ query: ' lighthouse ', model: 'sandbox', limit: 5, targetDocument: 'docs/page.md' }), {
      ok: true,
      value: { query: 'lighthouse', model: 'sandbox', limit: 5, targetDocument: 'docs/page.md' },
    });
    assert.deepEqual(parseListImagesInput({ limit: 500 }), { ok: false, problems: ['limit: at most 100'] });
  });
});

describe('package.json describes the same inputs to the model', () => {
  const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'package.json'), 'utf8'));
  const declared = (name: string) => {
    const tool = manifest.contributes.languageModelTools.find((candidate: { name: string }) => candidate.name === name);
    assert.ok(tool, `${name} is contributed`);
    return tool as { inputSchema: { properties: Record<string, Record<string, unknown>>; required?: string[] }; modelDescription: string };
  };

  for (const [name, schema] of [
    ['imageJobs_generate', generateImageInputSchema],
    ['imageJobs_listImages', listImagesInputSchema],
  ] as const) {
    it(`${name}: the same fields, required ones and number bounds as the parser`, () => {
      const { inputSchema, modelDescription } = declared(name);
      const parsed = z.toJSONSchema(schema, { io: 'input' }) as {
        properties: Record<string, Record<string, unknown>>;
        required?: string[];
      };
      assert.deepEqual(Object.keys(inputSchema.properties), Object.keys(parsed.properties));
      assert.deepEqual(inputSchema.required ?? [], parsed.required ?? []);
      for (const [field, property] of Object.entries(parsed.properties)) {
        const written = inputSchema.properties[field]!;
        assert.ok(typeof written.description === 'string' && written.description.length > 20, `${field} is described`);
        for (const bound of ['type', 'minimum', 'maximum'] as const) {
          if (property[bound] !== undefined) assert.equal(written[bound], property[bound], `${field}.${bound}`);
        }
      }
      assert.ok(modelDescription.length > 200, 'the model is told when to use it and what it returns');
    });
  }

  it('the size pattern accepts what the parser accepts', () => {
    const pattern = new RegExp(declared('imageJobs_generate').inputSchema.properties.size!.pattern as string);
    for (const size of ['1024x768', '512 X 512', '640×480']) {
      assert.ok(pattern.test(size), size);
      assert.equal(parseGenerateImageInput({ prompt: 'x', size }).ok, true, size);
    }
    assert.equal(pattern.test('large'), false);
  });
});
