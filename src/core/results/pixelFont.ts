// A 5×7 pixel font for the printable ASCII characters, drawn for this project: the contact sheet
// labels its rows and columns with it (no font file to load, no canvas in the extension host). Each
// glyph is seven rows of five pixels, `#` lit; anything outside ASCII is drawn as `?`.

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
  '..... .#### #...# #...# .#### ....# .###.', // g
  '#.... #.... #.##. ##..# #...# #...# #...#', // h
  '..#.. ..... .##.. ..#.. ..#.. ..#.. .###.', // i
  '...#. ..... ..##. ...#. ...#. #..#. .##..', // j
  '#.... #.... #..#. #.#.. ##... #.#.. #..#.', // k
  '.##.. ..#.. ..#.. ..#.. ..#.. ..#.. .###.', // l
  '..... ..... ##.#. #.#.# #.#.# #...# #...#', // m
  '..... ..... #.##. ##..# #...# #...# #...#', // n
  '..... ..... .###. #...# #...# #...# .###.', // o
  '..... ..... ####. #...# ####. #.... #....', // p
  '..... ..... .##.# #..## .#### ....# ....#', // q
  '..... ..... #.##. ##..# #.... #.... #....', // r
  '..... ..... .###. #.... .###. ....# ####.', // s
  '.#... .#... ###.. .#... .#... .#..# ..##.', // t
  '..... ..... #...# #...# #...# #..## .##.#', // u
  '..... ..... #...# #...# #...# .#.#. ..#..', // v
  '..... ..... #...# #...# #.#.# #.#.# .#.#.', // w
  '..... ..... #...# .#.#. ..#.. .#.#. #...#', // x
  '..... ..... #...# #...# .#### ....# .###.', // y
  '..... ..... ##### ...#. ..#.. .#... #####', // z
  '...#. ..#.. ..#.. .#... ..#.. ..#.. ...#.', // {
  '..#.. ..#.. ..#.. ..#.. ..#.. ..#.. ..#..', // |
  '.#... ..#.. ..#.. ...#. ..#.. ..#.. .#...', // }
  '..... ..... .#... #.#.# ...#. ..... .....', // ~
];

const FIRST = 32;

/** Each glyph as rows of bits, the leftmost pixel the highest bit. */
const GLYPHS: readonly (readonly number[])[] = ART.map((art) =>
  art.split(' ').map((row) => parseInt(row.replace(/\./g, '0').replace(/#/g, '1'), 2)),
);

function glyph(character: string): readonly number[] {
  const code = character.codePointAt(0) ?? 63;
  return GLYPHS[code - FIRST] ?? GLYPHS['?'.charCodeAt(0) - FIRST]!;
}

/** The width in pixels of `text` at `scale`: one pixel of space after each glyph but the last. */
export function textWidth(text: string, scale: number): number {
  const characters = [...text].length;
  return characters === 0 ? 0 : (characters * (GLYPH_WIDTH + 1) - 1) * scale;
}

/** `text` cut to at most `maxWidth` pixels at `scale`, ending in `…` drawn as `..` when cut. */
export function fitText(text: string, maxWidth: number, scale: number): string {
  const characters = [...text];
  const fits = Math.max(0, Math.floor((maxWidth / scale + 1) / (GLYPH_WIDTH + 1)));
  if (characters.length <= fits) return text;
  return fits <= 2 ? characters.slice(0, fits).join('') : `${characters.slice(0, fits - 2).join('')}..`;
}

/** `text` broken at spaces into lines of at most `maxWidth` pixels, at most `maxLines` of them (the last cut). */
export function wrapText(text: string, maxWidth: number, scale: number, maxLines: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (textWidth(candidate, scale) <= maxWidth || !line) line = candidate;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line) lines.push(line);
  const kept = lines.slice(0, maxLines);
  if (lines.length > maxLines) kept[maxLines - 1] = `${kept[maxLines - 1]} ${lines[maxLines]}`;
  return kept.map((kept) => fitText(kept, maxWidth, scale));
}

/** Something to draw into: sets one pixel (the caller clips). */
export type PutPixel = (x: number, y: number) => void;

/** Draws `text` with its top-left corner at (x, y), each font pixel a `scale`×`scale` square. */
export function drawText(text: string, x: number, y: number, scale: number, put: PutPixel): void {
  let left = x;
  for (const character of text) {
    const rows = glyph(character);
    rows.forEach((bits, row) => {
      for (let column = 0; column < GLYPH_WIDTH; column++) {
        if (!(bits & (1 << (GLYPH_WIDTH - 1 - column)))) continue;
        for (let dy = 0; dy < scale; dy++) for (let dx = 0; dx < scale; dx++) put(left + column * scale + dx, y + row * scale + dy);
      }
    });
    left += (GLYPH_WIDTH + 1) * scale;
  }
}
