// A contact sheet of a sweep: one page of its grid (sweepGrid.ts) as one labelled picture. This file
// lays it out in pixels and writes what goes with it: the A1111 `parameters` text summarising the
// sweep, and the sidecar listing every cell's provenance. Pure; contactSheetImage.ts draws it.
import type { ProvenanceParams } from './provenance';
import { fitText, GLYPH_HEIGHT, hasMissingGlyphs, MISSING_GLYPH, textWidth, wrapCuts, wrapText } from './pixelFont';
import {
  cellLabel,
  layoutGrid,
  sharedPrompt,
  sweepBatches,
  type GridChoice,
  type GridLayout,
  type SweepBatch,
  type SweepImage,
} from './sweepGrid';
import type { SweepJobState } from './sweepJobs';

/** What the sheet needs of an image: its parameters, and where it is, for the sidecar. */
export interface SheetImage extends SweepImage, ProvenanceParams {
  readonly prompt: string;
  readonly model: string;
}

export interface SheetText {
  readonly x: number;
  readonly y: number;
  readonly text: string;
}

/** A line: the span of the column key over the columns it names, of the row key down the rows. */
export interface SheetRule {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface SheetGeometry {
  readonly width: number;
  readonly height: number;
  readonly scale: number;
  readonly texts: readonly SheetText[];
  readonly rules: readonly SheetRule[];
  /** cells[row][column]: the square each cell's image is fitted into. */
  readonly cells: readonly (readonly { readonly x: number; readonly y: number; readonly size: number }[])[];
}

export const SHEET_CELL = 192;
const SCALE = 2;
const PAD = 12;
const GAP = 6;
const LINE = (GLYPH_HEIGHT + 3) * SCALE;
/** The row heads' column: as wide as its longest value up to this (20 glyphs), which wraps beyond it. */
const MAX_ROW_HEAD = 240;
/** A column head wraps onto at most this many lines (a row head onto as many as its row is tall). */
const MAX_COLUMN_HEAD_LINES = 4;
const MAX_TITLE_LINES = 3;
/** Under the title when a label or title line had to be cut: where its whole text is. */
export const CUT_NOTE = `A label ending in ".." is cut short; the sidecar and the PNG's parameters hold the whole text`;

/** Lines above the grid (each wrapped to the sheet's width): the prompt, which key runs down and which across, the page's values, how full it is. */
export function sheetTitle(batch: SweepBatch<SheetImage>, layout: GridLayout<SheetImage>): string[] {
  // the page's images: a swept variable on the page axis leaves one prompt per page
  const shared = sharedPrompt(layout.cells.flat().flatMap((cell) => cell.images.map((image) => image.prompt)));
  const prompt = shared.varies ? `${shared.text} … (the prompt varies with the sweep; each cell's is in the sidecar)` : shared.text;
  const axes = [`rows: ${layout.rows!.key}`];
  if (layout.columns) axes.push(`columns: ${layout.columns.key}`);
  const page = layout.pageAxes.map((axis) => `${axis.key} ${axis.labels[axis.index]}`);
  const lines = [
    prompt,
    axes.join(', '),
    ...(page.length ? [`page: ${page.join(', ')}`] : []),
    `${layout.filled} of ${layout.total} cells have an image`,
  ];
  // a character the pixel font lacks is drawn as a box: say so, and where the words are
  const drawn = [...lines, ...layout.rows!.labels, ...(layout.columns?.labels ?? [])];
  if (drawn.some(hasMissingGlyphs))
    lines.push(`${MISSING_GLYPH}: a character this sheet cannot draw; the sidecar and the PNG's parameters hold the text`);
  return lines;
}

/** The width of the widest of `lines`. */
const widest = (lines: readonly string[]) => Math.max(0, ...lines.map((line) => textWidth(line, SCALE)));

/**
 * Where everything goes, for a grid of `layout` with `cell`-pixel squares. Both keys are named where
 * a reader looks for them: the column key on a line of its own, centred over the columns between
 * two rules that span them (so it cannot be taken for one column's head); the row key at the top of
 * the row heads, aligned with them, a rule down their side from it to the last row.
 *
 * A long value wraps rather than being cut, as in the gallery's grid: values that differ only at
 * their end (`a harbour at dawn`, `a harbour at dusk`) must not read the same. A row head wraps in
 * a column up to MAX_ROW_HEAD wide, onto as many lines as its row is tall, centred beside it; a
 * column head onto up to MAX_COLUMN_HEAD_LINES lines over its column, the heads aligned at their
 * last line. Only what needs more is cut (ending in `..`), and a line under the title says so.
 */
export function sheetGeometry(layout: GridLayout<SheetImage>, title: readonly string[], cell = SHEET_CELL): SheetGeometry {
  const rowLabels = layout.rows!.labels;
  const columnLabels = layout.columns?.labels ?? [''];
  const rowKeyWidth = Math.min(MAX_ROW_HEAD, textWidth(layout.rows!.key, SCALE));
  const rowLines = Math.max(1, Math.floor((cell + 3 * SCALE) / LINE));
  const rowHeads = rowLabels.map((label) => wrapText(label, MAX_ROW_HEAD, SCALE, rowLines));
  const rowHead = Math.max(rowKeyWidth, ...rowHeads.map(widest)) + GAP;
  const columnHeads = columnLabels.map((label) => wrapText(label, cell, SCALE, MAX_COLUMN_HEAD_LINES));
  const columnHeadLines = Math.max(1, ...columnHeads.map((lines) => lines.length));
  const rowKey = fitText(layout.rows!.key, rowHead - GAP, SCALE);
  const columnCount = columnLabels.length;
  const gridLeft = PAD + rowHead + GAP;
  const gridWidth = columnCount * (cell + GAP) - GAP;
  const columnKey = layout.columns && fitText(layout.columns.key, gridWidth - 4 * GAP, SCALE);
  const width = Math.max(gridLeft + gridWidth + PAD, PAD * 2 + textWidth('x'.repeat(40), SCALE));
  const cut =
    rowLabels.some((label) => wrapCuts(label, MAX_ROW_HEAD, SCALE, rowLines)) ||
    columnLabels.some((label) => wrapCuts(label, cell, SCALE, MAX_COLUMN_HEAD_LINES)) ||
    title.some((line) => wrapCuts(line, width - PAD * 2, SCALE, MAX_TITLE_LINES)) ||
    rowKey !== fitText(layout.rows!.key, Infinity, SCALE) ||
    (layout.columns !== undefined && columnKey !== fitText(layout.columns.key, Infinity, SCALE));
  const lines = [...title, ...(cut ? [CUT_NOTE] : [])].flatMap((line) => wrapText(line, width - PAD * 2, SCALE, MAX_TITLE_LINES));
  const texts: SheetText[] = lines.map((text, index) => ({ x: PAD, y: PAD + index * LINE, text }));
  const rules: SheetRule[] = [];
  let headTop = PAD + lines.length * LINE + GAP;
  if (layout.columns && columnKey !== undefined) {
    const keyLeft = gridLeft + Math.floor((gridWidth - textWidth(columnKey, SCALE)) / 2);
    const keyRight = keyLeft + textWidth(columnKey, SCALE);
    texts.push({ x: keyLeft, y: headTop, text: columnKey });
    const ruleY = headTop + Math.floor((GLYPH_HEIGHT * SCALE) / 2);
    rules.push({ x: gridLeft, y: ruleY, width: Math.max(0, keyLeft - GAP - gridLeft), height: SCALE });
    rules.push({ x: keyRight + GAP, y: ruleY, width: Math.max(0, gridLeft + gridWidth - keyRight - GAP), height: SCALE });
    headTop += LINE;
  }
  // the heads' last line, just over the first row: the row key and each column head's last line
  const headLine = headTop + (columnHeadLines - 1) * LINE;
  const gridTop = headLine + LINE;
  texts.push({ x: PAD + rowHead - GAP - textWidth(rowKey, SCALE), y: headLine, text: rowKey });
  columnHeads.forEach((head, column) => {
    head.forEach((text, line) => {
      const y = headLine - (head.length - 1 - line) * LINE;
      texts.push({ x: gridLeft + column * (cell + GAP) + Math.floor((cell - textWidth(text, SCALE)) / 2), y, text });
    });
  });
  const cells = rowHeads.map((head, row) => {
    const top = gridTop + row * (cell + GAP);
    const blockTop = top + Math.floor((cell - (head.length * LINE - 3 * SCALE)) / 2);
    head.forEach((text, line) => texts.push({ x: PAD + rowHead - GAP - textWidth(text, SCALE), y: blockTop + line * LINE, text }));
    return columnLabels.map((_, column) => ({ x: gridLeft + column * (cell + GAP), y: top, size: cell }));
  });
  const gridBottom = gridTop + rowLabels.length * (cell + GAP) - GAP;
  // the row heads' own rule, down their right side from the key to the last row
  rules.push({ x: PAD + rowHead - GAP + Math.floor(GAP / 2), y: headLine, width: SCALE, height: gridBottom - headLine });
  return { width, height: gridBottom + PAD, scale: SCALE, texts, rules: rules.filter((rule) => rule.width > 0), cells };
}

/** A1111 quotes a value that holds a comma or a quote, JSON-style. */
function field(name: string, value: string | number): string {
  const text = String(value);
  return `${name}: ${/[,":]/.test(text) ? JSON.stringify(text) : text}`;
}

const FIXED: readonly { readonly name: string; readonly value: (image: SheetImage) => string | number | undefined }[] = [
  { name: 'Steps', value: (image) => image.steps },
  { name: 'Sampler', value: (image) => image.sampler },
  { name: 'CFG scale', value: (image) => image.cfgScale },
  { name: 'Seed', value: (image) => image.seed },
  { name: 'Size', value: (image) => (image.width && image.height ? `${image.width}x${image.height}` : undefined) },
  { name: 'Model', value: (image) => image.model },
];

/**
 * The PNG's `parameters` text, as A1111's X/Y/Z plot writes a grid's: the prompt, then the
 * parameters every image of the page shares, then the swept keys with their values (X across, Y
 * down) and the page's value of each other key.
 */
export function sheetParameters(batch: SweepBatch<SheetImage>, layout: GridLayout<SheetImage>): string {
  const images = layout.cells.flat().flatMap((cell) => cell.images);
  const first = images[0];
  // A1111 reads the first line as the prompt: the shared part where a swept variable makes them differ
  const shared = sharedPrompt(images.map((image) => image.prompt));
  const lines = [shared.varies ? `${shared.text} …` : shared.text];
  if (first?.negativePrompt && images.every((image) => image.negativePrompt === first.negativePrompt))
    lines.push(`Negative prompt: ${first.negativePrompt}`);
  const fields: string[] = [];
  for (const { name, value } of FIXED) {
    const shared = first && value(first);
    if (shared !== undefined && shared !== '' && images.every((image) => value(image) === shared)) fields.push(field(name, shared));
  }
  if (layout.columns) fields.push(field('X Type', layout.columns.key), field('X Values', layout.columns.labels.join(', ')));
  fields.push(field('Y Type', layout.rows!.key), field('Y Values', layout.rows!.labels.join(', ')));
  for (const axis of layout.pageAxes) fields.push(field(`Page ${axis.key}`, axis.labels[axis.index]!));
  fields.push(field('Sweep', batch.batchId));
  lines.push(fields.join(', '));
  return lines.join('\n');
}

/** One cell in the sidecar: its values, and each of its images' file and whole provenance (or why it has none). */
export interface SheetCellRecord {
  readonly row: number;
  readonly column: number;
  readonly position: readonly number[];
  readonly label: string;
  readonly values: Readonly<Record<string, string | number | null>>;
  readonly status: 'image' | 'no image' | string;
  readonly message?: string;
  readonly images: readonly { readonly file: string; readonly provenance: unknown }[];
}

/**
 * The sidecar's cells, row by row. `describe` gives an image's file (relative to the sheet) and its
 * sidecar's content as read from disk.
 */
export function sheetCells<T extends SheetImage>(
  batch: SweepBatch<T>,
  layout: GridLayout<T>,
  describe: (image: T) => { readonly file: string; readonly provenance: unknown },
): SheetCellRecord[] {
  return layout.cells.flatMap((row, r) =>
    row.map((cell, c) => ({
      row: r,
      column: c,
      position: cell.position,
      label: cellLabel(batch, cell.position),
      values: Object.fromEntries(batch.keys.map((key, axis) => [key, batch.values[axis]![cell.position[axis]!] ?? null])),
      status: cell.images.length ? 'image' : (cell.job?.status ?? 'no image'),
      ...(cell.job?.message ? { message: cell.job.message } : {}),
      images: cell.images.map(describe),
    })),
  );
}

/** The batch `batchId` among `images` and `jobs`, laid out as `choice` says; undefined when it has no image. */
export function planContactSheet<T extends SheetImage>(
  images: readonly T[],
  jobs: readonly SweepJobState[],
  batchId: string,
  choice: GridChoice,
): { readonly batch: SweepBatch<T>; readonly layout: GridLayout<T> } | undefined {
  const batch = sweepBatches(images, jobs).find((candidate) => candidate.batchId === batchId);
  return batch && batch.images.length > 0 ? { batch, layout: layoutGrid(batch, choice) } : undefined;
}
