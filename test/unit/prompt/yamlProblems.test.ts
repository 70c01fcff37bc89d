// The YAML parser's errors said as what to fix, on the line or character that is wrong: the mistakes a
// hand-written front matter makes most (a new-user review found the parser's own words unhelpful).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDocument } from 'yaml';
import { yamlProblems } from '../../../src/core/prompt/yamlProblems';

/** The problems for `text`, each with the text its range covers. */
function problemsOf(text: string) {
  const { errors } = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  return yamlProblems(errors, text).map((problem) => ({ message: problem.message, covers: text.slice(problem.start, problem.end) }));
}

test('a key indented further than the one above: one problem, on that key, not two on the value above', () => {
  const problems = problemsOf('model: landscape\nconfig:\n  width: 768\n  height: 512\n   steps: 20\n');
  assert.equal(problems.length, 1, JSON.stringify(problems));
  assert.match(problems[0]!.message, /^This key is indented further than the key above it/);
  assert.match(
    problems[0]!.message,
    /\(YAML: Nested mappings are not allowed in compact mappings; Implicit keys need to be on a single line\)$/,
    "the parser's words stay, last",
  );
  assert.equal(problems[0]!.covers, 'steps: 20');
});

test('a list or a map left open is shown at its opening bracket', () => {
  const list = problemsOf('model: landscape\nconfig:\n  seed: [1, [2], 3\n  steps: 20\n');
  assert.deepEqual(
    list.map((problem) => problem.covers),
    ['['],
  );
  assert.match(list[0]!.message, /^This list is missing its closing "\]"/);
  const map = problemsOf('config: {steps: 20\nmodel: x\n');
  assert.match(map[0]!.message, /^This map is missing its closing "}"/);
  assert.equal(map[0]!.covers, '{');
});

test('a key without a colon and a space after it', () => {
  for (const text of ['model landscape\nconfig:\n  steps: 20\n', 'model:landscape\nconfig:\n  steps: 20\n']) {
    const [problem] = problemsOf(text);
    assert.match(problem!.message, /^A key needs a colon and a space after it/);
    assert.equal(problem!.covers, text.split('\n')[0]);
  }
  // the last key of a block: the parser's words differ ("need to be followed by map values")
  for (const [text, line] of [
    ['model: sandbox/landscape\nseed 5\n', 'seed 5'],
    ['config:\n  width: 512\n  seed 5\n', 'seed 5'],
  ] as const) {
    const [problem] = problemsOf(text);
    assert.match(problem!.message, /^A key needs a colon and a space after it/, text);
    assert.equal(problem!.covers, line);
  }
});

test('tabs, a key given twice, an unclosed quote and a key out of line say so', () => {
  assert.match(problemsOf('config:\n\tsteps: 20\n')[0]!.message, /^Indent with spaces, not tabs/);
  const twice = problemsOf('model: a\nmodel: b\n')[0]!;
  assert.match(twice.message, /^"model" is given twice: keep one/);
  assert.equal(twice.covers, 'model: b');
  const quote = problemsOf('model: "landscape\nconfig:\n  steps: 20\n')[0]!;
  assert.match(quote.message, /^This " quote is never closed/);
  assert.equal(quote.covers, '"');
  const outOfLine = problemsOf('config:\n  width: 768\n height: 512\n')[0]!;
  assert.match(outOfLine.message, /^This key does not line up with the keys above it/);
  assert.equal(outOfLine.covers, 'height: 512');
});

test("an error with no hint keeps the parser's words and place", () => {
  const text = 'a: &x 1\nb: *y\n? [\n';
  const { errors } = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const problems = yamlProblems(errors, text);
  assert.ok(problems.length >= 1);
  for (const problem of problems) assert.ok(problem.end > problem.start);
});
