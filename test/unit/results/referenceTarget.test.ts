import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pickReferenceTarget, rememberRecent, takesReferences } from '../../../src/core/results/referenceTarget';

const doc = (path: string, languageId: string, scheme = 'file') => ({ path, languageId, scheme });

test('a .prompt file never takes a reference (its body is the prompt), nor the read-only Output panel', () => {
  assert.equal(takesReferences(doc('/ws/prompts/mine.prompt', 'dotprompt')), false);
  // by its name as well, should another extension give .prompt files another language
  assert.equal(takesReferences(doc('/ws/prompts/mine.PROMPT', 'plaintext')), false);
  assert.equal(takesReferences(doc('extension-output-image-jobs.image-jobs-#1-Image Jobs', 'log', 'output')), false);
  assert.equal(takesReferences(doc('/ws/docs/notes.md', 'markdown')), true);
  assert.equal(takesReferences(doc('Untitled-1', 'plaintext', 'untitled')), true);
});

test('the target is the most recent editor that takes references, else none (the path is copied instead)', () => {
  const prompt = { name: 'mine.prompt', document: doc('/ws/mine.prompt', 'dotprompt') };
  const notes = { name: 'notes.md', document: doc('/ws/notes.md', 'markdown') };
  const page = { name: 'page.html', document: doc('/ws/page.html', 'html') };
  const pick = (recent: (typeof notes)[]) => pickReferenceTarget(recent, (item) => item.document)?.name;
  assert.equal(pick([prompt, notes, page]), 'notes.md');
  assert.equal(pick([page, prompt, notes]), 'page.html');
  assert.equal(pick([prompt]), undefined);
  assert.equal(pick([]), undefined);
});

test('recent editors: the newest first, each once, at most the limit', () => {
  const same = (a: string, b: string) => a === b;
  let recent: string[] = [];
  for (const name of ['a', 'b', 'a', 'c']) recent = rememberRecent(recent, name, same, 2);
  assert.deepEqual(recent, ['c', 'a']);
  assert.deepEqual(rememberRecent(['x', 'y', 'z'], 'y', same), ['y', 'x', 'z']);
});
