// An edit of a .prompt document is parsed once, whoever asks first (diagnostics, CodeLens, Generate).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PromptParseResult } from '../../src/core/prompt/promptFile';
import { PromptParses } from '../../src/language/promptParses';

function counting() {
  const parsed: string[] = [];
  const parses = new PromptParses((source): PromptParseResult => (parsed.push(source), { diagnostics: [] }));
  return { parses, parsed };
}

function document(uri: string, version: number, text: string) {
  return { uri: { toString: () => uri }, version, getText: () => text } as never;
}

test('each version of a document is parsed once, however often it is asked for', () => {
  const { parses, parsed } = counting();
  const first = parses.get(document('file:///a.prompt', 1, 'one'));
  assert.equal(parses.get(document('file:///a.prompt', 1, 'one')), first, 'the same result object');
  parses.get(document('file:///b.prompt', 1, 'other'));
  parses.get(document('file:///a.prompt', 2, 'two'));
  parses.get(document('file:///a.prompt', 2, 'two'));
  assert.deepEqual(parsed, ['one', 'other', 'two']);
});

test('a closed document is parsed again when it is opened again (its versions start over)', () => {
  const { parses, parsed } = counting();
  parses.get(document('file:///a.prompt', 1, 'before'));
  parses.forget({ uri: { toString: () => 'file:///a.prompt' } } as never);
  parses.get(document('file:///a.prompt', 1, 'changed on disk meanwhile'));
  assert.deepEqual(parsed, ['before', 'changed on disk meanwhile']);
});
