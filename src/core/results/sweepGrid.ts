// A sweep's batch as a grid: the images on disk (each sidecar says where in the sweep it sits) and the
// jobs that made no image (failed, still running) grouped by batch, then laid out with two swept keys
// as rows and columns and one value chosen for each other key (a page). Pure: the gallery webview and
// the contact sheet both lay out with it, and node unit-tests it.
import type { SweepCell, SweepValue } from '../generationParams';
import type { SweepJobState } from './sweepJobs';

export type { SweepJobState };

/** An image with its place in a sweep (a gallery asset, a gallery entry). */
export interface SweepImage {
  readonly sweep?: SweepCell;
  /** Which of its job's images it is: a job may make several, all in one cell. */
  readonly index?: number;
  readonly createdAt: number;
}

export interface SweepBatch<T extends SweepImage> {
  readonly batchId: string;
  readonly keys: readonly string[];
  readonly shape: readonly number[];
  /** Each key's values by index; undefined where no image or job of the batch told it. */
  readonly values: readonly (readonly (SweepValue | undefined)[])[];
  readonly images: readonly T[];
  readonly jobs: readonly SweepJobState[];
  /**
   * The earliest image's time: when the batch was made, to name it and list the newest first. Not the
   * newest image's, which a retried cell would move (and the list would reorder under the user). A
   * batch with no image yet (every job cancelled, or still running) takes its earliest job's.
   */
  readonly createdAt: number;
}

/** One key per cell position: `1,0,2`. */
export function positionKey(position: readonly number[]): string {
  return position.join(',');
}

const signature = (cell: SweepCell) => JSON.stringify([cell.keys, cell.shape]);

/**
 * The batches among `images` and `jobs`, newest first. A batch's keys and shape are those most of
 * its members give; a member that disagrees (a hand-edited sidecar) is left out of it.
 */
export function sweepBatches<T extends SweepImage>(images: readonly T[], jobs: readonly SweepJobState[] = []): SweepBatch<T>[] {
  const members = new Map<string, { images: T[]; jobs: SweepJobState[]; votes: Map<string, number> }>();
  const join = (cell: SweepCell) => {
    let batch = members.get(cell.batchId);
    if (!batch) members.set(cell.batchId, (batch = { images: [], jobs: [], votes: new Map() }));
    batch.votes.set(signature(cell), (batch.votes.get(signature(cell)) ?? 0) + 1);
    return batch;
  };
  for (const image of images) if (image.sweep) join(image.sweep).images.push(image);
  for (const job of jobs) join(job.sweep).jobs.push(job);
  const batches = [...members].map(([batchId, batch]): SweepBatch<T> => {
    const winner = [...batch.votes].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
    const fits = (cell: SweepCell) => signature(cell) === winner;
    const batchImages = batch.images.filter((image) => fits(image.sweep!));
    const batchJobs = batch.jobs.filter((job) => fits(job.sweep));
    const [keys, shape] = JSON.parse(winner) as [string[], number[]];
    const values = shape.map((length) => new Array<SweepValue | undefined>(length).fill(undefined));
    for (const cell of [...batchImages.map((image) => image.sweep!), ...batchJobs.map((job) => job.sweep)]) {
      cell.position.forEach((index, axis) => (values[axis]![index] ??= cell.values[axis]));
    }
    return {
      batchId,
      keys,
      shape,
      values,
      images: batchImages,
      jobs: batchJobs,
      createdAt: earliest(batchImages.length ? batchImages.map((image) => image.createdAt) : batchJobs.map((job) => job.createdAt)),
    };
  });
  return batches.sort((a, b) => b.createdAt - a.createdAt || a.batchId.localeCompare(b.batchId));
}

/** The earliest of the known times; 0 when none is known. */
function earliest(times: readonly (number | undefined)[]): number {
  const known = times.filter((time): time is number => time !== undefined);
  return known.length ? Math.min(...known) : 0;
}

/** What the grid shows: which key runs down, which across, and the value index of every other key. */
export interface GridChoice {
  /** Axis (index into keys) for the rows; by default the first key. */
  readonly rows?: number;
  /** Axis for the columns; by default the first other key (none when the sweep has one key: one column). */
  readonly columns?: number;
  /** Value index for each axis, read only for the axes that are neither rows nor columns. */
  readonly page?: readonly number[];
}

export interface GridCell<T extends SweepImage> {
  readonly position: readonly number[];
  /** The cell's images, its job's first (index 0) first. */
  readonly images: readonly T[];
  /** The job of the cell when it has no image: failed, canceled, still running. */
  readonly job?: SweepJobState;
}

export interface GridAxis {
  readonly axis: number;
  readonly key: string;
  readonly labels: readonly string[];
}

export interface GridLayout<T extends SweepImage> {
  readonly rows?: GridAxis;
  readonly columns?: GridAxis;
  /** The other keys, each with the value shown: the page. */
  readonly pageAxes: readonly (GridAxis & { readonly index: number })[];
  /** cells[row][column]. */
  readonly cells: readonly (readonly GridCell<T>[])[];
  /** How many cells have an image, of how many. */
  readonly filled: number;
  readonly total: number;
}

/** A value as a label: as written, or `#3` when nothing in the batch told it. */
export function valueLabel(value: SweepValue | undefined, index: number): string {
  return value === undefined ? `#${index + 1}` : String(value);
}

function gridAxis(batch: SweepBatch<SweepImage>, axis: number | undefined): GridAxis | undefined {
  if (axis === undefined) return undefined;
  return { axis, key: batch.keys[axis]!, labels: batch.values[axis]!.map(valueLabel) };
}

/**
 * The choice made valid for `batch`: rows and columns two different keys (by default the first two, as
 * the file writes them), each page index inside its key's values.
 */
export function normalizeChoice(
  batch: SweepBatch<SweepImage>,
  choice: GridChoice = {},
): GridChoice & { readonly rows: number; readonly page: readonly number[] } {
  const axes = batch.keys.length;
  const valid = (axis: number | undefined) => (axis !== undefined && Number.isInteger(axis) && axis >= 0 && axis < axes ? axis : undefined);
  const wantedColumns = valid(choice.columns);
  const rows = valid(choice.rows) ?? (wantedColumns === 0 && axes > 1 ? 1 : 0);
  const columns =
    wantedColumns !== undefined && wantedColumns !== rows ? wantedColumns : [...Array(axes).keys()].find((axis) => axis !== rows);
  const page = batch.shape.map((length, axis) => {
    const index = choice.page?.[axis] ?? 0;
    return Number.isInteger(index) && index >= 0 && index < length ? index : 0;
  });
  return { rows, columns, page };
}

/** Lays out one page of `batch`: the cells of the rows × columns keys at the page's other values. */
export function layoutGrid<T extends SweepImage>(batch: SweepBatch<T>, choice: GridChoice = {}): GridLayout<T> {
  const { rows, columns, page } = normalizeChoice(batch, choice);
  const byPosition = new Map<string, T[]>();
  for (const image of batch.images) {
    const key = positionKey(image.sweep!.position);
    byPosition.set(key, [...(byPosition.get(key) ?? []), image]);
  }
  const jobByPosition = new Map(batch.jobs.map((job) => [positionKey(job.sweep.position), job]));
  const rowCount = batch.shape[rows]!;
  const columnCount = columns === undefined ? 1 : batch.shape[columns]!;
  let filled = 0;
  const cells = Array.from({ length: rowCount }, (_, row) =>
    Array.from({ length: columnCount }, (_, column) => {
      const position = page.map((index, axis) => (axis === rows ? row : axis === columns ? column : index));
      const key = positionKey(position);
      const images = (byPosition.get(key) ?? []).sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
      if (images.length > 0) filled++;
      return { position, images, job: images.length ? undefined : jobByPosition.get(key) };
    }),
  );
  return {
    rows: gridAxis(batch, rows),
    columns: gridAxis(batch, columns),
    pageAxes: batch.keys.flatMap((_, axis) =>
      axis === rows || axis === columns ? [] : [{ ...gridAxis(batch, axis)!, index: page[axis]! }],
    ),
    cells,
    filled,
    total: rowCount * columnCount,
  };
}

/**
 * What a cell's caption adds to its row head, its column head and the page: the values of the keys
 * none of them names, `''` when they name every key (as a layout of two or more keys always does). The
 * cell's whole label (cellLabel) stays its image's alt text and tooltip.
 */
export function cellCaption(batch: SweepBatch<SweepImage>, layout: GridLayout<SweepImage>, position: readonly number[]): string {
  const said = new Set([layout.rows?.axis, layout.columns?.axis, ...layout.pageAxes.map((axis) => axis.axis)]);
  return cellLabel(batch, position, (axis) => !said.has(axis));
}

/** `steps 20 · cfgScale 7`: a cell's values (those of the axes `shown`), as its label and its lightbox step order use them. */
export function cellLabel(batch: SweepBatch<SweepImage>, position: readonly number[], shown = (_axis: number) => true): string {
  return batch.keys
    .flatMap((key, axis) => (shown(axis) ? [`${key} ${valueLabel(batch.values[axis]![position[axis]!], position[axis]!)}`] : []))
    .join(' · ');
}

/**
 * What the prompts of a batch's images share, cut at a word: all of it when they are one prompt; where
 * a swept {{variable}} makes them differ, the part before it, so a title never shows one cell's prompt
 * as the batch's.
 */
export function sharedPrompt(prompts: readonly string[]): { readonly text: string; readonly varies: boolean } {
  const [first = ''] = prompts;
  let length = first.length;
  for (const prompt of prompts) {
    let same = 0;
    while (same < length && prompt[same] === first[same]) same++;
    length = same;
  }
  if (length === first.length && prompts.every((prompt) => prompt.length === length)) return { text: first, varies: false };
  const cut = first.slice(0, length);
  const word = cut.lastIndexOf(' ');
  return { text: (word > 0 ? cut.slice(0, word) : cut).trim(), varies: true };
}
