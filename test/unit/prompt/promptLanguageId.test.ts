// The one test of "is this a .prompt file", and its id against the language package.json contributes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isPromptFile, PROMPT_LANGUAGE_ID } from '../../../src/core/prompt/promptLanguageId';

test('the language id is the one package.json gives files ending in .prompt', () => {
  const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'package.json'), 'utf8'));
  const language = manifest.contributes.languages.find((entry: { id: string }) => entry.id === PROMPT_LANGUAGE_ID);
  assert.deepEqual(language?.extensions, ['.prompt']);
});

test('a .prompt file by its language, or by its name in any case when the user chose another language', () => {
  assert.equal(isPromptFile({ languageId: PROMPT_LANGUAGE_ID, path: '/ws/untitled-1' }), true);
  assert.equal(isPromptFile({ languageId: 'plaintext', path: '/ws/prompts/mine.prompt' }), true);
  assert.equal(isPromptFile({ languageId: 'plaintext', path: '/ws/prompts/MINE.PROMPT' }), true);
  assert.equal(isPromptFile({ languageId: 'markdown', path: '/ws/prompts/mine.prompt.md' }), false);
  assert.equal(isPromptFile({ languageId: 'markdown', path: '/ws/notes/prompt' }), false);
});
