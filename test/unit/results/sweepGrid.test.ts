// A sweep's batch as a grid, from the sidecars the saver writes: grouping, rows × columns, pages,
// missing and failed cells.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { readSidecar, type GalleryEntry } from '../../../src/core/results/galleryIndex';
import { cellCaption, cellLabel, layoutGrid, normalizeChoice, sharedPrompt, sweepBatches } from '../../../src/core/results/sweepGrid';
import { sweepJobStates } from '../../../src/core/results/sweepJobs';
import { sweepJobRecords, writeSweepFiles, type SweepSpec } from '../../fixtures/sweepFiles';
import { batchTitles } from '../../../src/shared/galleryView';
import { tempDir } from '../helpers';

/** Writes the batch's files as the saver would and reads them back as the gallery does. */
function onDisk(spec: SweepSpec): { entries: GalleryEntry[]; jobs: ReturnType<typeof sweepJobRecords> } {
  const dir = tempDir();
  const jobs = sweepJobRecords(spec, pathToFileURL(dir).toString(), 'out');
  writeSweepFiles(dir, spec, jobs);
  const entries = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => {
      const read = readSidecar(pathToFileURL(join(dir, name)).toString(), readFileSync(join(dir, name)));
      assert.ok(read.ok, read.ok ? '' : read.problem);
      return read.entry;
    });
  return { entries, jobs };
}

const SPEC: SweepSpec = {
  batchId: 'batch-a',
  prompt: 'a {{thing}} at dusk',
  axes: [
    { key: 'steps', values: [10, 20, 30] },
    { key: 'cfgScale', values: [5, 7.5] },
    { key: 'thing', values: ['boat', 'lighthouse'] },
  ],
  size: 16,
  failed: ['1,1,0'],
  missing: ['2,0,1'],
};

describe('sweep batches from sidecars', () => {
  it('groups the images of a batch, with its keys in file order, shape and values by index', () => {
    const { entries } = onDisk(SPEC);
    const batches = sweepBatches(entries);
    assert.equal(batches.length, 1);
    const [batch] = batches;
    assert.deepEqual(batch!.keys, ['steps', 'cfgScale', 'thing']);
    assert.deepEqual(batch!.shape, [3, 2, 2]);
    assert.deepEqual(batch!.values, [
      [10, 20, 30],
      [5, 7.5],
      ['boat', 'lighthouse'],
    ]);
    assert.equal(batch!.images.length, 12 - 2, 'the failed and the missing cell have no image');
  });

  it('keeps two batches apart, newest first, and leaves out an image that disagrees with its batch', () => {
    const older = onDisk({ ...SPEC, batchId: 'older', createdAt: Date.UTC(2024, 0, 1) }).entries;
    const newer = onDisk({ ...SPEC, batchId: 'newer', createdAt: Date.UTC(2025, 5, 1) }).entries;
    const edited = { ...newer[0]!, sweep: { ...newer[0]!.sweep!, shape: [9, 2, 2] } };
    const plain = { ...newer[1]!, imageUri: 'file:///elsewhere.png', sweep: undefined };
    const batches = sweepBatches([...older, edited, ...newer.slice(1), plain]);
    // 10 images each; the edited one is left out of 'newer', the one with no sweep is in no batch
    assert.deepEqual(
      batches.map((batch) => [batch.batchId, batch.images.length]),
      [
        ['newer', 9],
        ['older', 10],
      ],
    );
  });

  it('a batch none of whose jobs made an image (all cancelled) is dated by its jobs, not 1970, and named by their prompt', () => {
    const spec = { ...SPEC, batchId: 'cancelled', createdAt: Date.UTC(2026, 11, 1, 13, 25) };
    const jobs = sweepJobRecords(spec, 'file:///w', 'out').map((job) => ({ ...job, status: 'cancelled' as const }));
    const [batch] = sweepBatches([], sweepJobStates(jobs));
    assert.equal(batch!.images.length, 0);
    assert.equal(batch!.createdAt, Date.UTC(2026, 11, 1, 13, 25), 'its earliest job');
    const title = batchTitles([batch!], Date.UTC(2026, 11, 1, 14)).get('cancelled')!;
    assert.match(title, /· a … · steps × cfgScale × thing \(3 × 2 × 2\)$/, title);
    assert.doesNotMatch(title, /1970/);
  });

  it('a sidecar whose sweep does not add up still shows its image, outside any grid', () => {
    const { entries } = onDisk({ ...SPEC, batchId: 'odd', axes: [{ key: 'steps', values: [10] }], failed: [], missing: [] });
    const raw = JSON.parse(readFileSync(new URL(entries[0]!.sidecarUri), 'utf8'));
    raw.sweep.position = [4];
    const read = readSidecar(entries[0]!.sidecarUri, Buffer.from(JSON.stringify(raw)));
    assert.ok(read.ok);
    assert.equal(read.entry.sweep, undefined);
  });
});

describe('laying a batch out', () => {
  const { entries, jobs } = onDisk(SPEC);
  const [batch] = sweepBatches(entries, sweepJobStates(jobs));

  it('puts the first two keys as rows and columns by default, the third as the page', () => {
    const layout = layoutGrid(batch!);
    assert.equal(layout.rows!.key, 'steps');
    assert.deepEqual(layout.rows!.labels, ['10', '20', '30']);
    assert.equal(layout.columns!.key, 'cfgScale');
    assert.deepEqual(layout.columns!.labels, ['5', '7.5']);
    assert.deepEqual(
      layout.pageAxes.map((axis) => [axis.key, axis.labels[axis.index]]),
      [['thing', 'boat']],
    );
    assert.deepEqual(
      layout.cells.map((row) => row.map((cell) => (cell.images.length ? cell.images[0]!.prompt : (cell.job?.status ?? 'no image')))),
      [
        ['a boat at dusk', 'a boat at dusk'],
        ['a boat at dusk', 'failed'],
        ['a boat at dusk', 'a boat at dusk'],
      ],
    );
    assert.match(layout.cells[1]![1]!.job!.message!, /steps out of range/);
    assert.equal(`${layout.filled}/${layout.total}`, '5/6');
  });

  it('takes any two keys, and the page value of the rest; a missing cell is no image and no job', () => {
    const layout = layoutGrid(batch!, { rows: 2, columns: 0, page: [0, 0, 0] });
    assert.equal(layout.rows!.key, 'thing');
    assert.equal(layout.columns!.key, 'steps');
    assert.deepEqual(
      layout.pageAxes.map((axis) => [axis.key, axis.labels[axis.index]]),
      [['cfgScale', '5']],
    );
    const missing = layout.cells[1]![2]!;
    assert.deepEqual(missing.position, [2, 0, 1]);
    assert.equal(missing.images.length, 0);
    assert.equal(missing.job, undefined);
    const present = layout.cells[1]![0]!;
    assert.equal(present.images[0]!.prompt, 'a lighthouse at dusk');
    assert.equal(present.images[0]!.steps, 10);
    assert.equal(present.images[0]!.cfgScale, 5);
    assert.equal(cellLabel(batch!, present.position), 'steps 10 · cfgScale 5 · thing lighthouse');
  });

  it('a cell caption repeats nothing its row head, column head or page already says', () => {
    // three keys: rows, columns and a page name every value of a cell, so its caption is empty and
    // the whole label lives in the image's alt text and tooltip, never cut short in 128 px
    for (const choice of [{}, { rows: 2, columns: 0, page: [0, 0, 0] }, { rows: 1, columns: 2, page: [2, 0, 0] }]) {
      const layout = layoutGrid(batch!, choice);
      for (const cell of layout.cells.flat()) assert.equal(cellCaption(batch!, layout, cell.position), '', JSON.stringify(choice));
    }
    // a layout that left a key unnamed (none does today) would caption that key alone
    const layout = layoutGrid(batch!, { rows: 2, columns: 0, page: [0, 0, 0] });
    const partial = { ...layout, pageAxes: [] };
    assert.equal(cellCaption(batch!, partial, layout.cells[1]![0]!.position), 'cfgScale 5');
    const one = onDisk({ batchId: 'one-key', prompt: 'p', axes: [{ key: 'seed', values: [1, 2] }], size: 8 });
    const [solo] = sweepBatches(one.entries);
    const soloLayout = layoutGrid(solo!);
    assert.equal(cellCaption(solo!, soloLayout, [1]), '', 'one key: the row head says it');
  });

  it('corrects a choice that does not fit the batch: same key twice, out-of-range page, unknown axis', () => {
    assert.deepEqual(normalizeChoice(batch!, { rows: 1, columns: 1, page: [9, 0, -1] }), { rows: 1, columns: 0, page: [0, 0, 0] });
    assert.deepEqual(normalizeChoice(batch!, { rows: 7 }), { rows: 0, columns: 1, page: [0, 0, 0] });
    assert.deepEqual(normalizeChoice(batch!, { columns: 0 }), { rows: 1, columns: 0, page: [0, 0, 0] });
  });

  it('a one-key sweep is one column; a value no file told is labelled by its index', () => {
    const one = onDisk({ batchId: 'one', prompt: 'p', axes: [{ key: 'seed', values: [1, 2, 3] }], size: 8, failed: ['1'] });
    const [solo] = sweepBatches(one.entries);
    const layout = layoutGrid(solo!);
    assert.equal(layout.columns, undefined);
    assert.deepEqual(layout.rows!.labels, ['1', '#2', '3'], 'no image and no job of this window tells the failed cell its value');
    const [withJobs] = sweepBatches(one.entries, sweepJobStates(one.jobs));
    assert.deepEqual(layoutGrid(withJobs!).rows!.labels, ['1', '2', '3'], 'the failed job does');
  });

  it('lays out 400 cells (the most a sweep makes) in well under a frame', () => {
    const images = Array.from({ length: 400 }, (_, i) => ({
      createdAt: i,
      sweep: {
        batchId: 'big',
        keys: ['a', 'b'],
        values: [Math.floor(i / 20), i % 20],
        position: [Math.floor(i / 20), i % 20],
        shape: [20, 20],
      },
    }));
    const started = performance.now();
    const layout = layoutGrid(sweepBatches(images)[0]!);
    const ms = performance.now() - started;
    assert.equal(layout.filled, 400);
    assert.ok(ms < 50, `took ${ms.toFixed(1)} ms`);
  });
});

describe('sharedPrompt', () => {
  it("gives the batch's prompt, or the words its prompts share where a swept variable makes them differ", () => {
    assert.deepEqual(sharedPrompt(['a valley at dusk', 'a valley at dusk']), { text: 'a valley at dusk', varies: false });
    assert.deepEqual(sharedPrompt(['A wide landscape of a quiet valley', 'A wide landscape of a harbour town']), {
      text: 'A wide landscape of a',
      varies: true,
    });
    assert.deepEqual(sharedPrompt(['valley', 'harbour']), { text: '', varies: true });
    assert.deepEqual(sharedPrompt([]), { text: '', varies: false });
  });
});
