// Whatever the editor holds, parsing a .prompt file answers with ranged diagnostics and never
// throws: random and hostile front matter, each checked for a throw and for ranges inside the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePromptFile, type PromptParseResult } from '../../../src/core/prompt/promptFile';
import { checkPromptFile } from '../../../src/core/prompt/promptCheck';
import { promptCompletions } from '../../../src/core/prompt/promptCompletion';
import { cursorContext } from '../../../src/core/prompt/promptCursor';
import { promptHover } from '../../../src/core/prompt/promptHover';
import type { TextRange } from '../../../src/core/prompt/textRange';
// deterministic, so a failure names a case that fails again
import { seededRandom as random } from '../../../src/core/seededRandom';

function laughs(levels: number, width: number): string {
  const lines = [`l0: &l0 [${Array(width).fill('"lol"').join(', ')}]`];
  for (let level = 1; level < levels; level++)
    lines.push(
      `l${level}: &l${level} [${Array(width)
        .fill(`*l${level - 1}`)
        .join(', ')}]`,
    );
  return lines.join('\n');
}

const HOSTILE: Record<string, string> = {
  'alias bomb (billion laughs)': `---\n${laughs(9, 9)}\n---\nA castle`,
  'alias bomb inside config': `---\nbomb: ${laughs(1, 1).slice(4)}\n${laughs(9, 9)}\nconfig:\n  negativePrompt: *l8\n---\nA castle`,
  'alias without anchor': '---\nconfig: *nowhere\n---\nA castle',
  'alias to itself': '---\na: &a [*a]\n---\nA castle',
  'deeply nested flow sequences': `---\nconfig: ${'['.repeat(5000)}${']'.repeat(5000)}\n---\nA castle`,
  'deeply nested flow mappings': `---\nx: ${'{a: '.repeat(3000)}1${'}'.repeat(3000)}\n---\nA castle`,
  'deeply nested block mappings': `---\n${Array.from({ length: 1000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')} 1\n---\nA castle`,
  'unclosed nesting': `---\nconfig: ${'['.repeat(20000)}\n---\nA castle`,
  'huge numbers':
    '---\nconfig:\n  width: 1e400\n  height: -1e400\n  seed: 99999999999999999999999999\n  steps: .nan\n  cfgScale: .inf\n---\nA castle',
  'wrong types everywhere': '---\nmodel: 5\nconfig: [1, 2]\ninput: "text"\noutput: 7\n---\nA castle',
  'wrong types inside':
    '---\nmodel: [sandbox/landscape]\nconfig:\n  width: "512"\n  sampler: 3\n  kind: gif\ninput:\n  default: [a]\noutput:\n  folder: {a: 1}\n---\nA castle',
  'binary junk': '---\n\u0000\u0001\u0002\u0003\ufffe\uffff\ud800\udfff\u007f\u0085\u2028\n---\nA castle',
  'binary junk as values': '---\nconfig:\n  sampler: "\\0\\x01\\uD800"\n  negativePrompt: !!binary AAECAw==\n---\nA castle',
  '__proto__ keys':
    '---\n__proto__:\n  polluted: true\nconfig:\n  __proto__: {width: 64}\ninput:\n  default:\n    __proto__: x\n    constructor: y\n---\nA {{constructor}} {{__proto__}}',
  'tabs as indentation': '---\nconfig:\n\twidth: 512\n---\nA castle',
  'tabs everywhere': '---\n\t\t\n\tmodel:\tsandbox/landscape\t\n---\n\tA castle',
  'unterminated front matter': '---\nmodel: sandbox/landscape\nconfig:\n  width: 512\nA castle',
  'unterminated, nothing after the fence': '---\n',
  'only fences': '---\n---\n',
  'unterminated quotes': '---\nmodel: "sandbox/landscape\nconfig: \'x\n---\nA castle',
  'tags and directives':
    '---\n%YAML 1.2\n%TAG ! tag:evil.example,2026:\nconfig: !!js/function "function () {}"\nmodel: !<tag:x> sandbox/landscape\n---\nA castle',
  'merge keys': '---\nbase: &b {width: 64, steps: 1}\nconfig:\n  <<: *b\n  <<: *b\n---\nA castle',
  'complex keys': '---\n? [a, b]\n: 1\nconfig:\n  ? {width: 1}\n  : 2\n---\nA castle',
  'many documents': '---\na: 1\n...\n---\nb: 2\n---\nA castle',
  'a huge value': `---\nconfig:\n  negativePrompt: ${'x'.repeat(1_000_000)}\n---\nA castle`,
  'a huge key count': `---\n${Array.from({ length: 2000 }, (_, i) => `k${i}: ${i}`).join('\n')}\n---\nA castle`,
  'duplicate keys': '---\nconfig:\n  width: 64\n  width: 128\n---\nA castle',
  'CRLF and BOM': '\uFEFF---\r\nconfig:\r\n  width: big\r\n---\r\nA castle',
  'CR only': '---\rconfig:\r  width: big\r---\rA castle',
  'broken placeholders': '---\nmodel: sandbox/landscape\n---\n{{ {{ }} }} {{#each}} {{> partial}} {{',
};

function assertRanged(result: PromptParseResult, source: string, what: string): void {
  const lines = source.split('\n');
  for (const { range, message, severity } of result.diagnostics) {
    assert.ok(['error', 'warning', 'information'].includes(severity), `${what}: severity ${severity}`);
    assert.equal(typeof message, 'string', what);
    const { start, end } = range;
    for (const position of [start, end]) {
      assert.ok(
        Number.isInteger(position.line) && position.line >= 0 && position.line < lines.length,
        `${what}: line ${position.line} of ${lines.length} (${message})`,
      );
      assert.ok(
        Number.isInteger(position.character) && position.character >= 0 && position.character <= lines[position.line]!.length + 1,
        `${what}: character ${position.character} (${message})`,
      );
    }
    assert.ok(
      start.line < end.line || (start.line === end.line && start.character <= end.character),
      `${what}: range ends before it starts (${message})`,
    );
  }
}

for (const [what, source] of Object.entries(HOSTILE)) {
  test(`hostile front matter becomes diagnostics, never an exception: ${what}`, () => {
    for (const parse of [parsePromptFile, checkPromptFile]) {
      const result = parse(source);
      assertRanged(result, source, what);
      assert.ok(result.prompt || result.diagnostics.some((d) => d.severity === 'error'), `${what}: no prompt means an error says why`);
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype was polluted');
  });
}

test('an alias bomb is an error on the alias that expands it', () => {
  const source = HOSTILE['alias bomb (billion laughs)']!;
  const { prompt, diagnostics } = parsePromptFile(source);
  assert.equal(prompt, undefined);
  const error = diagnostics.find((d) => d.severity === 'error')!;
  assert.match(error.message, /^YAML: Excessive alias count/);
  assert.equal(error.range.start.line, 2, 'the first alias, in l1');
  const missing = parsePromptFile(HOSTILE['alias without anchor']!).diagnostics.find((d) => d.severity === 'error')!;
  assert.match(missing.message, /^YAML: Unresolved alias/);
  assert.deepEqual(missing.range, { start: { line: 1, character: 8 }, end: { line: 1, character: 16 } });
});

const VALID =
  '---\nmodel: tams/600423083519508503\nconfig:\n  width: 512\n  seed: -1\n  kind: image\ninput:\n  default:\n    who: a cat\noutput:\n  folder: art\n  name: "{{name}}"\n---\nA {{who}} by {{artist}}\n';
const PIECES = [
  '---',
  '\n',
  ' ',
  '  ',
  '\t',
  ':',
  ': ',
  '- ',
  '[',
  ']',
  '{',
  '}',
  ',',
  '&a ',
  '*a',
  '*b',
  '&b ',
  '!!str ',
  '!!int ',
  '? ',
  '|',
  '>',
  '"',
  "'",
  '#',
  '%',
  '@',
  '`',
  '\\',
  '<<: ',
  'config',
  'model',
  'width',
  'seed',
  'kind',
  '__proto__',
  'input',
  'default',
  'output',
  '-1',
  '1e999',
  '0x10',
  '.nan',
  'null',
  '~',
  'true',
  'sandbox/landscape',
  'photogpt/x',
  '{{x}}',
  '{{',
  '}}',
  '\u0000',
  '\ufffd',
  '\ud83d\udc31',
  '\r',
  '\r\n',
  '\u2028',
];

test('random front matter and random edits of a valid file never throw and stay ranged', () => {
  const next = random(11);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  for (let round = 0; round < 400; round++) {
    let source: string;
    if (round % 2 === 0) {
      const pieces = Array.from({ length: 1 + Math.floor(next() * 60) }, () => pick(PIECES));
      source = `---\n${pieces.join('')}\n---\nA castle`;
    } else {
      source = VALID;
      for (let edit = 0; edit < 1 + Math.floor(next() * 6); edit++) {
        const at = Math.floor(next() * source.length);
        const cut = Math.floor(next() * 8);
        source = source.slice(0, at) + (next() < 0.7 ? pick(PIECES) : '') + source.slice(at + (next() < 0.5 ? cut : 0));
      }
    }
    let result: PromptParseResult;
    try {
      result = checkPromptFile(source);
    } catch (error) {
      assert.fail(`round ${round} threw ${String(error)} for ${JSON.stringify(source)}`);
    }
    assertRanged(result, source, `round ${round} ${JSON.stringify(source)}`);
  }
});

function assertInside(range: TextRange, source: string, what: string): void {
  const lines = source.split('\n');
  for (const { line, character } of [range.start, range.end]) {
    assert.ok(line >= 0 && line < lines.length && character >= 0 && character <= lines[line]!.length, `${what}: ${line}:${character}`);
  }
}

/**
 * Completion and hover at `offsets` of `source`: the cursor reading they share (which has no guard
 * of its own) must not throw, and what they answer lies inside the file.
 */
function assertEditorHelpHolds(source: string, offsets: Iterable<number>, what: string): void {
  for (const offset of offsets) {
    const where = `${what} at ${offset}`;
    try {
      cursorContext(source, offset);
    } catch (error) {
      assert.fail(`${where}: cursorContext threw ${String(error)}`);
    }
    for (const item of promptCompletions(source, offset, { defaultModels: { tams: 'x' } })) assertInside(item.range, source, where);
    const hover = promptHover(source, offset);
    if (hover) assertInside(hover.range, source, where);
  }
}

/** Every offset of a small file; a spread of them (and each end) in a large one. */
function offsetsOf(source: string): number[] {
  if (source.length <= 400) return Array.from({ length: source.length + 1 }, (_, i) => i);
  return [...Array.from({ length: 40 }, (_, i) => Math.floor((i * source.length) / 40)), source.length, -1, source.length + 5, 1.5];
}

for (const [what, source] of Object.entries(HOSTILE)) {
  test(`completion and hover on hostile front matter answer without throwing: ${what}`, () => {
    assertEditorHelpHolds(source, offsetsOf(source), what);
  });
}

test('completion and hover at every offset of random edits of a valid file', () => {
  const next = random(29);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  for (let round = 0; round < 60; round++) {
    let source = VALID;
    for (let edit = 0; edit < 1 + Math.floor(next() * 4); edit++) {
      const at = Math.floor(next() * source.length);
      source = source.slice(0, at) + pick(PIECES) + source.slice(at + (next() < 0.5 ? Math.floor(next() * 8) : 0));
    }
    assertEditorHelpHolds(source, offsetsOf(source), `round ${round} ${JSON.stringify(source)}`);
  }
});

test('the cursor reading finds keys and values in the valid file it is fuzzed from', () => {
  // a guard against a fuzz that passes because nothing is ever recognised
  const kinds = new Set(offsetsOf(VALID).map((offset) => cursorContext(VALID, offset).kind));
  assert.deepEqual([...kinds].sort(), ['key', 'none', 'value', 'variable']);
});
