// Draws a contact sheet (laid out by contactSheet.ts): each cell's PNG decoded, shrunk into its square
// by averaging, the labels in the pixel font, a cell with no picture marked as such; then the PNG
// with its `parameters` text. Decoding uses pngjs, so this loads with the engine, not at activation.
import { drawText, textWidth, GLYPH_HEIGHT, fitText } from './pixelFont';
import { encodePngRgb, withPngText } from './png';
import { decodePngRgba } from './pngPixels';
import type { SheetGeometry } from './contactSheet';

/** What goes in a cell: the image file's bytes, or the words to show instead ("no image", "failed"). */
export type SheetCellContent = { readonly bytes: Uint8Array } | { readonly note: string; readonly failed?: boolean };

type Rgb = readonly [number, number, number];
const BACKGROUND: Rgb = [250, 250, 250];
const TEXT: Rgb = [30, 30, 30];
const EMPTY: Rgb = [232, 232, 232];
const FAILED: Rgb = [180, 30, 30];
const RULE: Rgb = [150, 150, 150];

class Canvas {
  readonly pixels: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.pixels = new Uint8Array(width * height * 3);
    this.fill(0, 0, width, height, BACKGROUND);
  }

  set(x: number, y: number, colour: Rgb): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    this.pixels.set(colour, (y * this.width + x) * 3);
  }

  fill(x: number, y: number, width: number, height: number, colour: Rgb): void {
    for (let row = y; row < y + height; row++) for (let column = x; column < x + width; column++) this.set(column, row, colour);
  }

  text(text: string, x: number, y: number, scale: number, colour: Rgb): void {
    drawText(text, x, y, scale, (px, py) => this.set(px, py, colour));
  }
}

/** Shrinks (or enlarges) RGBA `image` to fit a `size` square at (x, y), averaging the source pixels each covers, over the background. */
function drawFitted(canvas: Canvas, image: { width: number; height: number; data: Uint8Array }, x: number, y: number, size: number): void {
  const ratio = Math.max(image.width, image.height) / size;
  const width = Math.max(1, Math.round(image.width / ratio));
  const height = Math.max(1, Math.round(image.height / ratio));
  const left = x + Math.floor((size - width) / 2);
  const top = y + Math.floor((size - height) / 2);
  for (let ty = 0; ty < height; ty++) {
    const y0 = Math.floor(ty * ratio);
    const y1 = Math.max(y0 + 1, Math.min(image.height, Math.floor((ty + 1) * ratio)));
    for (let tx = 0; tx < width; tx++) {
      const x0 = Math.floor(tx * ratio);
      const x1 = Math.max(x0 + 1, Math.min(image.width, Math.floor((tx + 1) * ratio)));
      let r = 0;
      let g = 0;
      let b = 0;
      let n = 0;
      for (let sy = y0; sy < y1; sy++) {
        for (let sx = x0; sx < x1; sx++) {
          const offset = (sy * image.width + sx) * 4;
          const alpha = image.data[offset + 3]! / 255;
          r += image.data[offset]! * alpha + BACKGROUND[0] * (1 - alpha);
          g += image.data[offset + 1]! * alpha + BACKGROUND[1] * (1 - alpha);
          b += image.data[offset + 2]! * alpha + BACKGROUND[2] * (1 - alpha);
          n++;
        }
      }
      canvas.set(left + tx, top + ty, [Math.round(r / n), Math.round(g / n), Math.round(b / n)]);
    }
  }
}

function drawNote(canvas: Canvas, note: string, failed: boolean, x: number, y: number, size: number, scale: number): void {
  canvas.fill(x, y, size, size, EMPTY);
  const text = fitText(note, size - 8, scale);
  canvas.text(
    text,
    x + Math.floor((size - textWidth(text, scale)) / 2),
    y + Math.floor((size - GLYPH_HEIGHT * scale) / 2),
    scale,
    failed ? FAILED : TEXT,
  );
}

/** Reads a PNG into RGBA; undefined when it is not one the decoder can read (the cell says so). */
function decode(bytes: Uint8Array): { width: number; height: number; data: Uint8Array } | undefined {
  try {
    return decodePngRgba(bytes);
  } catch {
    return undefined;
  }
}

/** The sheet as PNG bytes: `contents[row][column]` in each cell of `geometry`, `parameters` in its text chunk. */
export function renderContactSheet(
  geometry: SheetGeometry,
  contents: readonly (readonly SheetCellContent[])[],
  parameters: string,
): Buffer {
  const canvas = new Canvas(geometry.width, geometry.height);
  for (const { x, y, text } of geometry.texts) canvas.text(text, x, y, geometry.scale, TEXT);
  for (const { x, y, width, height } of geometry.rules) canvas.fill(x, y, width, height, RULE);
  geometry.cells.forEach((row, r) =>
    row.forEach((cell, c) => {
      const content = contents[r]?.[c] ?? { note: 'no image' };
      const image = 'bytes' in content ? decode(content.bytes) : undefined;
      if (image) drawFitted(canvas, image, cell.x, cell.y, cell.size);
      else if ('bytes' in content) drawNote(canvas, 'not a PNG', false, cell.x, cell.y, cell.size, geometry.scale);
      else drawNote(canvas, content.note, content.failed ?? false, cell.x, cell.y, cell.size, geometry.scale);
    }),
  );
  return withPngText(encodePngRgb(canvas.width, canvas.height, canvas.pixels), 'parameters', parameters);
}
