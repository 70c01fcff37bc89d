// The YAML parser's errors in a prompt file's front matter, said as what to fix and placed where the
// mistake is. The parser reports where it noticed: an over-indented key as "Nested mappings are not
// allowed in compact mappings" on the value above it, a list left open on the line after, often the
// closing fence. Its own words stay at the end, for anyone who knows YAML.
import type { YAMLError } from 'yaml';

export interface YamlProblem {
  readonly message: string;
  /** Offsets in the front matter's text. */
  readonly start: number;
  readonly end: number;
}

/** One problem per mistake: the parser often reports one mistake twice (a bad indent breaks two rules), said once with both its messages. */
export function yamlProblems(errors: readonly YAMLError[], text: string): YamlProblem[] {
  const found: (Hint & { said: string[] })[] = [];
  for (const error of errors) {
    const said = error.message.split('\n')[0]!;
    const hint = explain(error, said, text);
    const known = found.find((other) => other.start === hint.start && other.hint === hint.hint);
    if (known) known.said.push(said);
    else found.push({ ...hint, said: [said] });
  }
  return found.map(({ hint, start, end, said }) => ({
    message: hint === undefined ? `YAML: ${said.join('; ')}` : `${hint} (YAML: ${said.join('; ')})`,
    start,
    end: Math.max(end, start + 1),
  }));
}

/** What to fix (none where no hint is better than the parser's words) and where. */
interface Hint {
  readonly hint?: string;
  readonly start: number;
  readonly end: number;
}

function explain(error: YAMLError, said: string, text: string): Hint {
  const [start, end] = error.pos;
  const hint = (words: string, at: readonly [number, number]): Hint => ({ hint: words, start: at[0], end: at[1] });
  const asSaid: Hint = { start, end };
  switch (error.code) {
    case 'TAB_AS_INDENT':
      return hint('Indent with spaces, not tabs', [start, end]);
    case 'DUPLICATE_KEY': {
      const line = lineAt(text, start);
      return hint(`"${line.text.trim().split(':')[0]}" is given twice: keep one`, [line.start + indentOf(line.text), line.end]);
    }
    case 'MISSING_CHAR': {
      // "seed 5" as a block's last line: a key with no ": " and nothing after it to run into
      if (/followed by map values/.test(said) && !/:(\s|$)/.test(lineAt(text, start).text))
        return lineHint(text, start, 'A key needs a colon and a space after it, as in "steps: 20"');
      const quote = /closing (["'])/.exec(said)?.[1];
      const opening = quote === undefined ? -1 : text.lastIndexOf(quote, start - 1);
      return opening >= 0 ? hint(`This ${quote} quote is never closed`, [opening, opening + 1]) : asSaid;
    }
    case 'BAD_INDENT': {
      const closer = /end with a ([\]}])/.exec(said)?.[1];
      if (closer) {
        const opening = unclosedOpening(text, start, closer === ']' ? '[' : '{', closer);
        if (opening >= 0) return hint(`This ${closer === ']' ? 'list' : 'map'} is missing its closing "${closer}"`, [opening, opening + 1]);
      }
      return /same column/.test(said) ? lineHint(text, start, 'This key does not line up with the keys above it') : asSaid;
    }
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY': {
      const first = lineAt(text, start);
      // "model landscape" or "model:landscape": a key without ": " after it runs into the next line
      if (!/:(\s|$)/.test(first.text)) return lineHint(text, start, 'A key needs a colon and a space after it, as in "steps: 20"');
      // the value above ran into an over-indented key on the next line
      const next = lineAt(text, first.end + 1);
      if (next.start < text.length && indentOf(next.text) > indentOf(first.text))
        return lineHint(text, next.start, 'This key is indented further than the key above it: line it up with that key');
      return asSaid;
    }
    default:
      return asSaid;
  }
}

/** `words` on the line at `offset`, from its first non-space character to its end. */
function lineHint(text: string, offset: number, words: string): Hint {
  const line = lineAt(text, offset);
  return { hint: words, start: line.start + indentOf(line.text), end: line.end };
}

function lineAt(text: string, offset: number): { start: number; end: number; text: string } {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  const newline = text.indexOf('\n', offset);
  const end = newline < 0 ? text.length : newline;
  return { start, end, text: text.slice(start, end) };
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/** The last `open` before `offset` that no `close` after it (and before `offset`) matches; -1 if none. */
function unclosedOpening(text: string, offset: number, open: string, close: string): number {
  let depth = 0;
  for (let i = Math.min(offset, text.length) - 1; i >= 0; i--) {
    if (text[i] === close) depth++;
    else if (text[i] === open) {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}
