// Issue 12: a .prompt file's problems are all reported at once, a provider's limit reads as that
// provider's rule, and a likely typo comes with "did you mean" and the replacement that fixes it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPromptFile } from '../../../src/core/prompt/promptCheck';
import type { PromptDiagnostic } from '../../../src/core/prompt/promptFile';
import { closestName } from '../../../src/core/prompt/suggestions';

const errors = (source: string) => checkPromptFile(source).diagnostics.filter((d) => d.severity === 'error');
const byMessage = (diagnostics: readonly PromptDiagnostic[], message: string) => {
  const found = diagnostics.find((d) => d.message === message);
  assert.ok(found, `"${message}" among: ${diagnostics.map((d) => d.message).join(' | ')}`);
  return found;
};

test("a value beyond the schema's bound on TAMS shows TAMS's rule, not the generic bound", () => {
  const found = errors('---\nmodel: tams/600423083519508503\nconfig:\n  width: 10000\n---\nA castle');
  assert.deepEqual(
    found.map((d) => d.message),
    ['TAMS: width must be a multiple of 64 from 512 to 1536 (got 10000)'],
  );
  assert.deepEqual(found[0]!.range, { start: { line: 3, character: 9 }, end: { line: 3, character: 14 } });
});

test('the generic bound only where no provider rule applies', () => {
  // the Sandbox sets no width limit of its own
  assert.deepEqual(
    errors('---\nmodel: sandbox/landscape\nconfig:\n  width: 10000\n---\nA castle').map((d) => d.message),
    ['config.width: at most 4096'],
  );
  // TAMS has no seed rule: the schema's stays, beside TAMS's steps rule
  const messages = errors('---\nmodel: tams/1\nconfig:\n  seed: -5\n  steps: 500\n---\nA castle').map((d) => d.message);
  assert.deepEqual(messages.sort(), ['TAMS: steps must be 10–50 (got 500)', 'config.seed: at least -1']);
});

test('schema errors, unknown keys, template problems and provider problems come together', () => {
  const source = [
    '---',
    'model: tams/600423083519508503',
    'modle: x',
    'config:',
    '  width: 10000',
    '  steps: many',
    '  stepz: 20',
    '  count: 9',
    '---',
    'A {{#if x}}castle{{/if}} by {{artist}}',
  ].join('\n');
  const { prompt, diagnostics } = checkPromptFile(source);
  assert.equal(prompt, undefined);
  byMessage(diagnostics, 'TAMS: width must be a multiple of 64 from 512 to 1536 (got 10000)');
  byMessage(diagnostics, 'config.steps: expected a number, got "many"');
  byMessage(diagnostics, 'Unknown key "stepz" in config: did you mean `steps`?');
  byMessage(diagnostics, 'TAMS: count must be 1–4 (got 9)');
  byMessage(diagnostics, 'Unknown front matter key "modle"; it is ignored: did you mean `model`?');
  byMessage(diagnostics, '"{{#if x}}" is not supported: use plain {{variable}} placeholders (no helpers or blocks).');
  byMessage(diagnostics, '"{{artist}}" has no default in input.default: you will be asked for it when generating.');
});

test('unknown config keys close to a known one say which, and offer the replacement', () => {
  const source = '---\nconfig:\n  stepz: 20\n  cfg_scale: 7\n  negative_prompt: blurry\n  wibble: 1\n---\nA castle';
  const found = errors(source);
  const stepz = byMessage(found, 'Unknown key "stepz" in config: did you mean `steps`?');
  assert.deepEqual(stepz.range, { start: { line: 2, character: 2 }, end: { line: 2, character: 7 } });
  assert.deepEqual(stepz.fix, { kind: 'replace', title: 'Change to "steps"', text: 'steps' });
  assert.equal(byMessage(found, 'Unknown key "cfg_scale" in config: did you mean `cfgScale`?').fix?.kind, 'replace');
  assert.deepEqual(byMessage(found, 'Unknown key "negative_prompt" in config: did you mean `negativePrompt`?').fix, {
    kind: 'replace',
    title: 'Change to "negativePrompt"',
    text: 'negativePrompt',
  });
  const far = found.find((d) => d.message.startsWith('Unknown key "wibble"'))!;
  assert.match(far.message, /known keys: width, height, steps/);
  assert.equal(far.fix, undefined, 'no guess where nothing is close');
});

test('an unknown provider close to a known one offers the corrected model', () => {
  const [error] = errors('---\nmodel: tam/600423083519508503\n---\nA castle');
  assert.equal(error!.message, 'Unknown provider "tam" in model: did you mean `tams/`?');
  assert.deepEqual(error!.fix, { kind: 'replace', title: 'Change to "tams/600423083519508503"', text: 'tams/600423083519508503' });
  assert.deepEqual(error!.range, { start: { line: 1, character: 7 }, end: { line: 1, character: 29 } });
  const [far] = errors('---\nmodel: dalle/three\n---\nA castle');
  assert.match(far!.message, /known providers: sandbox, serika, tams/);
  assert.equal(far!.fix, undefined);
});

test('an unknown Sandbox model close to a known one offers it', () => {
  const [error] = errors('---\nmodel: sandbox/landscap\n---\nA castle');
  assert.match(error!.message, /Sandbox has no model "landscap"/);
  assert.deepEqual(error!.fix, { kind: 'replace', title: 'Change to "sandbox/landscape"', text: 'sandbox/landscape' });
});

test('the model the file names is located even when the file has other errors', () => {
  const { modelAt } = checkPromptFile('---\nmodel: serika/flux\nconfig:\n  width: huge\n---\nA castle');
  assert.deepEqual(modelAt, { providerId: 'serika', range: { start: { line: 1, character: 7 }, end: { line: 1, character: 18 } } });
  assert.equal(checkPromptFile('---\nconfig: {}\n---\nA castle').modelAt, undefined);
});

test('closestName: typos and spellings, not different words', () => {
  assert.equal(closestName('stepz', ['width', 'steps', 'seed']), 'steps');
  assert.equal(closestName('CFG-Scale', ['cfgScale', 'count']), 'cfgScale');
  assert.equal(closestName('hieght', ['width', 'height']), 'height', 'a swap of neighbours is one edit');
  assert.equal(closestName('colour', ['count', 'seed']), undefined);
  assert.equal(closestName('', ['seed']), undefined);
});
