import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  fillNameTemplate,
  isWindowsDeviceName,
  sanitizeFileName,
  slugFromPrompt,
  templateForRerunCell,
  uniqueFileName,
} from '../../../src/core/results/assetNaming';
import { formatAssetReference, referenceLanguageForPath, relativeReferencePath } from '../../../src/core/results/assetReference';
import { redactSecrets } from '../../../src/core/redact';
import { planFromPromptFile, planFromText } from '../../../src/core/prompt/generationPlan';
import { parsePromptFile } from '../../../src/core/prompt/promptFile';

test('file names are sanitized: no separators, no traversal, no leading dots', () => {
  assert.equal(sanitizeFileName('../../etc/passwd'), 'etc-passwd');
  assert.equal(sanitizeFileName('a\\b:c*d?'), 'a-b-c-d');
  assert.equal(sanitizeFileName('...'), 'image');
  assert.equal(sanitizeFileName('café au lait'), 'café-au-lait');
});

test('templates fill placeholders and stay sanitized', () => {
  const values = {
    name: 'hero',
    seed: 42,
    index: 0,
    model: 'sandbox/landscape',
    jobId: 'abcdef123456',
    date: new Date('2026-11-22T10:11:12Z'),
  };
  assert.equal(fillNameTemplate('{{name}}-{{seed}}-{{index}}', values), 'hero-42-1');
  assert.equal(fillNameTemplate('{{model}}_{{date}}_{{time}}_{{job}}', values), 'sandbox-landscape_2026-11-22_101112_abcdef12');
  assert.equal(fillNameTemplate('../{{name}}', values), 'hero');
  // no seed from the provider: when the job was made
  assert.equal(fillNameTemplate('{{name}}-{{seed}}', { ...values, seed: undefined }), 'hero-20261122-101112');
  // a sweep's cell names its file by its values; a job of no sweep leaves no trace of the placeholder
  const sweep = { keys: ['cfgScale', 'place'], values: [4, 'a quiet valley'] };
  assert.equal(fillNameTemplate('sweep-{{sweep}}', { ...values, sweep }), 'sweep-cfgScale-4_place-a-quiet-valley');
  assert.equal(fillNameTemplate('{{name}}-{{sweep}}', values), 'hero');
});

test('names Windows keeps for devices are made safe, in any case, with or without extension', async () => {
  assert.equal(sanitizeFileName('CON'), 'CON_');
  assert.equal(sanitizeFileName('nul'), 'nul_');
  assert.equal(sanitizeFileName('Com1'), 'Com1_');
  assert.equal(sanitizeFileName('lpt1.backup'), 'lpt1_.backup');
  assert.equal(sanitizeFileName('aux.tar.gz'), 'aux_.tar.gz');
  assert.equal(sanitizeFileName('COM\u00b9'), 'COM1_', 'a superscript one is a one to Windows');
  assert.equal(sanitizeFileName(' prn '), 'prn_');
  for (const fine of ['console', 'con-artist', 'COM10', 'nullable', 'auxiliary', 'lpt', 'icon']) assert.equal(sanitizeFileName(fine), fine);
  for (const device of [
    'CON',
    'PRN',
    'AUX',
    'NUL',
    ...Array.from({ length: 10 }, (_, n) => `COM${n}`),
    ...Array.from({ length: 10 }, (_, n) => `LPT${n}`),
  ]) {
    for (const name of [
      device,
      device.toLowerCase(),
      `${device[0]}${device.slice(1).toLowerCase()}`,
      `${device}.png`,
      `${device.toLowerCase()}.x.json`,
    ]) {
      assert.ok(isWindowsDeviceName(name), name);
      assert.ok(!isWindowsDeviceName(sanitizeFileName(name)), `${name} → ${sanitizeFileName(name)}`);
    }
  }
  // through the output name template and the file name actually written
  const values = {
    name: 'NUL',
    seed: undefined,
    index: 0,
    model: 'sandbox/landscape',
    jobId: 'abcdef123456',
    date: new Date('2026-11-22T10:11:12Z'),
  };
  assert.equal(fillNameTemplate('{{name}}', values), 'NUL_');
  assert.equal(fillNameTemplate('LPT1', values), 'LPT1_');
  assert.equal(await uniqueFileName(fillNameTemplate('con', values), 'png', async () => false), 'con_.png');
});

test('slugs come from the first words of a prompt', () => {
  assert.equal(slugFromPrompt('A Lighthouse, at DUSK! (watercolor) extra words'), 'a-lighthouse-at-dusk-watercolor');
  assert.equal(slugFromPrompt('!!!'), 'image');
});

test('uniqueFileName counts up past taken names', async () => {
  const taken = new Set(['x.png', 'x-2.png']);
  assert.equal(await uniqueFileName('x', 'png', async (name) => taken.has(name)), 'x-3.png');
});

test('references depend on the document language and are relative to it', () => {
  assert.equal(relativeReferencePath('/ws/docs/readme.md', '/ws/assets/generated/a.png'), '../assets/generated/a.png');
  assert.equal(relativeReferencePath('/ws/readme.md', '/ws/assets/a.png'), 'assets/a.png');
  assert.equal(formatAssetReference('markdown', 'assets/a.png', 'a [red] fox'), '![a \\[red\\] fox](assets/a.png)');
  assert.equal(formatAssetReference('markdown', 'my assets/a.png', 'fox'), '![fox](<my assets/a.png>)');
  assert.equal(formatAssetReference('html', 'a.png', 'say "hi" <b>'), '<img src="a.png" alt="say &quot;hi&quot; &lt;b&gt;">');
  assert.equal(formatAssetReference('typescript', 'assets/a.png', 'fox'), 'assets/a.png');
});

test('a document named by its path (not open) gets <img> when HTML-like, Markdown otherwise', () => {
  assert.equal(referenceLanguageForPath('/ws/site/index.HTML'), 'html');
  assert.equal(referenceLanguageForPath('/ws/src/App.tsx'), 'html');
  assert.equal(referenceLanguageForPath('/ws/README.md'), 'markdown');
  assert.equal(referenceLanguageForPath('/ws/notes.txt'), 'markdown');
  assert.equal(referenceLanguageForPath('/ws/Makefile'), 'markdown');
});

test('secrets are redacted by value and by shape', () => {
  const text = 'key=abc123secret Authorization: Bearer tok_999 x-apikey: zzz sk-1234567890abcdef and abc123secret again';
  const clean = redactSecrets(text, ['abc123secret']);
  assert.doesNotMatch(clean, /abc123secret|tok_999|zzz|sk-1234567890abcdef/);
  assert.match(clean, /Bearer \[REDACTED\]/);
});

const defaults = {
  providerId: 'sandbox' as const,
  modelFor: () => undefined,
  outputFolder: 'assets/generated',
  nameTemplate: '{{name}}-{{seed}}',
  outputRoot: 'file:///ws',
};

test('a prompt file plan merges defaults, config, variables and output overrides', () => {
  const { prompt } = parsePromptFile(
    '---\nconfig:\n  width: 768\n  seed: 5\ninput:\n  default:\n    who: a cat\noutput:\n  folder: art\n---\nPortrait of {{who}} by {{artist}}',
  );
  const plan = planFromPromptFile(prompt!, { artist: 'Vermeer' }, 'portrait.prompt', defaults);
  assert.deepEqual(plan.request, {
    providerId: 'sandbox',
    model: 'landscape',
    prompt: 'Portrait of a cat by Vermeer',
    params: { width: 768, seed: 5 },
  });
  assert.deepEqual(plan.output, { root: 'file:///ws', folder: 'art', nameTemplate: '{{name}}-{{seed}}', baseName: 'portrait' });
});

test('a text plan uses the default provider and a slug name', () => {
  const plan = planFromText('  Neon city at night ', defaults);
  assert.equal(plan.request.prompt, 'Neon city at night');
  assert.equal(plan.output.baseName, 'neon-city-at-night');
  assert.throws(() => planFromText('   ', defaults), /empty/);
});

test("a sweep's cell made again outside its batch keeps its values in its name, with its new seed", () => {
  const cell = { keys: ['seed', 'place'], values: [11, 'a harbour'] };
  assert.equal(templateForRerunCell('s3-{{sweep}}', cell, 11), 's3-seed-11_place-a harbour');
  assert.equal(templateForRerunCell('s3-{{ sweep }}-{{index}}', cell, 98765), 's3-seed-98765_place-a harbour-{{index}}');
  assert.equal(templateForRerunCell('{{name}}', cell, 5), '{{name}}', 'a template without {{sweep}} is left as it is');
  const filled = fillNameTemplate(templateForRerunCell('s3-{{sweep}}', cell, 11), {
    name: 'x',
    index: 0,
    model: 'm',
    jobId: 'abcdefgh',
    date: new Date(0),
  });
  assert.equal(filled, 's3-seed-11_place-a-harbour', 'then named as the cell was');
});
