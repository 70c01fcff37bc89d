// The contact sheet of a sweep's page: its layout in pixels, its A1111 `parameters` text, its cells
// in the sidecar, and the PNG drawn from the saver's own files.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { PNG } from 'pngjs';
import { readSidecar, type GalleryEntry } from '../../../src/core/results/galleryIndex';
import { CUT_NOTE, planContactSheet, sheetCells, sheetGeometry, sheetParameters, sheetTitle } from '../../../src/core/results/contactSheet';
import { renderContactSheet, type SheetCellContent } from '../../../src/core/results/contactSheetImage';
import {
  displayText,
  drawText,
  fitText,
  GLYPH_HEIGHT,
  hasMissingGlyphs,
  MISSING_GLYPH,
  textWidth,
  wrapCuts,
  wrapText,
} from '../../../src/core/results/pixelFont';
import { readPngText } from '../../../src/core/results/png';
import { layoutGrid, normalizeChoice } from '../../../src/core/results/sweepGrid';
import { sweepJobStates } from '../../../src/core/results/sweepJobs';
import { sweepJobRecords, writeSweepFiles, type SweepSpec } from '../../fixtures/sweepFiles';
import { tempDir } from '../helpers';

const SPEC: SweepSpec = {
  batchId: 'sheet',
  prompt: 'a {{thing}}, at dusk',
  axes: [
    { key: 'steps', values: [10, 20] },
    { key: 'cfgScale', values: [5, 7.5, 9] },
    { key: 'thing', values: ['boat', 'lighthouse'] },
  ],
  size: 40,
  failed: ['1,2,0'],
  missing: ['0,1,0'],
};

function batchOnDisk() {
  const dir = tempDir();
  const jobs = sweepJobRecords(SPEC, pathToFileURL(dir).toString(), 'out');
  writeSweepFiles(dir, SPEC, jobs);
  const entries: GalleryEntry[] = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => {
      const read = readSidecar(pathToFileURL(join(dir, name)).toString(), readFileSync(join(dir, name)));
      assert.ok(read.ok);
      return read.entry;
    });
  const plan = planContactSheet(entries, sweepJobStates(jobs), 'sheet', {});
  assert.ok(plan);
  return { dir, ...plan };
}

describe('contact sheet', () => {
  const { batch, layout } = batchOnDisk();

  it('summarises the sweep in A1111 form: the prompt, the shared parameters, X and Y with their values, the page', () => {
    assert.equal(
      sheetParameters(batch, layout),
      [
        'a boat, at dusk',
        'Sampler: Euler a, Seed: 7, Size: 40x40, Model: sandbox/landscape, X Type: cfgScale, X Values: "5, 7.5, 9", Y Type: steps, Y Values: "10, 20", Page thing: boat, Sweep: sheet',
      ].join('\n'),
    );
  });

  it('lists every cell of the page in the sidecar, with its values, its status and its images', () => {
    const cells = sheetCells(batch, layout, (image) => ({ file: image.imageUri.split('/').pop()!, provenance: { seed: image.seed } }));
    assert.equal(cells.length, 6);
    assert.deepEqual(
      cells.map((cell) => [cell.row, cell.column, cell.status, cell.images.length]),
      [
        [0, 0, 'image', 1],
        [0, 1, 'no image', 0],
        [0, 2, 'image', 1],
        [1, 0, 'image', 1],
        [1, 1, 'image', 1],
        [1, 2, 'failed', 0],
      ],
    );
    assert.deepEqual(cells[5]!.values, { steps: 20, cfgScale: 9, thing: 'boat' });
    assert.match(cells[5]!.message!, /steps out of range/);
    assert.deepEqual(cells[0]!.images, [{ file: 'sheet-0-0-0.png', provenance: { seed: 7 } }]);
  });

  it('lays the cells out in a grid with room for the title, the column heads and the row heads', () => {
    const geometry = sheetGeometry(layout, sheetTitle(batch, layout), 100);
    const [first, second] = geometry.cells[0]!;
    const below = geometry.cells[1]![0]!;
    assert.equal(second!.x - first!.x, 106);
    assert.equal(below.y - first!.y, 106);
    assert.ok(first!.y > 2 * 20, 'below two title lines and the column heads');
    assert.ok(geometry.width >= geometry.cells[0]![2]!.x + 100 + 12, 'the last column fits');
    for (const text of geometry.texts) assert.ok(text.x + textWidth(text.text, geometry.scale) <= geometry.width, `"${text.text}" fits`);
    assert.equal(geometry.height, below.y + 100 + 12);
    const texts = geometry.texts.map((text) => text.text);
    for (const label of ['a boat, at dusk', '5', '7.5', '9', '10', '20', 'steps'])
      assert.ok(texts.includes(label), `${label} in ${texts.join(' | ')}`);
    assert.ok(texts.includes('page: thing boat'), 'the page is named in the title');
    assert.ok(texts.includes('rows: steps, columns: cfgScale'));
  });

  it('names both keys over the grid: the column key spanning the columns, the row key heading the row heads', () => {
    const geometry = sheetGeometry(layout, sheetTitle(batch, layout), 100);
    const at = (text: string) => geometry.texts.filter((candidate) => candidate.text === text);
    const first = geometry.cells[0]![0]!;
    const last = geometry.cells[0]![2]!;
    const [columnHead] = at('7.5');
    const [columnKey] = at('cfgScale');
    assert.ok(columnKey, `the column key is drawn apart from the title: ${geometry.texts.map((text) => text.text).join(' | ')}`);
    assert.ok(columnKey.y < columnHead!.y, 'above the column heads, on a line of its own');
    const centre = columnKey.x + textWidth('cfgScale', geometry.scale) / 2;
    assert.ok(Math.abs(centre - (first.x + (last.x + 100)) / 2) <= geometry.scale * 3, 'centred over the columns');
    const spans = geometry.rules.filter((rule) => rule.height < rule.width);
    assert.deepEqual(
      [Math.min(...spans.map((rule) => rule.x)), Math.max(...spans.map((rule) => rule.x + rule.width))],
      [first.x, last.x + 100],
      'its rules span exactly the columns',
    );
    const [rowKey] = at('steps');
    const [rowHead] = at('20');
    assert.equal(rowKey!.y, columnHead!.y, 'the row key on the column heads’ line, at the top of the row heads');
    assert.equal(rowKey!.x + textWidth('steps', geometry.scale), rowHead!.x + textWidth('20', geometry.scale), 'aligned with them');
    const down = geometry.rules.find((rule) => rule.height > rule.width)!;
    assert.ok(down.x > rowHead!.x + textWidth('20', geometry.scale) && down.x < first.x, 'a rule between the row heads and the grid');
    assert.equal(down.y + down.height, geometry.cells[1]![0]!.y + 100, 'down to the last row');

    // a sweep of one key: no column key, the row key still named
    const oneKey = sheetGeometry({ ...layout, columns: undefined }, ['t'], 100);
    assert.deepEqual(
      oneKey.texts.filter((text) => ['steps', 'cfgScale'].includes(text.text)).map((text) => text.text),
      ['steps'],
    );
  });

  it('cuts a label that does not fit', () => {
    assert.equal(fitText('a very long label indeed', textWidth('a very', 2), 2), 'a ve..');
    assert.equal(fitText('short', 1000, 2), 'short');
    assert.equal(textWidth('ab', 1), 11);
    assert.deepEqual(wrapText('one two three four five', textWidth('one two', 1), 1, 2), ['one two', 'three..']);
  });

  it('wraps a long text at spaces, and a word longer than a line within it, after a - or / where it can', () => {
    const line = textWidth('x'.repeat(10), 1);
    assert.deepEqual(wrapText('a harbour at dawn in the fog', line, 1, 5), ['a harbour', 'at dawn in', 'the fog']);
    assert.deepEqual(wrapText('see a-very-long-slug-of-words', line, 1, 5), ['see', 'a-very-', 'long-slug-', 'of-words']);
    assert.deepEqual(
      wrapText('abcdefghijklmnopqrstuvwxyz', line, 1, 5),
      ['abcdefghij', 'klmnopqrst', 'uvwxyz'],
      'no break point: anywhere',
    );
    assert.deepEqual(wrapText('one two three four five six', line, 1, 2), ['one two', 'three fo..']);
    assert.equal(wrapCuts('one two three four five six', line, 1, 2), true);
    assert.equal(wrapCuts('one two three four five six', line, 1, 3), false);
    for (const text of ['a harbour at dawn in the fog', 'see a-very-long-slug-of-words', 'x'.repeat(95)])
      for (const wrapped of wrapText(text, line, 1, 20)) assert.ok(textWidth(wrapped, 1) <= line, `"${wrapped}" fits`);
  });

  /** The texts drawn left of the grid beside `row`, top to bottom. */
  const rowHeadLines = (geometry: ReturnType<typeof sheetGeometry>, row: number) => {
    const cell = geometry.cells[row]![0]!;
    return geometry.texts.filter((text) => text.x < cell.x && text.y >= cell.y && text.y < cell.y + cell.size).sort((a, b) => a.y - b.y);
  };

  it('wraps a long row value beside its row rather than cutting it, so values alike at the start still differ', () => {
    const dawn = 'a lighthouse on a cliff above the sea at dawn';
    const dusk = 'a lighthouse on a cliff above the sea at dusk';
    const long = { ...layout, rows: { ...layout.rows!, labels: [dawn, dusk] } };
    const geometry = sheetGeometry(long, sheetTitle(batch, long));
    const first = geometry.cells[0]![0]!;
    for (const [row, label] of [dawn, dusk].entries()) {
      const lines = rowHeadLines(geometry, row);
      assert.ok(lines.length > 1, `${label} wraps: ${lines.map((line) => line.text).join(' | ')}`);
      assert.equal(lines.map((line) => line.text).join(' '), label, 'every word drawn, none cut');
      for (const line of lines) {
        assert.ok(line.x >= 12 && line.x + textWidth(line.text, geometry.scale) < first.x, `"${line.text}" in the row heads' column`);
        assert.ok(line.x + textWidth(line.text, geometry.scale) <= 12 + 240, `"${line.text}" within 240 px`);
      }
      // centred on its row
      const top = lines[0]!.y - geometry.cells[row]![0]!.y;
      const bottom = geometry.cells[row]![0]!.y + first.size - (lines.at(-1)!.y + GLYPH_HEIGHT * geometry.scale);
      assert.ok(Math.abs(top - bottom) <= 1, `centred beside the row (${top} above, ${bottom} below)`);
    }
    assert.ok(!geometry.texts.some((text) => text.text.endsWith('..')), 'nothing cut');
    assert.ok(!geometry.texts.some((text) => CUT_NOTE.startsWith(text.text)), 'so no note about it');
    // a short value still takes one line, in a column no wider than it needs
    const short = sheetGeometry(layout, sheetTitle(batch, layout));
    assert.deepEqual(
      rowHeadLines(short, 1).map((line) => line.text),
      ['20'],
    );
  });

  it('wraps a long column value over its column, the heads aligned on their last line with the row key', () => {
    const long = { ...layout, columns: { ...layout.columns!, labels: ['5', 'watercolour on rough paper, loose brushwork', '9'] } };
    const geometry = sheetGeometry(long, sheetTitle(batch, long));
    const [left, middle, right] = geometry.cells[0]!;
    const over = (cell: { x: number; size: number }) =>
      geometry.texts.filter(
        (text) => text.y < left!.y && text.x >= cell.x && text.x + textWidth(text.text, geometry.scale) <= cell.x + cell.size,
      );
    const heads = over(middle!).filter((text) => text.text !== 'cfgScale');
    assert.equal(heads.map((text) => text.text).join(' '), 'watercolour on rough paper, loose brushwork');
    assert.ok(heads.length > 1);
    const last = heads.at(-1)!;
    assert.deepEqual(
      [over(left!).at(-1)!.y, over(right!).at(-1)!.y, geometry.texts.find((text) => text.text === 'steps')!.y],
      [last.y, last.y, last.y],
      'the one-line heads and the row key on the wrapped head’s last line',
    );
    assert.ok(last.y + GLYPH_HEIGHT * geometry.scale < left!.y, 'above the first row');
    const key = geometry.texts.find((text) => text.text === 'cfgScale')!;
    assert.ok(key.y < heads[0]!.y, 'the column key above them all');
  });

  it('cuts only a value too long to wrap into its room, and says under the title where its whole text is', () => {
    const endless = 'word '.repeat(80).trim();
    const long = { ...layout, rows: { ...layout.rows!, labels: ['10', endless] } };
    const geometry = sheetGeometry(long, sheetTitle(batch, long));
    const lines = rowHeadLines(geometry, 1);
    assert.equal(lines.length, 9, 'as many lines as a 192 px row has room for');
    assert.match(lines.at(-1)!.text, /\.\.$/);
    assert.equal(
      geometry.texts
        .map((text) => text.text)
        .join(' ')
        .includes(`A label ending in ".." is cut short;`),
      true,
      CUT_NOTE,
    );
    // the whole value is in the PNG's parameters and in each of the row's cells in the sidecar
    assert.ok(sheetParameters(batch, long).includes(`Y Values: "10, ${endless}"`));
  });

  const drawn = (text: string) => {
    const pixels: string[] = [];
    drawText(text, 0, 0, 1, (x, y) => pixels.push(`${x},${y}`));
    return pixels;
  };
  const rowsOf = (text: string) => [...new Set(drawn(text).map((pixel) => Number(pixel.split(',')[1])))].sort((a, b) => a - b);

  it('draws accented Latin letters as the letter and its mark, not as ?', () => {
    assert.ok(drawn('A').length > 10);
    for (const [accented, letter] of [
      ['é', 'e'],
      ['ñ', 'n'],
      ['ö', 'o'],
      ['ç', 'c'],
      ['Å', 'A'],
      ['Ł', 'L'],
      ['ș', 's'],
    ] as const) {
      assert.notDeepEqual(drawn(accented), drawn('?'), accented);
      assert.notDeepEqual(drawn(accented), drawn(letter), `${accented} has its mark`);
    }
    // the letter itself is all there: é is e and an accent above it, in the rows e leaves empty
    assert.ok(
      drawn('e').every((pixel) => drawn('é').includes(pixel)),
      'é keeps every pixel of e',
    );
    assert.deepEqual(rowsOf('é').slice(0, 2), [0, 1]);
    assert.ok(rowsOf('É')[0]! < 0, 'a capital’s accent above the capital');
    assert.ok(rowsOf('ç').includes(7), 'a cedilla below the line');
    // the composed form and the decomposed one are the same glyph, one character wide
    assert.deepEqual(drawn('e\u0301'), drawn('é'));
    assert.equal(textWidth('cafe\u0301', 1), textWidth('cafe', 1));
    assert.ok(drawn('i').includes('2,0') && !drawn('í').includes('2,0'), 'í has its accent where i has its dot, not both');
  });

  it('draws g, j, p, q and y below the line, so g is not a 9', () => {
    for (const letter of 'gjpqy') assert.ok(Math.max(...rowsOf(letter)) >= GLYPH_HEIGHT, letter);
    assert.notDeepEqual(drawn('g'), drawn('9'));
    assert.ok(Math.max(...rowsOf('9')) < GLYPH_HEIGHT);
  });

  it('draws typographic punctuation as its ASCII look, and what it cannot draw as a box the sheet explains', () => {
    assert.equal(displayText('“pâte” — a boat… 2×3'), '"pâte" - a boat... 2×3');
    assert.equal(displayText('ﬁne ²'), 'fine 2');
    assert.equal(displayText('東京 Москва'), `${MISSING_GLYPH}${MISSING_GLYPH} ${MISSING_GLYPH.repeat(6)}`);
    assert.equal(displayText('👍🏽'), MISSING_GLYPH.repeat(2), 'an emoji and its skin tone: a box each');
    assert.equal(displayText(displayText('“東京” — ok…')), displayText('“東京” — ok…'), 'idempotent');
    assert.notDeepEqual(drawn(MISSING_GLYPH), drawn('?'), 'a box, not a question mark');
    assert.equal(textWidth('…', 1), textWidth('...', 1));
    assert.equal(hasMissingGlyphs('café'), false);
    assert.equal(hasMissingGlyphs('東京'), true);
  });

  it('says under the title when a character is drawn as a box, and where its text is', () => {
    const note = (lines: readonly string[]) => lines.filter((line) => line.includes('cannot draw'));
    assert.deepEqual(note(sheetTitle(batch, layout)), []);
    const tokyo = { ...layout, columns: { ...layout.columns!, labels: ['5', '7.5', '東京'] } };
    assert.deepEqual(note(sheetTitle(batch, tokyo)), [
      `${MISSING_GLYPH}: a character this sheet cannot draw; the sidecar and the PNG's parameters hold the text`,
    ]);
  });

  it('draws the PNG: its size, the cells shrunk into place, a failed cell marked, the parameters chunk', () => {
    const { dir } = batchOnDisk();
    const geometry = sheetGeometry(layout, sheetTitle(batch, layout), 32);
    const contents: SheetCellContent[][] = layout.cells.map((row) =>
      row.map((cell): SheetCellContent => {
        const image = cell.images[0];
        if (image) return { bytes: readFileSync(join(dir, image.imageUri.split('/').pop()!)) };
        return { note: cell.job?.status ?? 'no image', failed: cell.job?.status === 'failed' };
      }),
    );
    const parameters = sheetParameters(batch, layout);
    const png = renderContactSheet(geometry, contents, parameters);
    const decoded = PNG.sync.read(png);
    assert.equal(decoded.width, geometry.width);
    assert.equal(decoded.height, geometry.height);
    assert.equal(readPngText(png).parameters, parameters);
    const pixel = (x: number, y: number) => [...decoded.data.subarray((y * decoded.width + x) * 4, (y * decoded.width + x) * 4 + 3)];
    const source = PNG.sync.read(readFileSync(join(dir, 'sheet-0-0-0.png')));
    // a 40-pixel image in a 32-pixel cell: its top-left pixel averages the source's top-left pixel alone
    const cell = geometry.cells[0]![0]!;
    assert.deepEqual(pixel(cell.x, cell.y), [...source.data.subarray(0, 3)]);
    const failed = geometry.cells[1]![2]!;
    const reds = [];
    for (let y = failed.y; y < failed.y + failed.size; y++)
      for (let x = failed.x; x < failed.x + failed.size; x++) if (pixel(x, y).join() === '180,30,30') reds.push(x);
    assert.ok(reds.length > 20, 'the failed cell says so in red');
    const empty = geometry.cells[0]![1]!;
    assert.deepEqual(pixel(empty.x + 1, empty.y + 1), [232, 232, 232], 'a cell with no image is an empty box');
  });
});

describe('contact sheet of a sweep whose prompt varies across the page', () => {
  it('titles and summarises it with what the prompts share, not one cell’s prompt', () => {
    const { batch } = batchOnDisk();
    // things down the rows: each row has its own prompt
    const layout = layoutGrid(batch, normalizeChoice(batch, { rows: 2, columns: 1, page: [0, 0, 0] }));
    const [title] = sheetTitle(batch, layout);
    assert.equal(title, "a … (the prompt varies with the sweep; each cell's is in the sidecar)");
    assert.equal(sheetParameters(batch, layout).split('\n')[0], 'a …');
  });
});
