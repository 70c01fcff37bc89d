// A sweep's batch as a grid: two swept keys as rows and columns, one value picked for each other key
// (the page); the heads and the page say a cell's values, its alt text and tooltip say them all. A cell without an image says why: the job failed
// (with its message), is still on its way, or there is simply no image for it on disk.
import type { GalleryAsset } from '../../src/shared/webviewProtocol';
import {
  cellCaption,
  cellLabel,
  layoutGrid,
  type GridCell,
  type GridChoice,
  type GridLayout,
  type SweepBatch,
} from '../../src/core/results/sweepGrid';
import { button, element, lazyImage } from './dom';

export interface SweepGridHandlers {
  /** Shows `asset` large (the lightbox steps through the page's images, row by row: pageImages). */
  view(asset: GalleryAsset): void;
  choose(choice: GridChoice): void;
  saveContactSheet(choice: GridChoice, status: HTMLElement): void;
}

const JOB_STATES: Readonly<Record<string, string>> = {
  failed: 'failed',
  cancelled: 'cancelled',
  expired: 'expired',
};

/** A select of the batch's keys; `except` is the key the other select took. */
function keySelect(label: string, keys: readonly string[], value: number | undefined, onChange: (axis: number) => void): HTMLElement {
  const select = element(
    'select',
    { ariaLabel: label, title: label },
    keys.map((key, axis) => element('option', { value: String(axis), textContent: key, selected: axis === value })),
  );
  select.addEventListener('change', () => onChange(Number(select.value)));
  return element('label', { className: 'grid-control' }, [`${label} `, select]);
}

function cellView(
  batch: SweepBatch<GalleryAsset>,
  layout: GridLayout<GalleryAsset>,
  cell: GridCell<GalleryAsset>,
  open: (asset: GalleryAsset) => void,
): HTMLElement {
  // the whole label for a screen reader and the tooltip; on screen, only what the heads and page do not say
  const label = cellLabel(batch, cell.position);
  const text = cellCaption(batch, layout, cell.position);
  const caption = text ? [element('figcaption', { textContent: text })] : [];
  const [first] = cell.images;
  if (first) {
    const image = lazyImage(first.src, { alt: label, title: `${label}\n${first.path}`, tabIndex: 0 });
    if (first.width && first.height) Object.assign(image, { width: first.width, height: first.height });
    image.addEventListener('click', () => open(first));
    image.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        open(first);
      }
    });
    const more = cell.images.length > 1 ? [element('span', { className: 'cell-more', textContent: `+${cell.images.length - 1}` })] : [];
    return element('figure', { className: 'cell' }, [image, ...more, ...caption]);
  }
  const failed = cell.job && JOB_STATES[cell.job.status];
  const state = failed ?? (cell.job ? `${cell.job.status}…` : 'no image');
  const placeholder = element('div', {
    className: `cell-empty ${failed ? 'failed' : cell.job ? 'pending' : 'missing'}`,
    textContent: state,
  });
  placeholder.title = cell.job?.message ? `${label}\n${state}: ${cell.job.message}` : `${label}\n${state}`;
  return element('figure', { className: 'cell' }, [placeholder, ...caption]);
}

/** The images of a page of the grid, row by row: what the lightbox steps through. */
export function pageImages(batch: SweepBatch<GalleryAsset>, choice: GridChoice): GalleryAsset[] {
  return layoutGrid(batch, choice).cells.flatMap((row) => row.flatMap((cell) => cell.images));
}

/** The grid of `batch` as `choice` says; returns the section to show in place of the cards. */
export function sweepGrid(batch: SweepBatch<GalleryAsset>, choice: GridChoice, on: SweepGridHandlers): HTMLElement {
  const layout = layoutGrid(batch, choice);
  const page = layout.pageAxes;
  const current = {
    rows: layout.rows!.axis,
    columns: layout.columns?.axis,
    page: batch.shape.map((_, axis) => page.find((p) => p.axis === axis)?.index ?? 0),
  };
  const controls: HTMLElement[] = [
    keySelect('Rows', batch.keys, current.rows, (rows) =>
      on.choose({ ...current, rows, columns: rows === current.columns ? current.rows : current.columns }),
    ),
  ];
  if (layout.columns) {
    controls.push(
      keySelect('Columns', batch.keys, current.columns, (columns) =>
        on.choose({ ...current, columns, rows: columns === current.rows ? current.columns! : current.rows }),
      ),
    );
  }
  for (const axis of page) {
    const select = element(
      'select',
      { ariaLabel: axis.key, title: `Page: ${axis.key}` },
      axis.labels.map((text, index) => element('option', { value: String(index), textContent: text, selected: index === axis.index })),
    );
    select.addEventListener('change', () =>
      on.choose({ ...current, page: current.page.map((index, a) => (a === axis.axis ? Number(select.value) : index)) }),
    );
    controls.push(element('label', { className: 'grid-control page' }, [`${axis.key} `, select]));
  }
  const status = element('span', { className: 'status', role: 'status' });
  const save = button('Save contact sheet', 'Write this page of the grid as one labelled PNG, with a sidecar listing every cell', () =>
    on.saveContactSheet(current, status),
  );
  // a sweep none of whose jobs made an image (cancelled, failed, still running) has nothing to put on a sheet
  if (!batch.images.length) {
    save.disabled = true;
    save.title = 'No image of this sweep yet: its jobs were cancelled, failed or are still running';
  }
  const summary = element('span', { className: 'count', textContent: `${layout.filled} of ${layout.total} cells have an image` });

  const open = (asset: GalleryAsset) => on.view(asset);
  const columns = layout.columns?.labels ?? [''];
  const table = element('div', { className: 'sweep-grid', role: 'grid', ariaLabel: `Sweep ${batch.keys.join(' × ')}` });
  table.style.setProperty('--columns', String(columns.length));
  const corner = element('div', {
    className: 'corner',
    textContent: layout.columns ? `${layout.rows!.key} ╲ ${layout.columns.key}` : layout.rows!.key,
  });
  const nodes: HTMLElement[] = [
    corner,
    ...columns.map((text) =>
      element('div', { className: 'column-head', textContent: text, title: layout.columns ? `${layout.columns.key} ${text}` : '' }),
    ),
  ];
  layout.cells.forEach((row, r) => {
    const text = layout.rows!.labels[r]!;
    nodes.push(element('div', { className: 'row-head', textContent: text, title: `${layout.rows!.key} ${text}` }));
    for (const cell of row) nodes.push(cellView(batch, layout, cell, open));
  });
  table.append(...nodes);
  const widest = widestWord([corner.textContent ?? '', ...layout.rows!.labels]);
  if (widest) table.style.setProperty('--heads-word', `${widest}px`);
  return element('section', { className: 'sweep' }, [
    element('div', { className: 'grid-controls' }, [...controls, summary, save, status]),
    element('div', { className: 'sweep-scroll' }, [table]),
  ]);
}

/** A row head's column is never narrower than this, whatever the panel: wider, a word would break mid-way. */
const HEADS_WORD_MAX_PX = 200;
/** The heads' horizontal padding (gallery.css), and a pixel for rounding. */
const HEADS_PADDING_PX = 13;

/**
 * The width of the longest word in the heads' column, in the heads' bold font: the column widens to
 * it (gallery.css's --heads-word) rather than break "lighthouse" as "lightho / use". Measured on a
 * canvas, as the heads are built before they are laid out; 0 where the webview cannot measure.
 */
function widestWord(texts: readonly string[]): number {
  const context = document.createElement('canvas').getContext('2d');
  if (!context) return 0;
  const style = getComputedStyle(document.body);
  context.font = `600 ${style.fontSize} ${style.fontFamily}`;
  let widest = 0;
  for (const text of texts) for (const word of text.split(/\s+/)) widest = Math.max(widest, context.measureText(word).width);
  return widest && Math.min(HEADS_WORD_MAX_PX, Math.ceil(widest) + HEADS_PADDING_PX);
}
