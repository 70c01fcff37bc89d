import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePromptFile, renderTemplate } from '../../../src/core/prompt/promptFile';

const VALID = `---
model: sandbox/landscape
config:
  width: 640
  height: 384
  steps: 25
  cfgScale: 6.5
  sampler: Euler a
  seed: 42
  negativePrompt: blurry
  count: 2
input:
  default:
    subject: a lighthouse
output:
  folder: art/out
  name: "{{name}}-{{seed}}"
---
A watercolor of {{subject}} at {{ time }}
`;

test('a valid .prompt file parses into model, config, defaults, output and template', () => {
  const { prompt, diagnostics } = parsePromptFile(VALID);
  assert.ok(prompt);
  assert.deepEqual(prompt.model, { providerId: 'sandbox', model: 'landscape' });
  assert.deepEqual(prompt.config, {
    width: 640,
    height: 384,
    steps: 25,
    cfgScale: 6.5,
    sampler: 'Euler a',
    seed: 42,
    negativePrompt: 'blurry',
    count: 2,
  });
  assert.deepEqual(prompt.inputDefaults, { subject: 'a lighthouse' });
  assert.deepEqual(prompt.output, { folder: 'art/out', name: '{{name}}-{{seed}}' });
  assert.equal(prompt.template, 'A watercolor of {{subject}} at {{ time }}');
  assert.deepEqual(prompt.missingVariables, ['time']);
  assert.equal(prompt.bodyStartLine, 18);
  // the variable without a default is reported as information, on its own range
  assert.equal(diagnostics.length, 1);
  assert.equal(diagnostics[0]!.severity, 'information');
  assert.deepEqual(diagnostics[0]!.range, { start: { line: 18, character: 31 }, end: { line: 18, character: 41 } });
});

test('renderTemplate fills known placeholders and leaves unknown ones', () => {
  assert.equal(renderTemplate('{{a}} and {{ b }} and {{c}}', { a: '1', b: '2' }), '1 and 2 and {{c}}');
});

test('a file without front matter is just a prompt', () => {
  const { prompt, diagnostics } = parsePromptFile('A red fox in snow\n');
  assert.equal(prompt?.template, 'A red fox in snow');
  assert.equal(prompt?.model, undefined);
  assert.deepEqual(diagnostics, []);
});

test('seed -1 means random', () => {
  assert.equal(parsePromptFile('---\nconfig:\n  seed: -1\n---\nx').prompt?.config.seed, undefined);
});

function onlyError(source: string) {
  const result = parsePromptFile(source);
  assert.equal(result.prompt, undefined, 'a file with errors yields no prompt');
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  assert.ok(errors.length >= 1, 'expected an error');
  return errors[0]!;
}

test('unclosed front matter is an error on the opening fence', () => {
  const error = onlyError('---\nmodel: sandbox/landscape\nA prompt');
  assert.match(error.message, /no closing "---"/);
  assert.deepEqual(error.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } });
});

test('YAML syntax errors say what to fix, on the mistake, shifted to the file', () => {
  const error = onlyError('---\nmodel: sandbox/landscape\nconfig: [1, 2\n---\nprompt');
  assert.match(error.message, /^This list is missing its closing "\]" \(YAML: /);
  // the "[" on line 2, not the closing fence where the parser noticed
  assert.deepEqual(error.range, { start: { line: 2, character: 8 }, end: { line: 2, character: 9 } });
});

test('a wrong type points at the value', () => {
  const error = onlyError('---\nconfig:\n  width: big\n---\nprompt');
  assert.match(error.message, /^config\.width: /);
  assert.deepEqual(error.range, { start: { line: 2, character: 9 }, end: { line: 2, character: 12 } });
});

test('out-of-range numbers are errors', () => {
  const error = onlyError('---\nconfig:\n  count: 99\n---\nprompt');
  assert.match(error.message, /config\.count/);
  assert.equal(error.range.start.line, 2);
});

test('an unknown config key points at the key and suggests the right spelling', () => {
  const error = onlyError('---\nconfig:\n  cfg_scale: 7\n---\nprompt');
  assert.equal(error.message, 'Unknown key "cfg_scale" in config: did you mean `cfgScale`?');
  assert.deepEqual(error.fix, { kind: 'replace', title: 'Change to "cfgScale"', text: 'cfgScale' });
  assert.deepEqual(error.range, { start: { line: 2, character: 2 }, end: { line: 2, character: 11 } });
});

test('an unknown provider is an error on the model value', () => {
  const error = onlyError('---\nmodel: dalle/three\n---\nprompt');
  assert.match(error.message, /Unknown provider "dalle"/);
  assert.deepEqual(error.range, { start: { line: 1, character: 7 }, end: { line: 1, character: 18 } });
});

test('a model without provider prefix is an error', () => {
  assert.match(onlyError('---\nmodel: landscape\n---\nprompt').message, /provider\/model/);
});

test('an output folder outside the workspace is refused', () => {
  assert.match(onlyError('---\noutput:\n  folder: ../../etc\n---\nprompt').message, /inside the workspace/);
});

test('an output folder Windows cannot create (a device name) is refused', () => {
  for (const folder of ['CON', 'art/nul', 'art\\\\Com1.d/x', 'aux.png']) {
    assert.match(onlyError(`---\noutput:\n  folder: "${folder}"\n---\nprompt`).message, /names a Windows device/, folder);
  }
  assert.ok(parsePromptFile('---\noutput:\n  folder: art/console/icons\n---\nprompt').prompt);
});

test('an empty body is an error', () => {
  const error = onlyError('---\nmodel: sandbox/landscape\n---\n\n');
  assert.match(error.message, /body is empty/);
});

test('front matter that is not a mapping is an error', () => {
  assert.match(onlyError('---\n- a\n- b\n---\nprompt').message, /must be a YAML mapping/);
  // one key and its value without ": " read as a string: the message says what is likely missing
  assert.match(
    onlyError('---\nmodel landscape\n---\nprompt').message,
    /must be a YAML mapping .* A key needs a colon and a space after it/,
  );
});

test('handlebars helpers and unbalanced braces are errors with ranges', () => {
  const helper = onlyError('---\n---\nA {{#if x}}cat{{/if}}');
  assert.match(helper.message, /not supported/);
  assert.deepEqual(helper.range.start, { line: 2, character: 2 });
  const unbalanced = onlyError('a picture of {{subject');
  assert.match(unbalanced.message, /Unbalanced "\{\{"/);
  assert.deepEqual(unbalanced.range, { start: { line: 0, character: 13 }, end: { line: 0, character: 15 } });
});

test('unknown top-level keys are warnings, not errors', () => {
  const { prompt, diagnostics } = parsePromptFile('---\nmodle: sandbox/landscape\n---\nprompt');
  assert.ok(prompt);
  assert.equal(diagnostics[0]?.severity, 'warning');
  assert.match(diagnostics[0]!.message, /Unknown front matter key "modle"/);
});

test('duplicate keys are YAML errors', () => {
  assert.match(onlyError('---\nmodel: sandbox/landscape\nmodel: sandbox/broken\n---\np').message, /YAML/);
});

test('the parser checks syntax and schema only: provider limits are left to its checkRequest', () => {
  const { prompt, diagnostics } = parsePromptFile(
    '---\nmodel: tams/600423083519508503\nconfig:\n  width: 500\n  seed: -1\n  kind: video\n---\nA castle',
  );
  assert.ok(prompt);
  assert.deepEqual(diagnostics, []);
  const seen: unknown[] = [];
  parsePromptFile('---\nmodel: tams/600423083519508503\nconfig:\n  width: 500\n  seed: -1\n  kind: video\n---\nA castle', {
    checkRequest: (settings) => (seen.push(settings), []),
  });
  assert.deepEqual(seen, [{ model: { providerId: 'tams', model: '600423083519508503' }, config: { width: 500, kind: 'video' } }]);
});

test("checkRequest's problems are shown on the value when it is written, on the model otherwise", () => {
  const source = '---\nmodel: serika/flux-schnell\nconfig:\n  steps: 30\n  kind: video\n---\nA castle';
  const { prompt, diagnostics } = parsePromptFile(source, {
    checkRequest: () => [
      { field: 'steps', message: 'written' },
      { field: 'cfgScale', message: 'not written' },
      { field: 'operation', message: 'the kind' },
      { message: 'no field' },
    ],
  });
  assert.equal(prompt, undefined, 'a problem means nothing is submitted');
  // each led by the provider's name: it is the provider's rule, not the file's schema
  const rangeOf = (message: string) => diagnostics.find((d) => d.message === `Serika: ${message}`)!.range;
  assert.deepEqual(rangeOf('written'), { start: { line: 3, character: 9 }, end: { line: 3, character: 11 } });
  const model = { start: { line: 1, character: 7 }, end: { line: 1, character: 26 } };
  assert.deepEqual(rangeOf('not written'), model);
  assert.deepEqual(rangeOf('the kind'), { start: { line: 4, character: 8 }, end: { line: 4, character: 13 } });
  assert.deepEqual(rangeOf('no field'), model);
});
