// What the gallery shows of its images: sorted, filtered, and compared. Pure functions of the assets,
// run in the webview and unit-tested with node.
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
