// Defaults live only in package.json (VS Code applies them): no second copy in the code that could
// drift, and every setting the code reads is one package.json declares.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { declaredSettings } from './helpers';

const root = join(__dirname, '..', '..', '..');
const declared = declaredSettings();

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const sources = sourceFiles(join(root, 'src')).map((path) => ({ path: path.slice(root.length + 1), text: readFileSync(path, 'utf8') }));

/** Where a default's text appears for another reason than being a default. */
const NOT_A_COPY = new Set([
  // bifrost.ts lists the sizes each OpenAI model accepts; the default model is one of those names
  'imageJobs.bifrost.defaultModel in src/core/providers/bifrost.ts',
]);

test('no string default of package.json is repeated in src/', () => {
  const copies: string[] = [];
  for (const [key, { default: value, enum: choices }] of Object.entries(declared)) {
    // "" says nothing; an enum's values are identifiers the code must name ('sandbox', 'bearer')
    if (typeof value !== 'string' || value === '' || choices) continue;
    for (const { path, text } of sources) {
      if (NOT_A_COPY.has(`${key} in ${path}`)) continue;
      if (text.includes(`'${value}'`) || text.includes(`"${value}"`)) copies.push(`${key} = ${value} in ${path}`);
    }
  }
  assert.deepEqual(copies, []);
});

test('settings are read through the typed keys, never with a fallback of their own', () => {
  const config = sources.find(({ path }) => path.endsWith(join('services', 'config.ts')))!.text;
  assert.doesNotMatch(config, /\.get<[^>]*>\([^,)]*,/, 'a get() with a fallback argument');
  const typedKeys = [
    ...config
      .slice(config.indexOf('export interface Settings'), config.indexOf('export type SettingKey'))
      .matchAll(/readonly '?([\w.]+)'?:/g),
  ].map((match) => `imageJobs.${match[1]}`);
  assert.deepEqual(typedKeys.sort(), Object.keys(declared).sort(), 'the typed keys are exactly those package.json declares');
  const elsewhere = sources
    .filter(({ path, text }) => !path.endsWith('config.ts') && /getConfiguration\(\s*['"]imageJobs/.test(text))
    .map(({ path }) => path);
  assert.deepEqual(elsewhere, [], 'no other file reads imageJobs settings directly');
});

test('the Settings editor shows the default provider first, then output; every setting has an order', () => {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const sections: { title: string; order: number; properties: Record<string, { order?: number }> }[] = manifest.contributes.configuration;
  const sorted = [...sections].sort((a, b) => a.order - b.order);
  assert.deepEqual(
    sorted.slice(0, 2).map((section) => Object.keys(section.properties)),
    [['imageJobs.defaultProvider'], ['imageJobs.output.folder', 'imageJobs.output.nameTemplate']],
  );
  const unordered = sections.flatMap((section) =>
    Object.entries(section.properties).filter(([, property]) => typeof property.order !== 'number'),
  );
  assert.deepEqual(
    unordered.map(([key]) => key),
    [],
  );
});
