// A 5×7 pixel font drawn for this project: the contact sheet labels its rows and columns with it (no
// font file to load, no canvas in the extension host). Each glyph is seven rows of five pixels, `#`
// lit; g, j, p, q and y have two rows more below the line. Beyond printable ASCII it draws the Latin
// letters with accents (é, Å, ñ, ç, ő, ș: the letter and its mark, composed), a few letters of their
// own (ß, æ, ø, ł, þ…), typographic punctuation as its ASCII look (… as ..., ’ as ', – as -), and any
// other character (Greek, Cyrillic, CJK, emoji) as a box, ▯, which the sheet explains: its text is in
// the PNG's parameters and the sidecar. displayText says what will be drawn; every function here
// measures and draws that.

export const GLYPH_WIDTH = 5;
export const GLYPH_HEIGHT = 7;

/** Characters 32 (space) to 126 (`~`), in order. */
// prettier-ignore
const ART = [
  '..... ..... ..... ..... ..... ..... .....', // space
  '..#.. ..#.. ..#.. ..#.. ..#.. ..... ..#..', // !
  '.#.#. .#.#. ..... ..... ..... ..... .....', // "
  '.#.#. .#.#. ##### .#.#. ##### .#.#. .#.#.', // #
  '..#.. .#### #.#.. .###. ..#.# ####. ..#..', // $
  '##... ##..# ...#. ..#.. .#... #..## ...##', // %
  '.##.. #..#. #.#.. .#... #.#.# #..#. .##.#', // &
  '..#.. ..#.. ..... ..... ..... ..... .....', // '
  '...#. ..#.. .#... .#... .#... ..#.. ...#.', // (
  '.#... ..#.. ...#. ...#. ...#. ..#.. .#...', // )
  '..... ..#.. #.#.# .###. #.#.# ..#.. .....', // *
  '..... ..#.. ..#.. ##### ..#.. ..#.. .....', // +
  '..... ..... ..... ..... .##.. ..#.. .#...', // ,
  '..... ..... ..... ##### ..... ..... .....', // -
  '..... ..... ..... ..... ..... .##.. .##..', // .
  '..... ....# ...#. ..#.. .#... #.... .....', // /
  '.###. #...# #..## #.#.# ##..# #...# .###.', // 0
  '..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.', // 1
  '.###. #...# ....# ...#. ..#.. .#... #####', // 2
  '##### ...#. ..#.. ...#. ....# #...# .###.', // 3
  '...#. ..##. .#.#. #..#. ##### ...#. ...#.', // 4
  '##### #.... ####. ....# ....# #...# .###.', // 5
  '..##. .#... #.... ####. #...# #...# .###.', // 6
  '##### ....# ...#. ..#.. .#... .#... .#...', // 7
  '.###. #...# #...# .###. #...# #...# .###.', // 8
  '.###. #...# #...# .#### ....# ...#. .##..', // 9
  '..... .##.. .##.. ..... .##.. .##.. .....', // :
  '..... .##.. .##.. ..... .##.. ..#.. .#...', // ;
  '...#. ..#.. .#... #.... .#... ..#.. ...#.', // <
  '..... ..... ##### ..... ##### ..... .....', // =
  '.#... ..#.. ...#. ....# ...#. ..#.. .#...', // >
  '.###. #...# ....# ...#. ..#.. ..... ..#..', // ?
  '.###. #...# ....# .##.# #.#.# #.#.# .###.', // @
  '.###. #...# #...# ##### #...# #...# #...#', // A
  '####. #...# #...# ####. #...# #...# ####.', // B
  '.###. #...# #.... #.... #.... #...# .###.', // C
  '###.. #..#. #...# #...# #...# #..#. ###..', // D
  '##### #.... #.... ####. #.... #.... #####', // E
  '##### #.... #.... ####. #.... #.... #....', // F
  '.###. #...# #.... #.### #...# #...# .####', // G
  '#...# #...# #...# ##### #...# #...# #...#', // H
  '.###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.', // I
  '..### ...#. ...#. ...#. ...#. #..#. .##..', // J
  '#...# #..#. #.#.. ##... #.#.. #..#. #...#', // K
  '#.... #.... #.... #.... #.... #.... #####', // L
  '#...# ##.## #.#.# #.#.# #...# #...# #...#', // M
  '#...# #...# ##..# #.#.# #..## #...# #...#', // N
  '.###. #...# #...# #...# #...# #...# .###.', // O
  '####. #...# #...# ####. #.... #.... #....', // P
  '.###. #...# #...# #...# #.#.# #..#. .##.#', // Q
  '####. #...# #...# ####. #.#.. #..#. #...#', // R
  '.#### #.... #.... .###. ....# ....# ####.', // S
  '##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..', // T
  '#...# #...# #...# #...# #...# #...# .###.', // U
  '#...# #...# #...# #...# #...# .#.#. ..#..', // V
  '#...# #...# #...# #.#.# #.#.# #.#.# .#.#.', // W
  '#...# #...# .#.#. ..#.. .#.#. #...# #...#', // X
  '#...# #...# .#.#. ..#.. ..#.. ..#.. ..#..', // Y
  '##### ....# ...#. ..#.. .#... #.... #####', // Z
  '.###. .#... .#... .#... .#... .#... .###.', // [
  '..... #.... .#... ..#.. ...#. ....# .....', // \
  '.###. ...#. ...#. ...#. ...#. ...#. .###.', // ]
  '..#.. .#.#. #...# ..... ..... ..... .....', // ^
  '..... ..... ..... ..... ..... ..... #####', // _
  '.#... ..#.. ..... ..... ..... ..... .....', // `
  '..... ..... .###. ....# .#### #...# .####', // a
  '#.... #.... #.##. ##..# #...# #...# ####.', // b
  '..... ..... .###. #.... #.... #...# .###.', // c
  '....# ....# .##.# #..## #...# #...# .####', // d
  '..... ..... .###. #...# ##### #.... .###.', // e
  '..##. .#..# .#... ###.. .#... .#... .#...', // f
  '..... ..... .#### #...# #...# #...# .#### ....# .###.', // g (two rows below the line)
  '#.... #.... #.##. ##..# #...# #...# #...#', // h
  '..#.. ..... .##.. ..#.. ..#.. ..#.. .###.', // i
  '...#. ..... ..##. ...#. ...#. ...#. ...#. #..#. .##..', // j
  '#.... #.... #..#. #.#.. ##... #.#.. #..#.', // k
  '.##.. ..#.. ..#.. ..#.. ..#.. ..#.. .###.', // l
  '..... ..... ##.#. #.#.# #.#.# #...# #...#', // m
  '..... ..... #.##. ##..# #...# #...# #...#', // n
  '..... ..... .###. #...# #...# #...# .###.', // o
  '..... ..... ####. #...# #...# #...# ####. #.... #....', // p
  '..... ..... .#### #...# #...# #...# .#### ....# ....#', // q
  '..... ..... #.##. ##..# #.... #.... #....', // r
  '..... ..... .###. #.... .###. ....# ####.', // s
  '.#... .#... ###.. .#... .#... .#..# ..##.', // t
  '..... ..... #...# #...# #...# #..## .##.#', // u
  '..... ..... #...# #...# #...# .#.#. ..#..', // v
  '..... ..... #...# #...# #.#.# #.#.# .#.#.', // w
  '..... ..... #...# .#.#. ..#.. .#.#. #...#', // x
  '..... ..... #...# #...# #...# #...# .#### ....# .###.', // y
  '..... ..... ##### ...#. ..#.. .#... #####', // z
  '...#. ..#.. ..#.. .#... ..#.. ..#.. ...#.', // {
  '..#.. ..#.. ..#.. ..#.. ..#.. ..#.. ..#..', // |
  '.#... ..#.. ..#.. ...#. ..#.. ..#.. .#...', // }
  '..... ..... .#... #.#.# ...#. ..... .....', // ~
];

const FIRST = 32;

/** Letters and signs beyond ASCII drawn as glyphs of their own. */
// prettier-ignore
const EXTRA_ART: Readonly<Record<string, string>> = {
  'ß': '.##.. #..#. #.#.. #..#. #...# #...# #.##.',
  'æ': '..... ..... ##.#. ..#.# .#### #.#.. .#.##',
  'Æ': '.#### #.#.. #.#.. ##### #.#.. #.#.. #.###',
  'œ': '..... ..... .#.#. #.#.# #.### #.#.. .#.##',
  'Œ': '.#### #.#.. #.#.. #.### #.#.. #.#.. .####',
  'ø': '..... ....# .###. #..## #.#.# ##..# .###. #....',
  'Ø': '.###. #..## #..## #.#.# ##..# ##..# .###.',
  'ł': '.##.. ..#.. ..##. .##.. ..#.. ..#.. .###.',
  'Ł': '#.... #.... #.#.. ##... #.... #.... #####',
  'đ': '...## ..### .##.# #..## #...# #...# .####',
  'Đ': '###.. #..#. #...# ###.# #...# #..#. ###..',
  'ð': '.#.#. ..#.. .#.#. ....# .#### #...# .###.',
  'þ': '..... #.... ####. #...# #...# #...# ####. #.... #....',
  'Þ': '#.... ####. #...# #...# ####. #.... #....',
  'ı': '..... ..... .##.. ..#.. ..#.. ..#.. .###.',
  'ȷ': '..... ..... ..##. ...#. ...#. ...#. ...#. #..#. .##..',
  '×': '..... #...# .#.#. ..#.. .#.#. #...# .....',
  '·': '..... ..... ..... ..#.. ..... ..... .....',
  '°': '.##.. #..#. .##.. ..... ..... ..... .....',
  '€': '..### .#... ####. .#... ###.. .#... ..###',
  '£': '..##. .#..# .#... ###.. .#... .#... #####',
  '¿': '..#.. ..... ..#.. .#... #.... #...# .###.',
  '¡': '..#.. ..... ..#.. ..#.. ..#.. ..#.. ..#..',
  // a character the font has no glyph for
  '\uFFFD': '##### #...# #...# #...# #...# #...# #####',
};

/** Drawn as these ASCII (or font) characters. NFKC, applied first, already does …, ™, ﬁ, ², full-width forms. */
const REPLACEMENTS: Readonly<Record<string, string>> = {
  '‘': "'",
  '’': "'",
  '‚': ',',
  '‛': "'",
  '′': "'",
  '“': '"',
  '”': '"',
  '„': '"',
  '″': '"',
  '‐': '-',
  '‑': '-',
  '‒': '-',
  '–': '-',
  '—': '-',
  '―': '-',
  '−': '-',
  '⁄': '/',
  '«': '<<',
  '»': '>>',
  '‹': '<',
  '›': '>',
  '•': '·',
  '→': '->',
  '←': '<-',
  '⇒': '=>',
  '©': '(c)',
  '®': '(R)',
  '╲': '\\',
  '\t': ' ',
  '\n': ' ',
  '\r': ' ',
};

/** The character drawn for one the font lacks: a box. */
export const MISSING_GLYPH = '\uFFFD';

/** Accents, as the combining marks NFD splits a letter into: two rows of five pixels, above the letter or below the line. */
// prettier-ignore
const MARKS: Readonly<Record<string, { readonly art: string; readonly below?: true }>> = {
  '\u0300': { art: '.#... ..#..' }, // grave
  '\u0301': { art: '...#. ..#..' }, // acute
  '\u0302': { art: '..#.. .#.#.' }, // circumflex
  '\u0303': { art: '.#..# #.##.' }, // tilde
  '\u0304': { art: '.###. .....' }, // macron
  '\u0306': { art: '#...# .###.' }, // breve
  '\u0307': { art: '..#.. .....' }, // dot above
  '\u0308': { art: '.#.#. .....' }, // diaeresis
  '\u030A': { art: '.###. .#.#.' }, // ring
  '\u030B': { art: '.#.#. #.#..' }, // double acute
  '\u030C': { art: '.#.#. ..#..' }, // caron
  '\u0323': { art: '..#.. .....', below: true }, // dot below
  '\u0326': { art: '..#.. .#...', below: true }, // comma below
  '\u0327': { art: '..#.. .##..', below: true }, // cedilla
  '\u0328': { art: '...#. ....#', below: true }, // ogonek
};

/** A glyph: rows of bits, the leftmost pixel the highest bit; `top` is the row the first is drawn at (-2: an accent above a capital). */
interface Glyph {
  readonly top: number;
  readonly rows: readonly number[];
}

const bits = (art: string) => art.split(' ').map((row) => parseInt(row.replace(/\./g, '0').replace(/#/g, '1'), 2));

const GLYPHS = new Map<string, Glyph>([
  ...ART.map((art, index): [string, Glyph] => [String.fromCharCode(FIRST + index), { top: 0, rows: bits(art) }]),
  ...Object.entries(EXTRA_ART).map(([character, art]): [string, Glyph] => [character, { top: 0, rows: bits(art) }]),
]);

/** A letter and its accents as one glyph: marks above a lowercase letter in its two empty top rows (i and j lose their dot), above a capital in two rows more. */
function composed(character: string): Glyph | undefined {
  const [base = '', ...marks] = [...character.normalize('NFD')];
  if (marks.length === 0 || !marks.every((mark) => MARKS[mark])) return undefined;
  const letter = GLYPHS.get(base === 'i' ? 'ı' : base === 'j' ? 'ȷ' : base);
  if (!letter || !/[A-Za-z]/.test(base)) return undefined;
  const rows = [...letter.rows];
  let top = 0;
  const above = marks.find((mark) => !MARKS[mark]!.below);
  if (above) {
    const art = bits(MARKS[above]!.art);
    if (rows[0] === 0 && rows[1] === 0) [rows[0], rows[1]] = art as [number, number];
    else {
      rows.unshift(...art);
      top = -2;
    }
  }
  const below = marks.find((mark) => MARKS[mark]!.below);
  if (below) {
    const art = bits(MARKS[below]!.art);
    const line = GLYPH_HEIGHT - top; // the first row under the line
    while (rows.length < line + 2) rows.push(0);
    rows[line] = rows[line]! | art[0]!;
    rows[line + 1] = rows[line + 1]! | art[1]!;
  }
  return { top, rows };
}

function drawable(character: string): boolean {
  return GLYPHS.has(character) || composed(character) !== undefined;
}

/**
 * What is drawn for `text`, one character a glyph: compatibility forms folded (NFKC), typographic
 * punctuation as ASCII, accented letters composed, marks that do not compose and invisible format
 * characters dropped, any other character as MISSING_GLYPH. Idempotent.
 */
export function displayText(text: string): string {
  let shown = '';
  for (const character of text.normalize('NFKC')) {
    const replaced = REPLACEMENTS[character];
    if (replaced !== undefined) shown += replaced;
    else if (/^[\p{M}\p{Cf}]$/u.test(character)) continue;
    else if (/^\p{Zs}$/u.test(character)) shown += ' ';
    else shown += drawable(character) ? character : MISSING_GLYPH;
  }
  return shown;
}

/** Whether some character of `text` has no glyph (drawn as a box). */
export function hasMissingGlyphs(text: string): boolean {
  return displayText(text).includes(MISSING_GLYPH);
}

function glyph(character: string): Glyph {
  return GLYPHS.get(character) ?? composed(character) ?? GLYPHS.get(MISSING_GLYPH)!;
}

/** The width in pixels of `text` at `scale`: one pixel of space after each glyph but the last. */
export function textWidth(text: string, scale: number): number {
  const characters = [...displayText(text)].length;
  return characters === 0 ? 0 : (characters * (GLYPH_WIDTH + 1) - 1) * scale;
}

/** How many glyphs fit in `maxWidth` pixels at `scale`. */
function glyphsThatFit(maxWidth: number, scale: number): number {
  return Math.max(0, Math.floor((maxWidth / scale + 1) / (GLYPH_WIDTH + 1)));
}

/** `text` cut to at most `maxWidth` pixels at `scale`, ending in `…` drawn as `..` when cut. */
export function fitText(text: string, maxWidth: number, scale: number): string {
  const characters = [...displayText(text)];
  const fits = glyphsThatFit(maxWidth, scale);
  if (characters.length <= fits) return characters.join('');
  return fits <= 2 ? characters.slice(0, fits).join('') : `${characters.slice(0, fits - 2).join('')}..`;
}

/** After these a word too long for a line breaks best (`a-long-slug`, `a/path`, `1,2,3`). */
const BREAK_AFTER = new Set(['-', '/', '_', ',', '.', ':', ';', ')', ']']);

/**
 * A word longer than a line of `fits` glyphs in pieces: each as long as it can be, ending after the
 * last of BREAK_AFTER within it when that keeps at least half a line, anywhere otherwise.
 */
function breakWord(characters: readonly string[], fits: number): string[] {
  const pieces: string[] = [];
  let start = 0;
  while (characters.length - start > fits) {
    let end = start + fits;
    for (let at = end; at >= start + Math.ceil(fits / 2); at--) {
      if (BREAK_AFTER.has(characters[at - 1]!)) {
        end = at;
        break;
      }
    }
    pieces.push(characters.slice(start, end).join(''));
    start = end;
  }
  pieces.push(characters.slice(start).join(''));
  return pieces;
}

/** `text` in lines of at most `maxWidth` pixels at `scale`: broken at spaces, and within a word only when it is longer than a line. */
function allLines(text: string, maxWidth: number, scale: number): string[] {
  const fits = Math.max(1, glyphsThatFit(maxWidth, scale));
  const lines: string[] = [];
  let line: string[] = [];
  for (const word of displayText(text).split(/\s+/).filter(Boolean)) {
    const characters = [...word];
    if (line.length > 0 && line.length + 1 + characters.length <= fits) {
      line.push(' ', ...characters);
      continue;
    }
    if (line.length > 0) lines.push(line.join(''));
    // a word longer than a line starts a line of its own and runs on over the next ones
    const pieces = breakWord(characters, fits);
    lines.push(...pieces.slice(0, -1));
    line = [...pieces.at(-1)!];
  }
  if (line.length > 0) lines.push(line.join(''));
  return lines;
}

/**
 * `text` wrapped into lines of at most `maxWidth` pixels at `scale`, at most `maxLines` of them: broken at
 * spaces, a word longer than a line broken within it (after a `-`, `/`, `_` or `,` where it can); when
 * more lines are needed, the last one kept ends in `..` (wrapCuts says whether it does).
 */
export function wrapText(text: string, maxWidth: number, scale: number, maxLines: number): string[] {
  const lines = allLines(text, maxWidth, scale);
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, Math.max(1, maxLines));
  kept[kept.length - 1] = fitText(`${kept[kept.length - 1]} ${lines[kept.length]}`, maxWidth, scale);
  return kept;
}

/** Whether wrapText would cut `text`: it needs more than `maxLines` lines of `maxWidth` pixels. */
export function wrapCuts(text: string, maxWidth: number, scale: number, maxLines: number): boolean {
  return allLines(text, maxWidth, scale).length > maxLines;
}

/** Something to draw into: sets one pixel (the caller clips). */
export type PutPixel = (x: number, y: number) => void;

/** Draws `text` with its top-left corner at (x, y), each font pixel a `scale`×`scale` square. */
export function drawText(text: string, x: number, y: number, scale: number, put: PutPixel): void {
  let left = x;
  for (const character of displayText(text)) {
    const { top, rows } = glyph(character);
    rows.forEach((bits, index) => {
      const row = top + index;
      for (let column = 0; column < GLYPH_WIDTH; column++) {
        if (!(bits & (1 << (GLYPH_WIDTH - 1 - column)))) continue;
        for (let dy = 0; dy < scale; dy++) for (let dx = 0; dx < scale; dx++) put(left + column * scale + dx, y + row * scale + dy);
      }
    });
    left += (GLYPH_WIDTH + 1) * scale;
  }
}
