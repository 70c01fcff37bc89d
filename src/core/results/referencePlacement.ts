// Where a reference to an image goes in the document the user writes in, and the line breaks that go
// with it. The user's text is never replaced or split: a selection is the text the image was made
// from (Generate Image from Selection), not something to overwrite, and a paragraph cut in two at the
// cursor is a paragraph the user has to mend by hand.
import { isMarkdownLanguage } from './assetReference';

/** A selection as offsets into the document's text; start === end for a cursor. */
export interface OffsetSelection {
  readonly start: number;
  readonly end: number;
}

export interface ReferenceEdit {
  /** Where the text goes, as an offset into the document before the edit. */
  readonly offset: number;
  readonly text: string;
}

export interface ReferencePlacement {
  /** One insertion per place (two cursors in one paragraph give one image), by offset. */
  readonly edits: readonly ReferenceEdit[];
  /** Offsets into the document after the edits, just after each reference: where the cursors go, with nothing selected. */
  readonly cursors: readonly number[];
}

const blank = (line: string | undefined) => line === undefined || line.trim() === '';
const HEADING = /^ {0,3}#{1,6}(\s|$)/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const FRONT_MATTER_END = /^(---|\.\.\.)\s*$/;

/** Lines `first`..`last` (inclusive) that belong together: a paragraph, a list, a heading, a fenced block. */
interface Block {
  readonly first: number;
  readonly last: number;
}

/** The line that closes a block opened by line `first`: front matter's, or a fence's; undefined for other blocks. */
function closingLine(lines: readonly string[], first: number): RegExp | undefined {
  const line = lines[first]!;
  if (first === 0 && /^---\s*$/.test(line)) return FRONT_MATTER_END;
  const fence = FENCE.exec(line)?.[1];
  return fence ? new RegExp(`^ {0,3}${fence[0]}{${fence.length},}\\s*$`) : undefined;
}

/** The last line of the block that starts at `first` (a non-blank line). */
function blockEnd(lines: readonly string[], first: number): number {
  const line = lines[first]!;
  // front matter and fenced code may hold blank lines: they run to their closing line (or the end)
  const closing = closingLine(lines, first);
  if (closing) {
    let last = first + 1;
    while (last < lines.length && !closing.test(lines[last]!)) last++;
    return Math.min(last, lines.length - 1);
  }
  // an ATX heading is a block of one line, and one starts a new block (as a fence does)
  if (HEADING.test(line)) return first;
  let last = first;
  while (last + 1 < lines.length && !blank(lines[last + 1]) && !HEADING.test(lines[last + 1]!) && !FENCE.test(lines[last + 1]!)) last++;
  return last;
}

/** The block each line belongs to; undefined for a blank line between blocks. */
function markdownBlocks(lines: readonly string[]): (Block | undefined)[] {
  const blocks: (Block | undefined)[] = new Array<Block | undefined>(lines.length).fill(undefined);
  for (let first = 0; first < lines.length;) {
    if (blank(lines[first])) {
      first++;
      continue;
    }
    const block = { first, last: blockEnd(lines, first) };
    for (let line = block.first; line <= block.last; line++) blocks[line] = block;
    first = block.last + 1;
  }
  return blocks;
}

interface Place {
  readonly edit: ReferenceEdit;
  /** Where the reference ends inside `edit.text`. */
  readonly after: number;
}

/**
 * Where `reference` goes for each selection of a document (its text, language and line ending), and
 * where the cursors are afterwards: just after each reference, nothing selected, so the next keystroke
 * adds to the document rather than deleting the reference.
 *
 * In Markdown the image is a paragraph of its own, with blank lines around it. A cursor on a blank line
 * gets it there. A cursor inside a paragraph (a heading, a list, a fenced block) gets it after that
 * paragraph: the cursor is where the user was reading or writing, and the picture belongs with that
 * text, as figures follow the paragraph that mentions them; only a cursor before the block's first
 * character (column 1 of a heading, say) puts it before, where typing would have put text. A selection
 * always gets it after its last paragraph, next to the text it was made from.
 *
 * Elsewhere (HTML, code, plain text) a cursor gets the reference where it is, as a path or tag is
 * typed; a selection gets it on a line of its own after the selection's last line, indented as that line.
 */
export function placeReferences(
  document: { readonly text: string; readonly languageId: string; readonly eol: string },
  reference: string,
  selections: readonly OffsetSelection[],
): ReferencePlacement {
  const { text, eol } = document;
  const lines = text.split(eol);
  const starts: number[] = [];
  for (let line = 0, offset = 0; line < lines.length; offset += lines[line]!.length + eol.length, line++) starts.push(offset);
  const position = (offset: number) => {
    let line = 0;
    while (line + 1 < starts.length && starts[line + 1]! <= offset) line++;
    return { line, character: offset - starts[line]! };
  };
  const lineEnd = (line: number) => starts[line]! + lines[line]!.length;
  const markdown = isMarkdownLanguage(document.languageId);
  const blocks = markdown ? markdownBlocks(lines) : [];

  const place = (offset: number, before: string, after = ''): Place => ({
    edit: { offset, text: `${before}${reference}${after}` },
    after: before.length + reference.length,
  });
  const placeFor = (selection: OffsetSelection): Place => {
    const start = position(selection.start);
    const end = position(selection.end);
    const empty = selection.start === selection.end;
    // a selection of whole lines ends at column 1 of the line after them: that line is not selected
    let last = !empty && end.character === 0 && end.line > start.line ? end.line - 1 : end.line;
    if (!markdown) {
      if (empty) return place(selection.start, '');
      return place(lineEnd(last), eol + /^\s*/.exec(lines[last]!)![0]);
    }
    while (!empty && last > start.line && blank(lines[last])) last--;
    const block = blocks[last];
    if (!block) {
      // a blank line: the image goes on it, at its start (indented four spaces it would be code)
      return place(starts[last]!, blank(lines[last - 1]) ? '' : eol, blank(lines[last + 1]) ? '' : eol);
    }
    if (empty && start.line === block.first && lines[start.line]!.slice(0, start.character).trim() === '')
      return place(starts[block.first]!, blank(lines[block.first - 1]) ? '' : eol, eol + eol);
    return place(lineEnd(block.last), eol + eol, blank(lines[block.last + 1]) ? '' : eol);
  };

  const places = new Map<number, Place>();
  for (const selection of selections) {
    const found = placeFor({ start: Math.min(selection.start, selection.end), end: Math.max(selection.start, selection.end) });
    if (!places.has(found.edit.offset)) places.set(found.edit.offset, found);
  }
  const sorted = [...places.values()].sort((a, b) => a.edit.offset - b.edit.offset);
  let shift = 0;
  const cursors = sorted.map(({ edit, after }) => {
    const cursor = edit.offset + shift + after;
    shift += edit.text.length;
    return cursor;
  });
  return { edits: sorted.map(({ edit }) => edit), cursors };
}
