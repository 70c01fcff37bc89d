import { test } from 'node:test';
import assert from 'node:assert/strict';
import { placeReferences } from '../../../src/core/results/referencePlacement';

const image = '![fox](a.png)';

/**
 * The document after inserting at the cursors `|` or the selections `[…]` of `marked`, with the cursors
 * placeReferences leaves marked `|` (always empty: nothing is left selected).
 */
function insert(marked: string, languageId = 'markdown', eol = '\n'): string {
  const selections: { start: number; end: number }[] = [];
  let text = '';
  let open: number | undefined;
  for (const char of marked) {
    if (char === '|') selections.push({ start: text.length, end: text.length });
    else if (char === '[' && open === undefined && !text.endsWith('!')) open = text.length;
    else if (char === ']' && open !== undefined) {
      selections.push({ start: open, end: text.length });
      open = undefined;
    } else text += char;
  }
  const { edits, cursors } = placeReferences({ text, languageId, eol }, image, selections);
  let after = text;
  for (const { offset, text: inserted } of [...edits].reverse()) after = after.slice(0, offset) + inserted + after.slice(offset);
  for (const cursor of [...cursors].reverse()) after = `${after.slice(0, cursor)}|${after.slice(cursor)}`;
  return after;
}

test('in Markdown an image goes in as its own paragraph, never on or against a heading or a line of text', () => {
  // column 1 of a heading: before it, a blank line between
  assert.equal(insert('|# Notes\n\nText.'), '![fox](a.png)|\n\n# Notes\n\nText.');
  assert.equal(insert('Intro.\n|# Notes'), 'Intro.\n\n![fox](a.png)|\n\n# Notes');
  // right after a heading, or at the end of a line of text
  assert.equal(insert('# Notes|\n\nText.'), '# Notes\n\n![fox](a.png)|\n\nText.');
  assert.equal(insert('# Notes|\nText.'), '# Notes\n\n![fox](a.png)|\n\nText.');
  // an empty line right under text, and above text: one line break each side makes the blank lines
  assert.equal(insert('Insert here:\n|\nThe end.'), 'Insert here:\n\n![fox](a.png)|\n\nThe end.');
  // already between blank lines, or alone: nothing added
  assert.equal(insert('# Notes\n\n|\n\nText.'), '# Notes\n\n![fox](a.png)|\n\nText.');
  assert.equal(insert('|'), '![fox](a.png)|');
  // the document's line ends
  assert.equal(insert('# Notes|\r\nx', 'markdown', '\r\n'), '# Notes\r\n\r\n![fox](a.png)|\r\n\r\nx');
});

test('a cursor inside a paragraph puts the image after the paragraph, never splitting it', () => {
  const paragraph = 'Open the gallery (Image Jobs: Open Gallery), put the cursor\nwhere the image goes.';
  assert.equal(
    insert(`# Tour\n\nOpen the gallery (Image Jobs: Open G|allery), put the cursor\nwhere the image goes.\n\nNext.\n`),
    `# Tour\n\n${paragraph}\n\n![fox](a.png)|\n\nNext.\n`,
  );
  // the paragraph's last line, at the end of the document, with or without a final line break
  assert.equal(insert('A red| fox.'), 'A red fox.\n\n![fox](a.png)|');
  assert.equal(insert('A red| fox.\n'), 'A red fox.\n\n![fox](a.png)|\n');
  // a paragraph right above a heading: between them, with blank lines
  assert.equal(insert('A red| fox.\n# Next'), 'A red fox.\n\n![fox](a.png)|\n\n# Next');
  // a list is one block; a heading is a block of its own line
  assert.equal(insert('- one|\n- two\n\nEnd.'), '- one\n- two\n\n![fox](a.png)|\n\nEnd.');
  assert.equal(insert('# No|tes\nText.'), '# Notes\n\n![fox](a.png)|\n\nText.');
  // a fenced block holds its blank lines: the image goes after the fence, never into the code
  assert.equal(insert('```js\nlet a;\n|\nlet b;\n```\nAfter.'), '```js\nlet a;\n\nlet b;\n```\n\n![fox](a.png)|\n\nAfter.');
  assert.equal(insert('~~~\nco|de\n\n~~~~\nAfter.'), '~~~\ncode\n\n~~~~\n\n![fox](a.png)|\n\nAfter.');
  // front matter too
  assert.equal(insert('---\ntitle: |x\n\ntags: a\n---\nBody.'), '---\ntitle: x\n\ntags: a\n---\n\n![fox](a.png)|\n\nBody.');
  // a cursor indented on a blank line gets the image at the line's start (four spaces would make it code)
  assert.equal(insert('Text.\n    |\nMore.'), 'Text.\n\n![fox](a.png)|\n    \nMore.');
});

test('a selection is kept: the image goes after its paragraph (or line), and nothing is left selected', () => {
  // Generate Image from Selection, then Insert: the sentence stays, the image follows it
  assert.equal(
    insert('# Ideas\n\n[A lighthouse on a cliff in a storm]\n\nMore.'),
    '# Ideas\n\nA lighthouse on a cliff in a storm\n\n![fox](a.png)|\n\nMore.',
  );
  // part of a paragraph, starting at its first character: after it all the same
  assert.equal(insert('[A red] fox\njumps.\nNext'), 'A red fox\njumps.\nNext\n\n![fox](a.png)|');
  // a selection over two paragraphs: after the second; whole lines (ending at column 1 below) or
  // trailing blank lines do not carry it past the paragraph they end in
  assert.equal(insert('[One.\n\nTwo.]\n\nThree.'), 'One.\n\nTwo.\n\n![fox](a.png)|\n\nThree.');
  assert.equal(insert('[# One\n]Two.'), '# One\n\n![fox](a.png)|\n\nTwo.');
  assert.equal(insert('# A\n\n[One.\n\n]\n# B'), '# A\n\nOne.\n\n![fox](a.png)|\n\n\n# B');
  // elsewhere: on a line of its own after the selection's line, with its indentation
  assert.equal(insert('<div>\n  <p>[a fox]</p>\n</div>', 'html'), '<div>\n  <p>a fox</p>\n  ![fox](a.png)|\n</div>');
  assert.equal(insert('[a fox]', 'plaintext'), 'a fox\n![fox](a.png)|');
  assert.equal(insert('[a fox\n]b', 'plaintext'), 'a fox\n![fox](a.png)|\nb');
});

test('other documents get the reference at the cursor; several cursors in one paragraph get one image', () => {
  assert.equal(insert('<h1>Notes</h1>|', 'html'), '<h1>Notes</h1>![fox](a.png)|');
  assert.equal(insert('# No|tes', 'plaintext'), '# No![fox](a.png)|tes');
  assert.equal(insert('a| b| c', 'plaintext'), 'a![fox](a.png)| b![fox](a.png)| c');
  assert.equal(insert('A |red |fox.\n\nB|ird.'), 'A red fox.\n\n![fox](a.png)|\n\nBird.\n\n![fox](a.png)|');
});
