// A .prompt file as the editor shows it: parsed, and the request it makes checked against the
// provider's limits, each problem on the value that breaks it (the model's range otherwise).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPromptFile } from '../../../src/core/prompt/promptCheck';

function onlyError(source: string) {
  const result = checkPromptFile(source);
  assert.equal(result.prompt, undefined, 'a file with errors yields no prompt');
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  assert.ok(errors.length >= 1, 'expected an error');
  return errors[0]!;
}

test('an unknown Sandbox model is an error', () => {
  assert.match(onlyError('---\nmodel: sandbox/sdxl\n---\nprompt').message, /Sandbox has no model "sdxl"/);
});

test("a provider's documented limits are diagnostics on the value that breaks them", () => {
  const source = '---\nmodel: tams/600423083519508503\nconfig:\n  width: 500\n  height: 768\n  count: 5\n---\nA castle';
  const { prompt, diagnostics } = checkPromptFile(source);
  assert.equal(prompt, undefined);
  const width = diagnostics.find((d) => d.message === 'TAMS: width must be a multiple of 64 from 512 to 1536 (got 500)')!;
  assert.deepEqual(width.range, { start: { line: 3, character: 9 }, end: { line: 3, character: 12 } });
  const count = diagnostics.find((d) => d.message === 'TAMS: count must be 1–4 (got 5)')!;
  assert.equal(count.range.start.line, 5);
});

test('a provider problem with the model points at the model', () => {
  const { diagnostics } = checkPromptFile('---\nmodel: bifrost/dall-e-3\n---\nA castle');
  const error = diagnostics.find((d) => d.severity === 'error')!;
  assert.match(error.message, /Bifrost needs provider\/model after "bifrost\/"/);
  assert.deepEqual(error.range, { start: { line: 1, character: 7 }, end: { line: 1, character: 23 } });
});

test('video jobs are only for providers that make videos', () => {
  const { diagnostics } = checkPromptFile('---\nmodel: sandbox/landscape\nconfig:\n  kind: video\n---\nA castle');
  const error = diagnostics.find((d) => d.severity === 'error')!;
  assert.match(error.message, /does not make videos \(PhotoGPT does\)/);
  assert.equal(error.range.start.line, 3);
  assert.ok(checkPromptFile('---\nmodel: photogpt/model-1\nconfig:\n  kind: video\n---\nA castle').prompt);
});

test('provider limits are reported beside body errors, as the file is fixed in any order', () => {
  const { diagnostics } = checkPromptFile('---\nmodel: tams/600423083519508503\nconfig:\n  count: 5\n---\nA {{#if x}}castle{{/if}}');
  const messages = diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
  assert.ok(
    messages.some((m) => m === 'TAMS: count must be 1–4 (got 5)'),
    messages.join(' | '),
  );
  assert.ok(
    messages.some((m) => m.includes('is not supported')),
    messages.join(' | '),
  );
});

test('a file without a model is not checked against any provider here (the default provider is checked on submit)', () => {
  const { prompt } = checkPromptFile('---\nconfig:\n  count: 9\n---\nA castle');
  assert.ok(prompt);
});
