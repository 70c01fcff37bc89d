// What the gallery shows: a card for each image on disk (from its sidecar), and the jobs of this
// window still on their way. Plain data in and out (no vscode), so it is unit-tested with node.
import { fullModelName, imageCount, isTerminal, type JobRecord } from '../core/jobModel';
import type { GalleryEntry } from '../core/results/galleryIndex';
import { upscaleProvider } from '../core/results/sourceImage';
import { sortAssets } from '../shared/galleryView';
import { GALLERY_FIRST_PAGE, GALLERY_MORE_PAGE, type GalleryAsset, type GalleryLiveJob, type GallerySort } from '../shared/webviewProtocol';

/** Who came from whom among the listed images: source URI → URIs of the images made from it, newest first. */
export function lineage(entries: readonly GalleryEntry[]): Map<string, string[]> {
  const listed = new Set(entries.map((entry) => entry.imageUri));
  const derived = new Map<string, string[]>();
  const newestFirst = [...entries].sort((a, b) => b.createdAt - a.createdAt);
  for (const entry of newestFirst) {
    const source = entry.derivedFrom?.uri;
    if (!source || !listed.has(source) || source === entry.imageUri) continue;
    derived.set(source, [...(derived.get(source) ?? []), entry.imageUri]);
  }
  return derived;
}

/** How a card links its lineage and what it offers; `trusted`: non-Sandbox providers may be asked (restricted mode). */
export interface AssetContext {
  readonly lineage?: ReadonlyMap<string, readonly string[]>;
  readonly listed?: (uri: string) => boolean;
  readonly trusted?: boolean;
  /** Whether an image's file can go to the trash (services/trash.ts), by its URI. */
  readonly trashable?: (uri: string) => boolean;
}

/** A card for an indexed image; `src` is its webview URI, `path` how the workspace names it. */
export function galleryAsset(entry: GalleryEntry, src: string, path: string, context: AssetContext = {}): GalleryAsset {
  const provider = upscaleProvider(entry);
  const source = entry.derivedFrom;
  const derived = context.lineage?.get(entry.imageUri);
  return {
    uri: entry.imageUri,
    src,
    path,
    prompt: entry.prompt,
    negativePrompt: entry.negativePrompt,
    model: entry.model,
    provider: entry.provider,
    jobId: entry.jobId,
    seed: entry.seed,
    width: entry.width,
    height: entry.height,
    steps: entry.steps,
    cfgScale: entry.cfgScale,
    sampler: entry.sampler,
    createdAt: entry.createdAt,
    ...(source
      ? { derivedFrom: { operation: source.operation, file: source.file, ...(context.listed?.(source.uri) ? { uri: source.uri } : {}) } }
      : {}),
    ...(derived?.length ? { derived } : {}),
    ...(provider === 'sandbox' || (provider && context.trusted !== false) ? { canUpscale: true } : {}),
    ...(context.trashable?.(entry.imageUri) ? { canTrash: true } : {}),
    index: entry.index,
    sweep: entry.sweep,
  };
}

/** Jobs not yet finished, newest first: the live state job history adds to the files on disk. */
export function liveJobs(jobs: readonly JobRecord[]): GalleryLiveJob[] {
  return jobs
    .filter((job) => !isTerminal(job.status))
    .sort((a, b) => b.createdAt - a.createdAt)
    .map((job) => ({
      jobId: job.id,
      prompt: job.request.prompt,
      model: fullModelName(job.request),
      status: job.status,
      count: imageCount(job.request.params),
    }));
}

/**
 * The images in the order the page sorts them, in pages: the first page (the page's first screen)
 * for the `assets` message, then the rest for `moreAssets` messages.
 */
export function assetPages(
  assets: readonly GalleryAsset[],
  sort: GallerySort,
  first = GALLERY_FIRST_PAGE,
  more = GALLERY_MORE_PAGE,
): GalleryAsset[][] {
  const sorted = sortAssets(assets, sort);
  const pages = [sorted.slice(0, first)];
  for (let start = first; start < sorted.length; start += more) pages.push(sorted.slice(start, start + more));
  return pages;
}

/** `folder` with its trailing slash, so `/a/b/` is not taken for a folder under `/a/bc/`. */
const asFolder = (folder: string) => (folder.endsWith('/') ? folder : `${folder}/`);

/**
 * The folders (URI strings) the webview may load images from: `current` itself while it covers every
 * folder of `needed`, else the fewest folders covering both. Changing a webview's roots reloads its
 * page, so they only grow while a panel is open, and a folder under one already there adds nothing.
 */
export function resourceRoots(current: readonly string[], needed: readonly string[]): readonly string[] {
  const covered = (folder: string, roots: readonly string[]) => roots.some((root) => asFolder(folder).startsWith(asFolder(root)));
  if (needed.every((folder) => covered(folder, current))) return current;
  const all = [...new Set([...current, ...needed])].sort((a, b) => a.length - b.length || a.localeCompare(b));
  const roots: string[] = [];
  for (const folder of all) if (!covered(folder, roots)) roots.push(folder);
  return roots.sort();
}
