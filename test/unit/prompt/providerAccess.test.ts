// A .prompt file naming a provider it cannot reach yet: a warning on model: with the fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPromptFile } from '../../../src/core/prompt/promptCheck';
import { providerAccessDiagnostics } from '../../../src/core/prompt/providerAccess';

const modelAt = (source: string) => checkPromptFile(source).modelAt;
const SERIKA = modelAt('---\nmodel: serika/flux-schnell\n---\nA castle');

test('a provider that needs a key without one: a warning on model: and "Set API Key for …"', () => {
  const [warning, ...rest] = providerAccessDiagnostics(SERIKA, {
    hasKey: false,
    baseUrl: 'https://x',
    baseUrlSetting: 'imageJobs.serika.baseUrl',
  });
  assert.deepEqual(rest, []);
  assert.equal(warning!.severity, 'warning');
  assert.match(warning!.message, /^Serika needs an API key and none is set/);
  assert.deepEqual(warning!.range, { start: { line: 1, character: 7 }, end: { line: 1, character: 26 } });
  assert.deepEqual(warning!.fix, { kind: 'setApiKey', title: 'Set API Key for Serika', provider: 'serika' });
});

test('an empty base URL: a warning whose fix opens that setting', () => {
  const tams = modelAt('---\nmodel: tams/600423083519508503\n---\nA castle');
  const [warning] = providerAccessDiagnostics(tams, { hasKey: true, baseUrl: ' ', baseUrlSetting: 'imageJobs.tams.baseUrl' });
  assert.equal(warning!.message, 'TensorArt TAMS has no base URL: set imageJobs.tams.baseUrl.');
  assert.deepEqual(warning!.fix, {
    kind: 'openSettings',
    title: 'Open Settings: imageJobs.tams.baseUrl',
    setting: 'imageJobs.tams.baseUrl',
  });
});

test('nothing when the key is set, not yet known, for the Sandbox, or when the file names no model', () => {
  assert.deepEqual(
    providerAccessDiagnostics(SERIKA, { hasKey: true, baseUrl: 'https://x', baseUrlSetting: 'imageJobs.serika.baseUrl' }),
    [],
  );
  assert.deepEqual(providerAccessDiagnostics(SERIKA, { baseUrl: 'https://x' }), []);
  assert.deepEqual(providerAccessDiagnostics(modelAt('---\nmodel: sandbox/landscape\n---\nA'), { hasKey: false }), []);
  assert.deepEqual(providerAccessDiagnostics(modelAt('---\nconfig: {}\n---\nA'), { hasKey: false, baseUrl: '' }), []);
});
