// Completion and hover for .prompt files, from the schema and the providers' limits; positions are
// marked with | in the sources below.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promptCompletions, type PromptCompletion } from '../../../src/core/prompt/promptCompletion';
import { promptHover } from '../../../src/core/prompt/promptHover';

/** The source without its `|`, and the cursor's offset there. */
function at(marked: string): [string, number] {
  const offset = marked.indexOf('|');
  assert.ok(offset >= 0, 'a | marks the cursor');
  return [marked.slice(0, offset) + marked.slice(offset + 1), offset];
}
const complete = (marked: string, settings = {}) => promptCompletions(...at(marked), settings);
const labels = (items: readonly PromptCompletion[]) => items.map((item) => item.label);

test('keys at the top level, without those already written', () => {
  const items = complete('---\nmodel: sandbox/landscape\n|\n---\nA castle');
  assert.deepEqual(labels(items), ['config', 'sweep', 'input', 'output', 'metadata', 'name', 'variant', 'description', 'tools']);
  const config = items.find((item) => item.label === 'config')!;
  assert.equal(config.insertText, 'config:');
  assert.match(config.documentation!, /Generation parameters/);
});

test("config's keys under config, replacing the word being typed, with each provider's limits", () => {
  const items = complete('---\nconfig:\n  width: 512\n  ste|\n---\nA castle');
  assert.deepEqual(labels(items), ['height', 'steps', 'cfgScale', 'sampler', 'seed', 'negativePrompt', 'count', 'kind']);
  const steps = items.find((item) => item.label === 'steps')!;
  assert.equal(steps.insertText, 'steps: ');
  assert.deepEqual(steps.range, { start: { line: 3, character: 2 }, end: { line: 3, character: 5 } });
  assert.match(steps.documentation!, /TAMS: 10–50/);
  assert.deepEqual(labels(complete('---\noutput:\n  |\n---\nA castle')), ['folder', 'name']);
  assert.deepEqual(labels(complete('---\ninput:\n  |\n---\nA castle')), ['default', 'schema']);
});

test("model values: the Sandbox's models, each provider's prefix and the defaultModel settings", () => {
  const items = complete('---\nmodel: sa|\n---\nA castle', { defaultModels: { serika: 'flux-schnell' } });
  assert.deepEqual(labels(items), [
    'sandbox/landscape',
    'sandbox/broken',
    'serika/flux-schnell',
    'serika/',
    'tams/',
    'bifrost/',
    'photogpt/',
    'submodel/',
  ]);
  assert.deepEqual(items[0]!.range, { start: { line: 1, character: 7 }, end: { line: 1, character: 9 } }, 'the whole value is replaced');
  assert.match(items.find((item) => item.label === 'tams/')!.detail!, /TensorArt TAMS \(needs an API key\)/);
});

test("sweep's model list offers the models `model:` does, for the item under the cursor", () => {
  const settings = { defaultModels: { serika: 'flux-schnell' } };
  const expected = labels(complete('---\nmodel: |\n---\nA castle', settings));
  // a flow list: the item between the brackets and commas is replaced, not the whole list
  const flow = complete('---\nsweep:\n  model: [sandbox/landscape, ser|]\n---\nA castle', settings);
  assert.deepEqual(labels(flow), expected);
  assert.deepEqual(flow[0]!.range, { start: { line: 2, character: 29 }, end: { line: 2, character: 32 } });
  assert.equal(flow[0]!.insertText, 'sandbox/landscape');
  const first = complete('---\nsweep:\n  model: [|sandbox/landscape, serika/x]\n---\nA', settings);
  assert.deepEqual(first[0]!.range, { start: { line: 2, character: 10 }, end: { line: 2, character: 27 } }, 'the first item');
  assert.deepEqual(complete('---\nsweep:\n  model: [a, b]|\n---\nA', settings), [], 'after the list');
  // a block list, the items indented under the key or level with it
  const block = complete('---\nsweep:\n  model:\n    - sandbox/landscape\n    - tams/|\n  seed: [1, 2]\n---\nA castle', settings);
  assert.deepEqual(labels(block), expected);
  assert.deepEqual(block[0]!.range, { start: { line: 4, character: 6 }, end: { line: 4, character: 11 } });
  assert.deepEqual(labels(complete('---\nsweep:\n  model:\n  - |\n---\nA', settings)), expected, 'items level with the key');
  assert.equal(complete('---\nsweep:\n  model:\n    -|\n---\nA', settings)[0]!.insertText, ' sandbox/landscape', 'a space after the dash');
  // an empty value: a list of one, the cursor inside it after a provider's prefix
  const empty = complete('---\nsweep:\n  model: |\n---\nA', settings);
  assert.deepEqual(labels(empty), expected);
  assert.equal(empty.find((item) => item.label === 'sandbox/landscape')!.insertText, '[sandbox/landscape]');
  const prefix = empty.find((item) => item.label === 'tams/')!;
  assert.equal(prefix.insertText, '[tams/$0]');
  assert.equal(prefix.snippet, true);
  // other lists and other keys' items offer nothing
  assert.deepEqual(complete('---\nsweep:\n  seed: [1, |]\n---\nA'), []);
  assert.deepEqual(complete('---\nsweep:\n  sampler:\n    - |\n---\nA'), []);
  assert.deepEqual(complete('---\nmodel: [|]\n---\nA'), [], 'model: takes one value, not a list');
});

test("hover on an item of sweep's model list names its provider, as on model:", () => {
  assert.match(promptHover(...at('---\nsweep:\n  model: [sandbox/landscape, tams/1|23]\n---\nA'))!.markdown, /^\*\*TensorArt TAMS\*\*/);
  const block = promptHover(...at('---\nsweep:\n  model:\n    - serika/fl|ux\n---\nA'))!;
  assert.match(block.markdown, /^\*\*Serika\*\*/);
  assert.deepEqual(block.range, { start: { line: 3, character: 6 }, end: { line: 3, character: 17 } });
});

test('config.kind values and output.name placeholders (quoted when the value is empty)', () => {
  assert.deepEqual(labels(complete('---\nconfig:\n  kind: |\n---\nA castle')), ['image', 'video']);
  const empty = complete('---\noutput:\n  name: |\n---\nA castle');
  assert.equal(empty.find((item) => item.label === '{{seed}}')!.insertText, '"{{seed}}"');
  const inside = complete('---\noutput:\n  name: "{{name}}-{{se|"\n---\nA castle');
  const seed = inside.find((item) => item.label === '{{seed}}')!;
  assert.equal(seed.insertText, '{{seed}}');
  assert.deepEqual(seed.range, { start: { line: 2, character: 18 }, end: { line: 2, character: 22 } });
});

test("{{ in the body offers input.default's names and those used elsewhere", () => {
  const items = complete('---\ninput:\n  default:\n    who: a cat\n---\nA {{who}} by {{artist}} and {{|');
  assert.deepEqual(labels(items), ['who', 'artist']);
  assert.equal(items[0]!.detail, 'default: a cat');
  assert.equal(items[1]!.detail, 'no default: asked when generating');
});

test('nothing where nothing fits: a free value, plain body text, inside a list', () => {
  assert.deepEqual(complete('---\nconfig:\n  width: |\n---\nA castle'), []);
  assert.deepEqual(complete('---\nmodel: sandbox/landscape\n---\nA cas|tle'), []);
  assert.deepEqual(complete('---\ntools:\n  - |\n---\nA castle'), []);
});

test('completion works while the closing fence is not typed yet', () => {
  assert.ok(labels(complete('---\nconfig:\n  cfg|')).includes('cfgScale'));
});

test('hover: every key, its type and the providers limits', () => {
  const width = promptHover(...at('---\nconfig:\n  wi|dth: 10000\n---\nA castle'))!;
  assert.match(width.markdown, /^\*\*config\.width\*\*: integer, 64–4096/);
  assert.match(width.markdown, /TAMS: a multiple of 64 from 512 to 1536/);
  assert.deepEqual(width.range, { start: { line: 2, character: 2 }, end: { line: 2, character: 7 } });
  for (const [marked, path] of [
    ['---\nmo|del: x/y\n---\nA', 'model'],
    ['---\nconfig:\n  negativePro|mpt: x\n---\nA', 'config.negativePrompt'],
    ['---\noutput:\n  fol|der: art\n---\nA', 'output.folder'],
    ['---\ninput:\n  defa|ult: {}\n---\nA', 'input.default'],
  ] as const) {
    assert.match(promptHover(...at(marked))?.markdown ?? '', new RegExp(`^\\*\\*${path.replace('.', '\\.')}\\*\\*`), marked);
  }
});

test('hover on a model says the provider and whether it needs a key; on a variable, its default', () => {
  assert.match(promptHover(...at('---\nmodel: tams/12|3\n---\nA'))!.markdown, /^\*\*TensorArt TAMS\*\*: needs an API key/);
  const source = '---\ninput:\n  default:\n    who: a cat\n---\nA {{w|ho}} by {{ artist }}';
  assert.equal(promptHover(...at(source))!.markdown, '**{{who}}**: default: `a cat`');
  const artist = promptHover(...at(source.replace('{{w|ho}}', '{{who}}').replace('art', 'ar|t')))!;
  assert.match(artist.markdown, /^\*\*\{\{artist\}\}\*\*: no default/);
});
