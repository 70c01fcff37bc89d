// What the gallery shows of a job and which saved asset a gallery request means. Plain data in and
// out (no vscode), so it is unit-tested with node.
import { fullModelName, type JobRecord, type SavedAsset } from '../core/jobModel';
import type { GalleryAsset } from '../shared/webviewProtocol';

/** The gallery shows images only; a job may also have saved videos. */
export function isGalleryImage(asset: SavedAsset): boolean {
  return asset.mimeType.startsWith('image/');
}

/** The job's images as gallery cards; `src` gives the webview URI of a saved file. */
export function galleryAssets(job: JobRecord, src: (asset: SavedAsset) => string): GalleryAsset[] {
  const { params } = job.request;
  return job.assets.filter(isGalleryImage).map((asset) => ({
    key: `${job.id}/${asset.path}`,
    jobId: job.id,
    src: src(asset),
    path: asset.path,
    prompt: job.request.prompt,
    negativePrompt: params.negativePrompt,
    model: fullModelName(job.request),
    seed: asset.seed,
    width: asset.width,
    height: asset.height,
    steps: params.steps,
    cfgScale: params.cfgScale,
    sampler: params.sampler,
    createdAt: job.finishedAt ?? job.createdAt,
  }));
}

/**
 * The saved image a card's request acts on, with its index in the job's full asset list (what
 * insertAsset takes). Found by path, not by position: the gallery lists images only, so a card's
 * position differs from the asset's once a job saved anything else before it.
 */
export function requestedAsset(
  job: JobRecord,
  request: { readonly path: string },
): { readonly asset: SavedAsset; readonly index: number } | undefined {
  const index = job.assets.findIndex((asset) => asset.path === request.path && isGalleryImage(asset));
  return index === -1 ? undefined : { asset: job.assets[index]!, index };
}
