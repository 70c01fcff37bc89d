// What the gallery shows of its images: sorted, filtered, and compared. Pure functions of the assets,
// run in the webview and unit-tested with node.
import { formatClock } from '../core/jobModel';
import { sharedPrompt, type SweepBatch, type SweepImage } from '../core/results/sweepGrid';
import type { GalleryAsset, GallerySort } from './webviewProtocol';

export const SORTS: readonly { readonly value: GallerySort; readonly label: string }[] = [
  { value: 'newest', label: 'Newest first' },
  { value: 'oldest', label: 'Oldest first' },
  { value: 'prompt', label: 'Prompt A–Z' },
  { value: 'model', label: 'Model A–Z' },
];

export function isSort(value: unknown): value is GallerySort {
  return SORTS.some((sort) => sort.value === value);
}

const byText = (a: string, b: string) => a.localeCompare(b, undefined, { sensitivity: 'base', numeric: true });

/** A sorted copy; ties fall back to newest first, then the path, so the order is stable. */
export function sortAssets(assets: readonly GalleryAsset[], sort: GallerySort): GalleryAsset[] {
  const newest = (a: GalleryAsset, b: GalleryAsset) => b.createdAt - a.createdAt || byText(a.path, b.path);
  const compare: Record<GallerySort, (a: GalleryAsset, b: GalleryAsset) => number> = {
    newest,
    oldest: (a, b) => a.createdAt - b.createdAt || byText(a.path, b.path),
    prompt: (a, b) => byText(a.prompt, b.prompt) || newest(a, b),
    model: (a, b) => byText(a.model, b.model) || newest(a, b),
  };
  return [...assets].sort(compare[sort]);
}

/** Every word of the filter must appear in the prompt, negative prompt, model, seed, sampler or path. */
export function matchesFilter(asset: GalleryAsset, filter: string): boolean {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack = [asset.prompt, asset.negativePrompt, asset.model, asset.provider, asset.sampler, asset.path, asset.seed]
    .filter((part) => part !== undefined)
    .join('\n')
    .toLowerCase();
  return words.every((word) => haystack.includes(word));
}

/** The parameters shown side by side, in this order. */
export const COMPARED: readonly {
  readonly key: string;
  readonly label: string;
  readonly value: (asset: GalleryAsset) => string;
  readonly identity?: boolean;
}[] = [
  { key: 'prompt', label: 'Prompt', value: (a) => a.prompt },
  { key: 'negativePrompt', label: 'Negative', value: (a) => a.negativePrompt ?? '' },
  { key: 'model', label: 'Model', value: (a) => a.model },
  { key: 'seed', label: 'Seed', value: (a) => (a.seed === undefined ? '' : String(a.seed)) },
  { key: 'size', label: 'Size', value: (a) => (a.width && a.height ? `${a.width}×${a.height}` : '') },
  { key: 'steps', label: 'Steps', value: (a) => (a.steps === undefined ? '' : String(a.steps)) },
  { key: 'cfgScale', label: 'CFG', value: (a) => (a.cfgScale === undefined ? '' : String(a.cfgScale)) },
  { key: 'sampler', label: 'Sampler', value: (a) => a.sampler ?? '' },
  // every image has its own file: shown for reference, never counted or highlighted as a difference
  { key: 'path', label: 'File', value: (a) => a.path, identity: true },
];

export interface ComparedRow {
  readonly key: string;
  readonly label: string;
  readonly values: readonly string[];
  /** Not the same for every image compared: the row to highlight. */
  readonly differs: boolean;
}

/** One row a parameter, one value an image; rows no image has are left out. */
export function compareAssets(assets: readonly GalleryAsset[]): ComparedRow[] {
  return COMPARED.map(({ key, label, value, identity }) => {
    const values = assets.map(value);
    return { key, label, values, differs: !identity && new Set(values).size > 1 };
  }).filter((row) => row.values.some(Boolean));
}

/** The index `step` away from `index` in a list of `length`, wrapping around. */
export function stepIndex(index: number, step: number, length: number): number {
  return length === 0 ? -1 : (((index + step) % length) + length) % length;
}

/**
 * The grid list's name for each batch (by id): when it was made, its prompt, its keys and shape.
 * Batches that would read alike (a sweep run again within the minute, or later the same day) are
 * told apart by the second they were made, then by their order: a review ran one sweep four times and
 * got four entries that differed by a minute at most.
 */
export function batchTitles<T extends SweepImage & Pick<GalleryAsset, 'prompt'>>(
  batches: readonly SweepBatch<T>[],
  now = Date.now(),
): Map<string, string> {
  const titles = new Map(batches.map((batch) => [batch.batchId, batchTitle(batch, now, false)]));
  const alike = (title: string) => batches.filter((batch) => titles.get(batch.batchId) === title);
  const repeated = batches.filter((batch) => alike(titles.get(batch.batchId)!).length > 1);
  for (const batch of repeated) titles.set(batch.batchId, batchTitle(batch, now, true));
  for (const title of new Set(titles.values())) {
    const same = alike(title).sort((a, b) => a.createdAt - b.createdAt || (a.batchId < b.batchId ? -1 : 1));
    if (same.length > 1) same.forEach((batch, index) => titles.set(batch.batchId, `${title} · run ${index + 1} of ${same.length}`));
  }
  return titles;
}

function batchTitle<T extends SweepImage & Pick<GalleryAsset, 'prompt'>>(batch: SweepBatch<T>, now: number, seconds: boolean): string {
  // a batch with no image yet (every job cancelled) is named by its jobs' prompts
  const shared = sharedPrompt(
    batch.images.length ? batch.images.map((image) => image.prompt) : batch.jobs.flatMap((job) => job.prompt ?? []),
  );
  const prompt = shared.text.length > 30 ? `${shared.text.slice(0, 30)}…` : shared.varies && shared.text ? `${shared.text} …` : shared.text;
  const made = new Date(batch.createdAt);
  // the Jobs view's clock (24-hour), not the locale's: "09:52 PM" here beside "21:52:06" there
  const time = formatClock(batch.createdAt, { seconds });
  const when = made.toDateString() === new Date(now).toDateString() ? time : `${made.toLocaleDateString()} ${time}`;
  return `${when} · ${prompt ? `${prompt} · ` : ''}${batch.keys.join(' × ')} (${batch.shape.join(' × ')})`;
}
