// A `.prompt` file's `sweep:` block: the Cartesian product in a fixed order, what each cell changes in
// its request, the limit, and diagnostics on the YAML node of the value at fault.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPromptFile } from '../../../src/core/prompt/promptCheck';
import { parsePromptFile } from '../../../src/core/prompt/promptFile';
import { planSweep, type GenerationDefaults } from '../../../src/core/prompt/generationPlan';
import {
  generateTitle,
  MAX_SWEEP_JOBS,
  sweepCells,
  sweepGenerateTitle,
  sweepShapeNote,
  sweepConfirmReason,
  sweepSize,
} from '../../../src/core/prompt/sweepCells';
import { promptCompletions } from '../../../src/core/prompt/promptCompletion';
import { promptHover } from '../../../src/core/prompt/promptHover';
import { sweepCellSchema } from '../../../src/core/generationParams';

const DEFAULTS: GenerationDefaults = {
  providerId: 'sandbox',
  modelFor: () => undefined,
  outputFolder: 'assets/generated',
  nameTemplate: '{{name}}-{{seed}}',
  outputRoot: 'file:///work',
};

function parsed(source: string) {
  const result = checkPromptFile(source);
  assert.ok(result.prompt, result.diagnostics.map((d) => d.message).join(' | '));
  return result.prompt;
}

/** The diagnostics whose message matches, with the text their range covers. */
function diagnosticsAt(source: string, message: RegExp) {
  const lines = source.split('\n');
  return checkPromptFile(source)
    .diagnostics.filter((d) => message.test(d.message))
    .map((d) => ({ ...d, text: lines[d.range.start.line]!.slice(d.range.start.character, d.range.end.character) }));
}

const SWEEP = `---
model: sandbox/landscape
config:
  seed: 42
  steps: 20
sweep:
  seed: [1, 2, 3]
  cfgScale: [5, 7.5]
  place:
    - a valley
    - a harbour
input:
  default:
    time: dusk
---
A wide landscape of {{place}} at {{time}}
`;

test('the product goes in the order the keys are written: the first key slowest, the last fastest', () => {
  const prompt = parsed(SWEEP);
  assert.deepEqual(
    prompt.sweep!.map(({ key, kind, values }) => ({ key, kind, values })),
    [
      { key: 'seed', kind: 'config', values: [1, 2, 3] },
      { key: 'cfgScale', kind: 'config', values: [5, 7.5] },
      { key: 'place', kind: 'variable', values: ['a valley', 'a harbour'] },
    ],
  );
  assert.equal(sweepSize(prompt.sweep!), 12);
  const cells = sweepCells(prompt.sweep!);
  assert.deepEqual(
    cells.slice(0, 5).map((cell) => cell.position),
    [
      [0, 0, 0],
      [0, 0, 1],
      [0, 1, 0],
      [0, 1, 1],
      [1, 0, 0],
    ],
  );
  assert.deepEqual(cells[11], {
    keys: ['seed', 'cfgScale', 'place'],
    values: [3, 7.5, 'a harbour'],
    position: [2, 1, 1],
    shape: [3, 2, 2],
  });
  // the cell as provenance records it (with the batch id the job manager adds) passes the one schema
  assert.ok(sweepCellSchema.safeParse({ ...cells[11], batchId: 'b' }).success);
  assert.ok(!sweepCellSchema.safeParse({ ...cells[11], position: [3, 1, 1], batchId: 'b' }).success, 'a position outside its shape');
});

test("each cell's values replace config's and fill the body's variables; the rest of config stays", () => {
  const plans = planSweep(parsed(SWEEP), {}, 'hills.prompt', DEFAULTS);
  assert.equal(plans.length, 12);
  assert.deepEqual(plans[0]!.request, {
    providerId: 'sandbox',
    model: 'landscape',
    prompt: 'A wide landscape of a valley at dusk',
    params: { seed: 1, steps: 20, cfgScale: 5 },
  });
  assert.equal(plans[11]!.request.prompt, 'A wide landscape of a harbour at dusk');
  assert.deepEqual(plans[11]!.request.params, { seed: 3, steps: 20, cfgScale: 7.5 });
  assert.deepEqual(plans[11]!.cell.values, [3, 7.5, 'a harbour']);
  assert.equal(plans[11]!.output.baseName, 'hills');
});

test('a swept variable is not asked for and has no "no default" note; a replaced config value is noted as unused', () => {
  const { prompt, diagnostics } = checkPromptFile(SWEEP);
  assert.deepEqual(prompt!.missingVariables, []);
  assert.ok(!diagnostics.some((d) => d.message.includes('{{place}}')));
  const unused = diagnosticsAt(SWEEP, /^Not used: each job takes its seed from sweep\.seed/);
  assert.equal(unused.length, 1);
  assert.equal(unused[0]!.severity, 'information');
  assert.equal(unused[0]!.text, '42');
});

test("seed -1 in a sweep is a random seed, whatever config says; a swept model picks each job's provider", () => {
  const source = `---
config:
  seed: 7
sweep:
  model: [sandbox/landscape, tams/600423083519508503]
  seed: [-1, 5]
---
A castle`;
  const plans = planSweep(parsed(source), {}, 'castle.prompt', DEFAULTS);
  assert.deepEqual(
    plans.map((plan) => [plan.request.providerId, plan.request.model, plan.request.params.seed]),
    [
      ['sandbox', 'landscape', undefined],
      ['sandbox', 'landscape', 5],
      ['tams', '600423083519508503', undefined],
      ['tams', '600423083519508503', 5],
    ],
  );
  assert.ok(!('seed' in plans[0]!.request.params), 'no seed is sent at all');
});

test("a value a provider refuses is an error on that value, with the provider's range; the others pass", () => {
  const source = `---
model: tams/600423083519508503
config:
  count: 2
sweep:
  steps:
    - 20
    - 60
  width: [512, 500, 768]
---
A castle`;
  const steps = diagnosticsAt(source, /steps/);
  assert.deepEqual(
    steps.map((d) => [d.severity, d.message, d.text, d.range.start.line]),
    [['error', 'TAMS: steps must be 10–50 (got 60)', '60', 7]],
  );
  const width = diagnosticsAt(source, /width/);
  assert.deepEqual(
    width.map((d) => [d.message, d.text, d.range.start]),
    [['TAMS: width must be a multiple of 64 from 512 to 1536 (got 500)', '500', { line: 8, character: 15 }]],
  );
  assert.equal(checkPromptFile(source).prompt, undefined, 'nothing is submitted');
});

test("the schema's generic bound gives way to the provider's rule on a swept value, and holds where no provider judges it", () => {
  const onTams = diagnosticsAt('---\nmodel: tams/6004\nsweep:\n  steps: [20, 300]\n---\nA castle', /steps/);
  assert.deepEqual(
    onTams.map((d) => d.message),
    ['TAMS: steps must be 10–50 (got 300)'],
  );
  const noModel = diagnosticsAt('---\nsweep:\n  steps: [20, 300]\n---\nA castle', /steps/);
  assert.deepEqual(
    noModel.map((d) => [d.message, d.text]),
    [['sweep.steps: at most 200', '300']],
  );
});

test('a problem every cell shares is one diagnostic on the value config writes, not one per cell', () => {
  const source = '---\nmodel: tams/6004\nconfig:\n  count: 5\nsweep:\n  seed: [1, 2, 3]\n---\nA castle';
  const count = diagnosticsAt(source, /count/);
  assert.deepEqual(
    count.map((d) => [d.message, d.text]),
    [['TAMS: count must be 1–4 (got 5)', '5']],
  );
});

test('a swept model with an unknown provider or a bad shape is an error on that model, with the fix', () => {
  const source = '---\nsweep:\n  model: [sandbox/landscape, tmas/6004, 12]\n---\nA castle';
  const [unknown, shape] = diagnosticsAt(source, /sweep\.model/);
  assert.match(unknown!.message, /^Unknown provider "tmas" in sweep\.model: did you mean `tams\/`\?/);
  assert.equal(unknown!.text, 'tmas/6004');
  assert.deepEqual(unknown!.fix, { kind: 'replace', title: 'Change to "tams/6004"', text: 'tams/6004' });
  assert.equal(shape!.text, '12');
  const sandbox = diagnosticsAt('---\nsweep:\n  model: [sandbox/landscpe]\n---\nA castle', /Sandbox has no model/);
  assert.equal(sandbox[0]!.text, 'sandbox/landscpe');
  assert.deepEqual(sandbox[0]!.fix, { kind: 'replace', title: 'Change to "sandbox/landscape"', text: 'sandbox/landscape' });
});

test('unknown keys, missing lists, wrong types and repeated values are reported on their own nodes', () => {
  const source = `---
sweep:
  cfgscale: [5, 7]
  mood: [calm]
  steps: 20
  seed: [1, "two", 1]
---
A castle of {{place}}`;
  const { prompt, diagnostics } = checkPromptFile(source);
  assert.equal(prompt, undefined);
  const lines = source.split('\n');
  const found = diagnostics
    .filter((d) => d.range.start.line >= 2 && d.range.start.line <= 5)
    .map((d) => [d.severity, d.message, lines[d.range.start.line]!.slice(d.range.start.character, d.range.end.character)]);
  assert.deepEqual(found, [
    [
      'error',
      'Unknown sweep key "cfgscale": a sweep lists values of a config key, model, or a {{variable}} the prompt uses: did you mean `cfgScale`?',
      'cfgscale',
    ],
    [
      'error',
      'Unknown sweep key "mood": a sweep lists values of a config key, model, or a {{variable}} the prompt uses (the prompt\'s variables: place)',
      'mood',
    ],
    ['error', 'sweep.steps must list its values, e.g. `steps: [1, 2, 3]`.', '20'],
    ['error', 'sweep.seed: expected a number, got "two"', '"two"'],
    ['warning', 'sweep.seed lists 1 more than once: those jobs are the same.', '1'],
  ]);
  assert.equal(diagnostics.find((d) => d.message.startsWith('Unknown sweep key "cfgscale"'))!.fix?.kind, 'replace');
});

test(`a sweep of more than ${MAX_SWEEP_JOBS} jobs is refused on the sweep key, and its cells are not checked one by one`, () => {
  const many = (n: number) => `[${Array.from({ length: n }, (_, i) => i + 1).join(', ')}]`;
  const source = `---\nmodel: tams/6004\nsweep:\n  seed: ${many(21)}\n  steps: ${many(20)}\n---\nA castle`;
  const { prompt, diagnostics } = checkPromptFile(source);
  assert.equal(prompt, undefined);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(
    errors.map((d) => [d.message, d.range.start.line, d.range.start.character, d.range.end.character]),
    [
      [
        `This sweep makes 420 jobs (21 × 20); one sweep may make at most ${MAX_SWEEP_JOBS}: list fewer values, or split it across files.`,
        2,
        0,
        5,
      ],
    ],
  );
  assert.ok(parsed(`---\nsweep:\n  seed: ${many(20)}\n  steps: ${many(20)}\n---\nA castle`).sweep, '20 × 20 = 400 is allowed');
});

test('the CodeLens title counts images and shows the product', () => {
  const sweep = parsed(SWEEP).sweep!;
  assert.equal(sweepGenerateTitle(sweep, undefined), 'Generate 12 images (3 × 2 × 2)');
  assert.equal(sweepGenerateTitle(sweep, 2), 'Generate 24 images (3 × 2 × 2 jobs)');
  const counts = parsed('---\nsweep:\n  count: [1, 3]\n  seed: [1, 2]\n---\nA castle').sweep!;
  assert.equal(sweepGenerateTitle(counts, undefined), 'Generate 8 images (2 × 2 jobs)');
});

test("a one-key sweep's CodeLens names the key instead of repeating the count as its shape", () => {
  const seeds = parsed('---\nsweep:\n  seed: [1, 2, 3, 4]\n---\nA castle').sweep!;
  assert.equal(sweepGenerateTitle(seeds, undefined), 'Generate 4 images (one per seed)');
  assert.equal(generateTitle(seeds, 1), 'Generate 4 images (one per seed)');
  const models = parsed('---\nsweep:\n  model: [sandbox/landscape, tams/600423083519508503]\n---\nA castle').sweep!;
  assert.equal(sweepGenerateTitle(models, undefined), 'Generate 2 images (one per model)');
  // jobs of several images each: the job count is news, so it stays
  assert.equal(sweepGenerateTitle(seeds, 2), 'Generate 8 images (4 jobs)');
  const counts = parsed('---\nsweep:\n  count: [1, 3]\n---\nA castle').sweep!;
  assert.equal(sweepGenerateTitle(counts, undefined), 'Generate 4 images (2 jobs)');
});

test("the shape beside a sweep's job count (its confirmation, log and status bar) names a single key instead of repeating the count", () => {
  assert.equal(sweepShapeNote(parsed('---\nsweep:\n  seed: [1, 2, 3, 4]\n---\nA castle').sweep!), 'one per seed');
  assert.equal(sweepShapeNote(parsed(SWEEP).sweep!), '3 × 2 × 2');
});

test("a sweep's confirmation says which setting asked it, and 0 as 'before every sweep', not 'more than 0 jobs'", () => {
  assert.equal(sweepConfirmReason(20), 'Asked when a sweep makes more than 20 jobs (imageJobs.sweep.confirmAbove).');
  assert.equal(sweepConfirmReason(1), 'Asked when a sweep makes more than 1 job (imageJobs.sweep.confirmAbove).');
  assert.equal(sweepConfirmReason(0), 'Asked before every sweep, as imageJobs.sweep.confirmAbove is 0.');
});

test('the CodeLens says how many images a file without a sweep makes when it is more than one', () => {
  assert.equal(generateTitle(undefined, undefined), 'Generate');
  assert.equal(generateTitle(undefined, 1), 'Generate');
  assert.equal(generateTitle(undefined, 4), 'Generate 4 images');
  const prompt = parsed('---\nconfig:\n  count: 4\n---\nA castle');
  assert.equal(generateTitle(prompt.sweep, prompt.config.count), 'Generate 4 images');
  // a sweep keeps its wording, and counts every image of a cell that makes several
  const sweep = parsed(SWEEP).sweep!;
  assert.equal(generateTitle(sweep, 3), 'Generate 36 images (3 × 2 × 2 jobs)');
  assert.equal(generateTitle(sweep, 1), 'Generate 12 images (3 × 2 × 2)');
});

test('an empty sweep makes one job, with a warning; a sweep that is not a map is an error', () => {
  const empty = checkPromptFile('---\nsweep: {}\n---\nA castle');
  assert.ok(empty.prompt && !empty.prompt.sweep);
  assert.equal(empty.diagnostics[0]!.message, 'sweep lists no keys: one job is made.');
  const list = parsePromptFile('---\nsweep: [1, 2]\n---\nA castle');
  assert.equal(list.prompt, undefined);
  assert.match(list.diagnostics[0]!.message, /^sweep must map keys to lists of values/);
});

test("completion under sweep offers config keys, model and the body's variables; hover explains a swept key", () => {
  const source = '---\nsweep:\n  seed: [1, 2]\n  \n---\nA {{place}} at {{time}}';
  const offset = source.indexOf('  \n---') + 2;
  const labels = promptCompletions(source, offset).map((item) => item.label);
  assert.deepEqual(labels, [
    'width',
    'height',
    'steps',
    'cfgScale',
    'sampler',
    'negativePrompt',
    'count',
    'kind',
    'model',
    'place',
    'time',
  ]);
  const hover = promptHover(source, source.indexOf('seed'))!;
  assert.match(hover.markdown, /^\*\*sweep\.seed\*\*: list of integers, -1–4294967295\n\nOne job per value: Random seed/);
  const top = promptHover(source, source.indexOf('sweep'))!;
  assert.match(top.markdown, /One job per combination of the values listed/);
  assert.match(top.markdown, new RegExp(`at most ${MAX_SWEEP_JOBS} jobs per sweep`));
});
