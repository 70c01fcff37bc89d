// Where a cursor is in a `.prompt` file, read from the lines around it rather than from a YAML parse,
// so completion and hover work while the file is half typed and its YAML is broken.
import { splitFrontMatter } from './promptFile';

export type CursorContext =
  /** On a key (or where one is typed) under `parent`; `start`–`end` is the key's text. */
  | {
      readonly kind: 'key';
      readonly parent: readonly string[];
      readonly key: string;
      readonly start: number;
      readonly end: number;
      readonly siblings: readonly string[];
    }
  /** After `key:`; `start`–`end` is the value's text on that line. */
  | {
      readonly kind: 'value';
      readonly path: readonly string[];
      readonly value: string;
      readonly start: number;
      readonly end: number;
      readonly offset: number;
    }
  /** On an item of a list under `path` (`key: [a, b]`, or `- a` lines under `key:`); `start`–`end` is the item's text. */
  | { readonly kind: 'item'; readonly path: readonly string[]; readonly value: string; readonly start: number; readonly end: number }
  /** Inside `{{ }}` in the body; `start`–`end` is the name's text. */
  | { readonly kind: 'variable'; readonly name: string; readonly start: number; readonly end: number }
  | { readonly kind: 'none' };

const KEY_LINE = /^( *)([^\s:#'"][^:#]*?) *:(?: +|$)(.*)$/;

interface Line {
  readonly start: number;
  readonly text: string;
}

const indentOf = (text: string) => /^ */.exec(text)![0].length;
const isBlank = (text: string) => /^\s*(#.*)?$/.test(text);

export function cursorContext(source: string, offset: number): CursorContext {
  if (!Number.isInteger(offset) || offset < 0 || offset > source.length) return { kind: 'none' };
  const split = splitFrontMatter(source);
  const opening = /^\uFEFF?---[ \t]*\r?\n/.exec(source)?.[0].length ?? 0;
  // while the closing fence is not typed yet, everything after the opening one is front matter
  const frontEnd = !split ? 0 : 'unclosed' in split ? source.length : split.offset + split.text.length;
  const inFrontMatter = split && offset >= opening && (offset < frontEnd || 'unclosed' in split);
  if (inFrontMatter) return frontMatterContext(source, offset, opening, frontEnd);
  const bodyStart = split && !('unclosed' in split) ? split.bodyOffset : 0;
  return offset >= bodyStart ? variableContext(source, offset, bodyStart) : { kind: 'none' };
}

function frontMatterContext(source: string, offset: number, from: number, to: number): CursorContext {
  const lines: Line[] = [];
  for (let start = from; lines.length < 10_000;) {
    const newline = source.indexOf('\n', start);
    const end = newline < 0 || newline > to ? to : newline;
    lines.push({ start, text: source.slice(start, end).replace(/\r$/, '') });
    if (newline < 0 || newline >= to) break;
    start = newline + 1;
  }
  const index = lines.findIndex((line) => offset >= line.start && offset <= line.start + line.text.length);
  if (index < 0) return { kind: 'none' };
  const line = lines[index]!;
  const column = offset - line.start;
  const indent = indentOf(line.text);
  if (LIST_ITEM.test(line.text)) return listItemContext(lines, index, offset);
  const parent = parentPath(lines, index, indent);
  if (!parent) return { kind: 'none' };

  const key = KEY_LINE.exec(line.text);
  const colon = key ? key[1]!.length + key[2]!.length + line.text.slice(key[1]!.length + key[2]!.length).indexOf(':') : -1;
  if (key && column > colon) {
    const valueStart = line.start + line.text.length - key[3]!.length;
    const path = [...parent, key[2]!];
    if (key[3]!.trimStart().startsWith('[')) return flowItemContext(path, key[3]!, valueStart, offset);
    return { kind: 'value', path, value: key[3]!, start: valueStart, end: line.start + line.text.length, offset };
  }
  const word = /^( *)([\w-]*)/.exec(line.text)!;
  if (column < indent || (column > indent + word[2]!.length && !key)) return { kind: 'none' };
  if (!key && line.text.trim() && !/^ *[\w-]*$/.test(line.text)) return { kind: 'none' };
  return {
    kind: 'key',
    parent,
    key: word[2]!,
    start: line.start + indent,
    end: line.start + indent + word[2]!.length,
    siblings: siblingKeys(lines, index, indent),
  };
}

const LIST_ITEM = /^( *)-(?: |$)/;

/** An item of a block list (`- a` under `key:`), a plain value: the list's key path and the item's text. */
function listItemContext(lines: readonly Line[], index: number, offset: number): CursorContext {
  const line = lines[index]!;
  const dash = indentOf(line.text);
  const textStart = dash + 1 + /^ */.exec(line.text.slice(dash + 1))![0].length;
  const text = line.text
    .slice(textStart)
    .replace(/(^|\s)#.*$/, '')
    .trimEnd();
  if (offset - line.start <= dash || KEY_LINE.test(text) || /^[[{'"]/.test(text)) return { kind: 'none' };
  // the list's key: the first line above that is not an item of the list (or inside one)
  for (let i = index - 1; i >= 0; i--) {
    const above = lines[i]!.text;
    if (isBlank(above) || indentOf(above) > dash || (indentOf(above) === dash && LIST_ITEM.test(above))) continue;
    const key = KEY_LINE.exec(above);
    if (!key || !/^\s*(#.*)?$/.test(key[3]!)) return { kind: 'none' };
    const parent = parentPath(lines, i, indentOf(above));
    if (!parent) return { kind: 'none' };
    const start = line.start + Math.min(textStart, line.text.length);
    return { kind: 'item', path: [...parent, key[2]!], value: text, start, end: start + text.length };
  }
  return { kind: 'none' };
}

/** An item of a flow list (`key: [a, b]`) on the key's line: the item the cursor is in, without its spaces. */
function flowItemContext(path: readonly string[], value: string, valueStart: number, offset: number): CursorContext {
  const column = offset - valueStart;
  const open = value.indexOf('[');
  const close = value.indexOf(']', open);
  if (column <= open || (close >= 0 && column > close)) return { kind: 'none' };
  const left = Math.max(open, value.lastIndexOf(',', column - 1)) + 1;
  const stops = [value.indexOf(',', column), close].filter((at) => at >= 0);
  const right = stops.length ? Math.min(...stops) : value.length;
  const raw = value.slice(left, right);
  const start = valueStart + left + (raw.length - raw.trimStart().length);
  const text = raw.trim();
  return { kind: 'item', path, value: text, start, end: start + text.length };
}

/** The keys of the mappings the line sits in, from `key:` lines less indented above it; undefined inside a list or a value. */
function parentPath(lines: readonly Line[], index: number, indent: number): string[] | undefined {
  const path: string[] = [];
  let limit = indent;
  for (let i = index - 1; i >= 0 && limit > 0; i--) {
    const text = lines[i]!.text;
    if (isBlank(text) || indentOf(text) >= limit) continue;
    const key = KEY_LINE.exec(text);
    if (!key || !/^\s*(#.*)?$/.test(key[3]!)) return undefined;
    path.unshift(key[2]!);
    limit = indentOf(text);
  }
  return path;
}

function siblingKeys(lines: readonly Line[], index: number, indent: number): string[] {
  const keys: string[] = [];
  for (const step of [-1, 1]) {
    for (let i = index + step; i >= 0 && i < lines.length; i += step) {
      const text = lines[i]!.text;
      if (isBlank(text)) continue;
      if (indentOf(text) < indent) break;
      const key = indentOf(text) === indent ? KEY_LINE.exec(text) : null;
      if (key) keys.push(key[2]!);
    }
  }
  return keys;
}

function variableContext(source: string, offset: number, bodyStart: number): CursorContext {
  const before = source.slice(Math.max(bodyStart, offset - 200), offset);
  const open = before.lastIndexOf('{{');
  if (open < 0 || before.indexOf('}}', open) >= 0 || before.indexOf('\n', open) >= 0) return { kind: 'none' };
  const typed = /^\s*([\w.-]*)$/.exec(before.slice(open + 2));
  if (!typed) return { kind: 'none' };
  const rest = /^[\w.-]*/.exec(source.slice(offset))![0];
  return { kind: 'variable', name: typed[1]! + rest, start: offset - typed[1]!.length, end: offset + rest.length };
}
